"""Confusion matrix, misclassified indices, the stratified split and early stopping with the best weights."""

import numpy as np
import pytest

from cnnlib.early_stopping import fit_early_stopping
from cnnlib.evaluate import evaluate
from cnnlib.layers import Dense, Flatten
from cnnlib.metrics import confusion_matrix, misclassified, per_class_accuracy
from cnnlib.optimizers import Momentum
from cnnlib.sequential import Sequential
from cnnlib.splits import stratified_split


def test_confusion_matrix_counts_by_hand():
    y_true = [0, 0, 1, 2, 2, 2]
    y_pred = [0, 1, 1, 2, 0, 2]
    cm = confusion_matrix(y_true, y_pred, num_classes=3)
    np.testing.assert_array_equal(cm, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    assert cm.sum() == 6 and np.trace(cm) == 4
    np.testing.assert_allclose(per_class_accuracy(cm), [0.5, 1.0, 2 / 3])
    np.testing.assert_array_equal(misclassified(y_true, y_pred), [1, 4])


def test_per_class_accuracy_of_an_absent_class_is_nan():
    cm = confusion_matrix([0, 0, 1], [0, 1, 0], num_classes=3)
    acc = per_class_accuracy(cm)
    assert acc[0] == 0.5 and acc[1] == 0.0 and np.isnan(acc[2])


@pytest.mark.parametrize("y_true, y_pred, message", [
    ([0, 1], [0], "y_pred"), ([0, 10], [0, 1], "y_true"), ([0, 1], [0, -1], "y_pred"),
    ([0.0, 1.0], [0, 1], "integers"), ([[0, 1]], [[0, 1]], "1-D|\\(N,\\)"),
])
def test_confusion_matrix_rejects_bad_labels(y_true, y_pred, message):
    with pytest.raises(ValueError, match=message):
        confusion_matrix(y_true, y_pred, num_classes=10)


def test_misclassified_needs_matching_shapes():
    with pytest.raises(ValueError, match="same length"):
        misclassified([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="per_class|square"):
        per_class_accuracy(np.zeros((2, 3)))


def test_stratified_split_keeps_every_class_share():
    y = np.repeat(np.arange(10), [100] * 9 + [40])  # class 9 is rarer
    train_idx, val_idx = stratified_split(y, val_fraction=0.2, rng=0)
    assert len(np.intersect1d(train_idx, val_idx)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train_idx, val_idx])), np.arange(len(y)))
    np.testing.assert_array_equal(np.bincount(y[val_idx]), [20] * 9 + [8])
    assert np.all(np.diff(train_idx) > 0) and np.all(np.diff(val_idx) > 0)  # original order kept


def test_stratified_split_is_seeded():
    y = np.tile(np.arange(5), 40)
    first, again, other = stratified_split(y, 0.25, rng=3), stratified_split(y, 0.25, rng=3), \
        stratified_split(y, 0.25, rng=4)
    np.testing.assert_array_equal(first[1], again[1])
    assert not np.array_equal(first[1], other[1])


@pytest.mark.parametrize("y, fraction, message", [
    (np.arange(10) % 2, 0.0, "val_fraction"), (np.arange(10) % 2, 1.0, "val_fraction"),
    (np.zeros(10), 0.2, "integer"), (np.zeros((2, 5), int), 0.2, "1-D|\\(N,\\)"),
    (np.arange(3), 0.2, "class 0 has 1 sample"),
])
def test_stratified_split_rejects_bad_input(y, fraction, message):
    with pytest.raises(ValueError, match=message):
        stratified_split(y, fraction)


def quadrant_data(n, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, 1, 2, 2)) * 2.0
    x[:, 0, 0, 0] += np.where(y == 1, 0.7, -0.7)  # a weak signal in one pixel, much noise elsewhere
    return x, y


def test_early_stopping_keeps_the_best_weights_and_stops():
    x, y = quadrant_data(40, 0)
    x_val, y_val = quadrant_data(200, 1)
    net = Sequential([Flatten(), Dense(4, 2, rng=0, dtype=np.float64)])
    result = fit_early_stopping(net, x, y, x_val, y_val, max_epochs=200, patience=4, batch_size=4,
                                optimizer=Momentum(0.2), rng=1, num_classes=2, progress=None)
    h = result.history
    assert result.stopped_epoch < 200 and len(h) == result.stopped_epoch
    assert result.stopped_epoch - result.best_epoch == 4
    assert result.best_val_accuracy == max(h.test_accuracy)
    assert h.test_accuracy.index(result.best_val_accuracy) == result.best_epoch - 1  # ties: the earlier epoch
    assert evaluate(net, x_val, y_val, num_classes=2) == result.best_val_accuracy  # the net holds those weights


def test_early_stopping_passes_records_to_a_callback_and_checks_its_arguments():
    x, y = quadrant_data(20, 0)
    net = Sequential([Flatten(), Dense(4, 2, rng=0, dtype=np.float64)])
    seen = []
    fit_early_stopping(net, x, y, x, y, max_epochs=3, patience=5, callback=seen.append, num_classes=2,
                       progress=None)
    assert [r["epoch"] for r in seen] == [1, 2, 3]
    with pytest.raises(ValueError, match="num_epochs"):
        fit_early_stopping(net, x, y, x, y, num_epochs=3, num_classes=2)
    with pytest.raises(ValueError, match="validation split"):
        fit_early_stopping(net, x, y, None, None, num_classes=2)
    with pytest.raises(ValueError, match="patience"):
        fit_early_stopping(net, x, y, x, y, patience=0, num_classes=2)
