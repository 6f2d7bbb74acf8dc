"""Checkers for notebook 07: moving weights between cnnlib's layout and Keras' (no Keras needed to check), and a
prediction: where one row of the flattened maps goes.

cnnlib: images (N, C, H, W), kernels (K, C, KH, KW), a dense layer after Flatten sees (K, H', W') order.
Keras:  images (N, H, W, C), kernels (KH, KW, C, K), a dense layer after Flatten sees (H', W', K) order.
The references are checked by meaning, not only by a transpose: a correlation written with Keras'
layout must equal ``cnnlib.conv.conv2d_forward``.
"""

import numpy as np

from cnnlib.conv import conv2d_forward, image_sections
from cnnlib.exercises._compare import compare_array
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._predictions import check_predictions, compare_count
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases

KERNEL_SHAPES = [("16 kernels of 3×3 on 1 channel", (16, 1, 3, 3)),
                 ("4 kernels of 2×3 on 3 channels", (4, 3, 2, 3)),
                 ("2 kernels of 3×2 on 5 channels", (2, 5, 3, 2)),
                 ("float32, 3 kernels of 4×4 on 2 channels", (3, 2, 4, 4))]


def keras_style_conv(x_nhwc, kernel_keras):
    """A valid correlation written with Keras' layouts: (N, H, W, C) and (KH, KW, C, K) -> (N, H', W', K)."""
    kh, kw = kernel_keras.shape[:2]
    sections = image_sections(x_nhwc.transpose(0, 3, 1, 2), (kh, kw))  # (N, H', W', C, KH, KW)
    return np.einsum("nijcab,abck->nijk", sections, kernel_keras)


def _kernel_cases():
    cases = []
    for i, (label, shape) in enumerate(KERNEL_SHAPES):
        dtype = np.float32 if label.startswith("float32") else np.float64
        w = small_ints(90 + i, shape, dtype)
        x = small_ints(95 + i, (2, shape[1], 6, 7), dtype)
        expected = w.transpose(2, 3, 1, 0)  # (KH, KW, C, K)
        assert np.allclose(keras_style_conv(x.transpose(0, 2, 3, 1), expected),
                           conv2d_forward(x, w)[0].transpose(0, 2, 3, 1))  # the same layer in both layouts
        cases.append(Case(f"{label}, w of shape {shape}", (w,), expected))
    return cases


def _layout_mistakes(w_cnnlib, to_keras):
    """Wrong conversions and what each one got wrong, in the direction given by ``to_keras``."""
    source = w_cnnlib if to_keras else w_cnnlib.transpose(2, 3, 1, 0)  # what the student's function receives
    target_shape = w_cnnlib.transpose(2, 3, 1, 0).shape if to_keras else w_cnnlib.shape
    right = "transpose(2, 3, 1, 0)" if to_keras else "transpose(3, 2, 0, 1)"
    swaps = [(3, 2, 1, 0), (2, 3, 0, 1)]  # the same axis mistakes in both directions
    return [
        (source.reshape(target_shape), "reshape keeps the numbers in memory order and only relabels the axes; "
                                       f"move axes with {right}"),
        (lambda c: source.transpose(swaps[0]), f"KH and KW are swapped, so each kernel is transposed: use {right}"),
        (lambda c: source.transpose(swaps[1]), f"C and K are swapped: use {right}"),
    ]


def check_keras_kernel_layout(to_keras_kernel, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``to_keras_kernel(w) -> kernel``: cnnlib's (K, C, KH, KW) to Keras' (KH, KW, C, K)."""
    cases = _kernel_cases()

    def compare(got, case):
        (w,) = case.args
        return compare_array(got, case.expected, what="the Keras kernel", mistakes=_layout_mistakes(w, True),
                             case=case, float32=w.dtype == np.float32)

    return check_cases(to_keras_kernel, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your kernels in Keras' (KH, KW, C, K) layout compute the same correlation, for "
                               "non-square kernels and several channels too.")


def check_cnnlib_kernel_layout(to_cnnlib_kernel, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``to_cnnlib_kernel(kernel) -> w``: Keras' (KH, KW, C, K) back to cnnlib's (K, C, KH, KW)."""
    cases = [Case(c.label.replace(", w of shape", ", w_cnnlib of shape"), (c.expected,), c.args[0])
             for c in _kernel_cases()]

    def compare(got, case):
        (kernel,) = case.args
        w = case.expected
        mistakes = _layout_mistakes(w, False) + [
            (lambda c: kernel.transpose(2, 3, 1, 0), "transpose(2, 3, 1, 0) is the way to Keras; its inverse, "
                                                     "back to cnnlib, is transpose(3, 2, 0, 1)")]
        return compare_array(got, w, what="the cnnlib kernel", mistakes=mistakes, case=case,
                             float32=w.dtype == np.float32)

    return check_cases(to_cnnlib_kernel, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Keras kernels come back to cnnlib's (K, C, KH, KW) layout unchanged, in all 4 "
                               "cases.")


def check_dense_rows_to_keras(dense_rows_to_keras, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``dense_rows_to_keras(w_dense, num_kernels, height, width) -> w_keras``.

    w_dense: (K*H'*W', M), rows in cnnlib's flatten order (K, H', W'); w_keras: (H'*W'*K, M), rows in
    Keras' flatten order (H', W', K), so that Flatten + Dense give the same logits in both libraries.
    """
    settings = [("16 maps of 26×26 and 10 classes", 16, 26, 26, 10), ("3 maps of 2×4 and 2 classes", 3, 2, 4, 2),
                ("2 maps of 5×3 and 4 classes", 2, 5, 3, 4)]
    cases = []
    for i, (label, k, h, w, m) in enumerate(settings):
        w_dense = small_ints(110 + i, (k * h * w, m))
        maps = small_ints(120 + i, (2, k, h, w))  # (N, K, H', W')
        expected = w_dense.reshape(k, h, w, m).transpose(1, 2, 0, 3).reshape(h * w * k, m)
        assert np.allclose(maps.reshape(2, -1) @ w_dense, maps.transpose(0, 2, 3, 1).reshape(2, -1) @ expected)
        cases.append(Case(label, (w_dense, k, h, w), expected))

    def compare(got, case):
        w_dense, k, h, w = case.args
        m = w_dense.shape[1]
        mistakes = [
            (w_dense, "the rows are still in cnnlib's (K, H', W') order; Keras flattens (H', W', K)"),
            (lambda c: w_dense.reshape(h, w, k, m).reshape(h * w * k, m), "a reshape alone changes nothing: "
                                                                          "reshape to (K, H', W', M), then transpose"),
            (lambda c: w_dense.reshape(k, h, w, m).transpose(2, 1, 0, 3).reshape(h * w * k, m),
             "H' and W' are swapped: Keras flattens rows first, then columns, then kernels"),
        ]
        return compare_array(got, case.expected, what="the Keras dense weights", mistakes=mistakes, case=case)

    return check_cases(dense_rows_to_keras, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your rows follow Keras' (H', W', K) flatten order: the same logits in both "
                               "libraries.")


#: The kernel net's conv output, flattened by the dense layer after it: K maps of H' × W'.
FLATTEN_SHAPE = (16, 26, 26)
#: The rows the prediction asks about: cnnlib's row 1,234 and Keras' row 100.
CNNLIB_ROW, KERAS_ROW = 1234, 100


def keras_order(num_kernels, height, width):
    """keras_order[p]: the cnnlib flatten row that Keras' flatten row p holds — measured by flattening the
    row numbers themselves in Keras' (H', W', K) order."""
    rows = np.arange(num_kernels * height * width).reshape(num_kernels, height, width)  # cnnlib's (K, H', W')
    return rows.transpose(1, 2, 0).reshape(-1)  # (H'*W'*K,): Keras' order


def check_flatten_index(answer, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Predict for the kernel net's 16 maps of 26×26: which row of Keras' flattened vector holds what cnnlib's
    Flatten puts in row 1,234 (``row_in_keras``), and which cnnlib row holds what Keras puts in row 100
    (``row_in_cnnlib``). Rows count from 0. Measured here by flattening row numbers in both orders.
    ``answer`` = (row_in_keras, row_in_cnnlib), or a function that returns it."""
    k, h, w = FLATTEN_SHAPE
    order = keras_order(k, h, w)
    inverse = np.argsort(order)  # inverse[cnnlib row] = Keras row
    expected_keras, expected_cnnlib = int(inverse[CNNLIB_ROW]), int(order[KERAS_ROW])

    def keras_row_of(kernel, i, j):
        return (i * w + j) * k + kernel

    def cnnlib_row_of(kernel, i, j):
        return kernel * h * w + i * w + j

    kernel, i, j = np.unravel_index(CNNLIB_ROW, FLATTEN_SHAPE)  # what cnnlib's row 1,234 holds
    p, kernel_k = divmod(KERAS_ROW, k)  # what Keras' row 100 holds: position p, kernel kernel_k
    i_k, j_k = divmod(p, w)
    same_number = "the two libraries flatten in different orders: the same row number holds a different value"
    other_way = "that converts the other way round: follow the value from {} to {}"
    parts = [
        ("row_in_keras", lambda v: compare_count(v, expected_keras, "row_in_keras", hints=[
            (CNNLIB_ROW, same_number),
            (keras_row_of(kernel, j, i), "row and column swapped: Keras runs along a row of positions first, "
                                         "all 16 kernels at each position"),
            (int(order[CNNLIB_ROW]), other_way.format("cnnlib", "Keras")),
        ])),
        ("row_in_cnnlib", lambda v: compare_count(v, expected_cnnlib, "row_in_cnnlib", hints=[
            (KERAS_ROW, same_number),
            (cnnlib_row_of(kernel_k, j_k, i_k), "row and column swapped: cnnlib lays out one whole 26×26 map "
                                                "after another, row by row"),
            (int(inverse[KERAS_ROW]), other_way.format("Keras", "cnnlib")),
        ])),
    ]
    stay = int(np.sum(order == np.arange(order.size)))  # rows that both libraries fill with the same value
    return check_predictions(answer, parts, variable="my_rows", time_limit=time_limit, quiet=quiet,
                             success=f"cnnlib's row {CNNLIB_ROW:,} is kernel {kernel} at position ({i}, {j}), which "
                                     f"Keras puts in row {expected_keras:,}; Keras' row {KERAS_ROW} is kernel "
                                     f"{kernel_k} at ({i_k}, {j_k}), row {expected_cnnlib:,} in cnnlib. All but "
                                     f"{stay} of the {order.size:,} rows move: that is why the dense weights must be "
                                     "permuted.")
