"""Checkers for notebook 01 (weight sharing): the output size, correlation with loops, parameter counts, and
a prediction: which outputs move when the digit moves."""

import numpy as np

from cnnlib.conv import conv2d_forward, conv2d_forward_naive, conv_output_size
from cnnlib.correlation import convolve2d, correlate2d
from cnnlib.exercises._compare import compare_array, compare_int
from cnnlib.exercises._inputs import shift_right, small_ints
from cnnlib.exercises._predictions import check_predictions, compare_count
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, type_name


def check_output_size(output_size, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``output_size(size, kernel_size, stride, padding) -> int`` against ``cnnlib.conv.conv_output_size``."""
    settings = [(8, 3, 1, 0), (28, 3, 1, 0), (28, 5, 2, 2), (28, 4, 3, 0), (10, 4, 3, 2), (7, 7, 1, 0),
                (5, 3, 2, 1), (6, 2, 2, 0)]
    cases = [Case(f"size {s}, kernel {k}, stride {st}, padding {p}", (s, k, st, p), conv_output_size(s, k, st, p))
             for s, k, st, p in settings]

    def compare(got, case):
        s, k, st, p = case.args
        mistakes = [
            ((s + 2 * p - k) // st, "that counts the steps between window positions; add 1 for the first position"),
            ((s - k) // st + 1, "the padding is missing: it adds P pixels on each side, 2·P in all"),
            ((s + p - k) // st + 1, "padding goes on both sides of the image: add 2·P, not P"),
            (s + 2 * p - k + 1 if st > 1 else None, "the stride is missing: divide the free room by it"),
            ((s + 2 * p - k) / st + 1, "sizes are whole numbers: use floor division // instead of /"),
        ]
        if p > 0:  # the padding-free cases came first and passed: a padding slip is the likelier one
            mistakes = mistakes[1:3] + mistakes[:1] + mistakes[3:]
        return compare_int(got, case.expected, what="the size", mistakes=mistakes)

    return check_cases(output_size, cases, compare, time_limit=time_limit, quiet=quiet,
                       success=f"Your formula gives the same size as conv_output_size in all {len(cases)} "
                               "settings, strides and paddings included.")


def check_correlate2d(correlate, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``correlate(image, kernel) -> (H-KH+1, W-KW+1)``, a valid correlation, against cnnlib's.

    The answer must do the work itself: cnnlib's correlate2d, convolve2d and conv2d_forward are switched off
    while it runs."""
    horizontal = np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]], dtype=np.float64)
    inputs = [
        ("an 8×8 image and the 3×3 horizontal kernel", small_ints(1, (8, 8)), horizontal),
        ("a 5×7 image and a 2×3 kernel", small_ints(2, (5, 7)), small_ints(3, (2, 3))),
        ("a 4×4 image and a 4×4 kernel (one position)", small_ints(4, (4, 4)), small_ints(5, (4, 4))),
        ("a float32 6×5 image and a 3×2 kernel", small_ints(6, (6, 5), np.float32) / 2,
         small_ints(7, (3, 2), np.float32)),
        ("a 28×28 image and a 3×3 kernel", small_ints(8, (28, 28)), small_ints(9, (3, 3))),
    ]
    cases = [Case(label, (image, kernel), correlate2d(image, kernel)) for label, image, kernel in inputs]

    def compare(got, case):
        image, kernel = case.args
        kh, kw = kernel.shape
        mistakes = [
            (lambda c: convolve2d(image, kernel), "that is a convolution (the kernel rotated by 180°); a "
                                                  "correlation slides the kernel as it is"),
            (lambda c: correlate2d(image, kernel)[:-1, :-1], "one position short on each axis (the seed's "
                                                            "range(H - KH)): a window starts at 0, 1, …, H − KH"),
            (lambda c: correlate2d(image, kernel).T, "the output is transposed: row i of the output should "
                                                     "come from rows i … i+KH−1 of the image"),
            (lambda c: correlate2d(image, kernel.T) if kh == kw else None,
             "the kernel is transposed: multiply image[i + a, j + b] by kernel[a, b]"),
        ]
        return compare_array(got, case.expected, what="the map", mistakes=mistakes, case=case,
                             float32=image.dtype == np.float32)

    return check_cases(correlate, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=[correlate2d, convolve2d, conv2d_forward, conv2d_forward_naive],
                       success="Your loops give cnnlib's correlate2d on all 5 images, non-square kernels "
                               "and float32 included.")


def _reference_counts(height, width, channels, num_kernels, kernel_size):
    outputs = num_kernels * conv_output_size(height, kernel_size) * conv_output_size(width, kernel_size)
    conv = num_kernels * (channels * kernel_size * kernel_size + 1)
    dense = outputs * (channels * height * width + 1)
    return conv, dense, outputs


def check_param_counts(param_counts, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``param_counts(height, width, channels, num_kernels, kernel_size) -> (conv, dense)``.

    conv: the weights and biases of ``num_kernels`` kernels of ``kernel_size × kernel_size`` over
    ``channels`` channels (one bias per kernel). dense: the weights and biases of a dense layer that
    produces as many outputs as the conv layer does on a ``height × width`` image (valid, stride 1),
    each output connected to every input value.
    """
    settings = [(28, 28, 1, 16, 3), (8, 8, 1, 4, 3), (28, 28, 1, 32, 5), (32, 24, 3, 8, 5)]
    cases = []
    for h, w, c, k, ks in settings:
        label = f"{k} kernels of {ks}×{ks} on a {h}×{w} image with {c} channel{'s' if c > 1 else ''}"
        cases.append(Case(label, (h, w, c, k, ks), _reference_counts(h, w, c, k, ks)))

    def compare(got, case):
        h, w, c, k, ks = case.args
        conv, dense, outputs = case.expected
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"the answer should be two numbers (conv, dense), got {type_name(got)}"
        problem = compare_int(got[0], conv, what="the conv count", mistakes=[
            (k * c * ks * ks, "the biases are missing: one per kernel"),
            (k * (ks * ks + 1) if c > 1 else None, "each kernel spans all the image's channels: C·KH·KW weights"),
            (k * c * ks * ks * outputs // k, "a kernel's weights are shared: count them once, not at every "
                                             "position"),
        ])
        if problem:
            return problem
        return compare_int(got[1], dense, what="the dense count", mistakes=[
            (outputs * c * h * w, "the biases are missing: one per output"),
            (outputs * (h * w + 1) if c > 1 else None, "every output sees all C·H·W input values"),
            (k * h * w * (c * h * w + 1), "the conv layer has K·H'·W' outputs (valid positions), not K·H·W"),
        ])

    return check_cases(param_counts, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Both counts are right for all 4 layers, biases and channels included.")


#: The 8×8 "2" of notebook 01, section 3 (1 = ink); its last column is empty.
DIGIT_ROWS = ("........", "..####..", ".#....#.", ".....#..", "....#...", "...#....", ".######.", "........")
HORIZONTAL = np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]], dtype=np.float64)


def moved_with_the_input(layer, image):
    """How many outputs of ``layer`` for the image moved one pixel right equal the old output one column to
    the left: new[r, c] == old[r, c - 1]. layer: (H, W) image -> (H', W') map."""
    old, new = layer(image), layer(shift_right(image, 1))
    return int(np.sum(new[:, 1:] == old[:, :-1]))


def shift_prediction_references():
    """(conv, dense): the counts measured for the horizontal kernel and for a dense layer 64 -> 36 whose 2,304
    weights are all free (random)."""
    digit = np.array([[1.0 if ch == "#" else 0.0 for ch in row] for row in DIGIT_ROWS])  # (8, 8)
    assert not digit[:, -1].any()  # nothing falls off the right edge
    weights = np.random.default_rng(11).normal(size=(36, 64))  # (outputs 6*6, inputs 8*8)
    conv = moved_with_the_input(lambda image: correlate2d(image, HORIZONTAL), digit)
    dense = moved_with_the_input(lambda image: (weights @ image.ravel()).reshape(6, 6), digit)
    return conv, dense


def check_shift_prediction(answer, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Predict, for the 8×8 "2" moved one pixel to the right (zeros enter on the left, no ink leaves): how
    many of the 36 values of the new 6×6 map equal the old map's value one column to the left,
    new[r, c] == old[r, c - 1] — for the horizontal-stroke kernel (``conv``) and for a dense layer from the
    64 pixels to 36 outputs whose 2,304 weights are all free (``dense``). Both counts are measured here.
    ``answer`` = (conv, dense), or a function that returns it."""
    expected_conv, expected_dense = shift_prediction_references()
    first_column = "the new map's first column has no column to its left in the old map: count only the " \
                   "positions that have one"
    parts = [
        ("conv", lambda v: compare_count(v, expected_conv, "conv", hints=[
            (36, first_column),
            (0, "the kernel uses the same 9 weights at every position, so the stroke meets the same weights one "
                "position later: look at what a window one column to the right now sees"),
            (6, "count the positions that match, not the ones that change"),
        ])),
        ("dense", lambda v: compare_count(v, expected_dense, "dense", hints=[
            (expected_conv, "that is what the kernel does; a dense layer has its own weights for every output, "
                            "so output (r, c) of the moved digit has nothing in common with output (r, c − 1)"),
            (36, "a dense layer has its own weights for every output: nothing ties one output to its neighbour"),
        ])),
    ]
    return check_predictions(answer, parts, variable="my_counts", time_limit=time_limit, quiet=quiet,
                             success=f"The kernel's map moves with the digit ({expected_conv} of {6 * 5} values "
                                     "reappear one column further right; only the first column is new), while the "
                                     f"dense layer's outputs do not ({expected_dense} match). Notebook 09 measures "
                                     "this on real digits.")
