"""The pooling explorer: K maps combined across kernels, and each map pooled spatially.
"""

import ipywidgets as widgets

from cnnlib._checks import as_float_array, check_finite, check_index, check_nonempty
from cnnlib.plotting.pooling import POOLING_SIZE, SPATIAL_POOL_MODES, PoolingView, pooling_limits, pooling_state
from cnnlib.pool import POOL_KERNEL_MODES, pool_kernels_forward
from cnnlib.widgets.base import BIG, PictureWidget, index_slider


class PoolingExplorer(PictureWidget):
    """Combine maps across kernels and pool them spatially (built by ``pooling_explorer``)."""

    def __init__(self, maps, mode="max", spatial="max", size=2, stride=None, image_index=0):
        maps = as_float_array("maps", maps)
        self.maps = maps if maps.ndim == 4 else maps[None]  # (K, H, W) -> (1, K, H, W)
        if self.maps.ndim != 4:
            raise ValueError(f"maps must be (K, H, W) or (N, K, H, W), got shape {maps.shape}")
        check_nonempty("maps", self.maps, "(N, K, H, W)")
        check_finite("maps", self.maps)
        check_index("image_index", image_index, len(self.maps), "images")
        stride = size if stride is None else stride
        self.state = pooling_state(self.maps[image_index], mode, spatial, size, stride)  # validates
        h = min(self.maps.shape[2:])  # a window must fit both the height and the width
        self.mode = widgets.ToggleButtons(options=list(POOL_KERNEL_MODES), value=mode,
                                          description="across kernels", style=BIG)
        self.spatial = widgets.ToggleButtons(options=list(SPATIAL_POOL_MODES), value=spatial,
                                             description="spatial pooling", style=BIG)
        self.size = widgets.IntSlider(value=size, min=1, max=max(size, min(h, 6)), description="size",
                                      style=BIG, layout=widgets.Layout(width="300px"))
        self.stride = widgets.IntSlider(value=stride, min=1, max=max(stride, min(h, 6)), description="stride",
                                        style=BIG, layout=widgets.Layout(width="300px"))
        self.image_index = index_slider("image", len(self.maps) - 1, image_index)
        controls = [widgets.HBox([self.mode, self.spatial]), widgets.HBox([self.size, self.stride])]
        if len(self.maps) > 1:
            controls.append(self.image_index)
        super().__init__(controls, figsize=POOLING_SIZE)
        self._limits = {}
        self._redraw()
        for control in (self.mode, self.spatial, self.size, self.stride, self.image_index):
            control.observe(self._redraw, names="value")

    def _redraw(self, change=None):
        self.state = pooling_state(self.maps[self.image_index.value], self.mode.value, self.spatial.value,
                                   self.size.value, self.stride.value)
        mode = self.mode.value
        if mode not in self._limits:  # one colour scale for every image (and pooling)
            self._limits[mode] = pooling_limits(self.maps, pool_kernels_forward(self.maps, mode)[0])
        self.show_state(self.state, PoolingView, limits=self._limits[mode])

    def describe(self):
        n, k, h, w = self.maps.shape
        return f"maps {k}×{h}×{w}" + (f", {n} images" if n > 1 else "")


def pooling_explorer(maps, mode="max", spatial="max", size=2, stride=None, image_index=0):
    """A widget that pools feature maps across kernels and spatially.

    maps: (K, H, W), or (N, K, H, W) for N images (then an image slider appears), e.g. the
    tanh maps of a conv layer; mode: "sum" | "mean" | "max" over the K maps
    (``pool_kernels_forward``); spatial: "max" | "avg" pooling of every map with a
    ``size``×``size`` window and ``stride`` (default ``size``) (``maxpool2d_forward`` /
    ``avgpool2d_forward``), giving (K, H'', W''), H'' = (H - size) // stride + 1.
    Controls: ``.mode``, ``.spatial``, ``.size``, ``.stride``, ``.image_index``; ``.state`` is
    the current ``PoolingState`` (see ``cnnlib.plotting.pooling``).
    """
    return PoolingExplorer(maps, mode, spatial, size, stride, image_index)
