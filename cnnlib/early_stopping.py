"""Early stopping on a validation split, keeping the best weights (a thin layer over ``cnnlib.train.fit``).

    result = fit_early_stopping(net, x_fit, y_fit, x_val, y_val, max_epochs=30, patience=5,
                                batch_size=16, optimizer=Momentum(0.01), rng=1)
    result.best_epoch, result.best_val_accuracy   # the epoch whose weights ``net`` now holds
    result.history                                # cnnlib.train.History, test_* = validation

After every epoch ``fit`` evaluates the validation split (passed as its ``x_test``); a
callback copies the weights whenever the validation accuracy beats every earlier epoch
(ties keep the earlier epoch), and stops training once ``patience`` epochs have passed
without that happening. The best weights are then copied back into ``net``.
"""

from dataclasses import dataclass

from cnnlib._checks import check_positive_int
from cnnlib.train import History, fit


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


def fit_early_stopping(net, x, y, x_val, y_val, *, max_epochs=30, patience=5, **fit_kwargs):
    """Train ``net`` for at most ``max_epochs``; stop ``patience`` epochs after the best validation
    accuracy; leave ``net`` with the weights of that best epoch.

    x: (N, ...) training inputs, y: (N,) labels; x_val, y_val: the validation split.
    fit_kwargs go to ``cnnlib.train.fit`` (batch_size, optimizer or lr, loss, rng, ...);
    not ``num_epochs``, ``x_test``/``y_test``, ``eval_every`` or ``record_every`` (set here).
    Returns an ``EarlyStoppingResult``.
    """
    max_epochs = check_positive_int("max_epochs", max_epochs)
    patience = check_positive_int("patience", patience)
    taken = {"num_epochs", "x_test", "y_test", "eval_every", "record_every"} & set(fit_kwargs)
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
        fit(net, x, y, num_epochs=max_epochs, x_test=x_val, y_test=y_val, callback=keep_best, **fit_kwargs)
    except _Stop:
        pass
    for key, p in net.named_parameters().items():
        p[...] = best["weights"][key]
    return EarlyStoppingResult(best_epoch=best["epoch"], best_val_accuracy=best["accuracy"],
                               stopped_epoch=int(history.epoch[-1]), history=history)
