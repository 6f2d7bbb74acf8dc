"""Which input pixels one unit of a conv/pool stack sees: by arithmetic, and by backpropagation.

    receptive_field_sizes(net.layers[:5])          # [(3, 1), (3, 1), (4, 2), (8, 2), (8, 2)]: (size, jump)
    receptive_field_sizes(convs)                   # a Sequential of conv, pooling and activation layers
    counts = receptive_field_map(net.layers[:4], (1, 28, 28), unit=(0, 5, 5))   # (28, 28)
    grad = input_gradient(net.layers[:5], x[:1], unit=(3, 5, 5))                 # (28, 28)

``layers`` is a list of layers or a Sequential (all of its layers). A unit is ``(channel, row, column)``
of the last layer's output, three ints. ``receptive_field_map``
backpropagates a one-hot gradient through a copy of the stack with every kernel weight set to
1, max pooling replaced by average pooling and activations left out, so that every path from
the unit to the input counts: its nonzero pixels are the whole receptive field.
``input_gradient`` does the same through the trained layers as they are, for one image: it
shows the pixels whose change would change the unit right now (only those behind active
ReLUs and the winners of max pooling).
"""

import copy

import numpy as np

from cnnlib._checks import as_float_array, check_index
from cnnlib._checks_extra import check_size_tuple
from cnnlib.layers import AvgPool2D, Conv2D, Dropout, MaxPool2D, ReLU, Sigmoid, Tanh, forward_through

_PASS_THROUGH = (ReLU, Tanh, Sigmoid, Dropout)


def _check_layers(layers):
    """A list or tuple of layers, or a Sequential (its layers) -> a list of the layers, checked."""
    if hasattr(layers, "layers") and not isinstance(layers, (list, tuple)):
        layers = layers.layers  # a Sequential: its layers
    if not isinstance(layers, (list, tuple)):
        raise ValueError(f"layers must be a list of layers (e.g. net.layers[:4]) or a Sequential, "
                         f"got {type(layers).__name__} {layers!r:.60}")
    layers = list(layers)
    if not layers:
        raise ValueError("layers is empty; expected conv, pooling and activation layers")
    for i, layer in enumerate(layers):
        if not isinstance(layer, (Conv2D, MaxPool2D, AvgPool2D) + _PASS_THROUGH):
            raise ValueError(f"layer {i} is {type(layer).__name__}; receptive fields are defined here for "
                             "Conv2D, MaxPool2D, AvgPool2D and elementwise layers only"
                             + (f": pass the layers before it, e.g. net.layers[:{i}]" if i else ""))
    return layers


def receptive_field_sizes(layers):
    """``[(size, jump), ...]`` after each layer: the side of the input patch one unit sees, and how
    many input pixels apart two neighbouring units' patches start.

    A layer with window ``k`` and stride ``s`` gives ``size + (k - 1) * jump`` and ``jump * s``;
    elementwise layers change neither. Padding shifts the patch but does not change its size.
    """
    size, jump, out = 1, 1, []
    for layer in _check_layers(layers):
        if isinstance(layer, Conv2D):
            if layer.kernel_size[0] != layer.kernel_size[1]:
                raise ValueError(f"receptive_field_sizes needs square kernels, got {layer.kernel_size}")
            k, s = layer.kernel_size[0], layer.stride
        elif isinstance(layer, (MaxPool2D, AvgPool2D)):
            k, s = layer.size, layer.stride
        else:
            k, s = 1, 1
        size, jump = size + (k - 1) * jump, jump * s
        out.append((size, jump))
    return out


def _one_hot_gradient(layers, x, unit):
    """Forward x through layers (test mode), backward a one-hot gradient at ``unit`` -> dx: x's shape."""
    out = forward_through(layers, x)
    if out.ndim != 4 or out.shape[0] != 1:
        raise ValueError(f"the last layer must give maps (1, K, H', W'), got shape {out.shape}")
    if not isinstance(unit, (tuple, list)) or len(unit) != 3:
        raise ValueError(f"unit must be (channel, row, column) inside the output maps {out.shape[1:]}, got {unit!r}")
    unit = tuple(check_index(f"unit's {axis}", u, n, why=f"the output maps are {out.shape[1:]}")
                 for axis, u, n in zip(("channel", "row", "column"), unit, out.shape[1:]))
    dout = np.zeros_like(out)
    dout[(0,) + unit] = 1.0
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return dout


def receptive_field_map(layers, input_shape, unit):
    """The receptive field of ``unit`` as a map of path counts: (C, H, W) input -> (H, W) float64.

    layers: Conv2D / pooling / elementwise layers (their weights are not used, only their geometry).
    Entry ``[r, c]`` counts the paths from pixel (r, c), summed over input channels, to the unit
    (weighted by 1/size**2 at every pooling step); it is > 0 exactly on the receptive field.
    """
    probe = []
    for layer in _check_layers(layers):
        if isinstance(layer, Conv2D):
            conv = Conv2D(layer.in_channels, layer.out_channels, layer.kernel_size, stride=layer.stride,
                          padding=layer.padding, bias=None, dtype=np.float64)
            conv.params["w"][...] = 1.0
            probe.append(conv)
        elif isinstance(layer, (MaxPool2D, AvgPool2D)):
            probe.append(AvgPool2D(layer.size, layer.stride))
    input_shape = check_size_tuple("input_shape", input_shape, 3, "(C, H, W)")
    dx = _one_hot_gradient(probe, np.ones((1,) + input_shape), unit)
    return dx[0].sum(axis=0)


def input_gradient(layers, x, unit):
    """d(unit)/d(pixel) through the layers as trained, for one image: x (1, C, H, W) -> (H, W) float64.

    The layers are copied (and their first Conv2D asked for the image gradient), so ``layers``
    and their caches are left as they were. Summed over input channels.
    """
    layers = copy.deepcopy(_check_layers(layers))
    for layer in layers:
        if isinstance(layer, Conv2D):
            layer.input_grad = True
    x = as_float_array("x", x).astype(np.float64, copy=False)
    if x.ndim != 4 or x.shape[0] != 1:
        raise ValueError(f"x must be one image (1, C, H, W), got shape {x.shape}")
    return _one_hot_gradient(layers, x, unit)[0].sum(axis=0)
