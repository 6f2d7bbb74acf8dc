"""Numerical gradients by centred differences, to check hand-written backward passes.

Typical use (assert, do not just print)::

    out, cache = conv2d_forward(x, w, b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = conv2d_backward(dout, cache)
    dx_num = numerical_gradient(lambda x: conv2d_forward(x, w, b)[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-6

The differences are always taken in float64: a float32 ``x`` (the layers' default dtype)
is copied to float64 first, because float32 rounding (about 1e-7 relative) would swamp
differences taken with a step of 1e-5.
"""

import numpy as np

from cnnlib._checks import as_float_array, check_callable, check_finite, check_number, check_same_shape


def numerical_gradient(f, x, dout=None, h=1e-5):
    """Gradient of ``sum(f(x) * dout)`` with respect to ``x`` by centred differences.

    f: function of x returning an array (or a scalar); x: float array of any shape;
    dout: array of exactly f(x)'s shape (None means f returns a scalar loss); h: step > 0.
    Returns grad: float64 array of x's shape,
    ``grad[i] = (g(x + h e_i) - g(x - h e_i)) / (2h)`` with ``g = sum(f(.) * dout)``.

    float64 x is changed in place one element at a time and restored afterwards (so f may
    also read x from elsewhere, e.g. a layer's ``params``). Any other float x (float32) is
    never changed: f is called with a float64 copy of it, so f must compute from its
    argument. Raises ValueError for a dout of another shape than f(x) (no broadcasting),
    a step h that is not a finite number > 0, non-finite x, dout or f(x), and a float32 x
    whose gradient comes out exactly 0 everywhere (f probably ignored its argument).
    """
    check_callable("f", f, "of x returning an array or a scalar")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        got = x.dtype if isinstance(x, np.ndarray) else type(x).__name__
        raise ValueError(f"x must be a float numpy array (it is changed in place), got {got}")
    if x.dtype == np.float64 and not x.flags.writeable:
        raise ValueError("x is read-only, but a float64 x is changed in place one element at a time; "
                         "pass a writable array, e.g. x.copy()")
    h = check_number("step h", h, 0, low_open=True)
    check_finite("x", x)
    scalar = dout is None
    if scalar:
        dout, expected = 1.0, ()
    else:
        dout = as_float_array("dout", dout)
        check_finite("dout", dout)
        expected = dout.shape
    work = x if x.dtype == np.float64 else x.astype(np.float64)  # a float64 copy of float32 x
    grad = np.zeros(x.shape, dtype=np.float64)
    for index in np.ndindex(x.shape):
        old = work[index]
        work[index] = old + h
        plus = np.array(f(work), dtype=np.float64)  # a copy: f may return a view of x
        work[index] = old - h
        minus = np.array(f(work), dtype=np.float64)
        work[index] = old
        if plus.shape != expected and scalar:
            raise ValueError(f"dout is None, so f must return a scalar loss, got f(x) of shape {plus.shape}; "
                             f"pass dout of that shape")
        if plus.shape != expected:
            raise ValueError(f"dout must have the shape of f(x) (no broadcasting), got dout of shape {expected} "
                             f"and f(x) of shape {plus.shape}")
        if not (np.isfinite(plus).all() and np.isfinite(minus).all()):
            raise ValueError(f"f returned NaN or inf at x{list(index)} +/- h (h = {h}); expected finite values")
        grad[index] = np.sum((plus - minus) * dout) / (2 * h)
    if work is not x and x.size and not grad.any():
        raise ValueError(f"the numerical gradient is 0 everywhere: a {x.dtype} x is passed to f as a float64 "
                         f"copy, and f seems to ignore its argument (reading x from elsewhere); pass "
                         f"x.astype(numpy.float64), or a float64 array that f reads")
    return grad


def rel_error(a, b):
    """Largest elementwise relative error: ``max(|a - b| / max(1e-8, |a| + |b|))``.

    a, b: arrays of the same shape, finite. About 1e-7 or less means a backward pass
    agrees with its numerical gradient in float64; 1e-2 means a bug.
    """
    a = as_float_array("a", a).astype(np.float64, copy=False)
    b = as_float_array("b", b).astype(np.float64, copy=False)
    check_same_shape("a", a, "b", b)
    check_finite("a", a)  # a NaN would compare False with any tolerance, in either direction
    check_finite("b", b)
    if a.size == 0:
        return 0.0
    floor = 1e-8
    largest = max(float(np.max(np.abs(a))), float(np.max(np.abs(b))))
    if largest > 2.0 ** 1000:  # |a - b| and |a| + |b| could overflow (inf / inf): measure in units of 2**e
        e = int(np.frexp(largest)[1])
        a, b, floor = np.ldexp(a, -e), np.ldexp(b, -e), np.ldexp(floor, -e)  # exact: only exponents move
    return float(np.max(np.abs(a - b) / np.maximum(floor, np.abs(a) + np.abs(b))))
