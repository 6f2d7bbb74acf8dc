"""Notebooks 08-10: each checker passes a right answer and names the slip in typical wrong ones."""

import numpy as np
import pytest
from exercise_asserts import assert_checker_says, assert_range_prediction_checked, range_prediction_slips

from cnnlib.augment import shift_images
from cnnlib.data import load_mnist, to_float
from cnnlib.early_stopping import fit_early_stopping
from cnnlib.exercises import (
    check_early_stopping_rule,
    check_equivariant_layers,
    check_fair_ratio_test,
    check_gap_backward,
    check_margin,
    check_pad_and_crop,
    check_random_shift_augment,
    check_small_shift_prediction,
    check_unfilled_region,
)
from cnnlib.exercises.augmentation import small_shift_accuracy
from cnnlib.exercises.controlled_experiment import early_stopping_epochs
from cnnlib.exercises.equivariance import equivariant_layers
from cnnlib.nets.fair_dense_net import build_fair_dense_net
from cnnlib.nets.lenet import build_lenet
from cnnlib.optimizers import SGD


def stop_rule(accs, patience, tie_later=False, zero_based=False, late=0, last_is_best=False):
    best_epoch, best = 0, -1.0
    for epoch, acc in enumerate(accs, start=1):
        if acc > best or (tie_later and acc == best):
            best_epoch, best = epoch, acc
        elif epoch - best_epoch >= patience + late:
            return (epoch, epoch) if last_is_best else (best_epoch - zero_based, epoch - zero_based)
    end = len(accs)
    return (end, end) if last_is_best else (best_epoch - zero_based, end - zero_based)


def margin(a, b, ddof=1, per_seed=True, root=True):
    a, b = np.asarray(a, float), np.asarray(b, float)
    variance = a.var(ddof=ddof) / (len(a) if per_seed else 1) + b.var(ddof=ddof) / (len(b) if per_seed else 1)
    return a.mean() - b.mean(), np.sqrt(variance) if root else variance


CASES = [
    (check_early_stopping_rule, stop_rule, "correct", "a run that never stops"),
    (check_early_stopping_rule, lambda a, p: stop_rule(a, p, tie_later=True), "not yet", "a tie keeps the earlier"),
    (check_early_stopping_rule, lambda a, p: stop_rule(a, p, zero_based=True), "not yet", "counted from 1"),
    (check_early_stopping_rule, lambda a, p: stop_rule(a, p, late=1), "not yet", "not one epoch later"),
    (check_early_stopping_rule, lambda a, p: stop_rule(a, p, last_is_best=True), "not yet", "not the last one"),
    (check_early_stopping_rule, lambda a, p: (int(np.argmax(a)) + 1, len(a)), "not yet", "(best_epoch, stopped"),
    (check_early_stopping_rule, lambda a, p: [1.0, 2.0], "not yet", "two whole numbers"),
    (check_margin, margin, "correct", "unequal numbers of seeds"),
    (check_margin, lambda a, b: margin(a, b, ddof=0), "not yet", "ddof=1"),
    (check_margin, lambda a, b: margin(a, b, per_seed=False), "not yet", "divide each variance by its number"),
    (check_margin, lambda a, b: margin(a, b, root=False), "not yet", "take the square root"),
    (check_margin, lambda a, b: margin(b, a), "not yet", "the mean of the first list minus"),
    (check_margin, lambda a, b: (np.mean(a) - np.mean(b), np.std(a, ddof=1) / np.sqrt(len(a))
                                 + np.std(b, ddof=1) / np.sqrt(len(b))), "not yet", "add in squares"),
    (check_margin, lambda a, b: np.mean(a) - np.mean(b), "not yet", "two numbers (margin, standard_error)"),
    (check_fair_ratio_test, ("784-7-10", "LeNet"), "correct", "5,575 and 5,258"),
    (check_fair_ratio_test, ["LeNet", "784-7-10"], "correct", "not the weight count"),
    (check_fair_ratio_test, ("784-40-10, 02's recipe", "784-40-10"), "not yet", "may come from the recipe"),
    (check_fair_ratio_test, ("784-40-10", "784-100-10 (chosen)"), "not yet", "both rows are dense nets"),
    (check_fair_ratio_test, ("784-100-10 (chosen)", "LeNet"), "not yet", "two things change at once"),
    (check_fair_ratio_test, ("LeNet", "CNN"), "not yet", "'CNN' is not a row label"),
    (check_fair_ratio_test, ("LeNet", "LeNet"), "not yet", "two different rows"),
    (check_fair_ratio_test, "LeNet", "not yet", "a tuple of two row labels"),
    (check_fair_ratio_test, None, "not attempted", "my_pair is None"),
]


@pytest.mark.parametrize("checker, answer, status, fragment", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_checker_names_the_slip(checker, answer, status, fragment):
    assert_checker_says(checker, answer, status, fragment)


@pytest.mark.parametrize("patience", [1, 2, 3])
def test_the_checkers_rule_is_fit_early_stoppings(patience):
    rng = np.random.default_rng(patience)
    x, y = rng.random((60, 1, 28, 28)), rng.integers(0, 3, 60)
    result = fit_early_stopping(build_fair_dense_net(patience, hidden=5), x[:40], y[:40], x[40:], y[40:],
                                max_epochs=12, patience=patience, batch_size=8, optimizer=SGD(0.3), rng=patience,
                                progress=None)
    accuracies = result.history.test_accuracy
    assert early_stopping_epochs(accuracies, patience) == (result.best_epoch, result.stopped_epoch)
    assert early_stopping_epochs(accuracies[:result.stopped_epoch - 1], patience)[1] == result.stopped_epoch - 1


# --------------------------------------------------------------------------- notebook 09

def region(shape, dy, dx, flip=False, swap=False, shrink=0):
    h, w = shape[-2:]
    if flip:
        dy, dx = -dy, -dx
    if swap:
        dy, dx = dx, dy
    return slice(max(dy, 0), h + min(dy, 0) - shrink), slice(max(dx, 0), w + min(dx, 0))


def gap_backward(dout, shape, divide=True, by_h_only=False, keep_dims=False):
    n, c, h, w = shape
    scale = h if by_h_only else (h * w if divide else 1)
    dx = dout[:, :, None, None] / scale
    return dx if keep_dims else np.broadcast_to(dx, shape).copy()


# --------------------------------------------------------------------------- notebook 10

def pad_and_crop(x, pad, top, left, wrap=False, swap=False):
    if swap:
        top, left = left, top
    h, w = x.shape[2:]
    if wrap:
        return np.roll(x, (pad - top, pad - left), axis=(2, 3))
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    return padded[:, :, top:top + h, left:left + w]


def augment_with(draw, per_image=True):
    def augment(x_batch, rng):
        n = len(x_batch)
        dy, dx = (draw(rng, n if per_image else 1) for _ in range(2))
        return shift_images(x_batch, dy if per_image else int(dy[0]), dx if per_image else int(dx[0]))
    return augment


LATER_CASES = [
    (check_unfilled_region, region, "correct", "with no shift at all"),
    (check_unfilled_region, lambda s, dy, dx: region(s, dy, dx, flip=True), "not yet", "on the wrong side"),
    (check_unfilled_region, lambda s, dy, dx: region(s, dy, dx, swap=True), "not yet", "rows and columns are swapped"),
    (check_unfilled_region, lambda s, dy, dx: region(s, dy, dx, shrink=1), "not yet", "the region covers rows"),
    (check_unfilled_region, lambda s, dy, dx: (0, 1), "not yet", "two slices"),
    (check_gap_backward, gap_backward, "correct", "all 3 cases"),
    (check_gap_backward, lambda d, s: gap_backward(d, s, divide=False), "not yet", "divide by H·W"),
    (check_gap_backward, lambda d, s: gap_backward(d, s, by_h_only=True), "not yet", "not by H"),
    (check_gap_backward, lambda d, s: gap_backward(d, s, keep_dims=True), "not yet", "spread it over every position"),
    (check_equivariant_layers, {0, 1, 2, 3, 4}, "correct", "0 by 2, 1 by 2, 2 by 1, 3 by 1, 4 by 1"),
    (check_equivariant_layers, [4, 3, 2, 1, 0], "correct", "breaks the chain"),
    (check_equivariant_layers, {0, 1}, "not yet", "layer 2 (MaxPool2D) does move"),
    (check_equivariant_layers, {0, 1, 2, 3, 4, 5}, "not yet", "layer 5 (MaxPool2D) does not move"),
    (check_equivariant_layers, {0, 1, 2, 3, 4, 5, 6, 7, 8}, "not yet", "layer 5 (MaxPool2D) does not move"),
    (check_equivariant_layers, {0, 9}, "not yet", "numbered 0 to 8, got 9"),
    (check_equivariant_layers, "0, 1", "not yet", "a set of layer numbers"),
    (check_equivariant_layers, None, "not attempted", "my_layers is None"),
    (check_pad_and_crop, pad_and_crop, "correct", "a random crop is a random shift"),
    (check_pad_and_crop, lambda x, p, t, left: pad_and_crop(x, p, t, left, wrap=True), "not yet", "do not roll"),
    (check_pad_and_crop, lambda x, p, t, left: pad_and_crop(x, p, t, left, swap=True), "not yet",
     "top and left are swapped"),
    (check_pad_and_crop, lambda x, p, t, left: shift_images(x, t - p, left - p), "not yet", "moves the other way"),
    (check_pad_and_crop, lambda x, p, t, left: x[:, :, :-1], "not yet", "shape"),
    (check_random_shift_augment, augment_with(lambda rng, n: rng.integers(-2, 3, size=n)), "correct",
     "all 25 shifts"),
    (check_random_shift_augment, augment_with(lambda rng, n: rng.integers(-2, 2, size=n)), "not yet",
     "rng.integers(-2, 3)"),
    (check_random_shift_augment, augment_with(lambda rng, n: rng.integers(-3, 4, size=n)), "not yet",
     "moved by more than 2 pixels"),
    (check_random_shift_augment, augment_with(lambda rng, n: rng.integers(-2, 3, size=n), per_image=False),
     "not yet", "the same shift"),
    (check_random_shift_augment, augment_with(lambda rng, n: np.random.default_rng().integers(-2, 3, size=n)),
     "not yet", "draw them from rng only"),
    (check_random_shift_augment, augment_with(lambda rng, n: np.random.default_rng(0).integers(-2, 3, size=n)),
     "not yet", "generators with different seeds gave the same shifts"),
    (check_random_shift_augment, lambda x, rng: x[:, :, ::-1].copy(), "not yet", "not a moved copy"),
    (check_random_shift_augment, lambda x, rng: x[:1], "not yet", "the batch's shape"),
    *range_prediction_slips(check_small_shift_prediction),
]


@pytest.mark.parametrize("checker, answer, status, fragment", LATER_CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(LATER_CASES)])
def test_later_checkers_name_the_slip(checker, answer, status, fragment):
    assert_checker_says(checker, answer, status, fragment)


def test_the_small_shift_prediction_is_checked_against_a_measurement():
    measured = small_shift_accuracy()
    assert 0.1 < measured < 1
    assert_range_prediction_checked(check_small_shift_prediction, measured)


def test_equivariant_layers_measures_what_the_notebook_teaches():
    (_, _), (x_test, _) = load_mnist(n_train=10, n_test=10)
    x = to_float(x_test[:2], dtype=np.float64)
    assert equivariant_layers(build_lenet(3), x, 2) == {0: 2, 1: 2, 2: 1, 3: 1, 4: 1}
    assert equivariant_layers(build_lenet(3), x, 4) == {0: 4, 1: 4, 2: 2, 3: 2, 4: 2, 5: 1}
    assert equivariant_layers(build_lenet(3), x, 1) == {0: 1, 1: 1}


@pytest.mark.parametrize("checker, right", [(check_fair_ratio_test, ("784-7-10", "LeNet")),
                                            (check_equivariant_layers, {0, 1, 2, 3, 4})])
def test_value_checkers_take_a_function_that_returns_the_value(checker, right):
    def my_answer():
        return right

    assert checker(my_answer, quiet=True)
    assert checker(lambda: None, quiet=True).status == "not attempted"
    slow = checker(lambda: __import__("time").sleep(1), time_limit=0.1, quiet=True)
    assert slow.status == "not yet" and "did not finish within 0.1 s" in slow.message
