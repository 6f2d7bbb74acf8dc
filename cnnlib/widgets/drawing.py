"""Draw a digit and watch the networks think: a canvas (ipycanvas), the 28x28 input, live predictions.

``draw_a_digit({"pooling CNN": (net, True), "kernel net": (kernel_net, False)})`` shows a canvas to
draw on with the mouse or a finger, Undo and Clear buttons, and next to it the drawing as the
networks see it (``cnnlib.drawing``: cropped, scaled to 20 pixels, centred by mass in 28x28). Each
time a stroke ends, every network's feature maps (each layer with image-shaped output) and its
class probabilities are redrawn below. The ``bool`` after each network says whether it was trained
on images centred on [-0.5, 0.5] (the pooling net) rather than [0, 1].

The picture is a plain figure (``DrawingView`` of a ``drawing_state``): tests and
``bench/drawing.py`` draw it without a browser. Callbacks never print; the strokes travel from the
browser to the kernel as ipycanvas mouse/touch events, and the canvas is painted from the kernel.
"""

import io
from dataclasses import dataclass

import ipywidgets as widgets
import numpy as np
import PIL.Image
from ipycanvas import Canvas, hold_canvas

from cnnlib.activations import softmax
from cnnlib.drawing import FRAME, has_ink, mnist_preprocess, strokes_to_image
from cnnlib.layers import Dropout, layer_outputs
from cnnlib.plotting.mosaic import Mosaic
from cnnlib.plotting.style import TICK_SIZE, WIDGET_WIDTH, bare_axes, color_limits, set_scale
from cnnlib.widgets.base import PictureWidget, big_label

#: The picture's height per network, in inches: two networks make it 518 pixels high at the widgets' 72 dpi.
WIDTH, HEIGHT_PER_NET = WIDGET_WIDTH, 3.6


@dataclass(frozen=True)
class NetView:
    """One network's reaction to one input: maps ((layer name, (K, H', W')), ...), probs (classes,)."""

    name: str
    maps: tuple
    probs: np.ndarray


@dataclass(frozen=True)
class DrawingState:
    """x: (28, 28) the preprocessed drawing in [0, 1]; drawn: False for an empty canvas; views: NetView each."""

    x: np.ndarray
    drawn: bool
    views: tuple


def _check_nets(nets):
    if not isinstance(nets, dict) or not nets:
        raise ValueError(f"nets must be a non-empty dict {{name: (net, centered)}}, got {nets!r:.80}")
    for name, entry in nets.items():
        ok = isinstance(entry, tuple) and len(entry) == 2 and hasattr(entry[0], "layers") \
            and isinstance(entry[1], bool)
        if not ok:
            raise ValueError(f"nets[{name!r}] must be (a cnnlib Sequential, centered: bool), got {entry!r:.80}")
    return nets


def network_view(name, net, x, centered=False):
    """Run x (28, 28) in [0, 1] through ``net`` in test mode (minus 0.5 first if ``centered``).

    Keeps every layer's output that is a stack of maps (K, H', W') (not Dropout, which test mode
    skips); probs are the softmax of the last layer's output. Returns a ``NetView``.
    """
    x = (x - 0.5 if centered else x).astype(np.float32)[None, None]  # (1, 1, 28, 28), as trained
    maps, out = [], x
    for i, (layer, out) in enumerate(zip(net.layers, layer_outputs(net.layers, x))):
        if out.ndim == 4 and not isinstance(layer, Dropout):
            maps.append((f"{i}: {type(layer).__name__}", np.asarray(out[0], dtype=np.float64)))
    if out.ndim != 2:
        raise ValueError(f"network {name!r} must end with class scores (1, classes), got shape {out.shape}")
    return NetView(name=name, maps=tuple(maps), probs=softmax(np.asarray(out, dtype=np.float64))[0])


def drawing_state(nets, x, drawn=True):
    """Every network's view of x (28, 28): nets = {name: (net, centered)}. Returns a ``DrawingState``."""
    _check_nets(nets)
    x = np.asarray(x, dtype=np.float64)
    if x.shape != (FRAME, FRAME):
        raise ValueError(f"x must be a preprocessed drawing of shape (28, 28), got shape {x.shape}")
    views = tuple(network_view(name, net, x, centered) for name, (net, centered) in nets.items())
    return DrawingState(x=x, drawn=bool(drawn), views=views)


def describe_prediction(view):
    """'pooling CNN: 7 (93%)'."""
    best = int(np.argmax(view.probs))
    return f"{view.name}: {best} ({100 * view.probs[best]:.0f}%)"


class DrawingView:
    """One row per network: its layers' maps (one colour scale per layer) and a bar chart of the
    class probabilities, updated in place (the structure is fixed by the networks)."""

    def __init__(self, fig, state):
        self.fig = fig
        self.layout = tuple((v.name, tuple((n, m.shape) for n, m in v.maps)) for v in state.views)
        columns = max(len(v.maps) for v in state.views)
        grid = fig.add_gridspec(len(state.views), columns + 1, width_ratios=[3] * columns + [1.5],
                                left=0.01, right=0.99, top=0.94, bottom=0.05, wspace=0.1, hspace=0.25)
        self.mosaics, self.bars, self.dynamic = [], [], []
        for row, view in enumerate(state.views):
            mosaics = []
            for col, (layer, maps) in enumerate(view.maps):
                ax = fig.add_subplot(grid[row, col])
                mosaics.append(Mosaic(ax, maps))  # as many maps per row as draw them largest
                bare_axes(ax)
                ax.set_title(f"{view.name} · layer {layer} ({maps.shape[0]} maps)", fontsize=TICK_SIZE)
                self.dynamic.append(mosaics[-1].im)
            ax = fig.add_subplot(grid[row, columns])
            bars = ax.bar(np.arange(view.probs.size), np.zeros(view.probs.size))
            ax.set_ylim(0, 1)
            ax.set_xticks(np.arange(view.probs.size))
            ax.tick_params(labelsize=TICK_SIZE)
            ax.set_title(f"{view.name}: probabilities", fontsize=TICK_SIZE)
            self.mosaics.append(mosaics)
            self.bars.append(bars)
            self.dynamic += list(bars.patches)
        self.slow = []
        self.slow_key = self.static_key = None
        self.update(state)

    def fits(self, state):
        """True for a state of the same networks (same layers and shapes)."""
        return tuple((v.name, tuple((n, m.shape) for n, m in v.maps)) for v in state.views) == self.layout

    def update(self, state):
        for view, mosaics, bars in zip(state.views, self.mosaics, self.bars):
            for mosaic, (_, maps) in zip(mosaics, view.maps):
                mosaic.update(maps)
                set_scale(mosaic.im, *color_limits(maps))
            best = int(np.argmax(view.probs))
            for i, (bar, p) in enumerate(zip(bars.patches, view.probs)):
                bar.set_height(p)
                bar.set_color("tab:orange" if i == best and state.drawn else "tab:blue")


def input_png(x, scale=5):
    """The 28x28 input as a PNG, each pixel a scale x scale block (no smoothing)."""
    img = PIL.Image.fromarray(np.round(255 * np.clip(x, 0, 1)).astype(np.uint8))
    buf = io.BytesIO()
    img.resize((x.shape[1] * scale, x.shape[0] * scale), PIL.Image.NEAREST).save(buf, format="png")
    return buf.getvalue()


class DrawingDemo(PictureWidget):
    """A canvas with Undo/Clear, the 28x28 input next to it, every network's maps and probabilities below.

    ``strokes`` holds what was drawn: a list of strokes, each a list of (x, y) canvas points.
    ``add_stroke(points)``, ``undo()`` and ``clear()`` do what the mouse and the buttons do.
    """

    def __init__(self, nets, canvas_size=280, line_width=None):
        self.nets = _check_nets(nets)
        if isinstance(canvas_size, bool) or not isinstance(canvas_size, (int, np.integer)) or canvas_size < 56:
            raise ValueError(f"canvas_size must be an int >= 56 (pixels), got {canvas_size!r}")
        self.size = int(canvas_size)
        self.line_width = self.size / 14 if line_width is None else line_width
        strokes_to_image([], self.size, self.line_width)  # checks line_width
        self.strokes, self.current = [], None
        self.canvas = Canvas(width=self.size, height=self.size,
                             layout=widgets.Layout(width=f"{self.size}px", height=f"{self.size}px"))
        self.canvas.add_class("cnnlib-drawing-canvas")
        self.undo_button = widgets.Button(description="Undo", icon="undo")
        self.clear_button = widgets.Button(description="Clear", icon="trash")
        self.input_view = widgets.Image(format="png", layout=widgets.Layout(width="140px", height="140px"))
        self.status = big_label()
        self.status.add_class("cnnlib-drawing-prediction")
        left = widgets.VBox([self.canvas, widgets.HBox([self.undo_button, self.clear_button])])
        right = widgets.VBox([widgets.HTML("<b>what the networks see</b> (28×28)"), self.input_view, self.status],
                             layout=widgets.Layout(margin="0 0 0 16px"))
        super().__init__([widgets.HBox([left, right])], figsize=(WIDTH, HEIGHT_PER_NET * len(nets)))
        self.undo_button.on_click(lambda _: self.undo())
        self.clear_button.on_click(lambda _: self.clear())
        self.canvas.on_mouse_down(self._start)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._end)
        self.canvas.on_mouse_out(self._end)
        self.canvas.on_touch_start(lambda touches: self._start(*touches[0]))
        self.canvas.on_touch_move(lambda touches: self._move(*touches[0]))
        self.canvas.on_touch_end(lambda touches: self._end(None, None))
        self.canvas.on_touch_cancel(lambda touches: self._end(None, None))
        self.canvas.on_client_ready(self.paint)
        self.paint()
        self.update_prediction()

    # ------------------------------------------------------------------ the canvas
    def _pen(self):
        self.canvas.stroke_style = "white"
        self.canvas.fill_style = "white"
        self.canvas.line_width = self.line_width
        self.canvas.line_cap = "round"
        self.canvas.line_join = "round"

    def paint(self):
        """Paint every stroke again on a black canvas (after undo/clear, or for a new browser view)."""
        with hold_canvas():
            self.canvas.clear()
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, self.size, self.size)
            self._pen()
            for stroke in self.strokes:
                self._paint_stroke(stroke)

    def _paint_stroke(self, points):
        if len(points) == 1:
            self.canvas.fill_circle(points[0][0], points[0][1], self.line_width / 2)
        else:
            self.canvas.stroke_lines(points)

    def _start(self, x, y):
        self.current = [(float(x), float(y))]
        self._pen()
        self.canvas.fill_circle(x, y, self.line_width / 2)

    def _move(self, x, y):
        if self.current is None:
            return
        (x0, y0), point = self.current[-1], (float(x), float(y))
        if point != (x0, y0):
            self.current.append(point)
            self.canvas.stroke_line(x0, y0, *point)

    def _end(self, x, y):
        """Mouse up / out, touch end: the stroke is done; predict."""
        if self.current is None:
            return
        if x is not None and (float(x), float(y)) != self.current[-1]:
            self.current.append((float(x), float(y)))
        stroke, self.current = self.current, None
        self.strokes.append(stroke)
        self.update_prediction()

    # ------------------------------------------------------------------ what the buttons and a stroke do
    def add_stroke(self, points):
        """Add a stroke of (x, y) canvas points, paint it and predict (as drawing it with the mouse does)."""
        points = [(float(x), float(y)) for x, y in points]
        strokes_to_image([points], self.size, self.line_width)  # checks the points
        self.strokes.append(points)
        self._pen()
        self._paint_stroke(points)
        self.update_prediction()

    def undo(self):
        """Remove the last stroke."""
        if self.strokes:
            self.strokes.pop()
            self.paint()
            self.update_prediction()

    def clear(self):
        """Remove every stroke."""
        self.strokes, self.current = [], None
        self.paint()
        self.update_prediction()

    def image(self):
        """The drawing as the networks see it: (28, 28) in [0, 1] (zeros for an empty canvas)."""
        drawing = strokes_to_image(self.strokes, self.size, self.line_width)
        return mnist_preprocess(drawing) if has_ink(drawing) else np.zeros((FRAME, FRAME))

    def update_prediction(self):
        """Preprocess the drawing, run every network, show the answers, the input, then the maps and bars.

        The big picture goes last: once the browser shows it, the other parts are up to date too.
        """
        x = self.image()
        self.state = drawing_state(self.nets, x, drawn=bool(self.strokes))
        if self.strokes:
            self.status.value = "<br>".join(describe_prediction(v) for v in self.state.views)
        else:
            self.status.value = "draw a digit"
        self.input_view.value = input_png(x)
        self.show_state(self.state, DrawingView)

    def describe(self):
        n = len(self.strokes)
        return f"{', '.join(self.nets)}; {n} stroke{'' if n == 1 else 's'}"


def draw_a_digit(nets, canvas_size=280, line_width=None):
    """A ``DrawingDemo``: nets = {name: (trained Sequential, centered inputs?)}; canvas_size in pixels."""
    return DrawingDemo(nets, canvas_size, line_width)
