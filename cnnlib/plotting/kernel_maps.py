"""What kernels do to an image: the kernels as a grid, and one kernel's map.

Each picture has a ``*_state`` function that computes the numbers (with the library's own
``conv2d_forward``, activations and pooling functions) and a ``plot_*`` function that draws
them; the widgets of ``cnnlib.widgets`` keep the figure and only update it::

    kernel_maps_state(w, x, k)          w (K, C, KH, KW), x (C, H, W) -> KernelMaps
    plot_kernel_maps(state)             kernel grid | image | map of kernel k | activation(map)

A layer's channels are pictured in ``cnnlib.plotting.feature_maps``, pooling in
``cnnlib.plotting.pooling``.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from cnnlib._checks import as_float_array, check_choice, check_index, check_ndim
from cnnlib.activations import relu_forward, sigmoid_forward, tanh_forward
from cnnlib.conv import conv2d_forward
from cnnlib.plotting.mosaic import Mosaic, show_array
from cnnlib.plotting.panels import as_kernels, kernel_tiles
from cnnlib.plotting.style import (
    BAR_ROOM,
    DIVERGING,
    GRAY,
    SUPTITLE_SIZE,
    TITLE_SIZE,
    WIDGET_WIDTH,
    add_colorbar,
    bare_axes,
    center_row,
    narrow_bar,
    new_figure,
    set_scale,
    symmetric_limits,
)

# The figure's size in inches: 504 pixels high at the widgets' 72 dpi.
KERNEL_MAPS_SIZE = (WIDGET_WIDTH, 7.0)


ACTIVATIONS = {"tanh": tanh_forward, "relu": relu_forward, "sigmoid": sigmoid_forward, "none": None}


# --------------------------------------------------------------------------- one kernel's map

@dataclass(frozen=True)
class KernelMaps:
    """Every kernel's map of one input, and which kernel is picked.

    w: (K, C, KH, KW); x: (C, H, W) the conv layer's input; kernel_index: k;
    maps: (K, H', W') = conv2d_forward(x[None], w, b, stride, padding)[0];
    activated: (K, H', W') the activation of ``maps`` ("none": the maps themselves).
    """

    w: np.ndarray
    x: np.ndarray
    kernel_index: int
    maps: np.ndarray
    activation: str
    activated: np.ndarray

    @property
    def feature_map(self):
        """(H', W'): the picked kernel's map."""
        return self.maps[self.kernel_index]


def kernel_maps_state(w, x, kernel_index=0, b=None, stride=1, padding=0, activation="tanh"):
    """The maps of all K kernels on one input and the picked one.

    w: (K, C, KH, KW) (or (K, KH, KW) for C = 1); x: (C, H, W) or (H, W);
    b: None, (K,) one bias per kernel, or (K, H', W') one per output position;
    activation: "tanh", "relu", "sigmoid" or "none". Returns ``KernelMaps``.
    """
    w = as_kernels(w)
    x = as_float_array("image x", x)
    if x.ndim == 2:
        x = x[None]  # (H, W) -> (1, H, W)
    check_ndim("image x", x, 3, "(C, H, W) or (H, W)")
    check_choice("activation", activation, tuple(ACTIVATIONS))
    k = w.shape[0]
    kernel_index = check_index("kernel_index", kernel_index, k, why=f"{k} kernels")
    maps = conv2d_forward(x[None], w, b, stride, padding)[0][0]  # (K, H', W')
    forward = ACTIVATIONS[activation]
    activated = maps if forward is None else forward(maps)[0]
    return KernelMaps(w=w, x=x, kernel_index=int(kernel_index), maps=maps, activation=activation,
                      activated=activated)


def activation_limits(activation, scale):
    """Colour map and limits for an activation of maps within ±``scale``: tanh ±1, sigmoid 0..1,
    relu 0..scale, none ±scale."""
    return {"tanh": (DIVERGING, -1.0, 1.0), "sigmoid": ("viridis", 0.0, 1.0),
            "relu": ("viridis", 0.0, scale), "none": (DIVERGING, -scale, scale)}[activation]


class KernelMapsView:
    """Kernel grid (picked kernel framed) | input image | its map | activation, updated in place.

    ``update(state, image, scale)`` takes a state with the same kernels and maps of the same
    shape (another kernel, image or activation). ``scale`` fixes the maps' colour scale to
    ±scale (default: the largest |value| among this state's K maps). ``dynamic`` lists the
    artists that change with the kernel or image, ``slow`` those that change with
    ``slow_key`` (scale and activation); ``static_key`` (the scale) changes the rest.
    """

    def __init__(self, fig, state, image=None, scale=None):
        self.fig = fig
        self.w, self.maps_shape = state.w, state.maps.shape
        k, c, kh, kw = state.w.shape
        # The kernels across the top (a kernel's channels on one row); below them the image, the map
        # and its activation: tiles large enough to read on a projector.
        top = fig.add_gridspec(1, 1, left=0.02, right=0.94, top=0.885, bottom=0.39)
        bottom = fig.add_gridspec(1, 3, left=0.1, right=0.74, top=0.33, bottom=0.015, wspace=0.25)
        ax_k = fig.add_subplot(top[0, 0])
        ax_k.set_anchor("S")  # a grid lower than its room sits right above the maps
        ax_img, ax_map, ax_act = (fig.add_subplot(bottom[0, i]) for i in range(3))
        tiles, labels, _ = kernel_tiles(state.w)
        klim = symmetric_limits(state.w)
        self.kernels = Mosaic(ax_k, tiles, labels, cmap=DIVERGING, vmin=klim[0], vmax=klim[1], multiple=c)
        add_colorbar(fig, self.kernels.im, ax_k, **narrow_bar(ax_k))  # room for the frame around the pick
        ax_k.set_title(f"{k} kernels {kh}×{kw}" + (f" × {c} channels" if c > 1 else ""), fontsize=TITLE_SIZE)
        self.pick = ax_k.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="tab:orange", linewidth=3,
                                             zorder=3, clip_on=False))
        self.img = ax_img.imshow(np.zeros((2, 2)), cmap=GRAY, interpolation="nearest")
        bare_axes(ax_img, "image")
        self.map = ax_map.imshow(state.feature_map, cmap=DIVERGING, interpolation="nearest")
        add_colorbar(fig, self.map, ax_map)
        bare_axes(ax_map, "")
        self.act = ax_act.imshow(state.feature_map, cmap=DIVERGING, interpolation="nearest")
        act_bar = add_colorbar(fig, self.act, ax_act)
        bare_axes(ax_act, "")
        center_row([ax_img, ax_map, ax_act], right_in=BAR_ROOM)
        self.axes = ax_k, ax_img, ax_map, ax_act
        self.suptitle = fig.suptitle("", fontsize=SUPTITLE_SIZE)
        self.dynamic = [self.pick, self.img, self.map, self.act, ax_map.title, self.suptitle]
        self.slow = [act_bar.ax, ax_act.title]  # they follow the activation (slow_key)
        self.update(state, image, scale)

    def fits(self, state):
        """True if ``state`` has this figure's kernels and maps of the same shape."""
        same_kernels = state.w is self.w or (state.w.shape == self.w.shape and np.array_equal(state.w, self.w))
        return same_kernels and state.maps.shape == self.maps_shape

    def update(self, state, image=None, scale=None):
        """Show ``state``; ``image`` (H, W) is what the image panel shows (default: channel 0 of x)."""
        _, ax_img, ax_map, ax_act = self.axes
        k = state.kernel_index
        c = state.w.shape[1]
        x0, y0, w, h = self.kernels.tile_box(k * c, k * c + c - 1)  # the kernel's row of channels
        m = 0.4 * self.kernels.gap  # the frame in the gap around the tiles
        self.pick.set_bounds(x0 - m, y0 - m, w + 2 * m, h + 2 * m)
        image = state.x[0] if image is None else image
        show_array(self.img, image)
        self.img.set_clim(float(np.min(image)), float(np.max(image)) or 1.0)
        scale = symmetric_limits(state.maps)[1] if scale is None else float(scale)
        self.map.set_data(state.feature_map)
        set_scale(self.map, DIVERGING, -scale, scale)
        ax_map.set_title(f"map of kernel {k}", fontsize=TITLE_SIZE)
        self.act.set_data(state.activated[k])
        set_scale(self.act, *activation_limits(state.activation, scale))
        ax_act.set_title("no activation" if state.activation == "none" else f"{state.activation}(map)",
                         fontsize=TITLE_SIZE)
        ho, wo = state.feature_map.shape
        self.suptitle.set_text(f"kernel {k} → its {ho}×{wo} map (one colour scale for every kernel)")
        self.slow_key = (scale, state.activation)
        self.static_key = scale  # the map's colour bar


def plot_kernel_maps(state, image=None, scale=None, fig=None):
    """Draw ``KernelMaps``: the kernel grid (shared scale, centred on 0) with the picked kernel
    framed, the input image, the picked kernel's map and its activation. Returns the Figure.

    image: (H, W) to show in the image panel (default: channel 0 of ``state.x``);
    scale: the maps' colour scale is ±scale (default: the largest |value| of the K maps).
    """
    fig = new_figure(KERNEL_MAPS_SIZE, fig)
    KernelMapsView(fig, state, image, scale)
    return fig
