"""Measuring a trained network in test mode (no dropout), in batches: accuracy, mean loss, predictions.

    evaluate(net, x_test, y_test)               # accuracy, computed 1,000 images at a time
    evaluate_loss(net, x_test, y_test)          # mean softmax cross-entropy
    predict(net, x_test)                        # (N,) class indices

x: (N, ...) inputs in the shape the network's first layer expects, e.g. (N, 1, 28, 28) floats
from ``cnnlib.data.to_float``; y: (N,) integer labels. ``net`` is a ``Sequential`` or anything
with ``forward(x, training)``. Accuracy is always ``argmax(out, axis=1) == y``.

Losses by name (``loss=`` here and in ``cnnlib.train.fit``), each on the network's output
``out: (N, C)``:

* ``"softmax_cross_entropy"``: ``out`` are logits (no softmax layer at the end);
* ``"binary_cross_entropy"``: ``out`` are sigmoid probabilities, compared with one-hot targets;
* ``"mean_squared_error"``: ``out`` compared with one-hot targets;
* or a callable ``loss(out, y) -> (loss, dout)`` receiving the integer labels.
"""

import math

import numpy as np

from cnnlib._checks import check_batch, check_callable, check_network, check_positive_int, check_samples
from cnnlib.losses import binary_cross_entropy, mean_squared_error, one_hot, softmax_cross_entropy

LOSSES = ("softmax_cross_entropy", "binary_cross_entropy", "mean_squared_error")


def loss_function(loss, y, num_classes, dtype):
    """``loss`` (a name from ``LOSSES`` or a callable) -> (loss_fn(out, targets) -> (loss, dout), targets).

    y: (N,) labels; targets: y itself, or its one-hot rows (N, num_classes) in ``dtype`` for the
    losses that compare with one-hot targets.
    """
    if callable(loss):
        return check_callable("loss", loss, "loss(out, y) -> (loss, dout)", 2), y
    if loss == "softmax_cross_entropy":
        return softmax_cross_entropy, y
    if loss in ("binary_cross_entropy", "mean_squared_error"):
        fn = binary_cross_entropy if loss == "binary_cross_entropy" else mean_squared_error
        return fn, one_hot(y, num_classes, dtype=dtype)
    raise ValueError(f"loss must be one of {', '.join(LOSSES)} or a callable, got {loss!r}")


def float_dtype(x):
    """The float type the targets of ``x`` get: x's own float32/float64, else float64."""
    return x.dtype if x.dtype in (np.float32, np.float64) else np.float64


def count_correct(out, y):
    """How many rows of ``out: (N, C)`` have their largest value at the label ``y: (N,)``."""
    return int(np.count_nonzero(np.argmax(out, axis=1) == y))


def loss_and_accuracy(net, x, y, loss_fn, targets, batch_size):
    """(mean loss, accuracy) of ``net`` on checked (x, y) in test mode, ``batch_size`` samples at a time.

    loss_fn, targets: from ``loss_function``; loss_fn None skips the loss (it is then ``math.nan``).
    """
    total_loss, correct = 0.0, 0
    for start in range(0, x.shape[0], batch_size):
        out = net.forward(x[start:start + batch_size], training=False)
        if loss_fn is not None:
            total_loss += loss_fn(out, targets[start:start + batch_size])[0] * out.shape[0]
        correct += count_correct(out, y[start:start + batch_size])
    mean_loss = total_loss / x.shape[0] if loss_fn is not None else math.nan
    return mean_loss, correct / x.shape[0]


def predict(net, x, batch_size=1000):
    """Class predictions: x: (N, ...) -> (N,) ints, ``argmax`` of the output, in test mode, in batches.

    An empty batch (N = 0) gives an empty answer."""
    check_network(net, ("forward",))
    x = check_batch("x", x)
    batch_size = check_positive_int("batch_size", batch_size)
    return np.concatenate([np.argmax(net.forward(x[s:s + batch_size], training=False), axis=1)
                           for s in range(0, x.shape[0], batch_size)]) if x.shape[0] else np.zeros(0, int)


def evaluate(net, x, y, batch_size=1000, num_classes=10):
    """Accuracy of ``net`` on (x, y) in test mode (no dropout), ``batch_size`` samples at a time.

    x: (N, ...); y: (N,) integer labels. Returns a float in [0, 1].
    """
    check_network(net, ("forward",))
    x, y = check_samples("x", x, y, num_classes)
    batch_size = check_positive_int("batch_size", batch_size)
    return loss_and_accuracy(net, x, y, None, None, batch_size)[1]


def evaluate_loss(net, x, y, loss="softmax_cross_entropy", batch_size=1000, num_classes=10):
    """Mean loss of ``net`` on (x, y) in test mode, in batches (``loss`` as in the module docstring)."""
    check_network(net, ("forward",))
    x, y = check_samples("x", x, y, num_classes)
    loss_fn, targets = loss_function(loss, y, num_classes, float_dtype(x))
    return loss_and_accuracy(net, x, y, loss_fn, targets, check_positive_int("batch_size", batch_size))[0]
