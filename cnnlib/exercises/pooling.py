"""Checkers for notebook 05: max pooling forward and backward (overlaps, ties), softmax + cross-entropy gradient,
and a prediction: what max pooling does to a shifted map."""

import numpy as np

from cnnlib.exercises._compare import compare_array
from cnnlib.exercises._inputs import shift_right, small_ints
from cnnlib.exercises._predictions import check_predictions, compare_map
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases
from cnnlib.losses import one_hot, softmax_cross_entropy
from cnnlib.pool import avgpool2d_forward, maxpool2d_backward, maxpool2d_forward

#: (label, seed, shape, size, stride, dtype): ties come from small whole numbers, overlaps from stride < size.
POOL_SETTINGS = [
    ("a 4×4 map with ties, 2×2 windows", 70, (4, 4), 2, 2, np.float64),
    ("a 5×7 map, 2×2 windows (the last row and column left out)", 71, (5, 7), 2, 2, np.float64),
    ("a 7×7 map with ties, overlapping 3×3 windows, stride 2", 72, (7, 7), 3, 2, np.float64),
    ("an all-negative 4×6 map, 2×2 windows", 73, (4, 6), 2, 2, np.float64),
    ("a float32 6×5 map, overlapping 3×3 windows, stride 1", 74, (6, 5), 3, 1, np.float32),
]


def _pool_map(seed, shape, dtype, negative):
    rng = np.random.default_rng(seed)
    values = rng.integers(0, 3, size=shape).astype(dtype)  # 0, 1, 2: plenty of tied maxima
    return values - 5 if negative else values


def _route(dout, image, size, stride, rule, add=True):
    """Max-pool backward with a chosen tie rule: "first", "last", "split" or "all" (loops, for the hints)."""
    dx = np.zeros(image.shape)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            window = image[i * stride:i * stride + size, j * stride:j * stride + size]
            rows, cols = np.nonzero(window == window.max())  # tied maxima, row-major
            picks = {"first": [0], "last": [-1], "split": range(len(rows)), "all": range(len(rows))}[rule]
            share = dout[i, j] / len(rows) if rule == "split" else dout[i, j]
            for p in picks:
                r, c = i * stride + rows[p], j * stride + cols[p]
                dx[r, c] = dx[r, c] + share if add else share
    return dx


def check_maxpool_forward(maxpool, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``maxpool(image, size, stride) -> (H', W')`` with ``H' = (H - size) // stride + 1``
    against ``cnnlib.pool.maxpool2d_forward``."""
    cases = []
    for label, seed, shape, size, stride, dtype in POOL_SETTINGS:
        image = _pool_map(seed, shape, dtype, "negative" in label)
        cases.append(Case(label, (image, size, stride), maxpool2d_forward(image[None, None], size, stride)[0][0, 0]))

    def compare(got, case):
        image, size, stride = case.args
        mistakes = [
            (lambda c: avgpool2d_forward(image[None, None], size, stride)[0][0, 0], "that is average pooling: "
                                                                                  "keep each window's largest value"),
            (lambda c: np.maximum(case.expected, 0), "a maximum that starts at 0 misses negative values: start "
                                                     "from the window's first value, or use window.max()"),
            (lambda c: maxpool2d_forward(image[None, None], size, size)[0][0, 0] if stride != size else None,
             "the windows move by the stride, not by the window size"),
        ]
        return compare_array(got, case.expected, what="the pooled map", mistakes=mistakes, case=case,
                             float32=image.dtype == np.float32)

    return check_cases(maxpool, cases, compare, time_limit=time_limit, quiet=quiet, switch_off=[maxpool2d_forward],
                       success="Your pooling equals maxpool2d_forward on all 5 maps, overlapping windows and "
                               "negative values included.")


def check_maxpool_backward(maxpool_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``maxpool_backward(dout, image, size, stride) -> dimage`` against ``cnnlib.pool.maxpool2d_backward``.

    Each window's gradient goes to its maximum; on a tie, all of it to the FIRST maximum in
    row-major order (cnnlib's rule); inputs in several overlapping windows add up their gradients.
    """
    cases = []
    for label, seed, shape, size, stride, dtype in POOL_SETTINGS:
        image = _pool_map(seed, shape, dtype, "negative" in label)
        out, cache = maxpool2d_forward(image[None, None], size, stride)
        dout = small_ints(seed + 1, out.shape[2:], dtype) + 4  # whole numbers 1 .. 7: no gradient is 0
        expected = maxpool2d_backward(dout[None, None], cache)[0, 0]
        cases.append(Case(label, (dout, image, size, stride), expected))

    def compare(got, case):
        dout, image, size, stride = case.args
        args = (dout, image, size, stride)
        mistakes = [
            (lambda c: _route(*args, "split"), "the gradient of a tied window was split among its maxima; "
                                              "cnnlib sends all of it to the first maximum (row-major)"),
            (lambda c: _route(*args, "all"), "every tied maximum got the whole gradient (seed 002's way), which "
                                            "counts it several times; send it to the first maximum only"),
            (lambda c: _route(*args, "last"), "on a tie the gradient went to the last maximum; cnnlib's rule "
                                             "is the first in row-major order (what argmax returns)"),
            (lambda c: _route(*args, "first", add=False) if stride < size else None,
             "an input that is the maximum of overlapping windows must ADD their gradients (+=), not keep the "
             "last one"),
        ]
        return compare_array(got, case.expected, what="the image gradient", mistakes=mistakes, case=case,
                             float32=image.dtype == np.float32)

    return check_cases(maxpool_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=[maxpool2d_backward],
                       success="Your backward pass routes every window's gradient like maxpool2d_backward: "
                               "ties, overlaps and floor-mode edges included.")


def check_softmax_ce_grad(softmax_ce_grad, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``softmax_ce_grad(logits, y) -> dlogits`` for the MEAN cross-entropy of softmax(logits),
    i.e. ``(softmax(logits) - one_hot(y)) / N``, against ``cnnlib.losses.softmax_cross_entropy``.

    logits: (N, C); y: (N,) integer labels.
    """
    rng = np.random.default_rng(80)
    inputs = [("3 images and 4 classes", rng.normal(size=(3, 4)), np.array([0, 3, 1])),
              ("one image and 10 classes", rng.normal(size=(1, 10)), np.array([7])),
              ("large logits (up to 1000)", np.array([[1000.0, 10.0, -5.0], [-3.0, 800.0, 799.0]]), np.array([2, 1])),
              ("float32 logits, 5 images and 3 classes", rng.normal(size=(5, 3)).astype(np.float32),
               np.array([0, 1, 2, 2, 0]))]
    cases = [Case(label, (logits, y), softmax_cross_entropy(logits, y)[1]) for label, logits, y in inputs]

    def compare(got, case):
        logits, y = case.args
        n, c = logits.shape
        expected = case.expected
        mistakes = [
            (expected * n, "divide by N: the loss is the mean over the batch, so is its gradient"),
            (expected * n + one_hot(y, c), "subtract one_hot(y): the gradient is p − one_hot(y), not p"),
            ((-expected * n) if n > 1 else None, "your gradient points uphill and is N times too large: "
                                                 "(p − one_hot(y)) / N"),
        ]
        return compare_array(got, expected, what="dlogits", mistakes=mistakes, case=case,
                             float32=logits.dtype == np.float32,
                             sign_hint="your gradient points uphill: it is one_hot(y) − p (the seed's delta); "
                                       "the loss's gradient is p − one_hot(y)",
                             nonfinite_hint="exp overflows for large logits: subtract each row's maximum "
                                            "before exp (softmax does not change)")

    return check_cases(softmax_ce_grad, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=[softmax_cross_entropy],
                       success="(p − one_hot(y)) / N, stable for large logits, right in all 4 cases.")


#: The 4×4 map x_small of notebook 05, section 1.
SMALL_MAP = np.array([[1, 5, 2, 0],
                      [3, 4, 8, 1],
                      [0, 2, 6, 7],
                      [9, 1, 3, 2]], dtype=np.float64)


def pooled_after_shift(image, pixels, size=2):
    """Max pooling (size × size, stride size) of ``image`` (H, W) moved ``pixels`` columns right, zeros entering."""
    return maxpool2d_forward(shift_right(image, pixels)[None, None], size)[0][0, 0]


def check_pooled_shift(answer, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Predict the 2×2 max pooling (stride 2) of ``SMALL_MAP`` moved one pixel (``one_pixel``) and two pixels
    (``two_pixels``) to the right, zeros entering on the left: two 2×2 arrays. Computed here with
    maxpool2d_forward.
    ``answer`` = (one_pixel, two_pixels), or a function that returns it."""
    unmoved, one, two = (pooled_after_shift(SMALL_MAP, p) for p in (0, 1, 2))
    parts = [
        ("one_pixel", lambda v: compare_map(v, one, "one_pixel", hints=[
            (unmoved, "max pooling keeps a window's answer only while the window's maximum stays inside it: "
                      "follow each maximum one column to the right"),
            (two, "that is the pooled map moved by a whole cell, which takes a shift of a whole window (2 pixels)"),
        ])),
        ("two_pixels", lambda v: compare_map(v, two, "two_pixels", hints=[
            (unmoved, "a shift of a whole window moves every value into the next window: the pooled map moves "
                      "by one cell, and zeros come in on the left"),
            (one, "that is the answer for one pixel"),
        ])),
    ]
    kept = int(np.sum(one == unmoved))
    return check_predictions(answer, parts, variable="my_pooled", time_limit=time_limit, quiet=quiet,
                             success=f"A one-pixel shift keeps {kept} of the 4 pooled values and changes the "
                                     "others: max pooling forgives a small shift only where the maximum stays in "
                                     "its window. A two-pixel shift moves the pooled map by exactly one cell.")
