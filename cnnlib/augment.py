"""Shifting images by whole pixels: for the shift test (notebook 09) and shift augmentation (notebook 10).

    shifted = shift_images(x, 2, -1)            # every image 2 pixels down, 1 pixel left, zeros fill in
    augment = random_shifts(3)                  # each image its own shift in [-3, 3] x [-3, 3]
    fit(net, x, y, ..., augment=augment)        # fit passes every training batch through it
    moved = shift_in_random_directions(x, 2, rng=0)   # each image 2 pixels up, down, left or right

x: (N, C, H, W) images. A shift (dy, dx) moves the content dy rows down (up when negative) and dx
columns right (left when negative); what moves out of the frame is lost and the uncovered rows and
columns are zeros, the background of MNIST. Nothing wraps around (``np.roll`` would).
"""

import numbers
from dataclasses import dataclass

import numpy as np

from cnnlib._checks import as_array, as_generator, check_ndim, check_nonnegative_int

#: The four directions of the shift test as (dy, dx) unit steps: up, down, left, right.
DIRECTIONS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def _is_whole(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def _shift_amounts(name, v, n):
    """An int, or an (N,) array of ints, one per image -> (N,) int64 array."""
    if _is_whole(v):
        return np.full(n, int(v), dtype=np.int64)
    a = as_array(name, v)
    if a.dtype.kind not in "iu" or a.shape != (n,):
        got = repr(v) if a.ndim == 0 else f"an array of shape {a.shape} and dtype {a.dtype}"
        raise ValueError(f"{name} must be an int or an (N,) = ({n},) array of ints, one per image, got {got}")
    return a.astype(np.int64)


def _span(shift, size):
    """(destination slice, source slice) along one axis of length ``size`` for a shift by ``shift``."""
    return slice(max(shift, 0), size + min(shift, 0)), slice(max(-shift, 0), size - max(shift, 0))


def shift_images(x, dy, dx):
    """x: (N, C, H, W) -> the same images moved ``dy`` rows down and ``dx`` columns right, zero fill.

    dy, dx: ints (every image the same shift) or (N,) int arrays (one shift per image); negative
    values move up / left; a shift of the image's size or more leaves only zeros. The result is a
    new array of x's shape and dtype; x is not changed.
    """
    x = as_array("x", x)
    if x.dtype.kind not in "biuf":
        raise ValueError(f"x must be an array of real numbers (bool, integer or float), got dtype {x.dtype}")
    check_ndim("x", x, 4, "(N, C, H, W)")
    n, _, h, w = x.shape
    dys, dxs = _shift_amounts("dy", dy, n), _shift_amounts("dx", dx, n)
    out = np.zeros_like(x)
    pairs, which = np.unique(np.stack([dys, dxs], axis=1), axis=0, return_inverse=True)  # (P, 2), (N,)
    for p, (sy, sx) in enumerate(pairs):
        if abs(sy) >= h or abs(sx) >= w:
            continue  # moved entirely out of the frame
        (dst_r, src_r), (dst_c, src_c) = _span(int(sy), h), _span(int(sx), w)
        images = np.flatnonzero(which.ravel() == p)  # (n_p,) the images with this shift
        out[images, :, dst_r, dst_c] = x[images, :, src_r, src_c]
    return out


def unfilled_region(shape, dy, dx):
    """(row slice, column slice) of a map of ``shape`` (..., H, W) shifted by (dy, dx) that holds moved
    values rather than the zero fill: rows ``max(dy, 0) .. H + min(dy, 0) - 1``, likewise for columns.

    Where a layer is equivariant, ``layer(shift(x))`` equals ``shift(layer(x))`` on this region.
    """
    if not isinstance(shape, (tuple, list)) or len(shape) < 2 or not all(_is_whole(n) and n >= 0 for n in shape):
        raise ValueError(f"shape must be a map's shape (..., H, W) of ints, e.g. maps.shape, got {shape!r}")
    for name, v in (("dy", dy), ("dx", dx)):
        if not _is_whole(v):
            raise ValueError(f"{name} must be an int (a shift by whole pixels), got {v!r}")
    h, w = shape[-2:]
    return _span(int(dy), h)[0], _span(int(dx), w)[0]


@dataclass(frozen=True)
class RandomShifts:
    """An augmentation for ``fit(..., augment=...)``: ``augment(x_batch, rng)`` moves each image of
    ``x_batch: (B, C, H, W)`` by its own shift (dy, dx), both drawn uniformly from the integers
    ``-max_shift .. max_shift`` with ``rng`` (dy for every image first, then dx), zero fill."""

    max_shift: int

    def __call__(self, x_batch, rng):
        n = np.shape(x_batch)[0]
        dy = rng.integers(-self.max_shift, self.max_shift + 1, size=n)  # (B,)
        dx = rng.integers(-self.max_shift, self.max_shift + 1, size=n)  # (B,)
        return shift_images(x_batch, dy, dx)


def random_shifts(max_shift):
    """The augment callable ``augment(x_batch, rng) -> shifted batch``: each image moved by a uniform
    random integer shift in ``[-max_shift, max_shift]`` in each direction (see ``RandomShifts``)."""
    return RandomShifts(check_nonnegative_int("max_shift", max_shift))


def _checked_directions(directions):
    """``directions``, a non-empty list or tuple of (dy, dx) int pairs -> (D, 2) int64 array."""
    ok = isinstance(directions, (list, tuple)) and len(directions) > 0 and all(
        isinstance(d, (list, tuple)) and len(d) == 2 and all(_is_whole(v) for v in d) for d in directions)
    if not ok:
        raise ValueError(f"directions must be a non-empty list of (dy, dx) pairs of ints, got {directions!r}")
    return np.array(directions, dtype=np.int64)


def shift_in_random_directions(x, distance, rng=0, directions=DIRECTIONS):
    """x: (N, C, H, W) -> each image moved ``distance`` pixels in one of ``directions`` (unit steps
    (dy, dx); default up, down, left, right), chosen per image with ``rng`` (Generator or int seed).

    The shift test of notebook 09: with one direction drawn per image, every image counts at every
    distance, and each direction gets about a quarter of them.
    """
    x = as_array("x", x)
    check_ndim("x", x, 4, "(N, C, H, W)")
    distance = check_nonnegative_int("distance", distance)
    steps = _checked_directions(directions)  # (D, 2)
    chosen = steps[as_generator(rng).integers(0, len(steps), size=x.shape[0])]  # (N, 2)
    return shift_images(x, chosen[:, 0] * distance, chosen[:, 1] * distance)
