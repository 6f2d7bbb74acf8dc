"""Widgets for what a trained network's kernels do: kernel, feature-map and pooling explorers."""

import ipywidgets as widgets
import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_index, check_nonempty
from cnnlib.conv import conv2d_forward
from cnnlib.plotting_feature_maps import FeatureMapsFigure, feature_maps_state, layer_name
from cnnlib.plotting_kernels import ACTIVATIONS, KernelMapsFigure, kernel_maps_state
from cnnlib.plotting_pooling import (KERNEL_POOL_MODES, SPATIAL_POOL_MODES, PoolingFigure, pooling_limits,
                                     pooling_state)
from cnnlib.pool import pool_kernels_forward
from cnnlib.widgets_base import BIG, DPI, PictureWidget
from cnnlib.plotting import color_limits
from cnnlib.plotting_render import FastRedraw, offscreen_figure


def as_images(images, name="images"):
    """Network inputs as floats (N, C, H, W); (N, H, W) is read as C = 1. Integer pixels
    (e.g. uint8 0..255) are refused: pass what the network sees, e.g. ``to_float(x)``."""
    images = np.asarray(images)
    if images.dtype.kind in "biu":
        raise ValueError(f"{name} are {images.dtype} pixels; pass them as the network sees them, "
                         f"e.g. cnnlib.data.to_float({name}) (floats in [0, 1])")
    images = as_float_array(name, images)
    if images.ndim == 3:
        images = images[:, None]  # (N, H, W) -> (N, 1, H, W)
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(f"{name} must be (N, C, H, W) or (N, H, W) with N >= 1, got shape {images.shape}")
    check_nonempty(name, images, "(N, C, H, W)")
    check_finite(name, images)
    return images


def _int_slider(description, last, value=0):
    return widgets.IntSlider(value=value, min=0, max=last, description=description, style=BIG,
                             disabled=last == 0, layout=widgets.Layout(width="380px"))


# --------------------------------------------------------------------------- kernel explorer

def conv_layer_of(net_or_kernels, layer=None):
    """Find the kernels to explore.

    Returns (w (K, C, KH, KW), b or None, stride, padding, layers before the conv layer
    (a list, to turn an image into the layer's input), activation after it or None, name).
    Accepts an array (K, C, KH, KW) or (K, KH, KW), a ``Conv2D`` layer, a ``Sequential``
    (``layer``: the index of a Conv2D; default the first) or a net with ``conv_weights()``
    (the seed's kernel net).
    """
    obj = net_or_kernels
    if hasattr(obj, "layers"):
        convs = [i for i, lay in enumerate(obj.layers) if np.ndim(lay.params.get("w")) == 4]
        if not convs:
            raise ValueError("this network has no convolutional layer (a layer with 4-D weights w)")
        i = convs[0] if layer is None else layer
        if i not in convs:
            raise ValueError(f"layer {layer!r} is not a convolutional layer; conv layers: {convs}")
        conv = obj.layers[i]
        after = obj.layers[i + 1] if i + 1 < len(obj.layers) else None
        activation = type(after).__name__.lower() if after is not None else None
        w, b, stride, padding, _, _, _ = conv_layer_of(conv)
        return w, b, stride, padding, obj.layers[:i], activation, layer_name(obj, i)
    if hasattr(obj, "conv_weights"):
        return np.asarray(obj.conv_weights()), None, 1, 0, [], "tanh", type(obj).__name__
    if hasattr(obj, "params") and np.ndim(obj.params.get("w")) == 4:
        return (obj.params["w"], obj.params.get("b"), getattr(obj, "stride", 1), getattr(obj, "padding", 0),
                [], None, type(obj).__name__)
    return np.asarray(obj), None, 1, 0, [], None, "kernels"


class KernelExplorer(PictureWidget):
    """Pick a kernel and an image, see its map (built by ``kernel_explorer``)."""

    def __init__(self, net_or_kernels, images, layer=None, activation=None, kernel_index=0, image_index=0):
        w, self.b, self.stride, self.padding, self.before, after, self.name = conv_layer_of(net_or_kernels, layer)
        self.images = as_images(images)
        check_index("image_index", image_index, len(self.images), "images")
        activation = activation or (after if after in ACTIVATIONS else "none" if after else "tanh")
        self._inputs = {}
        first = kernel_maps_state(w, self._layer_input(image_index), kernel_index, self.b, self.stride,
                                  self.padding, activation)  # validates
        self.w = first.w
        # One colour scale for every kernel and every image: the largest |value| of all their maps.
        self.scale = max(float(np.abs(self._all_maps(start)).max())
                         for start in range(0, len(self.images), 256)) or 1.0
        self.kernel = _int_slider("kernel", self.w.shape[0] - 1, kernel_index)
        self.image_index = _int_slider("image", len(self.images) - 1, image_index)
        self.activation = widgets.ToggleButtons(options=list(ACTIVATIONS), value=activation,
                                                description="activation", style=BIG)
        controls = [widgets.HBox([self.kernel, self.image_index]), self.activation]
        super().__init__(controls, figsize=(15, 4.6))
        self._redraw()
        for control in (self.kernel, self.image_index, self.activation):
            control.observe(self._redraw, names="value")

    def _all_maps(self, start):
        """(n, K, H', W'): the maps of images start .. start+255."""
        x = self.images[start:start + 256]  # (n, C, H, W)
        for lay in self.before:
            x = lay.forward(x, training=False)
        per_position = self.b is not None and np.ndim(self.b) == 3
        out, _ = conv2d_forward(x, self.w, None if per_position else self.b, self.stride, self.padding)
        return out + self.b if per_position else out

    def _layer_input(self, i):
        """(C, H, W): image i as the conv layer sees it (through the layers before it, test mode)."""
        if i not in self._inputs:
            x = self.images[i:i + 1]  # (1, C, H, W)
            for lay in self.before:
                x = lay.forward(x, training=False)
            self._inputs = {i: np.asarray(x)[0]}  # keep one: images are cheap to redo
        return self._inputs[i]

    def _redraw(self, change=None):
        i = self.image_index.value
        self.state = kernel_maps_state(self.w, self._layer_input(i), self.kernel.value, self.b, self.stride,
                                       self.padding, self.activation.value)
        self.show_state(self.state, KernelMapsFigure, image=self.images[i, 0], scale=self.scale)

    def describe(self):
        k, c, kh, kw = self.w.shape
        return f"{self.name}: {k} kernels {c}×{kh}×{kw}, {len(self.images)} images"


def kernel_explorer(net_or_kernels, images, layer=None, activation=None, kernel_index=0, image_index=0):
    """A widget to pick one of a trained network's kernels and an image and see the kernel's map.

    net_or_kernels: kernels (K, C, KH, KW) or (K, KH, KW), a ``Conv2D`` layer, a ``Sequential``
    (``layer`` = index of its conv layer, default the first; images go through the layers
    before it) or the seed's kernel net (``conv_weights()``).
    images: (N, C, H, W) or (N, H, W) floats as the network sees them (e.g. ``to_float(x)``).
    activation: "tanh" | "relu" | "sigmoid" | "none"; default: the layer after the conv layer
    in a Sequential, else "tanh".
    Shows the kernel grid (one colour scale centred on 0, the picked kernel framed), the image,
    the kernel's map (H', W') = ``conv2d_forward`` for that kernel, and the map's activation.
    Controls: ``.kernel``, ``.image_index``, ``.activation``; ``.state`` is the current
    ``KernelMaps`` (see ``cnnlib.plotting_kernels``).
    """
    return KernelExplorer(net_or_kernels, images, layer, activation, kernel_index, image_index)


# --------------------------------------------------------------------------- feature-map explorer

class FeatureMapExplorer(PictureWidget):
    """Pick an image and a layer, see every channel of that layer (built by ``feature_map_explorer``)."""

    def __init__(self, net, images, layer_index=0, image_index=0):
        if not hasattr(net, "layers"):
            raise ValueError(f"net must be a Sequential (with .layers), got {type(net).__name__}")
        self.net = net
        self.images = as_images(images)
        check_index("image_index", image_index, len(self.images), "images")
        self.state = feature_maps_state(net, self.images[image_index], layer_index)  # validates
        x = self.images[:1]
        options = []
        for i, lay in enumerate(net.layers):
            x = lay.forward(x, training=False)
            options.append((f"{layer_name(net, i)} → {tuple(np.shape(x)[1:])}", i))
        self.layer = widgets.Dropdown(options=options, value=layer_index, description="layer", style=BIG,
                                      layout=widgets.Layout(width="420px"))
        self.image_index = _int_slider("image", len(self.images) - 1, image_index)
        super().__init__([widgets.HBox([self.image_index, self.layer])], figsize=(15, 5.2))
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
            view = FeatureMapsFigure(fig, self.state, limits)
            self._views[i] = fig, view, FastRedraw(fig, view.dynamic, view.slow), limits
        else:
            self._views[i][1].update(self.state, self._views[i][3])
        self.fig, self.view, self.redraw, _ = self._views[i]
        self.picture.value = self.redraw.png(self.view.background_key, self.view.static_key)

    def _limits(self, i):
        """One colour scale for layer i over every image: (cmap, vmin, vmax)."""
        lo, hi = np.inf, -np.inf
        for start in range(0, len(self.images), 256):
            x = self.images[start:start + 256]  # (n, C, H, W)
            for lay in self.net.layers[:i + 1]:
                x = lay.forward(x, training=False)
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


# --------------------------------------------------------------------------- pooling explorer

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
        self.mode = widgets.ToggleButtons(options=list(KERNEL_POOL_MODES), value=mode,
                                          description="across kernels", style=BIG)
        self.spatial = widgets.ToggleButtons(options=list(SPATIAL_POOL_MODES), value=spatial,
                                             description="spatial pooling", style=BIG)
        self.size = widgets.IntSlider(value=size, min=1, max=max(size, min(h, 6)), description="size",
                                      style=BIG, layout=widgets.Layout(width="300px"))
        self.stride = widgets.IntSlider(value=stride, min=1, max=max(stride, min(h, 6)), description="stride",
                                        style=BIG, layout=widgets.Layout(width="300px"))
        self.image_index = _int_slider("image", len(self.maps) - 1, image_index)
        controls = [widgets.HBox([self.mode, self.spatial]), widgets.HBox([self.size, self.stride])]
        if len(self.maps) > 1:
            controls.append(self.image_index)
        super().__init__(controls, figsize=(15, 5))
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
        self.show_state(self.state, PoolingFigure, limits=self._limits[mode])

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
    the current ``PoolingState`` (see ``cnnlib.plotting_pooling``).
    """
    return PoolingExplorer(maps, mode, spatial, size, stride, image_index)
