"""Early stopping on a validation split: train while the validation accuracy still improves,
then keep the weights of the best epoch.

    result = fit_early_stopping(net, x_train, y_train, x_val, y_val, max_epochs=30, patience=5,
                                batch_size=32, optimizer=Adam(0.001))
    result.best_epoch, result.best_val_accuracy    # net now holds that epoch's weights

x: (N, ...) training inputs, y: (N,) labels; x_val, y_val: the validation split (never the test
set: the epoch is chosen on it).
"""

from dataclasses import dataclass

from cnnlib._checks import check_positive_int
from cnnlib.train import History, TestSplit, as_callbacks, fit
from cnnlib.weights_file import network_state


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
    fit_kwargs go to ``cnnlib.train.fit`` (batch_size, optimizer, loss, rng, augment, ...);
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
    user_callbacks = as_callbacks(fit_kwargs.pop("callback", None))
    history = History()
    best = {"epoch": 0, "accuracy": -1.0, "weights": None}

    def keep_best(record):
        history.append(record)
        for cb in user_callbacks:
            cb(record)
        epoch = int(record["epoch"])
        if record["test_accuracy"] > best["accuracy"]:
            best.update(epoch=epoch, accuracy=record["test_accuracy"],
                        weights={k: p.copy() for k, p in network_state(net).items()})
        elif epoch - best["epoch"] >= patience:
            raise _Stop

    try:
        fit(net, x, y, num_epochs=max_epochs, test=TestSplit(x_val, y_val, batch_size=val_batch_size),
            callback=keep_best, **fit_kwargs)
    except _Stop:
        pass
    for key, p in network_state(net).items():  # the weights and any running statistics of the best epoch
        p[...] = best["weights"][key]
    return EarlyStoppingResult(best_epoch=best["epoch"], best_val_accuracy=best["accuracy"],
                               stopped_epoch=int(history.epoch[-1]), history=history)
