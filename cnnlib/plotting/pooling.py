"""Pooling, pictured: K maps combined across kernels, and each map pooled spatially.

    pooling_state(maps, mode, spatial, size, stride)   maps (K, H, W) -> PoolingState
    plot_pooling(state)                                maps | combined | pooled

The numbers come from ``cnnlib.pool``: ``pool_kernels_forward`` (sum / mean / max over the K
maps: (K, H, W) -> (H, W)) and ``maxpool2d_forward``/``avgpool2d_forward`` (every map,
(K, H, W) -> (K, H'', W'') with H'' = (H - size) // stride + 1).
"""

from dataclasses import dataclass

import numpy as np

from cnnlib._checks import as_float_array, check_choice, check_ndim
from cnnlib.plotting.mosaic import Mosaic
from cnnlib.plotting.style import (
    BAR_ROOM,
    SUPTITLE_SIZE,
    TITLE_SIZE,
    WIDGET_WIDTH,
    add_colorbar,
    bare_axes,
    center_row,
    color_limits,
    narrow_bar,
    new_figure,
    set_scale,
)
from cnnlib.pool import avgpool2d_forward, maxpool2d_forward, pool_kernels_forward

SPATIAL_POOL_MODES = ("max", "avg")


# The figure's size in inches: 504 pixels high at the widgets' 72 dpi.
POOLING_SIZE = (WIDGET_WIDTH, 7.0)


@dataclass(frozen=True)
class PoolingState:
    """maps: (K, H, W); combined: (H, W) = pool_kernels_forward(maps, mode) (sum/mean/max over
    the K maps); pooled: (K, H'', W'') = spatial max/avg pooling of every map with
    window ``size`` and ``stride``, H'' = (H - size) // stride + 1."""

    maps: np.ndarray
    mode: str
    combined: np.ndarray
    spatial: str
    size: int
    stride: int
    pooled: np.ndarray


def pooling_state(maps, mode="max", spatial="max", size=2, stride=None):
    """Combine K maps across kernels (``mode``: "sum" | "mean" | "max") and pool each spatially
    (``spatial``: "max" | "avg", window ``size``, ``stride`` defaulting to ``size``).

    maps: (K, H, W). Returns ``PoolingState``.
    """
    maps = as_float_array("maps", maps)
    check_ndim("maps", maps, 3, "(K, H, W)")
    check_choice("spatial", spatial, SPATIAL_POOL_MODES)
    combined, _ = pool_kernels_forward(maps[None], mode)  # (1, 1, H, W)
    stride = size if stride is None else stride
    forward = maxpool2d_forward if spatial == "max" else avgpool2d_forward
    pooled, _ = forward(maps[None], size, stride)  # (1, K, H'', W'')
    return PoolingState(maps=maps, mode=mode, combined=combined[0, 0], spatial=spatial, size=size,
                        stride=stride, pooled=pooled[0])


def pooling_limits(maps, combined):
    """Colour scales for ``PoolingView``: maps (..., K, H, W) (pooled maps share their scale)
    and combined maps (..., H, W), each (cmap, vmin, vmax)."""
    return {"maps": color_limits(maps), "combined": color_limits(combined)}


class PoolingView:
    """Maps | combined across kernels | pooled spatially, updated in place for maps of one shape.

    ``update(state, limits)``: limits from ``pooling_limits`` fix the colour scales
    (default: from this state).
    """

    def __init__(self, fig, state, limits=None):
        self.fig = fig
        self.shape = state.maps.shape
        # The K maps across the top; below them, their combination across kernels and every map pooled.
        grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.95], width_ratios=[1, 2.1], left=0.02, right=0.94,
                                top=0.87, bottom=0.02, hspace=0.22, wspace=0.2)
        ax_maps = fig.add_subplot(grid[0, :])
        ax_comb, ax_pool = fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[1, 1])
        k, h, w = state.maps.shape
        labels = [str(i) for i in range(k)]
        self.in_maps = Mosaic(ax_maps, state.maps, labels)
        add_colorbar(fig, self.in_maps.im, ax_maps, **narrow_bar(ax_maps))
        ax_maps.set_title(f"{k} maps of {h}×{w}", fontsize=TITLE_SIZE)
        self.comb = ax_comb.imshow(state.combined, interpolation="nearest")
        comb_bar = add_colorbar(fig, self.comb, ax_comb)
        bare_axes(ax_comb, "")
        self.pooled = Mosaic(ax_pool, state.pooled, labels)
        add_colorbar(fig, self.pooled.im, ax_pool, **narrow_bar(ax_pool))
        ax_comb.set_anchor("E")  # next to the pooled maps
        ax_pool.set_anchor("W")
        center_row([ax_maps], right_in=BAR_ROOM)
        center_row([ax_comb, ax_pool], right_in=BAR_ROOM)
        self.axes = ax_comb, ax_pool
        self.suptitle = fig.suptitle("", fontsize=SUPTITLE_SIZE)
        self.dynamic = [self.in_maps.im, self.comb, self.pooled.im, *self.pooled.texts, ax_pool.title,
                        self.suptitle]
        self.slow = [comb_bar.ax, ax_comb.title]  # they follow the mode (slow_key)
        self.update(state, limits)

    def fits(self, state):
        """True for maps of the same shape (K, H, W)."""
        return state.maps.shape == self.shape

    def update(self, state, limits=None):
        """Show ``state`` (maps of the same shape; any mode, spatial pooling, size or stride)."""
        ax_comb, ax_pool = self.axes
        limits = pooling_limits(state.maps, state.combined) if limits is None else limits
        for mosaic, maps in ((self.in_maps, state.maps), (self.pooled, state.pooled)):
            mosaic.update(maps)
            set_scale(mosaic.im, *limits["maps"])
        self.comb.set_data(state.combined)
        set_scale(self.comb, *limits["combined"])
        ax_comb.set_title(f"{state.mode} over kernels", fontsize=TITLE_SIZE)
        k, h2, w2 = state.pooled.shape
        ax_pool.set_title(f"{state.spatial} pool {state.size}×{state.size}, stride {state.stride}",
                          fontsize=TITLE_SIZE)
        _, h, w = state.maps.shape
        self.suptitle.set_text(f"across kernels: ({k}, {h}, {w}) → ({h}, {w});   spatially: "
                               f"H'' = ({h} − {state.size}) // {state.stride} + 1 = {h2}  →  ({k}, {h2}, {w2})")
        self.slow_key = (tuple(limits["combined"]), state.mode)
        self.static_key = tuple(limits["maps"])  # the maps' colour bars


def plot_pooling(state, limits=None, fig=None):
    """Draw ``PoolingState``: the K maps, their combination across kernels, and every map pooled
    spatially (same colour scale as the maps). Returns the Figure."""
    fig = new_figure(POOLING_SIZE, fig)
    PoolingView(fig, state, limits)
    return fig
