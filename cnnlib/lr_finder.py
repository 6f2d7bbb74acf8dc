"""The learning-rate finder: train a copy of a network for a few hundred steps while the learning
rate grows exponentially, and watch the loss (Smith, 2017; fastai's ``lr_find``).

    result = find_lr(net, x_train, y_train, optimizer=Momentum(0.01), batch_size=16)
    result.suggested_lr                     # the rule below
    plot_lr_finder(result)                  # cnnlib.plotting: loss against lr, log axis

At tiny rates the loss hardly moves; as the rate grows it starts to fall, falls fastest, flattens,
and finally shoots up: the steps have become too large. ``net`` itself is never changed (the run
trains a deep copy, with a deep copy of the optimiser), so the finder can run before the real
training.

**The rule for the suggestion.** The loss of single batches is noisy, so it is smoothed with an
exponential moving average (``smoothing`` = ``LR_FINDER_SMOOTHING`` = 0.98, bias-corrected as in Adam: a
memory of about 1 / (1 - 0.98) = 50 steps). The run stops once the
smoothed loss exceeds ``diverge_factor`` (4) times its lowest value, or the numbers overflow
(a ``NonFiniteError``). The suggested rate is the rate at the lowest smoothed loss divided by 10: at the minimum
the steps are already nearly too large, and a tenth of it is still on the falling part of the
curve. It is a starting point for a search on the validation split, not a result.
"""

import copy
import math
from dataclasses import dataclass

import numpy as np

from cnnlib._checks import check_number, check_positive_int
from cnnlib.errors import NonFiniteError
from cnnlib.optimizers import SGD, check_trainable
from cnnlib.schedules import ExponentialRange
from cnnlib.train import fit

#: The weight of the old value in the moving average of the batch losses (``find_lr(smoothing=...)``).
LR_FINDER_SMOOTHING = 0.98


class _Stop(Exception):
    """Raised by the callback to leave ``fit`` once the run is over."""


@dataclass
class LRFinderResult:
    """lr, loss, smoothed: (S,) per step (the training loss of each batch, and its moving average);
    suggested_lr: the rate at the lowest smoothed loss / 10; best_lr: the rate at that minimum;
    diverged: True when the run stopped because the loss ran away (or the weights overflowed)."""

    lr: np.ndarray
    loss: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float
    best_lr: float
    diverged: bool


def find_lr(net, x, y, *, start_lr=1e-4, end_lr=10.0, num_steps=200, batch_size=32, optimizer=None,
            loss="softmax_cross_entropy", rng=None, smoothing=LR_FINDER_SMOOTHING, diverge_factor=4.0, min_steps=10):
    """Train a copy of ``net`` with the rate growing from ``start_lr`` to ``end_lr`` over ``num_steps``
    steps (``cnnlib.schedules.ExponentialRange``), one record per step; return an ``LRFinderResult``.

    x: (N, ...) training inputs, y: (N,) labels (never the validation or test split).
    optimizer: the one the real training will use (its lr is overwritten at every step;
    default SGD); batch_size, loss, rng: as in ``cnnlib.train.fit``. The run stops early once
    the smoothed loss exceeds ``diverge_factor`` times its lowest value (not before ``min_steps``).
    """
    num_steps = check_positive_int("num_steps", num_steps)
    start_lr = check_number("start_lr", start_lr, 0, low_open=True)
    end_lr = check_number("end_lr", end_lr, start_lr, low_open=True)
    schedule = ExponentialRange(start_lr, end_lr, num_steps)
    diverge_factor = check_number("diverge_factor", diverge_factor, 1, low_open=True)
    min_steps = check_positive_int("min_steps", min_steps)
    smoothing = check_number("smoothing", smoothing, 0, 1, high_open=True)
    check_trainable(net, "find_lr")  # after the settings, as in fit; before a copy of what may be no network
    work = copy.deepcopy(net)
    optimizer = SGD(start_lr) if optimizer is None else copy.deepcopy(optimizer)
    steps_per_epoch = -(-len(y) // check_positive_int("batch_size", batch_size))
    lrs, losses, smoothed = [], [], []
    state = {"avg": 0.0, "best": math.inf, "diverged": False}

    def record(rec):
        lrs.append(rec["lr"])
        losses.append(rec["loss"])
        t = len(losses)
        state["avg"] = smoothing * state["avg"] + (1 - smoothing) * rec["loss"]
        smoothed.append(state["avg"] / (1 - smoothing ** t))
        state["best"] = min(state["best"], smoothed[-1])
        if not math.isfinite(rec["loss"]) or (t >= min_steps and smoothed[-1] > diverge_factor * state["best"]):
            state["diverged"] = True
            raise _Stop
        if t == num_steps:
            raise _Stop

    try:
        with np.errstate(over="ignore", invalid="ignore"):  # the sweep is meant to end in an overflow
            fit(work, x, y, num_epochs=-(-num_steps // steps_per_epoch), batch_size=batch_size, optimizer=optimizer,
                loss=loss, rng=rng, record_every=1, callback=record, progress=None, schedule=schedule)
    except _Stop:
        pass
    except NonFiniteError:  # a step so large that the numbers overflowed: the next forward pass refuses them
        if not losses:
            raise  # before any step: the images themselves hold NaN or inf
        state["diverged"] = True
    smoothed = np.array(smoothed)
    best = int(np.argmin(smoothed))
    return LRFinderResult(lr=np.array(lrs), loss=np.array(losses), smoothed=smoothed,
                          suggested_lr=float(lrs[best] / 10), best_lr=float(lrs[best]),
                          diverged=state["diverged"])
