"""What the networks make of a drawn digit: every network's feature maps and class probabilities.

``drawing_state(nets, x)`` runs the preprocessed drawing ``x`` (28, 28) through each network (a
``TrainedNet``: the network and whether it learned from centred images) and returns a
``DrawingState``; ``plot_drawing(state)`` draws one row per network: the maps of each layer with
image-shaped output, then a bar chart of the probabilities. The draw-a-digit widget of
``cnnlib.widgets`` keeps a ``DrawingView`` of the figure and only updates it.
"""

from dataclasses import dataclass

import numpy as np

from cnnlib.activations import softmax
from cnnlib.handwriting import FRAME
from cnnlib.layers import Dropout, ReLU, Sigmoid, Tanh, layer_outputs
from cnnlib.plotting.mosaic import Mosaic
from cnnlib.plotting.style import TICK_SIZE, WIDGET_WIDTH, bare_axes, color_limits, new_figure, set_scale

#: The picture's height per network, in inches: two networks make it 518 pixels high at the widgets' 72 dpi.
HEIGHT_PER_NET = 3.6


#: Elementwise activations: shown with the layer before them, as one stage.
ELEMENTWISE = (ReLU, Sigmoid, Tanh)


@dataclass(frozen=True)
class TrainedNet:
    """A network to show a drawing to: ``net`` (a ``Sequential``) and ``centered``, True when it was
    trained on images centred on [-0.5, 0.5] (the pooling net of notebook 05) rather than [0, 1] (LeNet,
    the kernel net)."""

    net: object
    centered: bool = False


@dataclass(frozen=True)
class NetworkResponse:
    """One network's response to one input: maps ((layer name, (K, H', W')), ...), probs (classes,)."""

    name: str
    maps: tuple
    probs: np.ndarray


@dataclass(frozen=True)
class DrawingState:
    """x: (28, 28) the preprocessed drawing in [0, 1]; drawn: False for an empty canvas;
    responses: a ``NetworkResponse`` per network."""

    x: np.ndarray
    drawn: bool
    responses: tuple


def check_nets(nets):
    """``nets`` if it is a non-empty dict {name: TrainedNet} of networks with layers."""
    if not isinstance(nets, dict) or not nets:
        raise ValueError(f"nets must be a non-empty dict {{name: TrainedNet(net, centered)}}, got {nets!r:.80}")
    for name, entry in nets.items():
        ok = isinstance(entry, TrainedNet) and hasattr(entry.net, "layers") and isinstance(entry.centered, bool)
        if not ok:
            raise ValueError(f"nets[{name!r}] must be a TrainedNet(a cnnlib Sequential, centered=True/False), "
                             f"got {entry!r:.80}")
    return nets


def _net_dtype(net):
    """The dtype of the network's weights (float32 if it has none)."""
    params = [p for layer in net.layers for p in getattr(layer, "params", {}).values()]
    return params[0].dtype if params else np.dtype(np.float32)


def network_response(name, trained, x):
    """Run x (28, 28) in [0, 1] through ``trained.net`` in test mode (minus 0.5 first if ``trained.centered``),
    in the dtype of its weights.

    Keeps the output of every stage that gives a stack of maps (K, H', W'): a layer followed by an
    elementwise activation (Conv2D then ReLU) is one stage, shown after the activation; Dropout, which
    test mode skips, is none. probs are the softmax of the last layer's output. Returns a ``NetworkResponse``
    whose maps are ((stage name, (K, H', W')), ...), e.g. ("0–1: Conv2D + ReLU", (8, 26, 26)).
    """
    net = trained.net
    x = (x - 0.5 if trained.centered else x).astype(_net_dtype(net))[None, None]  # (1, 1, 28, 28), as trained
    maps, out, previous = [], x, None
    for i, (layer, out) in enumerate(zip(net.layers, layer_outputs(net.layers, x))):
        if out.ndim == 4 and not isinstance(layer, Dropout):
            out64 = np.asarray(out[0], dtype=np.float64)
            if isinstance(layer, ELEMENTWISE) and previous == i - 1:
                first, kind = maps[-1][0].split(": ")
                maps[-1] = (f"{first}–{i}: {kind} + {type(layer).__name__}", out64)
            else:
                maps.append((f"{i}: {type(layer).__name__}", out64))
            previous = i
    if out.ndim != 2:
        raise ValueError(f"network {name!r} must end with class scores (1, classes), got shape {out.shape}")
    return NetworkResponse(name=name, maps=tuple(maps), probs=softmax(np.asarray(out, dtype=np.float64))[0])


def drawing_state(nets, x, drawn=True):
    """Every network's response to x (28, 28): nets = {name: TrainedNet}. Returns a ``DrawingState``."""
    check_nets(nets)
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (FRAME, FRAME):
        raise ValueError(f"x must be a preprocessed drawing of shape (28, 28), got shape {x.shape}")
    responses = tuple(network_response(name, trained, x) for name, trained in nets.items())
    return DrawingState(x=x, drawn=bool(drawn), responses=responses)


def describe_prediction(response):
    """'pooling CNN: 7 (93%)'."""
    best = int(np.argmax(response.probs))
    return f"{response.name}: {best} ({100 * response.probs[best]:.0f}%)"


def drawing_figsize(num_nets):
    """The picture's size in inches for ``num_nets`` networks."""
    return WIDGET_WIDTH, HEIGHT_PER_NET * num_nets


class DrawingView:
    """One row per network: its stages' maps (one colour scale per stage, the row's width shared among
    them) and a bar chart of the class probabilities, updated in place (the structure is fixed by the
    networks)."""

    def __init__(self, fig, state):
        self.fig = fig
        self.layout = self._layout(state)
        grid = fig.add_gridspec(len(state.responses), 2, width_ratios=[12, 2], left=0.01, right=0.99, top=0.94,
                                bottom=0.05, wspace=0.06, hspace=0.25)
        self.mosaics, self.bars, self.dynamic = [], [], []
        for row, response in enumerate(state.responses):
            mosaics = []
            panels = grid[row, 0].subgridspec(1, len(response.maps), wspace=0.08)
            for col, (stage, maps) in enumerate(response.maps):
                ax = fig.add_subplot(panels[0, col])
                mosaics.append(Mosaic(ax, maps))  # as many maps per row as draw them largest
                bare_axes(ax)
                ax.set_title(f"{stage} ({maps.shape[0]} maps)", fontsize=TICK_SIZE)
                self.dynamic.append(mosaics[-1].im)
            ax = fig.add_subplot(grid[row, 1])
            bars = ax.bar(np.arange(response.probs.size), np.zeros(response.probs.size))
            ax.set_ylim(0, 1)
            ax.set_xticks(np.arange(response.probs.size))
            ax.tick_params(labelsize=TICK_SIZE)
            ax.set_title(f"{response.name}: p(digit)", fontsize=TICK_SIZE)
            self.mosaics.append(mosaics)
            self.bars.append(bars)
            self.dynamic += list(bars.patches)
        self.slow = []
        self.slow_key = self.static_key = None
        self.update(state)

    @staticmethod
    def _layout(state):
        return tuple((r.name, tuple((n, m.shape) for n, m in r.maps)) for r in state.responses)

    def fits(self, state):
        """True for a state of the same networks (same layers and shapes)."""
        return self._layout(state) == self.layout

    def update(self, state):
        for response, mosaics, bars in zip(state.responses, self.mosaics, self.bars):
            for mosaic, (_, maps) in zip(mosaics, response.maps):
                mosaic.update(maps)
                set_scale(mosaic.im, *color_limits(maps))
            best = int(np.argmax(response.probs))
            for i, (bar, p) in enumerate(zip(bars.patches, response.probs)):
                bar.set_height(p)
                bar.set_color("tab:orange" if i == best and state.drawn else "tab:blue")


def plot_drawing(state, fig=None):
    """Draw ``DrawingState``: every network's maps and probabilities, one row each. Returns the Figure."""
    fig = new_figure(drawing_figsize(len(state.responses)), fig)
    DrawingView(fig, state)
    return fig
