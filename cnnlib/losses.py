"""Loss functions. Each returns ``(loss, dpred)``: a Python float and its gradient
with respect to the prediction (same shape and dtype as the prediction)."""

import numpy as np

from cnnlib._checks import (
    as_float_array,
    check_finite,
    check_labels,
    check_ndim,
    check_nonempty,
    check_number,
    check_same_shape,
)
from cnnlib._checks_extra import REAL_KINDS, check_dtype


def one_hot(y, num_classes, dtype=np.float64):
    """Integer labels y: (N,) in [0, num_classes) -> (N, num_classes) rows of 0s with one 1, in ``dtype``
    (a bool, integer or float dtype: a one-hot row of text or objects is refused)."""
    y = check_labels(y, num_classes)
    dtype = check_dtype("dtype", dtype, REAL_KINDS, "a number dtype (bool, integer or float) such as numpy.float64")
    out = np.zeros((y.shape[0], num_classes), dtype=dtype)
    out[np.arange(y.shape[0]), y] = 1
    return out


def softmax_cross_entropy(logits, y):
    """Mean cross-entropy of softmax(logits) against integer labels.

    logits: (N, C); y: (N,) integers in [0, C).
    loss = -mean(log softmax(logits)[n, y[n]]), computed from log-sum-exp so
    large logits do not overflow; dlogits = (softmax(logits) - one_hot(y)) / N.
    """
    logits = as_float_array("logits", logits)
    check_ndim("logits", logits, 2, "(N, C)")
    check_nonempty("logits", logits, "(a loss needs N >= 1 samples and C >= 1 classes)")
    check_finite("logits", logits)
    n, c = logits.shape
    y = check_labels(y, c, n)
    shifted = logits - logits.max(axis=1, keepdims=True)  # (N, C), row max is 0
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # (N, 1)
    log_probs = shifted - log_sum  # (N, C)
    loss = -float(np.mean(log_probs[np.arange(n), y]))
    dlogits = np.exp(log_probs)  # probs, (N, C)
    dlogits[np.arange(n), y] -= 1
    dlogits /= n
    return loss, dlogits


def _pred_and_true(y_pred, y_true):
    """Both as float arrays of the same, non-empty shape, finite."""
    y_pred = as_float_array("y_pred", y_pred)
    y_true = as_float_array("y_true", y_true)
    check_same_shape("y_pred", y_pred, "y_true", y_true)
    check_nonempty("y_pred", y_pred, "(a mean over no values is undefined)")
    check_finite("y_pred", y_pred)
    check_finite("y_true", y_true)
    return y_pred, y_true


def mean_squared_error(y_pred, y_true):
    """loss = mean((y_pred - y_true)**2) over all elements; dpred = 2 (y_pred - y_true) / size.

    y_pred and y_true must have the same shape (no broadcasting).
    """
    y_pred, y_true = _pred_and_true(y_pred, y_true)
    diff = y_pred - y_true.astype(y_pred.dtype, copy=False)
    return float(np.mean(diff * diff)), 2 * diff / y_pred.size


def binary_cross_entropy(y_pred, y_true, eps=1e-7):
    """Mean binary cross-entropy over all elements.

    y_pred: probabilities in [0, 1]; y_true: targets in [0, 1], same shape.
    y_pred is clipped to [eps, 1 - eps] so the logs stay finite;
    loss = -mean(t log p + (1 - t) log(1 - p)) and
    dpred = (p - t) / (p (1 - p)) / size, both with the clipped p (so the
    gradient stays finite and still points the right way at saturation).
    """
    y_pred, y_true = _pred_and_true(y_pred, y_true)
    eps = check_number("eps", eps, 0, 0.5, low_open=True, high_open=True)
    for name, a in (("y_pred", y_pred), ("y_true", y_true)):
        if a.size and not (a.min() >= 0 and a.max() <= 1):
            raise ValueError(f"{name} must lie in [0, 1], got values from {a.min()} to {a.max()}")
    p = np.clip(y_pred, eps, 1 - eps)
    t = y_true.astype(y_pred.dtype, copy=False)
    loss = -float(np.mean(t * np.log(p) + (1 - t) * np.log(1 - p)))
    return loss, (p - t) / (p * (1 - p)) / y_pred.size
