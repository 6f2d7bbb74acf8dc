"""Numerical gradients by centred differences, to check hand-written backward passes.

Typical use (assert, do not just print)::

    out, cache = conv2d_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    dx_num = numerical_gradient(lambda x: conv2d_forward(x, w, b)[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-6

Use float64 arrays: with float32 the rounding error of f swamps the differences.
"""

import numpy as np

from cnnlib._checks import check_same_shape


def numerical_gradient(f, x, dout=None, h=1e-5):
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x`` by centred differences.

    f: function of x returning an array (or a scalar); x: float array of any
    shape, changed in place one element at a time and restored afterwards;
    dout: array of f(x)'s shape (None means f returns a scalar loss).
    Returns grad: float64 array of x's shape,
    ``grad[i] = (g(x + h e_i) - g(x - h e_i)) / (2h)`` with ``g = sum(f(.) * dout)``.
    """
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(f"x must be a float numpy array (it is changed in place), got {got}")
    if dout is None:
        dout = 1.0
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        old = x[index]
        x[index] = old + h
        plus = np.array(f(x), dtype=np.float64)  # a copy: f may return a view of x
        x[index] = old - h
        minus = np.array(f(x), dtype=np.float64)
        x[index] = old
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    return grad


def rel_error(a, b):
    """Largest elementwise relative error: ``max(|a - b| / max(1e-8, |a| + |b|))``.

    a, b: arrays of the same shape. About 1e-7 or less means a backward pass
    agrees with its numerical gradient in float64; 1e-2 means a bug.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    check_same_shape("a", a, "b", b)
    if a.size == 0:
        return 0.0
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))))
