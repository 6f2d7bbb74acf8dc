"""Notebooks 01-03: each checker passes a right answer and names the slip in typical wrong ones."""

import numpy as np
import pytest
from exercise_asserts import assert_checker_says

from cnnlib.exercises import (
    check_correlate2d,
    check_dense_backward,
    check_kernel_update_sign,
    check_mse_grad,
    check_output_size,
    check_param_counts,
    check_step_cosine,
    check_tanh_dropout_backward,
    check_weights_per_example,
    check_window_rows,
)


def loops_correlate(image, kernel, shrink=0, rotate=False, transpose_out=False):
    if rotate:
        kernel = kernel[::-1, ::-1]
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1 - shrink, image.shape[1] - kw + 1 - shrink))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out.T if transpose_out else out


def rows(image, k, shrink=0, column_order=False, window_transposed=False):
    h_out, w_out = image.shape[0] - k + 1 - shrink, image.shape[1] - k + 1 - shrink
    positions = [(i, j) for i in range(h_out) for j in range(w_out)]
    if column_order:
        positions = [(i, j) for j in range(w_out) for i in range(h_out)]
    windows = [image[i:i + k, j:j + k] for i, j in positions]
    return np.array([(w.T if window_transposed else w).reshape(-1) for w in windows])


def seed_factor(t):
    return (4 * t**2 - 1) / (2 * (1 - t**2))


def cosine(a, b):
    return a @ b / (np.linalg.norm(a) * np.linalg.norm(b))


def per_example(sizes, n, bias=True):
    return sum(a * b + bias * b for a, b in zip(sizes[:-1], sizes[1:])) / n


def counts(h, w, c, k, ks, conv_bias=True, dense_bias=True):
    outputs = k * (h - ks + 1) * (w - ks + 1)
    return k * (c * ks * ks + conv_bias), outputs * (c * h * w + dense_bias)


CASES = [
    # (checker, answer, status, fragment of the message)
    (check_output_size, lambda s, k, st, p: (s + 2 * p - k) // st + 1, "correct", "all 8 settings"),
    (check_output_size, lambda s, k, st, p: (s + 2 * p - k) // st, "not yet", "add 1 for the first position"),
    (check_output_size, lambda s, k, st, p: (s - k) // st + 1, "not yet", "the padding is missing"),
    (check_output_size, lambda s, k, st, p: (s + p - k) // st + 1, "not yet", "add 2·P, not P"),
    (check_output_size, lambda s, k, st, p: s + 2 * p - k + 1, "not yet", "the stride is missing"),
    (check_output_size, lambda s, k, st, p: (s + 2 * p - k) / st + 1, "not yet", "use floor division //"),
    (check_output_size, lambda s, k, st, p: str(s - k + 1), "not yet", "should be a whole number, got a str"),
    (check_correlate2d, loops_correlate, "correct", "float32 included"),
    (check_correlate2d, lambda a, k: loops_correlate(a, k, shrink=1), "not yet", "the seed's range(H - KH)"),
    (check_correlate2d, lambda a, k: loops_correlate(a, k, rotate=True), "not yet", "that is a convolution"),
    (check_correlate2d, lambda a, k: loops_correlate(a, k, transpose_out=True), "not yet", "the output is transposed"),
    (check_correlate2d, lambda a, k: -loops_correlate(a, k), "not yet", "came out with the opposite sign"),
    (check_param_counts, counts, "correct", "biases and channels included"),
    (check_param_counts, lambda *a: counts(*a, conv_bias=False), "not yet", "the conv count is 144, expected 160"),
    (check_param_counts, lambda *a: counts(*a, dense_bias=False), "not yet", "biases are missing: one per output"),
    (check_param_counts, lambda h, w, c, k, ks: (k * (ks * ks + 1), counts(h, w, c, k, ks)[1]), "not yet",
     "each kernel spans all the image's channels"),
    (check_param_counts, lambda h, w, c, k, ks: (counts(h, w, c, k, ks)[0], k * h * w * (c * h * w + 1)), "not yet",
     "K·H'·W' outputs"),
    (check_param_counts, lambda *a: counts(*a)[0], "not yet", "two numbers (conv, dense), got an int"),
    (check_weights_per_example, per_example, "correct", "all 4 networks"),
    (check_weights_per_example, lambda s, n: per_example(s, n, bias=False), "not yet", "the biases are missing"),
    (check_weights_per_example, lambda s, n: per_example(s[:2], n), "not yet", "not only the first"),
    (check_weights_per_example, lambda s, n: per_example(s, n) * n, "not yet", "divide by the number of examples"),
    (check_weights_per_example, lambda s, n: str(per_example(s, n)), "not yet", "should be a number, got a str"),
    (check_dense_backward, lambda d, x, w: (d @ w.T, x.T @ d, d.sum(axis=0)), "correct", "a batch of one included"),
    (check_dense_backward, lambda d, x, w: (d @ w.T, -(x.T @ d), d.sum(axis=0)), "not yet",
     "your weight gradient points uphill"),
    (check_dense_backward, lambda d, x, w: (d @ w.T, d.T @ x, d.sum(axis=0)), "not yet", "should have w's shape"),
    (check_dense_backward, lambda d, x, w: (d @ w.T, x.T @ d, d), "not yet", "sum dout over the batch"),
    (check_dense_backward, lambda d, x, w: (d @ w.T, x.T @ d), "not yet", "3 arrays (dx, dw, db), got 2 values"),
    (check_mse_grad, lambda p, t: 2 * (p - t) / p.size, "correct", "all 3 cases"),
    (check_mse_grad, lambda p, t: (p - t) / p.size, "not yet", "the factor 2"),
    (check_mse_grad, lambda p, t: 2 * (p - t) / len(p), "not yet", "divide by y_pred.size, not by N"),
    (check_mse_grad, lambda p, t: 2 * (t - p) / p.size, "not yet", "points uphill"),
    (check_window_rows, rows, "correct", "on all 4 images"),
    (check_window_rows, lambda a, k: rows(a, k, shrink=1), "not yet", "the seed's range(5 - 3)"),
    (check_window_rows, lambda a, k: rows(a, k, column_order=True), "not yet", "the positions are in column order"),
    (check_window_rows, lambda a, k: rows(a, k, window_transposed=True), "not yet", "flattened column by column"),
    (check_kernel_update_sign, lambda k, w, d, a: k + a * (w.T @ d), "correct", "goes downhill"),
    (check_kernel_update_sign, lambda k, w, d, a: k - a * (w.T @ d), "not yet", "your update climbs the loss"),
    (check_kernel_update_sign, lambda k, w, d, a: k + w.T @ d, "not yet", "missing its factor alpha"),
    (check_kernel_update_sign, lambda k, w, d, a: a * (w.T @ d), "not yet", "not only the step"),
    (check_kernel_update_sign, lambda k, w, d, a: (k.T + a * (d.T @ w)), "not yet", "one column per kernel"),
    (check_tanh_dropout_backward, lambda d, t, m: d * m * 2 * (1 - t * t), "correct", "1 − t²"),
    (check_tanh_dropout_backward, lambda d, t, m: d * (1 - (2 * m * t) ** 2) * m, "not yet", "the seed's slip"),
    (check_tanh_dropout_backward, lambda d, t, m: d * m * (1 - t * t), "not yet", "the × 2 is missing"),
    (check_tanh_dropout_backward, lambda d, t, m: d * 2 * (1 - t * t), "not yet", "the mask is missing"),
    (check_tanh_dropout_backward, lambda d, t, m: d * m * 2 * t * (1 - t), "not yet", "the sigmoid's slope"),
    (check_step_cosine, lambda t, g: cosine(seed_factor(t) @ g, g.sum(axis=0)), "correct", "-1.00 with only"),
    (check_step_cosine, lambda t, g: -cosine(seed_factor(t) @ g, g.sum(axis=0)), "not yet", "the opposite sign"),
    (check_step_cosine, lambda t, g: 1.0, "not yet", "the true step with itself"),
    (check_step_cosine, lambda t, g: -1.0, "not yet", "the sign slip alone"),
    (check_step_cosine, lambda t, g: cosine((4 * t**2 - 1) @ g, g.sum(axis=0)), "not yet", "already hold the true"),
    (check_step_cosine, lambda t, g: seed_factor(t) @ g @ g.sum(axis=0), "not yet", "by both lengths"),
    (check_step_cosine, lambda t, g: seed_factor(t), "not yet", "should be one number, got an ndarray"),
    (check_step_cosine, lambda t, g: cosine(seed_factor(t[::-1]) @ g, g.sum(axis=0)), "not yet",
     "the cosine is -0.9"),
]


@pytest.mark.parametrize("checker, answer, status, fragment", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_checker_names_the_slip(checker, answer, status, fragment):
    assert_checker_says(checker, answer, status, fragment)


def test_climbing_update_reports_the_loss_going_up():
    message = check_kernel_update_sign(lambda k, w, d, a: k - a * (w.T @ d), quiet=True).message
    before, after = (float(v) for v in message.split("(from ")[1].split(")")[0].split(" to "))
    assert after > before


def test_a_float32_answer_in_float64_is_accepted():
    assert check_correlate2d(lambda a, k: loops_correlate(a.astype(np.float32), k.astype(np.float32)), quiet=True)
