"""The feature-map explorer: every channel of one layer of a network, for one image.
"""

import ipywidgets as widgets
import numpy as np

from cnnlib._checks import check_index
from cnnlib.layers import forward_through, layer_outputs
from cnnlib.plotting.feature_maps import FEATURE_MAPS_SIZE, FeatureMapsView, feature_maps_state, layer_name
from cnnlib.plotting.render import FastRedraw, offscreen_figure
from cnnlib.plotting.style import color_limits
from cnnlib.widgets.base import BIG, DPI, PictureWidget, as_images, index_slider


class FeatureMapExplorer(PictureWidget):
    """Pick an image and a layer, see every channel of that layer (built by ``feature_map_explorer``)."""

    def __init__(self, net, images, layer_index=0, image_index=0):
        if not hasattr(net, "layers"):
            raise ValueError(f"net must be a Sequential (with .layers), got {type(net).__name__}")
        self.net = net
        self.images = as_images(images)
        check_index("image_index", image_index, len(self.images), "images")
        self.state = feature_maps_state(net, self.images[image_index], layer_index)  # validates
        options = [(f"{layer_name(net, i)} → {tuple(np.shape(x)[1:])}", i)
                   for i, x in enumerate(layer_outputs(net.layers, self.images[:1]))]
        self.layer = widgets.Dropdown(options=options, value=layer_index, description="layer", style=BIG,
                                      layout=widgets.Layout(width="420px"))
        self.image_index = index_slider("image", len(self.images) - 1, image_index)
        super().__init__([widgets.HBox([self.image_index, self.layer])], figsize=FEATURE_MAPS_SIZE)
        self._views = {}  # layer index -> (figure, view, FastRedraw, limits): switching back is instant
        self._redraw()
        for control in (self.image_index, self.layer):
            control.observe(self._redraw, names="value")

    def _redraw(self, change=None):
        self.state = feature_maps_state(self.net, self.images[self.image_index.value], self.layer.value)
        i = self.layer.value
        if i not in self._views:
            limits = self._limits(i)
            fig = offscreen_figure(self.figsize, dpi=DPI)
            view = FeatureMapsView(fig, self.state, limits)
            self._views[i] = fig, view, FastRedraw(fig, view.dynamic, view.slow), limits
        else:
            self._views[i][1].update(self.state, self._views[i][3])
        self.fig, self.view, self.redraw, _ = self._views[i]
        self.picture.value = self.redraw.png(self.view.slow_key, self.view.static_key)

    def _limits(self, i):
        """One colour scale for layer i over every image: (cmap, vmin, vmax)."""
        lo, hi = np.inf, -np.inf
        for start in range(0, len(self.images), 256):
            x = forward_through(self.net.layers[:i + 1], self.images[start:start + 256])  # images start..start+255
            lo, hi = min(lo, float(np.min(x))), max(hi, float(np.max(x)))
        return color_limits(np.array([lo, hi]))

    def describe(self):
        return f"{len(self.net.layers)} layers, {len(self.images)} images"


def feature_map_explorer(net, images, layer_index=0, image_index=0):
    """A widget to pick an image and a layer of ``net`` and see every channel of that layer's output.

    net: a ``Sequential``; images: (N, C, H, W) or (N, H, W) floats as the network sees them.
    Image-shaped outputs (K, H', W') are shown as K tiles with one colour scale; vectors as bars
    (up to 32 values, e.g. the 10 logits) or wrapped into an image.
    Controls: ``.image_index``, ``.layer``; ``.state`` is the current ``FeatureMaps``.
    """
    return FeatureMapExplorer(net, images, layer_index, image_index)
