"""The training loop: ``fit`` trains a network with mini-batch gradient descent and returns a ``History``.

    history = fit(net, x_train, y_train, num_epochs=10, batch_size=32, optimizer=SGD(0.01),
                  test=(x_test, y_test), callback=monitor)
    history.test_accuracy[-1]           # one entry per record (by default, per epoch)

x: (N, ...) inputs in the shape the network's first layer expects, e.g.
(N, 1, 28, 28) floats from ``cnnlib.data.to_float``; y: (N,) integer labels.
``net`` is a ``Sequential`` or anything with ``forward(x, training)``,
``backward(dout)``, ``named_parameters()`` and ``named_gradients()``.
The losses (``loss=``) are those of ``cnnlib.evaluate``, which also measures a trained
network; ``cnnlib.early_stopping`` trains until a validation split stops improving.
"""

import math
from dataclasses import asdict, dataclass, field
from typing import NamedTuple

import numpy as np

from cnnlib._checks import as_generator, check_callable, check_choice, check_network, check_positive_int, check_samples
from cnnlib.evaluate import count_correct, float_dtype, loss_and_accuracy, loss_function
from cnnlib.optimizers import SGD, check_trainable
from cnnlib.progress import make_progress, resolve_progress
from cnnlib.schedules import scheduled_lr


@dataclass
class History:
    """What ``fit`` measured, one list entry per record (per epoch unless ``record_every`` is set).

    epoch: epochs completed at the record (1, 2, ... ; fractions with ``record_every``);
    step: mini-batch updates done so far;
    loss, train_accuracy: running means over the batches since the previous record,
    measured on the training batches as they were trained on (with dropout active,
    like the seeds' ``train-acc``);
    test_loss, test_accuracy: on the test split in test mode (``math.nan`` where it
    was not evaluated: no test data, or between ``TestSplit.every`` records);
    lr: the optimiser's learning rate at the last update of the record (the schedule's value
    with ``schedule=``; ``math.nan`` for an optimiser without ``lr``).
    """

    epoch: list = field(default_factory=list)
    step: list = field(default_factory=list)
    loss: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)
    lr: list = field(default_factory=list)

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


def _checked_test_split(test, x, num_classes):
    """``test`` (None, a pair or a ``TestSplit``) -> a ``TestSplit`` of checked arrays and settings, or None."""
    if isinstance(test, (tuple, list)) and len(test) == 2:
        test = TestSplit(*test)
    if test is None or (isinstance(test, TestSplit) and test.x is None and test.y is None):
        return None  # no test split (a trainer passes its optional x_test, y_test through)
    if not isinstance(test, TestSplit):
        raise ValueError(f"test must be a TestSplit(x, y, ...) or a pair (x_test, y_test), got {type(test).__name__}")
    every = check_positive_int("test.every", test.every)
    batch_size = check_positive_int("test.batch_size", test.batch_size)
    if test.x is None or test.y is None:
        raise ValueError("the test split needs both x and y, got None")
    x_test, y_test = check_samples("x_test", test.x, test.y, num_classes)
    if x_test.shape[1:] != x.shape[1:]:
        raise ValueError(f"x_test samples have shape {x_test.shape[1:]}, x samples {x.shape[1:]}")
    return TestSplit(x_test, y_test, every, batch_size)


def as_callbacks(callback):
    """``callback`` (None, a callable, or a list or tuple of them) -> a list of checked callables."""
    callbacks = [] if callback is None else (list(callback) if isinstance(callback, (list, tuple)) else [callback])
    for i, cb in enumerate(callbacks):
        check_callable("callback" if cb is callback else f"callback[{i}]", cb, "taking one record (a dict)", 1)
    return callbacks


def _checked_optimizer(optimizer):
    """``optimizer`` once its ``step(net)`` is checked; None -> ``SGD(0.01)``."""
    if optimizer is None:
        return SGD(0.01)
    if not callable(getattr(optimizer, "step", None)):
        raise ValueError(f"optimizer must have a step(net) method (e.g. cnnlib.optimizers.SGD(lr=0.01)), "
                         f"got {type(optimizer).__name__} {optimizer!r}")
    check_callable("optimizer.step", optimizer.step, "taking the network", 1)
    return optimizer


def _augmented(augment, x_batch, rng):
    """``augment(x_batch, rng)``, checked to be an array of the batch's shape."""
    out = augment(x_batch, rng)
    if not isinstance(out, np.ndarray) or out.shape != x_batch.shape:
        got = f"shape {out.shape}" if isinstance(out, np.ndarray) else type(out).__name__
        raise ValueError(f"augment must return an array of the batch's shape {x_batch.shape}, got {got}")
    return out


def _checked_schedule(schedule, optimizer):
    """``schedule`` (None or a callable step -> lr) once checked against ``optimizer``, which must have ``lr``."""
    if schedule is None:
        return None
    check_callable("schedule", schedule, "taking the step number and returning a learning rate", 1)
    if not isinstance(getattr(optimizer, "lr", None), (int, float)):
        raise ValueError(f"schedule= sets the optimizer's lr before every step, but {type(optimizer).__name__} "
                         f"has no number lr; use an optimizer from cnnlib.optimizers")
    return schedule


def fit(net, x, y, *, num_epochs=1, batch_size=32, optimizer=None, loss="softmax_cross_entropy", shuffle=True,
        rng=None, drop_last=False, test=None, record_every=None, callback=None, progress="auto", num_classes=10,
        augment=None, schedule=None):
    """Train ``net`` with mini-batch gradient descent; return a ``History``.

    x: (N, ...) training inputs; y: (N,) integer labels in [0, num_classes).
    num_epochs: passes over the data (the seeds call them iterations).
    batch_size: samples per update (1 = the per-image SGD of seeds 002 and 004).
    optimizer: anything with ``step(net)`` (``cnnlib.optimizers``); default ``SGD(lr=0.01)``.
    loss: a name from ``cnnlib.evaluate.LOSSES`` or a callable ``loss(out, y) -> (loss, dout)``.
    shuffle: reshuffle every epoch with ``rng`` (Generator or int seed; None = seed 0);
        False keeps the given order, like seeds 000-003 and 004.
    drop_last: skip a final batch smaller than batch_size (seed 000's 1,000 images
        in 7 batches of 128: the last 104 are never used).
    test: optional split measured in test mode while training: a pair ``(x_test, y_test)``
        or a ``TestSplit`` that also says how often and in what batches.
    record_every: None records once per epoch; an int k records every k batches
        (like seed 002's report every 100 steps).
    callback: a callable, or a list of them, called after each record with a dict
        {"epoch", "step", "loss", "train_accuracy", "test_loss", "test_accuracy", "lr",
        "num_epochs", "steps_per_epoch"} (e.g. a live plot).
    progress: "auto" | "bar" | "tqdm" | "widget" | None (see ``cnnlib.progress``);
        nothing is ever printed to stdout.
    augment: optional ``augment(x_batch, rng) -> x_batch`` (e.g. ``cnnlib.augment.random_shifts(3)``):
        every training batch goes through it before the forward pass, with ``rng`` (the generator
        that also shuffles, so a seed still fixes the whole run); the test split is never augmented.
    schedule: None (the optimizer's lr throughout) or a callable ``schedule(step) -> lr``
        (``cnnlib.schedules``); before update ``step`` (0, 1, 2, ... over the whole run) the
        optimizer's ``lr`` is set to ``schedule(step)``.
    The same seeds (layer rngs, ``rng``) give bitwise identical runs.
    """
    check_network(net, ("forward", "backward", "named_parameters", "named_gradients"))
    x, y = check_samples("x_train", x, y, num_classes)
    num_epochs = check_positive_int("num_epochs", num_epochs)
    check_choice("shuffle", shuffle, (True, False))
    check_choice("drop_last", drop_last, (True, False))
    batch_size = check_positive_int("batch_size", batch_size)
    test = _checked_test_split(test, x, num_classes)
    n = x.shape[0]
    steps_per_epoch = n // batch_size if drop_last else -(-n // batch_size)
    if steps_per_epoch == 0:
        raise ValueError(f"drop_last=True with batch_size={batch_size} > {n} samples leaves no batch")
    record_every = steps_per_epoch if record_every is None else check_positive_int("record_every", record_every)
    callbacks = as_callbacks(callback)
    optimizer = _checked_optimizer(optimizer)
    if augment is not None:
        check_callable("augment", augment, "augment(x_batch, rng) -> x_batch", 2)
    schedule = _checked_schedule(schedule, optimizer)
    rng = as_generator(rng)
    loss_fn, targets = loss_function(loss, y, num_classes, float_dtype(x))
    if test is not None:
        _, test_targets = loss_function(loss, test.y, num_classes, float_dtype(test.x))
    resolve_progress(progress)  # checked here, with the other settings, before a bar is drawn
    check_trainable(net, "fit")  # last: the settings are checked without asking the network anything

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
                out = net.forward(xs[sl] if augment is None else _augmented(augment, xs[sl], rng), training=True)
                value, dout = loss_fn(out, ts[sl])
                net.backward(dout)
                if schedule is not None:
                    optimizer.lr = scheduled_lr(schedule, step)
                optimizer.step(net)
                step += 1
                run_loss += value * out.shape[0]
                run_correct += count_correct(out, ys[sl])
                run_seen += out.shape[0]
                bar.update(1)
                last = epoch == num_epochs - 1 and b == steps_per_epoch - 1
                if step % record_every and not last:
                    continue
                num_records += 1
                test_loss = test_acc = math.nan
                if test is not None and (num_records % test.every == 0 or last):
                    test_loss, test_acc = loss_and_accuracy(net, test.x, test.y, loss_fn, test_targets,
                                                            test.batch_size)
                record = {"epoch": step / steps_per_epoch if record_every != steps_per_epoch else epoch + 1,
                          "step": step, "loss": run_loss / run_seen, "train_accuracy": run_correct / run_seen,
                          "test_loss": test_loss, "test_accuracy": test_acc,
                          "lr": float(getattr(optimizer, "lr", math.nan))}
                history.append(record)
                run_loss, run_correct, run_seen = 0.0, 0, 0
                bar.set_postfix({"loss": record["loss"]} if math.isnan(test_acc)
                                else {"loss": record["loss"], "test_acc": test_acc})
                for cb in callbacks:
                    cb(dict(record, num_epochs=num_epochs, steps_per_epoch=steps_per_epoch))
    finally:
        bar.close()
    return history
