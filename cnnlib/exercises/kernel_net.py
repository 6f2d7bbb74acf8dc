"""Checkers for notebook 03 (the 3×3 kernel net): window rows, the kernel update's sign, tanh after dropout,
the direction of the seed's kernel step."""

import numpy as np

from cnnlib.activations import tanh_backward
from cnnlib.conv import image_sections
from cnnlib.dropout import dropout_backward
from cnnlib.exercises._compare import compare_array
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, num, shape_text, type_name
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



def _seed_step_factor(t):
    """r(t) = (4t² − 1) / (2(1 − t²)): the seed's kernel step through a kept window over the true descent step
    through it (negative: uphill)."""
    t = np.asarray(t, dtype=np.float64)
    return (4 * t**2 - 1) / (2 * (1 - t**2))


def _compare_cosine(got, expected, mistakes, sign_hint):
    """None if ``got`` is a number within 1e-6 of ``expected``; else the problem, with the hint of a known slip."""
    if isinstance(got, np.ndarray) and got.size == 1:
        got = got.reshape(()).item()
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return f"the cosine should be one number, got {type_name(got)}"
    text = f"the cosine is {num(got)}, expected {num(expected)}"
    if not np.isfinite(got):
        return text
    if abs(got - expected) <= 1e-6:
        return None
    for wrong, hint in mistakes:
        if abs(got - wrong) <= 1e-6:
            return f"{text} — {hint}"
    return f"{text}: the opposite sign — {sign_hint}" if abs(got + expected) <= 1e-6 else text


def _cosine(a, b):
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _step_cosine_problem(seed, t):
    """One kernel's kept windows: tanh values ``t`` (P,) and each window's share of the true descent step (P, 9).

    The shares point roughly the same way, as those of ink windows do (a blob of ink times an error signal).
    """
    rng = np.random.default_rng(seed)
    shares = 1.0 + 0.6 * rng.normal(size=(len(t), 9))  # (P, 9)
    shares *= rng.choice([1.0, -1.0]) * rng.uniform(0.5, 2.0, size=(len(t), 1))
    return np.asarray(t, dtype=np.float64), shares


def check_step_cosine(step_cosine, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``step_cosine(t, shares) -> cosine`` (a number).

    t: (P,) tanh values of one kernel's output at the P windows the dropout mask kept; shares: (P, 9)
    each window's share of the true descent step for that kernel (their sum is the true step). The
    seed's step is the sum of the shares weighted by r(t) = (4t² − 1) / (2(1 − t²)); the answer is
    the cosine between the seed's step and the true descent step.
    """
    settings = [("6 windows, all with |t| < 0.5", 40, [0.02, -0.1, 0.2, -0.35, 0.45, 0.3]),
                ("6 windows, all with |t| > 0.5", 41, [0.97, -0.9, 0.6, -0.99, 0.8, 0.93]),
                ("8 windows, both kinds", 42, [0.1, -0.3, 0.95, 0.4, -0.7, 0.0, 0.2, -0.45])]
    cases = []
    for label, seed, t in settings:
        t, shares = _step_cosine_problem(seed, t)
        weights = _seed_step_factor(t)
        cases.append(Case(label, (t, shares), _cosine(weights @ shares, shares.sum(axis=0)), {"weights": weights}))

    def compare(got, case):
        t, shares = case.args
        true_step = shares.sum(axis=0)  # (9,)
        mistakes = [
            (1.0, "that is the cosine of the true step with itself: the seed's step weights each window's share "
                  "by r(t)"),
            (-1.0, "−1 is the sign slip alone; the seed's slope differs from the true one too, so each share is "
                   "weighted by r(t), which is positive where |t| > 0.5"),
            (_cosine((4 * t**2 - 1) @ shares, true_step), "the shares already hold the true slope 2(1 − t²): "
                                                          "weight them by r(t), the seed's slope with the "
                                                          "update's sign divided by the true slope"),
            (case.context["weights"] @ shares @ true_step, "a cosine divides the dot product by both lengths"),
        ]
        return _compare_cosine(got, case.expected, mistakes,
                               "below |t| = 0.5 a window pushes uphill (r < 0), above it downhill")

    def summary(case):
        return f"{case.expected:+.2f} with {case.label.split(', ')[1].replace('all with', 'only')}"

    saturated = np.abs(cases[2].args[0]) > 0.5
    return check_cases(step_cosine, cases, compare, time_limit=time_limit, quiet=quiet,
                       success=f"The cosine is {summary(cases[0])} (uphill), {summary(cases[1])} (downhill) "
                               f"and {cases[2].expected:+.2f} with {saturated.sum()} of {saturated.size} windows "
                               "past |t| = 0.5: the weight r(t) of a saturated window grows without bound, so a "
                               "few of them can outweigh many unsaturated ones.")
