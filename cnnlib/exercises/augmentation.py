"""Checkers for notebook 10 (shift augmentation): pad-and-crop as a shift, an augmentation of the student's
own, and a prediction of what one-pixel training shifts do at a three-pixel test shift."""

from functools import lru_cache

import numpy as np

from cnnlib.augment import random_shifts, shift_images, shift_in_random_directions
from cnnlib.data import load_mnist, to_float
from cnnlib.evaluate import evaluate
from cnnlib.exercises._compare import compare_array
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, type_name
from cnnlib.exercises._values import check_range_prediction
from cnnlib.nets.fair_dense_net import FAIR_DENSE_LR, build_fair_dense_net
from cnnlib.nets.recipe import recipe_split, train_with_recipe


def check_pad_and_crop(pad_and_crop, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``pad_and_crop(x, pad, top, left)``: x (N, C, H, W) padded with ``pad`` zeros on every side, then
    the H x W window at (top, left) of the padded image — which is ``shift_images(x, pad - top, pad - left)``."""
    settings = [("2 images of 6×6, pad 2, window at (0, 0)", 150, (2, 1, 6, 6), 2, 0, 0, np.float64),
                ("pad 2, window at (2, 2): the middle", 151, (2, 1, 6, 6), 2, 2, 2, np.float64),
                ("3 images of 2 channels, 5×7, pad 3, window at (5, 2)", 152, (3, 2, 5, 7), 3, 5, 2, np.float64),
                ("float32, pad 1, window at (2, 0)", 153, (1, 1, 4, 4), 1, 2, 0, np.float32)]
    cases = [Case(label, (small_ints(seed, shape, dtype), pad, top, left),
                  shift_images(small_ints(seed, shape, dtype), pad - top, pad - left))
             for label, seed, shape, pad, top, left, dtype in settings]

    def compare(got, case):
        x, pad, top, left = case.args
        mistakes = [(lambda c: shift_images(x, top - pad, left - pad),
                     "the content moves the other way: a window that starts higher up in the padded image shows "
                     "the digit lower down, by pad − top rows"),
                    (lambda c: shift_images(x, pad - left, pad - top) if (top != left) else None,
                     "top and left are swapped: top is a row, left a column"),
                    (lambda c: np.roll(x, (pad - top, pad - left), axis=(2, 3)),
                     "what leaves the window must not come back on the other side: pad with zeros, do not roll")]
        return compare_array(got, case.expected, what="the cropped images", mistakes=mistakes, case=case,
                             float32=x.dtype == np.float32)

    return check_cases(pad_and_crop, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="A window at (top, left) of the padded images is shift_images(x, pad − top, "
                               "pad − left) in all 4 cases: a random crop is a random shift.")


def _test_batch(n=300):
    """(n, 1, 20, 20) images with distinct content in the middle 12 x 12 and a border of 4 zeros."""
    x = np.zeros((n, 1, 20, 20))
    x[:, :, 4:16, 4:16] = np.random.default_rng(160).random((n, 1, 12, 12)) + 0.1
    return x


def _run_augment(augment, x):
    """The student's augment on x with two generators of one seed and one of another -> (out, again, other)."""
    out = augment(x.copy(), np.random.default_rng(161))
    if out is None:
        return None
    return out, augment(x.copy(), np.random.default_rng(161)), augment(x.copy(), np.random.default_rng(162))


def _shifts_found(x, out, max_shift):
    """For each image of ``x`` (N, C, H, W), the (dy, dx) within max_shift that turns it into ``out``'s image,
    or None."""
    found = [None] * len(x)
    for dy in range(-max_shift, max_shift + 1):
        for dx in range(-max_shift, max_shift + 1):
            same = np.isclose(shift_images(x, dy, dx), out).reshape(len(x), -1).all(axis=1)  # (N,)
            for i in np.flatnonzero(same):
                found[i] = found[i] or (dy, dx)
    return found


def check_random_shift_augment(augment, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``augment(x_batch, rng) -> x_batch moved``: every image moved by its own (dy, dx), each a whole
    number in -2 .. 2 drawn with ``rng``, zero fill. Checked by what comes out, not by the order of the draws."""
    x = _test_batch()
    case = Case(f"a batch of {len(x)} images", (x,), None)

    def compare(got, case):
        out, again, other = got
        if not isinstance(out, np.ndarray) or out.shape != x.shape:
            shape = out.shape if isinstance(out, np.ndarray) else None
            return (f"the result should be an array of the batch's shape {x.shape}, got "
                    f"{f'shape {shape}' if shape else type_name(out)}")
        shifts = _shifts_found(x, out, 2)
        bad = next((i for i, s in enumerate(shifts) if s is None), None)
        if bad is not None:
            wide = _shifts_found(x[bad:bad + 1], out[bad:bad + 1], 5)[0] is not None
            return (f"image {bad} is moved by more than 2 pixels" if wide else
                    f"image {bad} is not a moved copy of its input (whole pixels, zeros filling in)")
        dys, dxs = {s[0] for s in shifts}, {s[1] for s in shifts}
        if len(set(shifts)) == 1:
            return "every image got the same shift: draw one (dy, dx) per image"
        for axis, values in (("dy", dys), ("dx", dxs)):
            if values != {-2, -1, 0, 1, 2}:
                hint = (" — rng.integers(low, high) never returns high: use rng.integers(-2, 3)"
                        if values == {-2, -1, 0, 1} else "")
                return f"{axis} took only the values {sorted(values)} in {len(x)} images, not all of -2 … 2{hint}"
        if not np.array_equal(out, again):
            return "two generators with the same seed gave different shifts: draw them from rng only"
        if np.array_equal(out, other):
            return "generators with different seeds gave the same shifts: draw them from rng"
        return None

    return check_cases(augment, [case], compare, time_limit=time_limit, quiet=quiet,
                       call=lambda f, c: (_run_augment, (f,) + c.args),
                       success="Every image is a moved copy with its own shift, all 25 shifts of −2 … 2 occur, "
                               "and the shifts come from rng.")


@lru_cache(maxsize=1)
def small_shift_accuracy():
    """The dense net of notebook 08, trained with the recipe (seed 0) and ``random_shifts(1)``, measured on the
    first 1,000 bundled test images each moved 3 pixels in a random direction (notebook 09's shift test).
    Measured once per session, then remembered."""
    (x_train_raw, y_train), (x_test_raw, y_test) = load_mnist(n_train=1000)
    x_fit, y_fit, x_val, y_val = recipe_split(to_float(x_train_raw, dtype=np.float64), y_train)
    net = build_fair_dense_net(0)
    train_with_recipe(net, x_fit, y_fit, x_val, y_val, lr=FAIR_DENSE_LR, rng=1, augment=random_shifts(1))
    x_probe = to_float(x_test_raw[:1000], dtype=np.float64)
    return evaluate(net, shift_in_random_directions(x_probe, 3, rng=3), y_test[:1000], batch_size=100)


def check_small_shift_prediction(prediction, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``prediction = (low, high)``, at most 0.15 wide, against ``small_shift_accuracy()``, measured here
    (a few seconds). A function returning the range will do too."""
    return check_range_prediction(
        prediction, small_shift_accuracy, time_limit=time_limit, quiet=quiet,
        below="shifts of one pixel never show the net a move of three; compare the dense net trained without "
              "shifts in the table of section 3",
        above="even one-pixel shifts teach the net that a stroke's exact pixel does not matter, and part of that "
              "carries over to larger moves")
