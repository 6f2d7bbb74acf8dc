"""Training loop, early stopping on a validation split, batched evaluation and prediction.

    history = fit(net, x_train, y_train, num_epochs=10, batch_size=32, optimizer=SGD(0.01),
                  test=(x_test, y_test), callback=monitor)
    history.test_accuracy[-1]           # one entry per record (by default, per epoch)
    evaluate(net, x_test, y_test)       # accuracy, computed 1,000 images at a time

x: (N, ...) inputs in the shape the network's first layer expects, e.g.
(N, 1, 28, 28) floats from ``cnnlib.data.to_float``; y: (N,) integer labels.
``net`` is a ``Sequential`` or anything with ``forward(x, training)``,
``backward(dout)``, ``named_parameters()`` and ``named_gradients()``.

Losses (``loss=``), each on the network's output ``out: (N, C)``:

* ``"softmax_cross_entropy"``: ``out`` are logits (no softmax layer at the end);
* ``"binary_cross_entropy"``: ``out`` are sigmoid probabilities, compared with one-hot targets;
* ``"mean_squared_error"``: ``out`` compared with one-hot targets;
* or a callable ``loss(out, y) -> (loss, dout)`` receiving the integer labels.

Accuracy is always ``argmax(out, axis=1) == y``.
"""

import math
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import numpy as np

from cnnlib._checks import (
    as_array,
    as_generator,
    check_callable,
    check_choice,
    check_finite,
    check_labels,
    check_positive_int,
)
from cnnlib.losses import binary_cross_entropy, mean_squared_error, one_hot, softmax_cross_entropy
from cnnlib.optimizers import SGD
from cnnlib.progress import make_progress

LOSSES = ("softmax_cross_entropy", "binary_cross_entropy", "mean_squared_error")


@dataclass
class History:
    """What ``fit`` measured, one list entry per record (per epoch unless ``record_every`` is set).

    epoch: epochs completed at the record (1, 2, ... ; fractions with ``record_every``);
    step: mini-batch updates done so far;
    loss, train_accuracy: running means over the batches since the previous record,
    measured on the training batches as they were trained on (with dropout active,
    like the seeds' ``train-acc``);
    test_loss, test_accuracy: on the test split in test mode (``math.nan`` where it
    was not evaluated: no test data, or between ``TestSplit.every`` records).
    """

    epoch: list = field(default_factory=list)
    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)

    def append(self, record):
        for key in self.as_dict():
            getattr(self, key).append(record[key])

    def as_dict(self):
        """The lists as a plain dict (e.g. for ``pandas.DataFrame(history.as_dict())``)."""
        return asdict(self)

    def __len__(self):
        return len(self.epoch)


class TrainingRun(NamedTuple):
    """What a ``train_*`` function of ``cnnlib.nets`` returns: the trained ``net`` and its ``History``.

    It unpacks like a pair: ``net, history = train_dense_net(...)``.
    """

    net: object
    history: History


def _loss_function(loss, y, num_classes, dtype):
    """Return (loss_fn(out, targets) -> (loss, dout), targets for the whole split)."""
    if callable(loss):
        return check_callable("loss", loss, "loss(out, y) -> (loss, dout)", 2), y
    if loss == "softmax_cross_entropy":
        return softmax_cross_entropy, y
    if loss in ("binary_cross_entropy", "mean_squared_error"):
        fn = binary_cross_entropy if loss == "binary_cross_entropy" else mean_squared_error
        return fn, one_hot(y, num_classes, dtype=dtype)
    raise ValueError(f"loss must be one of {', '.join(LOSSES)} or a callable, got {loss!r}")


def _check_xy(name, x, y, num_classes):
    """name: "x_train", "x_test" or "x" (for the messages)."""
    x = as_array(name, x)
    if x.ndim < 2:
        raise ValueError(f"{name} must be a batch (N, ...), got shape {x.shape}")
    if x.shape[0] == 0:
        raise ValueError(f"{name} has 0 samples (shape {x.shape}); expected at least one")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers (bool, integer or float), got dtype {x.dtype}")
    if x.dtype.kind == "f":
        check_finite(f"{name}", x)
    y = check_labels(y, num_classes, x.shape[0])
    return x, y


def _check_net(net, methods=("forward", "backward", "named_parameters", "named_gradients")):
    """Raise unless ``net`` has ``methods`` (training needs all four, evaluation only forward)."""
    missing = [m for m in methods if not callable(getattr(net, m, None))]
    if missing:
        raise ValueError(f"net must be a network with {', '.join(methods)} (e.g. a Sequential), "
                         f"got {type(net).__name__} without {', '.join(missing)}")


def _float_dtype(x):
    return x.dtype if x.dtype in (np.float32, np.float64) else np.float64


def _correct(out, y):
    return int(np.count_nonzero(np.argmax(out, axis=1) == y))


def _evaluate(net, x, y, loss_fn, targets, batch_size):
    """(mean loss or nan, accuracy) over x in test mode, ``batch_size`` samples at a time."""
    total_loss, correct = 0.0, 0
    for start in range(0, x.shape[0], batch_size):
        out = net.forward(x[start:start + batch_size], training=False)
        if loss_fn is not None:
            total_loss += loss_fn(out, targets[start:start + batch_size])[0] * out.shape[0]
        correct += _correct(out, y[start:start + batch_size])
    mean_loss = total_loss / x.shape[0] if loss_fn is not None else math.nan
    return mean_loss, correct / x.shape[0]


def predict(net, x, batch_size=1000):
    """Class predictions: x: (N, ...) -> (N,) ints, ``argmax`` of the output, in test mode, in batches."""
    x = as_array("x", x)
    batch_size = check_positive_int("batch_size", batch_size)
    return np.concatenate([np.argmax(net.forward(x[s:s + batch_size], training=False), axis=1)
                           for s in range(0, x.shape[0], batch_size)]) if x.shape[0] else np.zeros(0, int)


def evaluate(net, x, y, batch_size=1000, num_classes=10):
    """Accuracy of ``net`` on (x, y) in test mode (no dropout), ``batch_size`` samples at a time.

    x: (N, ...); y: (N,) integer labels. Returns a float in [0, 1].
    """
    _check_net(net, ("forward",))
    x, y = _check_xy("x", x, y, num_classes)
    batch_size = check_positive_int("batch_size", batch_size)
    return _evaluate(net, x, y, None, None, batch_size)[1]


def evaluate_loss(net, x, y, loss="softmax_cross_entropy", batch_size=1000, num_classes=10):
    """Mean loss of ``net`` on (x, y) in test mode, in batches (``loss`` as in ``fit``)."""
    _check_net(net, ("forward",))
    x, y = _check_xy("x", x, y, num_classes)
    loss_fn, targets = _loss_function(loss, y, num_classes, _float_dtype(x))
    return _evaluate(net, x, y, loss_fn, targets, check_positive_int("batch_size", batch_size))[0]


@dataclass(frozen=True)
class TestSplit:
    """The split ``fit`` measures in test mode while it trains: ``fit(..., test=TestSplit(x, y))``.

    x: (N, ...) inputs, y: (N,) labels; every: evaluate at every ``every``-th record (and always
    at the last one); batch_size: samples per test-mode forward pass. A plain pair ``(x, y)``
    means ``TestSplit(x, y)``; x and y both None means no test split.
    """

    __test__ = False  # not a pytest test class, whatever its name

    x: object
    y: object
    every: int = 1
    batch_size: int = 1000


def _as_test_split(test):
    if isinstance(test, (tuple, list)) and len(test) == 2:
        test = TestSplit(*test)
    if test is None or (isinstance(test, TestSplit) and test.x is None and test.y is None):
        return None  # no test split (a trainer passes its optional x_test, y_test through)
    if isinstance(test, TestSplit):
        return test
    raise ValueError(f"test must be a TestSplit(x, y, ...) or a pair (x_test, y_test), got {type(test).__name__}")


def fit(net, x, y, *, num_epochs=1, batch_size=32, optimizer=None, loss="softmax_cross_entropy", shuffle=True,
        rng=None, drop_last=False, test=None, record_every=None, callback=None, progress="auto", num_classes=10):
    """Train ``net`` with mini-batch gradient descent; return a ``History``.

    x: (N, ...) training inputs; y: (N,) integer labels in [0, num_classes).
    num_epochs: passes over the data (the seeds call them iterations).
    batch_size: samples per update (1 = the per-image SGD of seeds 002 and 004).
    optimizer: anything with ``step(net)`` (``cnnlib.optimizers``); default ``SGD(lr=0.01)``.
    loss: see the module docstring.
    shuffle: reshuffle every epoch with ``rng`` (Generator or int seed; None = seed 0);
        False keeps the given order, like seeds 000-003 and 004.
    drop_last: skip a final batch smaller than batch_size (seed 000's 1,000 images
        in 7 batches of 128: the last 104 are never used).
    test: optional split measured in test mode while training: a pair ``(x_test, y_test)``
        or a ``TestSplit`` that also says how often and in what batches.
    record_every: None records once per epoch; an int k records every k batches
        (like seed 002's report every 100 steps).
    callback: a callable, or a list of them, called after each record with a dict
        {"epoch", "step", "loss", "train_accuracy", "test_loss", "test_accuracy",
        "num_epochs", "steps_per_epoch"} (e.g. a live plot).
    progress: "auto" | "bar" | "tqdm" | "widget" | None (see ``cnnlib.progress``);
        nothing is ever printed to stdout.
    The same seeds (layer rngs, ``rng``) give bitwise identical runs.
    """
    _check_net(net)
    x, y = _check_xy("x_train", x, y, num_classes)
    num_epochs = check_positive_int("num_epochs", num_epochs)
    check_choice("shuffle", shuffle, (True, False))
    check_choice("drop_last", drop_last, (True, False))
    batch_size = check_positive_int("batch_size", batch_size)
    test = _as_test_split(test)
    x_test = y_test = None
    if test is not None:
        eval_every = check_positive_int("test.every", test.every)
        eval_batch_size = check_positive_int("test.batch_size", test.batch_size)
        x_test, y_test = test.x, test.y
        if x_test is None or y_test is None:
            raise ValueError("the test split needs both x and y, got None")
        x_test, y_test = _check_xy("x_test", x_test, y_test, num_classes)
        if x_test.shape[1:] != x.shape[1:]:
            raise ValueError(f"x_test samples have shape {x_test.shape[1:]}, x samples {x.shape[1:]}")
    n = x.shape[0]
    steps_per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    if steps_per_epoch == 0:
        raise ValueError(f"drop_last=True with batch_size={batch_size} > {n} samples leaves no batch")
    record_every = steps_per_epoch if record_every is None else check_positive_int("record_every", record_every)
    callbacks = [] if callback is None else (list(callback) if isinstance(callback, (list, tuple)) else [callback])
    for i, cb in enumerate(callbacks):
        check_callable("callback" if cb is callback else f"callback[{i}]", cb, "taking one record (a dict)", 1)
    if optimizer is None:
        optimizer = SGD(0.01)
    elif not callable(getattr(optimizer, "step", None)):
        raise ValueError(f"optimizer must have a step(net) method (e.g. cnnlib.optimizers.SGD(lr=0.01)), "
                         f"got {type(optimizer).__name__} {optimizer!r}")
    else:
        check_callable("optimizer.step", optimizer.step, "taking the network", 1)
    rng = as_generator(rng)
    loss_fn, targets = _loss_function(loss, y, num_classes, _float_dtype(x))
    if x_test is not None:
        _, test_targets = _loss_function(loss, y_test, num_classes, _float_dtype(x_test))

    history = History()
    bar = make_progress(progress, num_epochs * steps_per_epoch)
    step, run_loss, run_correct, run_seen, num_records = 0, 0.0, 0, 0, 0
    try:
        for epoch in range(num_epochs):
            if shuffle:
                order = rng.permutation(n)
                xs, ys, ts = x[order], y[order], targets[order]  # one copy per epoch, then cheap slices
            else:
                xs, ys, ts = x, y, targets
            for b in range(steps_per_epoch):
                sl = slice(b * batch_size, min((b + 1) * batch_size, n))
                out = net.forward(xs[sl], training=True)
                value, dout = loss_fn(out, ts[sl])
                net.backward(dout)
                optimizer.step(net)
                step += 1
                run_loss += value * out.shape[0]
                run_correct += _correct(out, ys[sl])
                run_seen += out.shape[0]
                bar.update(1)
                last = epoch == num_epochs - 1 and b == steps_per_epoch - 1
                if step % record_every and not last:
                    continue
                num_records += 1
                test_loss = test_acc = math.nan
                if x_test is not None and (num_records % eval_every == 0 or last):
                    test_loss, test_acc = _evaluate(net, x_test, y_test, loss_fn, test_targets, eval_batch_size)
                record = {"epoch": step / steps_per_epoch if record_every != steps_per_epoch else epoch + 1,
                          "step": step, "loss": run_loss / run_seen, "train_accuracy": run_correct / run_seen,
                          "test_loss": test_loss, "test_accuracy": test_acc}
                history.append(record)
                run_loss, run_correct, run_seen = 0.0, 0, 0
                bar.set_postfix({"loss": record["loss"]} if math.isnan(test_acc)
                                else {"loss": record["loss"], "test_acc": test_acc})
                for cb in callbacks:
                    cb(dict(record, num_epochs=num_epochs, steps_per_epoch=steps_per_epoch))
    finally:
        bar.close()
    return history


class _Stop(Exception):
    """Raised by the callback to leave ``fit`` early."""


@dataclass
class EarlyStoppingResult:
    """best_epoch: 1-based epoch whose weights were kept; best_val_accuracy: its validation accuracy;
    stopped_epoch: the last epoch trained; history: one record per trained epoch."""

    best_epoch: int
    best_val_accuracy: float
    stopped_epoch: int
    history: History


def fit_early_stopping(net, x, y, x_val, y_val, *, max_epochs=30, patience=5, val_batch_size=1000, **fit_kwargs):
    """Train ``net`` for at most ``max_epochs``; stop ``patience`` epochs after the best validation
    accuracy; leave ``net`` with the weights of that best epoch.

    x: (N, ...) training inputs, y: (N,) labels; x_val, y_val: the validation split, measured after
    every epoch ``val_batch_size`` samples at a time.
    fit_kwargs go to ``cnnlib.train.fit`` (batch_size, optimizer, loss, rng, ...);
    not ``num_epochs``, ``test`` or ``record_every`` (set here).
    Returns an ``EarlyStoppingResult``.
    """
    max_epochs = check_positive_int("max_epochs", max_epochs)
    patience = check_positive_int("patience", patience)
    taken = {"num_epochs", "test", "record_every"} & set(fit_kwargs)
    if taken:
        raise ValueError(f"fit_early_stopping sets {', '.join(sorted(taken))} itself; remove them")
    if x_val is None or y_val is None:
        raise ValueError("fit_early_stopping needs a validation split: x_val and y_val, got None")
    user_callbacks = fit_kwargs.pop("callback", None)
    user_callbacks = [] if user_callbacks is None else (
        list(user_callbacks) if isinstance(user_callbacks, (list, tuple)) else [user_callbacks])
    history = History()
    best = {"epoch": 0, "accuracy": -1.0, "weights": None}

    def keep_best(record):
        history.append(record)
        for cb in user_callbacks:
            cb(record)
        epoch = int(record["epoch"])
        if record["test_accuracy"] > best["accuracy"]:
            best.update(epoch=epoch, accuracy=record["test_accuracy"],
                        weights={k: p.copy() for k, p in net.named_parameters().items()})
        elif epoch - best["epoch"] >= patience:
            raise _Stop

    try:
        fit(net, x, y, num_epochs=max_epochs, test=TestSplit(x_val, y_val, batch_size=val_batch_size),
            callback=keep_best, **fit_kwargs)
    except _Stop:
        pass
    for key, p in net.named_parameters().items():
        p[...] = best["weights"][key]
    return EarlyStoppingResult(best_epoch=best["epoch"], best_val_accuracy=best["accuracy"],
                               stopped_epoch=int(history.epoch[-1]), history=history)
