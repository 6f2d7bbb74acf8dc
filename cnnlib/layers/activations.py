"""Activation layers, ``Tanh``, ``Sigmoid`` and ``ReLU``: wrappers over ``cnnlib.activations``.

Elementwise: any shape in, the same shape out; no weights.
"""

from cnnlib.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from cnnlib.layers.base import Layer


class _Activation(Layer):
    """Elementwise activation: any shape in, same shape out."""

    _forward = _backward = None

    def forward(self, x, training=False):
        out, self._cache = type(self)._forward(x)
        return out

    def backward(self, dout):
        return type(self)._backward(dout, self._need_cache())


class Tanh(_Activation):
    """``tanh(x)``, elementwise; backward multiplies by ``1 - tanh(x)**2``."""

    _forward, _backward = staticmethod(tanh_forward), staticmethod(tanh_backward)


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``, elementwise; backward multiplies by ``s * (1 - s)``."""

    _forward, _backward = staticmethod(sigmoid_forward), staticmethod(sigmoid_backward)


class ReLU(_Activation):
    """``max(x, 0)``, elementwise; backward passes the gradient where ``x > 0``."""

    _forward, _backward = staticmethod(relu_forward), staticmethod(relu_backward)
