"""Checkers for notebook 13: the one-cycle schedule's rate at a step, and a prediction of which learning rates
make gradient descent run away."""

import numpy as np

from cnnlib.exercises._compare import compare_number
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, type_name
from cnnlib.optimizers import SGD
from cnnlib.schedules import OneCycle


def _is_number(v):
    return not isinstance(v, (bool, np.bool_)) and isinstance(v, (int, float, np.integer, np.floating))


def _linear_one_cycle(step, max_lr, total_steps, warmup, div, final_div):
    """The same schedule with straight lines instead of half cosines (a slip the checker names)."""
    peak = max(1, round(warmup * total_steps))
    step = min(step, total_steps - 1)
    if step < peak:
        return max_lr / div + (max_lr - max_lr / div) * step / peak
    t = (step - peak) / max(1, total_steps - 1 - peak)
    return max_lr + (max_lr / final_div - max_lr) * t


def check_one_cycle(one_cycle, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``one_cycle(step, max_lr, total_steps, warmup, div, final_div) -> lr`` against
    ``cnnlib.schedules.OneCycle(max_lr, total_steps, warmup, div, final_div)(step)``: up from max_lr/div to
    max_lr over the first ``peak = max(1, round(warmup * total_steps))`` steps along half a cosine, then down to
    max_lr/final_div at step total_steps - 1 along half a cosine."""
    settings = [(0, 0.1, 100, 0.3, 25, 1e4), (30, 0.1, 100, 0.3, 25, 1e4), (15, 0.1, 100, 0.3, 25, 1e4),
                (99, 0.1, 100, 0.3, 25, 1e4), (64, 0.1, 100, 0.3, 25, 1e4), (7, 1.0, 50, 0.2, 10, 100),
                (42, 0.5, 81, 0.25, 20, 1000), (500, 0.1, 100, 0.3, 25, 1e4)]
    cases = [Case(f"step {s} of {t} (max_lr {m:g}, warmup {w:g}, div {d:g}, final_div {f:g})", (s, m, t, w, d, f),
                  OneCycle(m, t, w, d, f)(s)) for s, m, t, w, d, f in settings]

    def compare(got, case):
        step, max_lr, total, warmup, div, final_div = case.args
        if not _is_number(got):
            return f"the learning rate should be a number, got {type_name(got)}"
        peak = max(1, round(warmup * total))
        mistakes = [(_linear_one_cycle(*case.args), "that is a straight line; the one-cycle schedule follows half "
                                                    "a cosine up and half a cosine down: (1 + cos(pi·t)) / 2"),
                    (max_lr / div if step >= total - 1 else None, "at the end the rate is max_lr / final_div, "
                                                                  "far below where it started (max_lr / div)"),
                    (max_lr if step != peak else None, "only the peak step has the full max_lr")]
        return compare_number(got, case.expected, what="the rate", mistakes=mistakes, atol=1e-15)

    return check_cases(one_cycle, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your one-cycle rates equal cnnlib.schedules.OneCycle at every step tried, the peak, "
                               "the last step and beyond included.")


class _Valley:
    """The loss L(p) = ½ Σ a_i p_i² as the smallest "network" an optimiser can step (one parameter array)."""

    def __init__(self, curvatures):
        self.a = np.asarray(curvatures, dtype=np.float64)
        self.p = np.ones_like(self.a)

    def loss(self):
        return 0.5 * float(np.sum(self.a * self.p ** 2))

    def named_parameters(self):
        return {"p": self.p}

    def named_gradients(self):
        return {"p": self.a * self.p}


def runs_away(lr, curvatures, steps=100):
    """True when ``steps`` steps of cnnlib's SGD(lr) on L(p) = ½ Σ a_i p_i², from p = 1, end with a larger loss
    than they started with (measured, not derived)."""
    valley, opt = _Valley(curvatures), SGD(lr)
    start = valley.loss()
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            opt.step(valley)
    end = valley.loss()
    return bool(not np.isfinite(end) or end > start)


def check_diverging_rates(diverges, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``diverges(lr, curvatures) -> bool``: a prediction of whether plain gradient descent with rate ``lr``
    on the valley L(p) = ½ Σ a_i p_i² (``curvatures`` = the a_i) runs away — measured by ``runs_away``: 100 steps
    of ``cnnlib.optimizers.SGD`` from p = 1 end with a larger loss than they started with."""
    settings = [(0.5, (1.0, 0.02)), (1.5, (1.0, 0.02)), (2.5, (1.0, 0.02)), (30.0, (0.02,)), (120.0, (0.02,)),
                (0.3, (4.0, 1.0)), (0.45, (4.0, 1.0)), (0.55, (4.0, 1.0)), (0.15, (10.0, 0.1, 0.001)),
                (0.25, (10.0, 0.1, 0.001))]
    cases = [Case(f"lr {lr:g} and curvatures {a}", (lr, a), runs_away(lr, a)) for lr, a in settings]

    def compare(got, case):
        lr, curvatures = case.args
        if not isinstance(got, (bool, np.bool_)):
            return f"the prediction should be True or False, got {type_name(got)}"
        if bool(got) == case.expected:
            return None
        top = max(curvatures)
        if case.expected:
            hint = (f"each step multiplies p_i by (1 − lr·a_i); with a_i = {top:g} that is {1 - lr * top:g}, larger "
                    f"than 1 in size, so that coordinate grows at every step")
        elif lr * top > 1:
            hint = (f"with lr·a = {lr * top:g} between 1 and 2 the steps overshoot the bottom, but each lands closer "
                    f"to it (|1 − lr·a| = {abs(1 - lr * top):g} < 1): it zigzags in")
        else:
            hint = "every factor |1 − lr·a_i| is below 1: every coordinate shrinks"
        return f"gradient descent {'runs away' if case.expected else 'settles'} (measured), you predicted the " \
               f"opposite — {hint}"

    return check_cases(diverges, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Right for every rate and valley: it runs away exactly when lr is above 2 / (the "
                               "largest curvature).")
