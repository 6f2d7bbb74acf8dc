"""Activation functions, each as a forward/backward pair with a cache.

All work elementwise on arrays of any shape (softmax along the last axis) and
keep float32/float64; the backward passes return ``dx`` of ``x``'s shape and dtype.
The layers of ``cnnlib.layers`` call the ``_*_forward(x, x_finite)`` twins, which skip
the check for NaN and inf when an earlier layer's output is known to hold none.
Each cache is one array (the output, or for ReLU the input), checked by
``cnnlib.caches.check_array_cache`` in the backward pass.
"""

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_nonempty, check_same_shape
from cnnlib.caches import check_array_cache


def _check_dout(dout, out, backward, what):
    """``dout`` as a float array of the cached array ``out``'s shape and dtype, after checking the cache
    for the function ``backward`` (``what`` the cached array is)."""
    out = check_array_cache(backward, out, backward.replace("_backward", "_forward"), what)
    dout = as_float_array("dout", dout)
    check_same_shape("dout", dout, "the forward output", out)
    return dout.astype(out.dtype, copy=False)  # gradients in the forward input's dtype


def _check_x(x, x_finite=False):
    """x as a float array; x_finite=True (from ``cnnlib.layers``): x is known to hold no NaN or inf, so
    that check, a pass over x, is skipped."""
    x = as_float_array("x", x)
    if not x_finite:
        check_finite("x", x)
    return x


def tanh_forward(x):
    """out = tanh(x); x: any shape. cache = out."""
    return _tanh_forward(x, x_finite=False)


def _tanh_forward(x, x_finite):
    out = np.tanh(_check_x(x, x_finite))
    return out, out


def tanh_backward(dout, cache):
    """dx = dout * (1 - tanh(x)**2), using the cached out."""
    out = cache
    dout = _check_dout(dout, out, "tanh_backward", "its output")
    dx = np.multiply(out, out)  # one new array; the rest in place
    np.subtract(1, dx, out=dx)  # 1 - tanh(x)**2
    dx *= dout
    return dx


def sigmoid_forward(x):
    """out = 1 / (1 + exp(-x)), computed without overflow for large |x|. cache = out."""
    return _sigmoid_forward(x, x_finite=False)


def _sigmoid_forward(x, x_finite):
    x = _check_x(x, x_finite)
    z = np.exp(-np.abs(x))  # in (0, 1], never overflows
    denominator = 1 + z
    out = np.where(x >= 0, 1 / denominator, z / denominator)
    return out, out


def sigmoid_backward(dout, cache):
    """dx = dout * s * (1 - s) with s = sigmoid(x) from the cache."""
    out = cache
    dout = _check_dout(dout, out, "sigmoid_backward", "its output")
    dx = np.subtract(1, out)  # one new array; the rest in place
    dx *= out  # s * (1 - s)
    dx *= dout
    return dx


def relu_forward(x):
    """out = max(x, 0). cache = x."""
    return _relu_forward(x, x_finite=False)


def _relu_forward(x, x_finite):
    x = _check_x(x, x_finite)
    return np.maximum(x, 0), x


def relu_backward(dout, cache):
    """dx = dout where x > 0, else 0 (the gradient at exactly 0 is taken as 0)."""
    x = cache
    return _check_dout(dout, x, "relu_backward", "its input x") * (x > 0)


def softmax(logits):
    """Probabilities along the last axis: exp(logits) / sum(exp(logits)).

    logits: (..., C) -> probs: (..., C), each row summing to 1. The row maximum
    is subtracted first, so logits like 1000 do not overflow.
    """
    logits = as_float_array("logits", logits)
    if logits.ndim == 0:
        raise ValueError(f"logits must be an array (..., C) of class scores, got a scalar {logits!r}")
    check_nonempty("logits", logits, "(one class at least)", from_axis=logits.ndim - 1)
    check_finite("logits", logits)
    shifted = logits - logits.max(axis=-1, keepdims=True)  # (..., C), max is 0
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_forward(logits):
    """probs = softmax(logits) along the last axis. cache = probs."""
    probs = softmax(logits)
    return probs, probs


def softmax_backward(dout, cache):
    """Full Jacobian-vector product of softmax.

    With p = probs, d p_i / d z_j = p_i (delta_ij - p_j), so
    dlogits = p * (dout - sum(dout * p)) along the last axis.
    (Paired with cross-entropy use ``losses.softmax_cross_entropy`` instead:
    its gradient is simply (p - one_hot(y)) / N.)
    """
    probs = cache
    dout = _check_dout(dout, probs, "softmax_backward", "the probabilities")
    return probs * (dout - np.sum(dout * probs, axis=-1, keepdims=True))
