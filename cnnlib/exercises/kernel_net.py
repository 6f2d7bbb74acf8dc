"""Checkers for notebook 03 (the 3×3 kernel net): window rows, the kernel update's sign, tanh after dropout."""

import numpy as np

from cnnlib.activations import tanh_backward
from cnnlib.conv import image_sections
from cnnlib.dropout import dropout_backward
from cnnlib.exercises._compare import compare_array
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, shape_text
from cnnlib.losses import softmax_cross_entropy


def _rows(image, kernel_size):
    """cnnlib's windows of a 2-D image as rows: (H'*W', KH*KW), positions in row-major order."""
    sections = image_sections(image[None, None], kernel_size)  # (1, H', W', 1, KH, KW)
    return sections.reshape(-1, kernel_size * kernel_size)


def check_window_rows(window_rows, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``window_rows(image, kernel_size) -> rows: (H'*W', KH*KW)`` (one flattened window per row,
    positions row by row) against ``cnnlib.conv.image_sections``."""
    inputs = [("a 5×5 image and 3×3 windows", small_ints(10, (5, 5)), 3),
              ("a 5×7 image and 2×2 windows", small_ints(11, (5, 7)), 2),
              ("a float32 4×6 image and 3×3 windows", small_ints(12, (4, 6), np.float32), 3),
              ("a 28×28 image and 3×3 windows", small_ints(13, (28, 28)), 3)]
    cases = [Case(label, (image, k), _rows(image, k)) for label, image, k in inputs]

    def compare(got, case):
        image, k = case.args
        h, w = image.shape
        sections = image_sections(image[None, None], k)[0, :, :, 0]  # (H', W', k, k)
        mistakes = [
            (lambda c: sections[:-1, :-1].reshape(-1, k * k),
             f"one window position short on each axis (the seed's range({h} - {k})): a {h}-pixel side has "
             f"{h - k + 1} positions for a {k}-pixel window"),
            (lambda c: sections.transpose(1, 0, 2, 3).reshape(-1, k * k),
             "the positions are in column order: go along each row first (row-major), as image_sections does"),
            (lambda c: sections.transpose(0, 1, 3, 2).reshape(-1, k * k),
             "each window is flattened column by column: flatten it row by row (window.reshape(-1))"),
        ]
        return compare_array(got, case.expected, what="the rows", mistakes=mistakes, case=case,
                             float32=image.dtype == np.float32)

    return check_cases(window_rows, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your rows are image_sections' windows, in the same order, on all 4 images.")


def _kernel_problem(seed, num_images, side, num_kernels, num_classes, alpha, dtype=np.float64):
    """A tiny kernel net: windows (P, 9), kernels (9, K), the seed's delta (P, K) and a loss of the kernels."""
    rng = np.random.default_rng(seed)
    images = rng.random((num_images, 1, side, side))
    windows = image_sections(images, 3).reshape(-1, 9)  # (N*H'*W', 9)
    kernels = rng.normal(0.0, 0.3, size=(9, num_kernels))
    w = rng.normal(0.0, 0.3, size=((side - 2) ** 2 * num_kernels, num_classes))
    y = rng.integers(0, num_classes, size=num_images)

    def loss(k):
        hidden = np.tanh(windows @ k).reshape(num_images, -1)  # (N, H'*W'*K), position-major like the seed
        return softmax_cross_entropy(hidden @ w, y)[0]

    hidden = np.tanh(windows @ kernels)  # (P, K)
    _, dlogits = softmax_cross_entropy(hidden.reshape(num_images, -1) @ w, y)
    dhidden = (dlogits @ w.T).reshape(hidden.shape)  # (P, K)
    delta = -dhidden * (1 - hidden ** 2)  # the seed's delta: the NEGATIVE gradient at the kernels' outputs
    args = (kernels.astype(dtype), windows.astype(dtype), delta.astype(dtype), alpha)
    return args, loss


def check_kernel_update_sign(kernel_step, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``kernel_step(kernels, windows, delta, alpha) -> new kernels``.

    kernels: (9, K); windows: (P, 9) one window per row; delta: (P, K) the seed's delta at
    the kernels' outputs, which is the *negative* gradient of the loss. One step of gradient
    descent must lower the loss.
    """
    settings = [("2 images of 5×5 and 4 kernels, alpha 0.5", 1, 2, 5, 4, 3, 0.5, np.float64),
                ("3 images of 6×6 and 2 kernels, alpha 0.1", 2, 3, 6, 2, 4, 0.1, np.float64),
                ("float32 arrays, 1 image of 4×4 and 3 kernels, alpha 1", 3, 1, 4, 3, 2, 1.0, np.float32)]
    cases = []
    for label, seed, n, side, k, c, alpha, dtype in settings:
        args, loss = _kernel_problem(seed, n, side, k, c, alpha, dtype)
        kernels, windows, delta, _ = args
        expected = kernels + alpha * (windows.T @ delta)
        cases.append(Case(label, args, expected, {"loss": loss, "float32": dtype == np.float32}))

    def compare(got, case):
        kernels, windows, delta, alpha = case.args
        step = windows.T @ delta  # (9, K)
        mistakes = [(kernels + step, "the step is missing its factor alpha"),
                    (alpha * step, "return the new kernels (the old ones plus the step), not only the step")]
        problem = compare_array(got, case.expected, what="the new kernels", mistakes=mistakes, case=case,
                                float32=case.context["float32"])
        arr = np.asarray(got, dtype=np.float64) if problem and not isinstance(got, tuple) else None
        if arr is not None and arr.shape == kernels.shape and np.all(np.isfinite(arr)):
            before, after = case.context["loss"](kernels.astype(np.float64)), case.context["loss"](arr)
            if after > before:
                return (f"your update climbs the loss (from {before:.4f} to {after:.4f}) — the seed's delta is "
                        "already the negative gradient, so add alpha · windows.T @ delta to the kernels")
        if problem and np.shape(got) == kernels.shape[::-1]:
            return (f"the new kernels have shape {shape_text(np.shape(got))}, expected "
                    f"{shape_text(kernels.shape)} — windows.T @ delta gives one column per kernel")
        return problem

    return check_cases(kernel_step, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your step goes downhill: the same new kernels as a gradient-descent step in all "
                               "3 cases.")


def check_tanh_dropout_backward(tanh_dropout_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``tanh_dropout_backward(dout, t, keep) -> dz`` for the forward pass
    ``t = tanh(z)``, ``h = t * keep * 2`` (keep: the seed's 0/1 mask).

    dout, t, keep: arrays of the same shape. The reference is cnnlib's
    ``tanh_backward(dropout_backward(dout, 2 * keep), t)``.
    """
    cases = []
    for label, seed, shape, dtype in [("a 2×6 batch", 20, (2, 6), np.float64),
                                      ("a 3×5 batch with large |t|", 21, (3, 5), np.float64),
                                      ("a float32 4×4 batch", 22, (4, 4), np.float32)]:
        rng = np.random.default_rng(seed)
        scale = 3.0 if "large" in label else 1.0
        t = np.tanh(scale * rng.normal(size=shape)).astype(dtype)
        keep = rng.integers(0, 2, size=shape).astype(dtype)
        dout = rng.normal(size=shape).astype(dtype)
        expected = tanh_backward(dropout_backward(dout, 2 * keep), t)
        cases.append(Case(label, (dout, t, keep), expected, {"float32": dtype == np.float32}))

    def compare(got, case):
        dout, t, keep = case.args
        h = 2 * keep * t
        mistakes = [
            (dout * (1 - h * h) * keep, "that is the seed's slip: take the tanh slope 1 − t² of t = tanh(z), "
                                        "not of the dropout-scaled h, and keep the × 2 of the mask"),
            (dout * keep * (1 - t * t), "the × 2 is missing: the forward pass scaled the kept values by 2, "
                                        "so their gradient is scaled by 2 as well"),
            (dout * 2 * (1 - t * t), "the mask is missing: a dropped unit gets no gradient"),
            (dout * 2 * keep * (1 - t), "the slope of tanh is 1 − t², not 1 − t"),
            (dout * 2 * keep * t * (1 - t), "t·(1 − t) is the sigmoid's slope; tanh's is 1 − t²"),
        ]
        return compare_array(got, case.expected, what="dz", mistakes=mistakes, case=case,
                             float32=case.context["float32"])

    return check_cases(tanh_dropout_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your gradient goes through the dropout mask (× 2) and tanh's slope 1 − t² "
                               "exactly as cnnlib's layers do, in all 3 cases.")

