"""Activation layers, ``Tanh``, ``Sigmoid`` and ``ReLU``: wrappers over ``cnnlib.activations``.

Elementwise: any shape in, the same shape out; no weights.
"""

import math

from cnnlib.activations import (
    _relu_forward,
    _sigmoid_forward,
    _tanh_forward,
    relu_backward,
    sigmoid_backward,
    tanh_backward,
)
from cnnlib.layers.base import Layer


class _Activation(Layer):
    """Elementwise activation: any shape in, same shape out."""

    # set by each subclass: the function's ``_*_forward(x, x_finite)`` twin and its backward
    function_forward = function_backward = None

    def forward(self, x, training=False):
        return self._forward(x, training, x_finite=False)

    def _forward(self, x, training, x_finite):
        out, self._cache = type(self).function_forward(x, x_finite)
        return out

    def backward(self, dout):
        return type(self).function_backward(dout, self._need_cache())


class Tanh(_Activation):
    """``tanh(x)``, elementwise; backward multiplies by ``1 - tanh(x)**2``."""

    function_forward, function_backward = staticmethod(_tanh_forward), staticmethod(tanh_backward)

    def _output_bound(self, bound, training):
        return 1.0  # |tanh| <= 1 (its input was checked, or known finite)


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``, elementwise; backward multiplies by ``s * (1 - s)``."""

    function_forward, function_backward = staticmethod(_sigmoid_forward), staticmethod(sigmoid_backward)

    def _output_bound(self, bound, training):
        return 1.0  # 0 <= sigmoid <= 1


class ReLU(_Activation):
    """``max(x, 0)``, elementwise; backward passes the gradient where ``x > 0``."""

    function_forward, function_backward = staticmethod(_relu_forward), staticmethod(relu_backward)

    def _output_bound(self, bound, training):
        return math.inf if bound is None else bound  # finite (its input was checked), no larger than its input
