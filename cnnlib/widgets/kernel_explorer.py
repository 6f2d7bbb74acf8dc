"""The kernel explorer: pick a kernel and an image, see the kernel's map and its activation.
"""

import ipywidgets as widgets
import numpy as np

from cnnlib._checks import check_index
from cnnlib.conv import conv2d_forward
from cnnlib.plotting.feature_maps import layer_name
from cnnlib.plotting.kernel_maps import ACTIVATIONS, KernelMapsView, kernel_maps_state
from cnnlib.widgets.base import BIG, PictureWidget, _int_slider, as_images


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
        self.show_state(self.state, KernelMapsView, image=self.images[i, 0], scale=self.scale)

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
    ``KernelMaps`` (see ``cnnlib.plotting.kernel_maps``).
    """
    return KernelExplorer(net_or_kernels, images, layer, activation, kernel_index, image_index)
