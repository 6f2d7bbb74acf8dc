"""Checkers for notebook 04: convolution via a rotated kernel, the conv layer's dK and dX, the whole backward,
and a prediction: stride, output size and the pixels no window reads."""

import numpy as np

from cnnlib.conv import conv2d_backward, conv2d_backward_naive, conv2d_forward
from cnnlib.correlation import convolve2d, correlate2d
from cnnlib.exercises._compare import compare_array, compare_tuple
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._predictions import check_predictions, compare_count
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases

ROTATE = "rotate the kernel by 180° (kernel[::-1, ::-1], or np.rot90(kernel, 2))"

#: What the gradient exercises ask the student to write; switched off while their answers run.
BACKWARD_TWINS = [conv2d_backward, conv2d_backward_naive]


def check_convolve_via_rotation(convolve, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``convolve(image, kernel, mode) -> convolution`` for mode "valid" and "full"
    against ``cnnlib.correlation.convolve2d`` (you may use ``cnnlib.correlation.correlate2d`` inside; convolve2d
    itself is switched off while the answer runs)."""
    inputs = [("a 6×6 image, a 3×3 kernel, mode 'valid'", small_ints(30, (6, 6)), small_ints(31, (3, 3)), "valid"),
              ("a 5×7 image, a 2×3 kernel, mode 'valid'", small_ints(32, (5, 7)), small_ints(33, (2, 3)), "valid"),
              ("a 4×5 image, a 3×2 kernel, mode 'full'", small_ints(34, (4, 5)), small_ints(35, (3, 2)), "full"),
              ("a float32 5×5 image, a 3×3 kernel, mode 'full'", small_ints(36, (5, 5), np.float32),
               small_ints(37, (3, 3), np.float32), "full")]
    cases = [Case(label, (image, kernel, mode), convolve2d(image, kernel, mode))
             for label, image, kernel, mode in inputs]

    def compare(got, case):
        image, kernel, mode = case.args
        mistakes = [
            (lambda c: correlate2d(image, kernel, mode), f"that is a correlation: {ROTATE} first"),
            (lambda c: correlate2d(image, kernel.T, mode) if kernel.shape[0] == kernel.shape[1] else None,
             f"the kernel was transposed, which is a reflection, not a rotation: {ROTATE}"),
            (lambda c: correlate2d(image, np.rot90(kernel), mode) if kernel.shape[0] == kernel.shape[1] else None,
             f"np.rot90(kernel) turns by 90° only: {ROTATE}"),
            (lambda c: correlate2d(image, kernel[::-1], mode), f"only the rows were flipped: {ROTATE}"),
            (lambda c: correlate2d(image, kernel[:, ::-1], mode), f"only the columns were flipped: {ROTATE}"),
            (lambda c: convolve2d(image, kernel, "valid"),
             "this is mode 'valid'; mode 'full' pads the image with KH − 1 rows and KW − 1 columns of zeros "
             "on each side"),
        ]
        return compare_array(got, case.expected, what="the result", mistakes=mistakes, case=case,
                             float32=image.dtype == np.float32)

    return check_cases(convolve, cases, compare, time_limit=time_limit, quiet=quiet, switch_off=[convolve2d],
                       success="Rotating the kernel turns a correlation into cnnlib's convolve2d, in 'valid' and "
                               "'full' mode and for non-square kernels.")


def check_conv_kernel_grad(kernel_grad, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``kernel_grad(image, dout) -> dK`` for ``Y = correlate2d(X, K, "valid")``.

    image: (H, W); dout = dE/dY: (H', W'); dK: (H - H' + 1, W - W' + 1), the kernel's shape.
    """
    inputs = [("a 5×5 image and a 3×3 dY", small_ints(40, (5, 5)), small_ints(41, (3, 3))),
              ("a 6×7 image and a 4×5 dY (a 3×3 kernel)", small_ints(42, (6, 7)), small_ints(43, (4, 5))),
              ("a 5×6 image and a 4×4 dY (a 2×3 kernel)", small_ints(44, (5, 6)), small_ints(45, (4, 4))),
              ("float32 arrays, a 4×4 image and a 2×2 dY", small_ints(46, (4, 4), np.float32),
               small_ints(47, (2, 2), np.float32))]
    cases = [Case(label, (image, dout), correlate2d(image, dout, "valid")) for label, image, dout in inputs]

    def compare(got, case):
        image, dout = case.args
        mistakes = [
            (lambda c: convolve2d(image, dout, "valid"), "dK is a correlation of X with dY: nothing is rotated"),
            (lambda c: correlate2d(dout, image, "full"), "the arguments are swapped: dK[a, b] adds "
                                                         "X[i + a, j + b] · dY[i, j] over every output position"),
        ]
        return compare_array(got, case.expected, what="dK", mistakes=mistakes, case=case,
                             float32=image.dtype == np.float32,
                             sign_hint="the gradient points uphill; dE/dK has a plus sign")

    return check_cases(kernel_grad, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=BACKWARD_TWINS,
                       success="dK = X ⋆ dY (a valid correlation), right in all 4 cases.")


def check_conv_input_grad(input_grad, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``input_grad(dout, kernel) -> dX`` for ``Y = correlate2d(X, K, "valid")``.

    dout = dE/dY: (H', W'); kernel: (KH, KW); dX: (H' + KH - 1, W' + KW - 1), the image's shape.
    """
    inputs = [("a 4×4 dY and a 3×3 kernel", small_ints(50, (4, 4)), small_ints(51, (3, 3))),
              ("a 3×5 dY and a 2×3 kernel", small_ints(52, (3, 5)), small_ints(53, (2, 3))),
              ("a 2×2 dY and a 4×3 kernel", small_ints(54, (2, 2)), small_ints(55, (4, 3))),
              ("float32 arrays, a 3×3 dY and a 3×3 kernel", small_ints(56, (3, 3), np.float32),
               small_ints(57, (3, 3), np.float32))]
    cases = [Case(label, (dout, kernel), convolve2d(dout, kernel, "full")) for label, dout, kernel in inputs]

    def compare(got, case):
        dout, kernel = case.args
        mistakes = [
            (lambda c: correlate2d(dout, kernel, "full"), f"dX is a full convolution of dY with K: {ROTATE}"),
            (lambda c: convolve2d(dout, kernel, "valid"), "dX has the image's shape: use mode 'full'"),
            (lambda c: convolve2d(dout, kernel, "same"), "dX has the image's shape (H' + KH − 1): use mode 'full'"),
        ]
        return compare_array(got, case.expected, what="dX", mistakes=mistakes, case=case,
                             float32=dout.dtype == np.float32,
                             sign_hint="the gradient points uphill; dE/dX has a plus sign")

    return check_cases(input_grad, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=BACKWARD_TWINS,
                       success="dX = dY ∗ K (a full convolution), right in all 4 cases.")


def check_conv_backward(conv_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``conv_backward(dout, x, w, stride, padding) -> (dx, dw, db)`` against ``cnnlib.conv.conv2d_backward``.

    x: (N, C, H, W); w: (K, C, KH, KW); dout: (N, K, H', W'); one bias per kernel, db: (K,).
    """
    settings = [("x (2, 1, 5, 5), 2 kernels of 3×3", 60, (2, 1, 5, 5), (2, 1, 3, 3), 1, 0, np.float64),
                ("x (2, 3, 6, 7), 4 kernels of 3×2", 61, (2, 3, 6, 7), (4, 3, 3, 2), 1, 0, np.float64),
                ("x (1, 2, 5, 5), 3 kernels of 3×3, padding 1", 62, (1, 2, 5, 5), (3, 2, 3, 3), 1, 1, np.float64),
                ("x (2, 2, 7, 6), 2 kernels of 3×3, stride 2, padding 1", 63, (2, 2, 7, 6), (2, 2, 3, 3), 2, 1,
                 np.float64),
                ("float32 x (1, 1, 6, 6), 2 kernels of 2×2, stride 2", 64, (1, 1, 6, 6), (2, 1, 2, 2), 2, 0,
                 np.float32)]
    cases = []
    for label, seed, x_shape, w_shape, stride, padding, dtype in settings:
        x, w = small_ints(seed, x_shape, dtype), small_ints(seed + 100, w_shape, dtype)
        h_out = (x_shape[2] + 2 * padding - w_shape[2]) // stride + 1
        w_out = (x_shape[3] + 2 * padding - w_shape[3]) // stride + 1
        dout = small_ints(seed + 200, (x_shape[0], w_shape[0], h_out, w_out), dtype)
        b = np.zeros(w_shape[0], dtype=dtype)
        expected = conv2d_backward(dout, (x, w, b, stride, padding))
        cases.append(Case(label, (dout, x, w, stride, padding), expected, {"float32": dtype == np.float32}))

    def compare(got, case):
        dout, x, w, stride, padding = case.args
        b = np.zeros(w.shape[0], dtype=w.dtype)
        mistakes = {
            "dx": [(lambda c: conv2d_backward(dout, (x, w[:, :, ::-1, ::-1], b, stride, padding))[0],
                    "dX needs the kernel rotated by 180° (a full convolution of dY with K), or each window's "
                    "gradient added back where the window was read")],
            "db": [(lambda c: dout.sum(axis=(2, 3)), "sum db over the batch as well: one bias per kernel"),
                   (lambda c: dout.sum(axis=0), "one bias per kernel: sum dout over the batch and both spatial axes"),
                   (lambda c: dout.sum(axis=(0, 2, 3)) / dout.shape[0],
                    "the gradients add up over the batch: sum, do not average")],
        }
        return compare_tuple(got, case.expected, ("dx", "dw", "db"), mistakes=mistakes, case=case,
                             float32=case.context["float32"],
                             sign_hints={"dw": "your kernel gradient points uphill: dE/dK = X ⋆ dE/dY, with a "
                                               "plus sign"})

    return check_cases(conv_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=BACKWARD_TWINS,
                       success="dx, dw and db equal cnnlib's conv2d_backward in all 5 cases, with several "
                               "channels, stride 2 and padding.")


#: The setting of the prediction exercise: image side, kernel side, stride (no padding).
STRIDE_SETTING = (10, 3, 2)


def window_counts(size, kernel_size, stride, padding=0):
    """How many windows of a conv layer read each pixel of a size × size image, and the output size: the
    count trick of notebook 04, section 7 (all-ones kernel and output gradient, conv2d_backward)."""
    image = np.ones((1, 1, size, size))
    out, cache = conv2d_forward(image, np.ones((1, 1, kernel_size, kernel_size)), None, stride, padding)
    counts = conv2d_backward(np.ones_like(out), cache)[0][0, 0]  # (size, size)
    return counts, out.shape[2]


def rows_of(count):
    """ "row and column" for 1, "3 rows and columns" for 3."""
    return "row and column" if count == 1 else f"{count} rows and columns"


def check_stride_prediction(answer, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Predict for a 10×10 image, a 3×3 kernel, stride 2 and no padding: the output size ``output_size``
    (H' = W'), how many of the 100 pixels no window reads (``never_read``), and the largest number of windows
    that read one pixel (``most_reads``). Measured here with conv2d_forward and conv2d_backward.
    ``answer`` = (output_size, never_read, most_reads), or a function that returns it."""
    size, k, stride = STRIDE_SETTING
    counts, h_out = window_counts(size, k, stride)
    starts = ", ".join(str(s * stride) for s in range(h_out))
    missed = size - ((h_out - 1) * stride + k)  # rows past the last window
    parts = [
        ("output_size", lambda v: compare_count(v, h_out, "output_size", hints=[
            (h_out + 1, f"a window starting at {h_out * stride} would need rows {h_out * stride}–"
                        f"{h_out * stride + k - 1}, and the image ends at row {size - 1}"),
            (size - k + 1, "that is stride 1: with stride 2 the window skips every other position"),
            (size // stride, "count the window starts that still fit: ⌊(H − k) / S⌋ + 1"),
        ])),
        ("never_read", lambda v: compare_count(v, int(np.sum(counts == 0)), "never_read", hints=[
            (0, f"the windows start at {starts}: look for the rows and columns they never reach"),
            (2 * size * missed, "the last row and the last column share a pixel: count it once"),
            (size * missed, "both the last row and the last column are never read"),
        ])),
        ("most_reads", lambda v: compare_count(v, int(counts.max()), "most_reads", hints=[
            (k * k, "that is stride 1: with stride 2 neighbouring windows overlap by one row or column only"),
            (int(counts.max() ** 0.5), "count along both axes: the windows covering a pixel along the rows "
                                       "times those along the columns"),
            (1, "windows of 3 pixels that move by 2 overlap"),
        ])),
    ]
    return check_predictions(answer, parts, variable="my_prediction", time_limit=time_limit, quiet=quiet,
                             success=f"The windows start at {starts}, so the last {rows_of(missed)} are never "
                                     "read, and the pixels where windows overlap are read up to "
                                     f"{int(counts.max())} times: the picture of section 7 for a 10×10 image.")
