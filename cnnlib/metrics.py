"""What a classifier gets wrong: the confusion matrix and the misclassified samples.

    cm = confusion_matrix(y_test, y_pred)          # (10, 10): row = true digit, column = predicted
    per_class_accuracy(cm)                         # (10,): the diagonal over the row sums
    wrong = misclassified(y_test, y_pred)          # indices of the mistakes, in order
"""

import numpy as np

from cnnlib._checks import as_array, check_labels, check_positive_int
from cnnlib._checks_extra import check_int_labels


def _labels(name, y, num_classes, n=None):
    try:
        return check_labels(y, num_classes, n)
    except ValueError as err:
        raise ValueError(f"{name}: {err}") from None


def confusion_matrix(y_true, y_pred, num_classes=10):
    """Counts ``cm[i, j]`` of samples with true class ``i`` predicted as ``j``.

    y_true, y_pred: (N,) integer labels in [0, num_classes) -> cm: (num_classes, num_classes) ints.
    The diagonal holds the correct answers; ``cm.sum() == N``.
    """
    num_classes = check_positive_int("num_classes", num_classes)
    y_true = _labels("y_true", y_true, num_classes)
    y_pred = _labels("y_pred", y_pred, num_classes, len(y_true))
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (y_true, y_pred), 1)
    return cm


def per_class_accuracy(cm):
    """cm: (C, C) confusion matrix -> (C,) fraction of each true class predicted correctly (NaN: class absent)."""
    cm = as_array("cm", cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1]:
        raise ValueError(f"cm must be a square (C, C) confusion matrix, got shape {cm.shape}")
    totals = cm.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, np.diag(cm) / np.maximum(totals, 1), np.nan)


def misclassified(y_true, y_pred):
    """Indices ``i`` with ``y_pred[i] != y_true[i]``, in increasing order: y_true, y_pred (N,) -> (M,)."""
    y_true, y_pred = check_int_labels("y_true", y_true), check_int_labels("y_pred", y_pred)
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must be 1-D of the same length, got shapes {y_true.shape} "
                         f"and {y_pred.shape}")
    return np.flatnonzero(y_true != y_pred)
