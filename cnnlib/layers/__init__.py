"""Layers: the ``Layer`` interface and every layer, importable from here by name::

    from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU

Every layer has the same small interface::

    out = layer.forward(x, training=False)   # keeps what backward needs
    dx = layer.backward(dout)                # dout: gradient of the loss w.r.t. out
    layer.params["w"], layer.grads["w"]      # arrays by name ({} for layers without weights)
    layer.buffers["running_mean"]            # arrays that are not trained ({} for most layers)

The maths lives in ``cnnlib.conv``, ``cnnlib.pool``, ``cnnlib.dense``, ``cnnlib.activations``,
``cnnlib.dropout`` and ``cnnlib.batchnorm``; a layer only stores the cache between the two passes, so a notebook can
derive a function first and then use the class without learning anything twice.

=================  ====================================================================
module             what it holds
=================  ====================================================================
``base``           ``Layer``; ``layer_outputs`` / ``forward_through`` (test-mode passes)
``initializers``   initial weights by name (``init=``): glorot_uniform (default), glorot_normal,
                   he_normal, he_uniform
``convolution``    ``Conv2D`` (over ``cnnlib.conv``); ``padding="same"``
``pooling``        ``MaxPool2D``, ``AvgPool2D``, ``GlobalAvgPool2D`` (over ``cnnlib.pool``)
``dense``          ``Dense`` (over ``cnnlib.dense``)
``dropout``        ``Dropout`` (over ``cnnlib.dropout``)
``activations``    ``Tanh``, ``Sigmoid``, ``ReLU`` (over ``cnnlib.activations``)
``reshaping``      ``Flatten``, ``Reshape``
``normalization``  ``BatchNorm1D``, ``BatchNorm2D`` (over ``cnnlib.batchnorm``)
``residual``       ``ResidualBlock``: two 3x3 conv + batch norm, and an identity shortcut
=================  ====================================================================

Shapes follow the course convention: images ``(N, C, H, W)``, kernels ``(K, C, KH, KW)``, conv
output ``(N, K, H', W')`` with ``H' = (H + 2*padding - KH) // stride + 1``, dense inputs ``(N, D)``.
Layers with weights draw them from ``rng`` (a ``numpy.random.Generator``; an int is a seed, None
means seed 0): Glorot-uniform weights (or ``init=`` another initialiser) and zero biases, float32
unless ``dtype`` says otherwise (use float64 for gradient checks).
"""

from cnnlib.layers.activations import ReLU, Sigmoid, Tanh
from cnnlib.layers.base import Layer, forward_through, layer_outputs
from cnnlib.layers.convolution import Conv2D
from cnnlib.layers.dense import Dense
from cnnlib.layers.dropout import Dropout
from cnnlib.layers.initializers import INITIALIZERS, glorot_normal, glorot_uniform, he_normal, he_uniform
from cnnlib.layers.normalization import BatchNorm1D, BatchNorm2D
from cnnlib.layers.pooling import AvgPool2D, GlobalAvgPool2D, MaxPool2D
from cnnlib.layers.reshaping import Flatten, Reshape
from cnnlib.layers.residual import ResidualBlock

__all__ = ["Layer", "layer_outputs", "forward_through", "INITIALIZERS", "glorot_uniform", "glorot_normal",
           "he_normal", "he_uniform", "Conv2D", "MaxPool2D", "AvgPool2D", "GlobalAvgPool2D", "Dense", "Dropout",
           "Flatten", "Reshape", "Tanh", "Sigmoid", "ReLU", "BatchNorm1D", "BatchNorm2D", "ResidualBlock"]
