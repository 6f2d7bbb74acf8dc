"""Layers: the ``Layer`` interface and every layer, importable from here by name::

    from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU

Every layer has the same small interface::

    out = layer.forward(x, training=False)   # keeps what backward needs
    dx = layer.backward(dout)                # dout: gradient of the loss w.r.t. out
    layer.params["w"], layer.grads["w"]      # arrays by name ({} for layers without weights)

The maths lives in ``cnnlib.conv``, ``cnnlib.pool``, ``cnnlib.dense``, ``cnnlib.activations``
and ``cnnlib.dropout``; a layer only stores the cache between the two passes, so a notebook can
derive a function first and then use the class without learning anything twice.

================  ====================================================================
module            what it holds
================  ====================================================================
``base``          ``Layer``; ``layer_outputs`` / ``forward_through`` (test-mode passes)
``initializers``  ``glorot_uniform``, the default initial weights
``convolution``   ``Conv2D`` (over ``cnnlib.conv``)
``pooling``       ``MaxPool2D``, ``AvgPool2D`` (over ``cnnlib.pool``)
``dense``         ``Dense`` (over ``cnnlib.dense``)
``dropout``       ``Dropout`` (over ``cnnlib.dropout``)
``activations``   ``Tanh``, ``Sigmoid``, ``ReLU`` (over ``cnnlib.activations``)
``reshaping``     ``Flatten``, ``Reshape``
================  ====================================================================

Shapes follow the course convention: images ``(N, C, H, W)``, kernels ``(K, C, KH, KW)``, conv
output ``(N, K, H', W')`` with ``H' = (H + 2*padding - KH) // stride + 1``, dense inputs ``(N, D)``.
Layers with weights draw them from ``rng`` (a ``numpy.random.Generator``; an int is a seed, None
means seed 0): Glorot-uniform weights and zero biases, float32 unless ``dtype`` says otherwise
(use float64 for gradient checks).
"""

from cnnlib.layers.activations import ReLU, Sigmoid, Tanh
from cnnlib.layers.base import Layer, forward_through, layer_outputs
from cnnlib.layers.convolution import Conv2D
from cnnlib.layers.dense import Dense
from cnnlib.layers.dropout import Dropout
from cnnlib.layers.initializers import glorot_uniform
from cnnlib.layers.pooling import AvgPool2D, GlobalAvgPool2D, MaxPool2D
from cnnlib.layers.reshaping import Flatten, Reshape

__all__ = ["Layer", "layer_outputs", "forward_through", "glorot_uniform", "Conv2D", "MaxPool2D", "AvgPool2D",
           "GlobalAvgPool2D", "Dense", "Dropout", "Flatten", "Reshape", "Tanh", "Sigmoid", "ReLU"]
