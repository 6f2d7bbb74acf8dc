"""The dense (fully connected) layer: out = x @ w + b."""

from typing import NamedTuple, Optional

import numpy as np

from cnnlib._checks import (
    as_float_array,
    check_bias,
    check_finite,
    check_ndim,
    check_nonempty,
    check_shape,
    check_weights_match,
)
from cnnlib.caches import cache_of, check_cache


@cache_of("dense_forward")
class DenseCache(NamedTuple):
    x: np.ndarray  # (N, D)
    w: np.ndarray  # (D, M)
    b: Optional[np.ndarray]  # (M,) or None


def dense_forward(x, w, b):
    """x: (N, D), w: (D, M), b: (M,) or None -> out: (N, M).

    cache = DenseCache(x, w, b). out has the common dtype of x and w.
    """
    return _dense_forward(x, w, b, x_finite=False)


def _dense_forward(x, w, b, x_finite):
    """``dense_forward``; x_finite=True (from ``cnnlib.layers``): x is known to hold no NaN or inf, so that
    check, a pass over x, is skipped (every other check stays)."""
    x = as_float_array("x", x)
    w = as_float_array("w", w)
    check_ndim("x", x, 2, "(N, D); flatten images first")
    check_ndim("w", w, 2, "(D, M)")
    check_nonempty("w", w, "(w is (D, M))")
    check_nonempty("x", x, "(x is (N, D))", from_axis=1)  # N = 0 (no samples) gives an empty output
    check_weights_match(x, w, 0, "features", "(D, M)", "D")
    b = check_bias(b, w.shape[1], "output")
    if not x_finite:
        check_finite("x", x)
    check_finite("w", w)
    out = x @ w  # (N, M)
    if b is not None:
        out += b
    return out, DenseCache(x, w, b)


def dense_backward(dout, cache):
    """dout: (N, M) -> dx: (N, D), dw: (D, M), db: (M,) (None when b was None).

    dx = dout @ w.T, dw = x.T @ dout, db = dout summed over the batch;
    each gradient in the dtype of its input.
    """
    x, w, b = check_cache("dense_backward", cache, DenseCache)
    dout = as_float_array("dout", dout)
    check_shape("dout", dout, (x.shape[0], w.shape[1]))
    if x.shape[0] == 1:  # one image (per-image SGD): an outer product and a matrix-vector product
        dx = (w @ dout[0])[None].astype(x.dtype, copy=False)  # (1, D)
        dw = np.outer(x[0], dout[0]).astype(w.dtype, copy=False)  # (D, M)
    else:
        dx = (dout @ w.T).astype(x.dtype, copy=False)  # (N, D)
        dw = (x.T @ dout).astype(w.dtype, copy=False)  # (D, M)
    db = None if b is None else dout.sum(axis=0).astype(b.dtype, copy=False)
    return dx, dw, db
