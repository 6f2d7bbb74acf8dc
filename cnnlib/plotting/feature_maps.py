"""Every channel of one layer of a network, for one image.

``feature_maps_state(net, image, i)`` runs the image through the network up to layer ``i``
and returns a ``FeatureMaps``; ``plot_feature_maps(state)`` draws the image next to every
channel of that layer (or a bar chart when the layer's output is a short vector). The
feature-map explorer of ``cnnlib.widgets`` keeps the figure and only updates it.
"""

from dataclasses import dataclass

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_index, check_ndim
from cnnlib.layers import forward_through
from cnnlib.plotting.mosaic import Mosaic
from cnnlib.plotting.style import (
    BAR_ROOM,
    GRAY,
    LABEL_SIZE,
    SUPTITLE_SIZE,
    TICK_SIZE,
    WIDGET_WIDTH,
    add_colorbar,
    bare_axes,
    center_row,
    color_limits,
    narrow_bar,
    new_figure,
    set_scale,
)


@dataclass(frozen=True)
class FeatureMaps:
    """One layer's output for one image.

    image: (C, H, W) the network's input; layer_index: i; layer_name: e.g. "1: Tanh";
    output: (K, H', W') for image-shaped outputs, (D,) for vectors (after Flatten/Dense).
    """

    image: np.ndarray
    layer_index: int
    layer_name: str
    output: np.ndarray


def layer_name(net, i):
    """``"i: LayerClass"`` for layer ``i`` of a ``Sequential``."""
    return f"{i}: {type(net.layers[i]).__name__}"


def feature_maps_state(net, image, layer_index):
    """Run one image through ``net.layers[:layer_index + 1]`` in test mode (no dropout).

    net: a ``Sequential`` (anything with ``.layers``); image: (C, H, W) or (H, W), as the
    network sees it (floats, e.g. from ``cnnlib.data.to_float``). Returns ``FeatureMaps``.
    """
    layers = getattr(net, "layers", None)
    if layers is None:
        raise ValueError(f"net must be a Sequential (with .layers), got {type(net).__name__}")
    image = as_float_array("image", image)
    if image.ndim == 2:
        image = image[None]  # (H, W) -> (1, H, W)
    check_ndim("image", image, 3, "(C, H, W) or (H, W)")
    check_finite("image", image)
    layer_index = check_index("layer_index", layer_index, len(layers), "layers")
    out = forward_through(layers[:layer_index + 1], image[None])  # (1, ...)
    return FeatureMaps(image=image, layer_index=int(layer_index), layer_name=layer_name(net, layer_index),
                       output=np.asarray(out)[0])


# The figure's size in inches: 475 pixels high at the widgets' 72 dpi.
FEATURE_MAPS_SIZE = (WIDGET_WIDTH, 6.6)


# Vectors up to this length are drawn as bars (e.g. 10 logits); longer ones as an image.
MAX_BARS = 32


def vector_as_image(v):
    """A long vector (D,) wrapped into rows, NaN-padded: (ceil(D / cols), cols), cols = ceil(sqrt(D))."""
    cols = int(np.ceil(np.sqrt(v.size)))
    rows = -(-v.size // cols)
    out = np.full(rows * cols, np.nan)
    out[:v.size] = v
    return out.reshape(rows, cols)  # (rows, cols)


class FeatureMapsView:
    """Input image | every channel of one layer (tiles, one colour scale), updated in place.

    Fits states of the same layer (another image). Vector outputs are bars (D <= 32) or
    the vector wrapped into an image. ``update(state, limits)``: limits = (cmap, vmin, vmax)
    fixes the colour scale (default: from this state's output).
    """

    def __init__(self, fig, state, limits=None):
        self.fig = fig
        self.layer_index, self.shape = state.layer_index, state.output.shape
        self.kind = "maps" if state.output.ndim == 3 else ("bars" if state.output.size <= MAX_BARS else "vector")
        grid = fig.add_gridspec(1, 2, width_ratios=[1, 3.6], left=0.02, right=0.93, top=0.87, bottom=0.03,
                                wspace=0.12)
        if self.kind == "bars":  # room for the tick labels and the axis labels of a bar chart
            grid.update(wspace=0.2, bottom=0.13, right=0.98)
        ax_img, ax_out = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])
        self.img = ax_img.imshow(state.image[0], cmap=GRAY, interpolation="nearest")
        bare_axes(ax_img, "image")
        ax_img.set_anchor("E")  # next to the channels
        self.ax_out = ax_out
        if self.kind == "maps":
            k = state.output.shape[0]
            self.mosaic = Mosaic(ax_out, state.output, [str(i) for i in range(k)])  # as many per row as fit best
            ax_out.set_anchor("W")  # next to the image
            self.out = self.mosaic.im
        elif self.kind == "vector":
            self.out = ax_out.imshow(vector_as_image(state.output), interpolation="nearest")
            bare_axes(ax_out)
        if self.kind == "bars":
            units = np.arange(state.output.size)
            self.bars = ax_out.bar(units, np.zeros(units.size))
            ax_out.set_xticks(units)
            ax_out.tick_params(labelsize=TICK_SIZE)
            ax_out.set_xlabel("unit (orange: the largest)", fontsize=LABEL_SIZE)
            ax_out.set_ylabel("value", fontsize=LABEL_SIZE)
            zero = ax_out.axhline(0, color="black", linewidth=1)
            self.dynamic, self.slow = [self.img, *self.bars.patches, zero], []
        else:
            add_colorbar(fig, self.out, ax_out, **narrow_bar(ax_out))
            center_row([ax_img, ax_out], right_in=BAR_ROOM)
            self.dynamic, self.slow = [self.img, self.out], []
        self.suptitle = fig.suptitle("", fontsize=SUPTITLE_SIZE)
        self.update(state, limits)

    def fits(self, state):
        """True for a state of the same layer (and output shape)."""
        return state.layer_index == self.layer_index and state.output.shape == self.shape

    def update(self, state, limits=None):
        """Show ``state`` (the same layer, another image)."""
        self.img.set_data(state.image[0])
        self.img.set_clim(float(state.image.min()), float(state.image.max()) or 1.0)
        out = state.output
        limits = color_limits(out) if limits is None else limits
        if self.kind == "maps":
            self.mosaic.update(out)
            what = f"{out.shape[0]} channels of {out.shape[1]}×{out.shape[2]}"
        elif self.kind == "vector":
            self.out.set_data(vector_as_image(out))
            what = f"a vector of {out.size:,} values, wrapped into rows"
        else:
            largest = int(np.argmax(out))
            for i, (bar, value) in enumerate(zip(self.bars.patches, out)):
                bar.set_height(value)
                bar.set_color("tab:orange" if i == largest else "tab:blue")
            _, lo, hi = limits
            margin = 0.05 * (hi - min(lo, 0.0))
            self.ax_out.set_ylim(min(lo, 0.0) - margin, hi + margin)
            what = f"a vector of {out.size} values"
        if self.kind != "bars":
            set_scale(self.out, *limits)
        self.suptitle.set_text(f"layer {state.layer_name}: {what}")
        self.slow_key = None
        self.static_key = tuple(limits)  # the colour bar


def plot_feature_maps(state, limits=None, fig=None):
    """Draw ``FeatureMaps``: the input image and every channel of the layer (or its vector).

    limits: (cmap, vmin, vmax) for the channels (default: one scale from this output,
    diverging and centred on 0 if any value is negative). Returns the Figure.
    """
    fig = new_figure(FEATURE_MAPS_SIZE, fig)
    FeatureMapsView(fig, state, limits)
    return fig
