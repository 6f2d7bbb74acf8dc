"""Inputs for the checkers' cases, shared by every notebook's checkers."""

import numpy as np


def small_ints(seed, shape, dtype=np.float64):
    """Whole numbers from -3 to 3 as floats: every sum is exact, so messages are exact too."""
    return np.random.default_rng(seed).integers(-3, 4, size=shape).astype(dtype)


def shift_right(a, pixels):
    """``a`` (..., H, W) moved ``pixels`` columns to the right: zeros come in on the left, the last columns leave."""
    moved = np.zeros_like(a)
    moved[..., pixels:] = a[..., :a.shape[-1] - pixels]
    return moved
