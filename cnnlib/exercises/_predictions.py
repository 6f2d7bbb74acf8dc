"""Checking predictions: answers that are numbers or small arrays the student works out before computing them.

A prediction exercise asks to *predict or interpret* (an output size, where a map moves, where early stopping
stops) instead of writing a function. Its answer is a tuple of predictions in a stated order, written into a
variable of the notebook's stub (``my_counts = None  # (conv, dense)``; a function that returns the tuple will do
too, as for every value checker, see ``_values``). The checker compares each prediction with a reference it
*measures* with cnnlib. A wrong prediction is never answered with the right value, only with what is wrong and,
for a known slip, why: the student should think again, not copy.
"""

import numbers

import numpy as np

from cnnlib.exercises._compare import as_array
from cnnlib.exercises._report import CORRECT, DEFAULT_TIME_LIMIT, NOT_YET, error_text, report, shape_text, type_name
from cnnlib.exercises._values import answer_value


def check_predictions(answer, parts, *, variable, success, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """answer: the predictions as a tuple (or list) in the order of ``parts``, or a function returning it.
    parts: [(name, compare)]; compare(value) -> None when right, else the problem as a sentence fragment
    (it follows "Not yet: "). variable: the stub's variable (e.g. "my_counts"). Reports the first problem,
    or ``success``."""
    names = [name for name, _ in parts]
    wanted = f"({', '.join(names)})"
    value, done = answer_value(answer, variable, f"write your prediction as {wanted}", time_limit, quiet)
    if done is not None:
        return done
    if not isinstance(value, (tuple, list)) or len(value) != len(parts):
        got = f"{type_name(value)} of length {len(value)}" if isinstance(value, (tuple, list)) else type_name(value)
        return report(NOT_YET, f"Not yet: {variable} should be {len(parts)} predictions {wanted}, got {got}.", quiet)
    missing = next((name for name, v in zip(names, value) if v is None), None)
    if missing is not None:
        return report(NOT_YET, f"Not yet: {missing} is still None — put your prediction in its place.", quiet)
    for (name, compare), v in zip(parts, value):
        try:
            problem = compare(v)
        except Exception as error:  # noqa: BLE001 - a value that breaks the comparison gets a sentence too
            problem = f"the check could not read {name}, {type_name(v)} ({error_text(error)})"
        if problem:
            return report(NOT_YET, f"Not yet: {problem}.", quiet)
    return report(CORRECT, f"Correct! {success}", quiet)


def whole_number(value, name):
    """``value`` as an int, or a problem fragment if it is not a whole number (bools and text refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        return None, f"{name} should be a whole number, got {type_name(value)}"
    if not float(value).is_integer():
        return None, f"{name} should be a whole number, got {value!r}"
    return int(value), None


def compare_count(value, expected, name, hints=()):
    """None if ``value`` is the whole number ``expected``; else what is wrong, with the hint of a known slip.

    hints: (wrong value, why) pairs. The expected number itself is never printed."""
    got, problem = whole_number(value, name)
    if problem:
        return problem
    if got == expected:
        return None
    for wrong, why in hints:
        if got == wrong:
            return f"{name} = {got} is not right — {why}"
    return f"{name} = {got} is not right"


def compare_map(value, expected, name, hints=()):
    """None if ``value`` equals the small array ``expected``; else how many entries are wrong (not which values
    they should have), with the hint of a known slip. hints: (wrong array, why) pairs."""
    expected = np.asarray(expected, dtype=np.float64)
    arr, problem = as_array(value, name, expected.shape)
    if problem:
        return problem
    if arr.shape != expected.shape:
        return f"{name} should have shape {shape_text(expected.shape)}, got {shape_text(arr.shape)}"
    if np.array_equal(arr, expected):
        return None
    for wrong, why in hints:
        if np.array_equal(arr, np.asarray(wrong, dtype=np.float64)):
            return f"{name} is not right — {why}"
    wrong = int(np.sum(arr != expected))
    return f"{wrong} of the {expected.size} values of {name} {'is' if wrong == 1 else 'are'} not right"
