"""Learning-rate schedules: callables ``schedule(step) -> lr`` for ``fit(..., schedule=...)``.

``step`` counts the updates from 0 (the first mini-batch) to ``total_steps - 1``; ``fit`` sets the
optimiser's ``lr`` to ``schedule(step)`` before each update and records it in ``History.lr``::

    schedule = OneCycle(max_lr=0.1, total_steps=20 * 50)      # 20 epochs of 50 batches
    history = fit(net, x, y, num_epochs=20, batch_size=16, optimizer=Momentum(0.1), schedule=schedule)

====================  ==============================================================================
schedule              lr at step t (T = total_steps)
====================  ==============================================================================
``StepDecay``         ``lr * factor ** (t // every)``: constant, then a drop every ``every`` steps
``CosineDecay``       ``final_lr + (lr - final_lr) * (1 + cos(pi * t / T)) / 2``: from lr down to final_lr
``OneCycle``          up from ``max_lr / div`` to ``max_lr`` in the first ``warmup`` fraction of the steps
                      (half a cosine), then down to ``max_lr / final_div`` (half a cosine) (Smith, 2018)
``ExponentialRange``  ``start * (end / start) ** (t / (T - 1))``: every step multiplies lr by the same
                      factor; what the learning-rate finder (``cnnlib.lr_finder``) sweeps with
====================  ==============================================================================

Past the last step every schedule keeps its last value. ``values(schedule, num_steps)`` lists the
rates of the first ``num_steps`` steps (e.g. to plot them).
"""

import math

import numpy as np

from cnnlib._checks import check_callable, check_nonnegative_int, check_number, check_positive_int


def _check_step(step):
    return check_nonnegative_int("step", step)


class StepDecay:
    """``lr * factor ** (step // every)``: the rate drops by ``factor`` every ``every`` steps.

    lr > 0: the starting rate; every: steps between drops (e.g. the steps of 5 epochs); factor in (0, 1].
    """

    def __init__(self, lr, every, factor=0.1):
        self.lr = check_number("lr", lr, 0, low_open=True)
        self.every = check_positive_int("every", every)
        self.factor = check_number("factor", factor, 0, 1, low_open=True)

    def __call__(self, step):
        return self.lr * self.factor ** (_check_step(step) // self.every)

    def __repr__(self):
        return f"StepDecay(lr={self.lr:g}, every={self.every}, factor={self.factor:g})"


class CosineDecay:
    """From ``lr`` at step 0 down to ``final_lr`` at step ``total_steps``, along half a cosine.

    lr > 0; total_steps: the length of the run; final_lr in [0, lr].
    """

    def __init__(self, lr, total_steps, final_lr=0.0):
        self.lr = check_number("lr", lr, 0, low_open=True)
        self.total_steps = check_positive_int("total_steps", total_steps)
        self.final_lr = check_number("final_lr", final_lr, 0, self.lr)

    def __call__(self, step):
        t = min(_check_step(step), self.total_steps) / self.total_steps
        return self.final_lr + (self.lr - self.final_lr) * (1 + math.cos(math.pi * t)) / 2

    def __repr__(self):
        return f"CosineDecay(lr={self.lr:g}, total_steps={self.total_steps}, final_lr={self.final_lr:g})"


class OneCycle:
    """One cycle (Smith, 2018; fastai's ``fit_one_cycle``): warm up, then anneal.

    The rate climbs from ``max_lr / div`` to ``max_lr`` over the first ``warmup`` fraction of
    ``total_steps``, then falls to ``max_lr / final_div`` at the last step, each along half a
    cosine. The climb lets the first steps, taken with weights that are still random, be small;
    the long fall lets training settle. max_lr > 0; warmup in (0, 1); div, final_div >= 1.
    """

    def __init__(self, max_lr, total_steps, warmup=0.3, div=25.0, final_div=1e4):
        self.max_lr = check_number("max_lr", max_lr, 0, low_open=True)
        self.total_steps = check_positive_int("total_steps", total_steps)
        self.warmup = check_number("warmup", warmup, 0, 1, low_open=True, high_open=True)
        self.div = check_number("div", div, 1)
        self.final_div = check_number("final_div", final_div, 1)
        self.peak_step = max(1, round(self.warmup * self.total_steps))

    def __call__(self, step):
        step = min(_check_step(step), self.total_steps - 1)
        start, end = self.max_lr / self.div, self.max_lr / self.final_div
        if step < self.peak_step:
            t, low, high = step / self.peak_step, start, self.max_lr  # climbing: t from 0 to 1
            return high + (low - high) * (1 + math.cos(math.pi * t)) / 2
        t = (step - self.peak_step) / max(1, self.total_steps - 1 - self.peak_step)  # falling: t from 0 to 1
        return end + (self.max_lr - end) * (1 + math.cos(math.pi * t)) / 2

    def __repr__(self):
        return (f"OneCycle(max_lr={self.max_lr:g}, total_steps={self.total_steps}, warmup={self.warmup:g}, "
                f"div={self.div:g}, final_div={self.final_div:g})")


class ExponentialRange:
    """``start * (end / start) ** (step / (num_steps - 1))``: from ``start`` at step 0 to ``end`` at step
    ``num_steps - 1``, multiplying by the same factor at every step (a straight line on a log axis).

    0 < start < end; num_steps >= 2.
    """

    def __init__(self, start, end, num_steps):
        self.start = check_number("start", start, 0, low_open=True)
        self.end = check_number("end", end, self.start, low_open=True)
        self.num_steps = check_positive_int("num_steps", num_steps)
        if self.num_steps < 2:
            raise ValueError(f"num_steps must be at least 2 (a start and an end), got {num_steps!r}")

    def __call__(self, step):
        t = min(_check_step(step), self.num_steps - 1) / (self.num_steps - 1)
        return self.start * (self.end / self.start) ** t

    def __repr__(self):
        return f"ExponentialRange(start={self.start:g}, end={self.end:g}, num_steps={self.num_steps})"


def scheduled_lr(schedule, step):
    """``schedule(step)``, checked: a finite number > 0 (anything else is named with its step)."""
    return check_number(f"the schedule's learning rate at step {step}", schedule(step), 0, low_open=True)


def values(schedule, num_steps):
    """The rates of steps 0 .. num_steps - 1 as a float array (num_steps,)."""
    check_callable("schedule", schedule, "taking the step number and returning a learning rate", 1)
    num_steps = check_positive_int("num_steps", num_steps)
    return np.array([scheduled_lr(schedule, step) for step in range(num_steps)], dtype=np.float64)
