"""Inverted dropout: drop each unit with probability p while training, scale the rest by 1/(1-p).

Scaling at training time keeps the expected activation unchanged, so at test
time (``training=False``) dropout is simply the identity. With p = 0.5 the
mask holds 0s and 2s, as in the course's kernel net.

The mask comes from float32 uniform draws whatever the dtype of ``x`` (half the
random bits of float64 draws, and no float64 temporaries), so a seed gives the
same mask for float32 and float64 inputs; ``cnnlib.dropout_draws`` compares them
with ``p`` without making the floats.
"""

import numpy as np

from cnnlib._checks import as_float_array, check_choice, check_finite, check_same_shape
from cnnlib.caches import check_array_cache
from cnnlib.dropout_draws import draw_keep


def check_drop_probability(p):
    """Return ``p`` unchanged; raise unless it is a real number (not a bool) in [0, 1)."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p < 1:
        raise ValueError(f"dropout probability p must be a number in [0, 1), got {p!r}")
    return p


def dropout_forward(x, p, rng, training=True):
    """x: any shape -> out: same shape and dtype.

    p: drop probability in [0, 1); rng: numpy.random.Generator (the same seed
    gives the same mask for either dtype; it may be None when training=False).
    A unit is kept where its draw ``u ~ U[0, 1)`` (float32) satisfies ``u >= p``.
    cache = mask: x-shaped array of 0 and 1/(1-p) in x's dtype, or None at test time.
    """
    return _dropout_forward(x, p, rng, training, x_finite=False)


def _dropout_forward(x, p, rng, training, x_finite):
    """``dropout_forward``; x_finite=True (from ``cnnlib.layers``): x is known to hold no NaN or inf, so that
    check, a pass over x, is skipped (every other check stays)."""
    x = as_float_array("x", x)
    check_drop_probability(p)
    check_choice("training", training, (True, False))
    if not x_finite:
        check_finite("x", x)
    if not training:
        return x, None
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator (e.g. numpy.random.default_rng(0)), got {type(rng).__name__}"
        )
    keep = draw_keep(rng, x.shape, p)  # True where the float32 draw u ~ U[0, 1) has u >= p, for any dtype of x
    mask = keep.astype(x.dtype)  # 1 where kept, 0 where dropped
    mask *= x.dtype.type(1) / x.dtype.type(1 - p)  # 0 or 1/(1-p), in place (1 * (1/(1-p)) is exactly 1/(1-p))
    return x * mask, mask


def dropout_backward(dout, cache):
    """dx = dout * mask (dropped units get no gradient); identity at test time (cache None)."""
    mask = check_array_cache("dropout_backward", cache, "dropout_forward", "the mask", allow_none=True)
    dout = as_float_array("dout", dout)
    if mask is None:
        return dout.copy()
    check_same_shape("dout", dout, "the dropout mask", mask)
    return dout.astype(mask.dtype, copy=False) * mask  # (same shape and dtype as x)
