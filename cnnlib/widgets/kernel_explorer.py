"""The kernel explorer: pick a kernel and an image, see the kernel's map and its activation.
"""

from dataclasses import dataclass, field, replace

import ipywidgets as widgets
import numpy as np

from cnnlib._checks import check_index
from cnnlib.conv import conv2d_forward
from cnnlib.layers import forward_through
from cnnlib.plotting.feature_maps import layer_name
from cnnlib.plotting.kernel_maps import ACTIVATIONS, KERNEL_MAPS_SIZE, KernelMapsView, kernel_maps_state
from cnnlib.widgets.base import BIG, PictureWidget, as_images, index_slider


@dataclass(frozen=True)
class ConvLayerInfo:
    """The kernels the explorer shows, and how an image reaches them.

    w: (K, C, KH, KW); b: None, (K,) or (K, H', W'); stride, padding: the layer's;
    before: the layers in front of it (a list; they turn an image into the layer's input);
    activation: the name of the layer after it (e.g. "tanh"), or None; name: for the title.
    """

    w: np.ndarray
    b: np.ndarray | None = None
    stride: int = 1
    padding: int = 0
    before: list = field(default_factory=list)
    activation: str | None = None
    name: str = "kernels"


def find_conv_layer(net_or_kernels, layer=None):
    """Find the kernels to explore; return a ``ConvLayerInfo``.

    Accepts an array (K, C, KH, KW) or (K, KH, KW), a ``Conv2D`` layer, a ``Sequential``
    (``layer``: the index of a Conv2D; default the first) or a net with ``conv_weights()``
    (``FaithfulKernelNet``).
    """
    obj = net_or_kernels
    if hasattr(obj, "layers"):
        convs = [i for i, lay in enumerate(obj.layers) if np.ndim(lay.params.get("w")) == 4]
        if not convs:
            raise ValueError("this network has no convolutional layer (a layer with 4-D weights w)")
        i = convs[0] if layer is None else layer
        if i not in convs:
            raise ValueError(f"layer {layer!r} is not a convolutional layer; conv layers: {convs}")
        after = obj.layers[i + 1] if i + 1 < len(obj.layers) else None
        return replace(find_conv_layer(obj.layers[i]), before=obj.layers[:i], name=layer_name(obj, i),
                       activation=type(after).__name__.lower() if after is not None else None)
    if hasattr(obj, "conv_weights"):
        return ConvLayerInfo(np.asarray(obj.conv_weights()), activation="tanh", name=type(obj).__name__)
    if hasattr(obj, "params") and np.ndim(obj.params.get("w")) == 4:
        return ConvLayerInfo(obj.params["w"], obj.params.get("b"), getattr(obj, "stride", 1),
                             getattr(obj, "padding", 0), name=type(obj).__name__)
    return ConvLayerInfo(np.asarray(obj))


class KernelExplorer(PictureWidget):
    """Pick a kernel and an image, see its map (built by ``kernel_explorer``)."""

    def __init__(self, net_or_kernels, images, layer=None, activation=None, kernel_index=0, image_index=0):
        found = find_conv_layer(net_or_kernels, layer)
        w, after = found.w, found.activation
        self.b, self.stride, self.padding, self.before, self.name = (found.b, found.stride, found.padding,
                                                                     found.before, found.name)
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
        self.kernel = index_slider("kernel", self.w.shape[0] - 1, kernel_index)
        self.image_index = index_slider("image", len(self.images) - 1, image_index)
        self.activation = widgets.ToggleButtons(options=list(ACTIVATIONS), value=activation,
                                                description="activation", style=BIG)
        controls = [widgets.HBox([self.kernel, self.image_index]), self.activation]
        super().__init__(controls, figsize=KERNEL_MAPS_SIZE)
        self._redraw()
        for control in (self.kernel, self.image_index, self.activation):
            control.observe(self._redraw, names="value")

    def _all_maps(self, start):
        """(n, K, H', W'): the maps of images start .. start+255."""
        x = forward_through(self.before, self.images[start:start + 256])  # (n, C, H, W) at the conv layer
        return conv2d_forward(x, self.w, self.b, self.stride, self.padding)[0]

    def _layer_input(self, i):
        """(C, H, W): image i as the conv layer sees it (through the layers before it, test mode)."""
        if i not in self._inputs:
            x = forward_through(self.before, self.images[i:i + 1])  # (1, C, H, W)
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
