"""Inverted dropout: drop each unit with probability p while training, scale the rest by 1/(1-p).

Scaling at training time keeps the expected activation unchanged, so at test
time (``training=False``) dropout is simply the identity. With p = 0.5 the
mask holds 0s and 2s, as in the course's kernel net.
"""

import numpy as np

from cnnlib._checks import as_float_array, check_same_shape


def dropout_forward(x, p, rng, training=True):
    """x: any shape -> out: same shape and dtype.

    p: drop probability in [0, 1); rng: numpy.random.Generator (the same seed
    gives the same mask; it may be None when training=False).
    cache = mask: x-shaped array of 0 and 1/(1-p) in x's dtype, or None at test time.
    """
    x = as_float_array("x", x)
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p < 1:
        raise ValueError(f"dropout probability p must be a number in [0, 1), got {p!r}")
    if not training:
        return x, None
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), got {type(rng).__name__}"
        )
    keep = rng.random(x.shape) >= p  # float64 draws, so a seed gives the same mask for any dtype
    mask = keep.astype(x.dtype) / x.dtype.type(1 - p)
    return x * mask, mask


def dropout_backward(dout, cache):
    """dx = dout * mask (dropped units get no gradient); identity at test time."""
    mask = cache
    dout = as_float_array("dout", dout)
    if mask is None:
        return dout.copy()
    check_same_shape("dout", dout, "the dropout mask", mask)
    return dout.astype(mask.dtype, copy=False) * mask  # (same shape and dtype as x)
