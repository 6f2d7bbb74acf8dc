"""Checkers for notebook 08 (a controlled experiment): the early-stopping rule, a margin and its standard
error, and which two rows of the ablation table test the weights-per-image claim."""

import numpy as np

from cnnlib.exercises._report import CORRECT, DEFAULT_TIME_LIMIT, NOT_YET, Case, check_cases, num, report, type_name
from cnnlib.exercises._values import answer_value
from cnnlib.nets.dense_net import build_dense_net
from cnnlib.nets.fair_dense_net import build_fair_dense_net
from cnnlib.nets.lenet import build_lenet


def early_stopping_epochs(val_accuracies, patience):
    """The rule of ``cnnlib.early_stopping.fit_early_stopping`` on a list of validation accuracies (epoch 1
    first): ``(best_epoch, stopped_epoch)``, 1-based; a tie keeps the earlier epoch; training stops after the
    first epoch that is ``patience`` epochs past the best, or after the last epoch of the list."""
    best_epoch, best = 0, -np.inf
    for epoch, accuracy in enumerate(val_accuracies, start=1):
        if accuracy > best:
            best_epoch, best = epoch, accuracy
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_accuracies)


def _late_tie_epochs(val_accuracies, patience):
    """The same rule with a tie moving the best epoch to the later one (a slip)."""
    best_epoch, best = 0, -np.inf
    for epoch, accuracy in enumerate(val_accuracies, start=1):
        if accuracy >= best:
            best_epoch, best = epoch, accuracy
        elif epoch - best_epoch >= patience:
            return best_epoch, epoch
    return best_epoch, len(val_accuracies)


def _pair_of_ints(got):
    """(a, b) of whole numbers, or None."""
    if not isinstance(got, (tuple, list)) or len(got) != 2:
        return None
    if not all(isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)) for v in got):
        return None
    return int(got[0]), int(got[1])


def check_early_stopping_rule(early_stopping, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``early_stopping(val_accuracies, patience) -> (best_epoch, stopped_epoch)`` against the rule of
    ``cnnlib.early_stopping.fit_early_stopping`` (``early_stopping_epochs``)."""
    settings = [
        ("accuracies 0.80, 0.85, 0.90, 0.88, 0.89, 0.87 with patience 3", [0.80, 0.85, 0.90, 0.88, 0.89, 0.87], 3),
        ("a tie: 0.70, 0.90, 0.85, 0.90, 0.80, 0.80 with patience 3", [0.70, 0.90, 0.85, 0.90, 0.80, 0.80], 3),
        ("accuracies that rise to the end, patience 2", [0.5, 0.6, 0.7, 0.8], 2),
        ("patience 1: 0.6, 0.7, 0.65, 0.9", [0.6, 0.7, 0.65, 0.9], 1),
        ("a flat start 0.5, 0.5, 0.5, 0.6 with patience 2", [0.5, 0.5, 0.5, 0.6], 2),
        ("one epoch only", [0.42], 5),
        ("a best in the middle and patience 5: 0.91, 0.93, 0.96, 0.95, 0.94, 0.96, 0.95, 0.93, 0.97",
         [0.91, 0.93, 0.96, 0.95, 0.94, 0.96, 0.95, 0.93, 0.97], 5),
    ]
    cases = [Case(label, (list(accs), patience), early_stopping_epochs(accs, patience))
             for label, accs, patience in settings]

    def compare(got, case):
        accs, patience = case.args
        pair = _pair_of_ints(got)
        if pair is None:
            return f"the answer should be two whole numbers (best_epoch, stopped_epoch), got {type_name(got)}"
        expected = case.expected
        if pair == expected:
            return None
        text = f"(best_epoch, stopped_epoch) is {pair}, expected {expected}"
        best, stopped = expected
        hints = [
            ((best - 1, stopped - 1), "epochs are counted from 1: the first epoch is epoch 1"),
            (_late_tie_epochs(accs, patience), "a tie keeps the earlier epoch: only a strictly higher accuracy "
                                                "is a new best"),
            ((best, min(stopped + 1, len(accs))), "training stops as soon as `patience` epochs have passed "
                                                  "without a new best, not one epoch later"),
            ((best, stopped - 1), "training stops only once `patience` epochs have passed without a new best"),
            ((int(np.argmax(accs)) + 1, stopped), "the best epoch is the best one seen before training stopped, "
                                                  "not the best of the whole list"),
            ((stopped, stopped), "the best epoch is the one with the highest accuracy, not the last one trained"),
        ]
        for wrong, hint in hints:
            if pair == wrong:
                return f"{text} — {hint}"
        return text

    return check_cases(early_stopping, cases, compare, time_limit=time_limit, quiet=quiet,
                       success=f"The best and the stopping epoch agree with fit_early_stopping's rule in all "
                               f"{len(cases)} runs, ties and a run that never stops included.")


def check_margin(margin, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``margin(acc_a, acc_b) -> (mean(a) - mean(b), standard error)`` where the standard error is
    ``sqrt(s_a**2 / n_a + s_b**2 / n_b)`` with the sample standard deviations (``ddof=1``)."""
    samples = [("LeNet 0.951, 0.948, 0.957 against dense 0.896, 0.889, 0.901",
                [0.951, 0.948, 0.957], [0.896, 0.889, 0.901]),
               ("2 seeds against 4 seeds", [0.90, 0.94], [0.85, 0.86, 0.81, 0.88]),
               ("a negative margin, numpy arrays of 5 seeds", np.array([0.80, 0.82, 0.79, 0.85, 0.81]),
                np.array([0.86, 0.84, 0.88, 0.85, 0.87]))]

    def reference(a, b, ddof=1):
        a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
        return a.mean() - b.mean(), np.sqrt(a.var(ddof=ddof) / len(a) + b.var(ddof=ddof) / len(b))

    cases = [Case(label, (a, b), reference(a, b)) for label, a, b in samples]

    def compare(got, case):
        a, b = (np.asarray(v, np.float64) for v in case.args)
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            return f"the answer should be two numbers (margin, standard_error), got {type_name(got)}"
        try:
            value, error = float(got[0]), float(got[1])
        except (TypeError, ValueError):
            return f"the answer should be two numbers (margin, standard_error), got {type_name(got[0])} and " \
                   f"{type_name(got[1])}"
        want_value, want_error = case.expected
        if not np.isclose(value, want_value, rtol=1e-9, atol=1e-12):
            if np.isclose(value, -want_value, rtol=1e-9):
                return f"the margin is {num(value)}, expected {num(want_value)} — it is the mean of the first " \
                       "list minus the mean of the second"
            return f"the margin is {num(value)}, expected {num(want_value)}: the difference of the two means"
        if np.isclose(error, want_error, rtol=1e-9):
            return None
        sa, sb = a.std(ddof=1), b.std(ddof=1)
        hints = [
            (reference(a, b, ddof=0)[1], "use the sample standard deviation (ddof=1): with only a few seeds "
                                         "the spread around their own mean underestimates the true spread"),
            (np.sqrt(sa ** 2 + sb ** 2), "divide each variance by its number of seeds: the mean of n seeds "
                                         "varies n times less than one seed"),
            (sa ** 2 / len(a) + sb ** 2 / len(b), "take the square root: that is the variance of the "
                                                   "difference, not its standard error"),
            (sa / np.sqrt(len(a)) + sb / np.sqrt(len(b)), "standard errors of independent means add in "
                                                           "squares: sqrt(s_a²/n_a + s_b²/n_b)"),
            (np.sqrt((sa ** 2 + sb ** 2) / (len(a) + len(b))), "each variance is divided by its own number of "
                                                                "seeds: sqrt(s_a²/n_a + s_b²/n_b)"),
        ]
        for wrong, hint in hints:
            if np.isclose(error, wrong, rtol=1e-9):
                return f"the standard error is {num(error)}, expected {num(want_error)} — {hint}"
        return f"the standard error is {num(error)}, expected {num(want_error)}: sqrt(s_a²/n_a + s_b²/n_b)"

    return check_cases(margin, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="The margin and its standard error are right for all 3 pairs, unequal numbers "
                               "of seeds included.")


def ablation_rows():
    """The rows of notebook 08's ablation table: label -> (recipe, architecture, weights), the weights counted
    on the builders themselves."""
    return {
        "784-40-10, 02's recipe": ("02's", "dense", build_dense_net(0).num_params()),
        "784-40-10": ("shared", "dense", build_fair_dense_net(0, hidden=40).num_params()),
        "784-100-10 (chosen)": ("shared", "dense", build_fair_dense_net(0, hidden=100).num_params()),
        "784-7-10": ("shared", "dense", build_fair_dense_net(0, hidden=7).num_params()),
        "LeNet": ("shared", "CNN", build_lenet(0).num_params()),
    }


def check_fair_ratio_test(pair, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``pair``: the two row labels of notebook 08's ablation table that test "fewer weights per
    training image generalise better" most cleanly (same recipe, about the same weights, another
    architecture); a function returning the pair will do too."""
    pair, done = answer_value(pair, "my_pair", "put two row labels of the table in a tuple",
                              time_limit, quiet)
    if done is not None:
        return done
    rows = ablation_rows()
    labels = ", ".join(repr(label) for label in rows)
    if not isinstance(pair, (tuple, list, set)) or len(pair) != 2 or not all(isinstance(p, str) for p in pair):
        return report(NOT_YET, f"Not yet: the answer should be a tuple of two row labels (strings), got "
                               f"{type_name(pair)}.", quiet)
    unknown = [p for p in pair if p not in rows]
    if unknown:
        return report(NOT_YET, f"Not yet: {unknown[0]!r} is not a row label of the table; the labels are "
                               f"{labels}.", quiet)
    first, second = sorted(pair, key=list(rows).index)
    if first == second:
        return report(NOT_YET, "Not yet: name two different rows.", quiet)
    (recipe_a, arch_a, weights_a), (recipe_b, arch_b, weights_b) = rows[first], rows[second]
    ratio = max(weights_a, weights_b) / min(weights_a, weights_b)
    if recipe_a != recipe_b:
        return report(NOT_YET, f"Not yet: {first!r} is trained with notebook 02's recipe and {second!r} with the "
                               "shared one — a difference between them may come from the recipe, so they do "
                               "not test the weight count alone.", quiet)
    if arch_a == arch_b:
        return report(NOT_YET, f"Not yet: both rows are dense nets, and their weights differ {ratio:.1f}-fold "
                               f"({weights_a:,} and {weights_b:,}). That is the claim's prediction being checked, "
                               "but a cleaner test holds the weights per image about fixed and changes "
                               "something else: if the accuracies still differ, the count did not decide them.",
                      quiet)
    if ratio > 1.5:
        return report(NOT_YET, f"Not yet: these rows differ in architecture *and* {ratio:.0f}-fold in their "
                               f"weights ({weights_a:,} and {weights_b:,}): two things change at once, so neither "
                               "can be credited with the difference.", quiet)
    return report(CORRECT, f"Correct! {first!r} and {second!r} have about the same weights ({weights_a:,} and "
                           f"{weights_b:,}), the same recipe and different architectures: whatever separates "
                           "their test accuracies, it is not the weight count.", quiet)
