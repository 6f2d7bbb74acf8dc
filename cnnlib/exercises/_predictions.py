"""Checking predictions: answers that are numbers or small arrays the student works out before computing them.

A prediction exercise asks to *predict or interpret* (an output size, where a map moves, where early stopping
stops) instead of writing a function. Its checker takes the predictions as keyword arguments, all None in the
notebook's stub, e.g. ``check_stride_prediction(output_size=None, never_read=None, most_reads=None)``, and
compares each with a reference the checker *measures* with cnnlib. A wrong prediction is never answered with
the right value, only with what is wrong and, for a known slip, why: the student should think again, not copy.
"""

import numbers

import numpy as np

from cnnlib.exercises._compare import as_array
from cnnlib.exercises._report import CORRECT, NOT_ATTEMPTED, NOT_YET, error_text, report, shape_text, type_name


def check_predictions(answers, parts, *, success, quiet=False):
    """answers: {name: the student's value}, in the order of the checker's arguments.
    parts: [(name, compare)]; compare(value) -> None when right, else the problem as a sentence fragment
    (it follows "Not yet: "). Reports the first problem, or ``success``."""
    if all(value is None for value in answers.values()):
        return report(NOT_ATTEMPTED, "Not attempted: replace each None by your prediction, then run this cell "
                                     "again.", quiet)
    missing = next((name for name, value in answers.items() if value is None), None)
    if missing is not None:
        return report(NOT_YET, f"Not yet: {missing} is still None — put your prediction in its place.", quiet)
    for name, compare in parts:
        value = answers[name]
        try:
            problem = compare(value)
        except Exception as error:  # noqa: BLE001 - a value that breaks the comparison gets a sentence too
            problem = f"the check could not read {name}, {type_name(value)} ({error_text(error)})"
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
