"""The one assertion every checker test makes: the status, a fragment of the sentence, and a truth value to match;
the three a range prediction's checker gets against the value it measured; and the two kinds of checkers."""

import inspect

from cnnlib.exercises import EXERCISES

ALL_CHECKERS = [checker for checks in EXERCISES.values() for checker in checks]
#: Checkers that run a student's function (they take time_limit) and those that take predictions.
FUNCTION_CHECKERS = [c for c in ALL_CHECKERS if "time_limit" in inspect.signature(c).parameters]
PREDICTION_CHECKERS = [c for c in ALL_CHECKERS if c not in FUNCTION_CHECKERS]


def assert_checker_says(checker, answer, status, fragment):
    result = checker(answer, quiet=True)
    assert result.status == status, result.message
    assert fragment in result.message, result.message
    assert bool(result) == (status == "correct")


def assert_range_prediction_checked(checker, measured, below="below your range"):
    """A range around ``measured`` is correct (the sentence names the measurement); a range just above it is
    named with ``below`` (the measurement lies below it), one just below it with "above your range"."""
    assert_checker_says(checker, (measured - 0.05, measured + 0.05), "correct", f"Measured {measured:.3f}")
    assert_checker_says(checker, (measured + 0.01, min(measured + 0.1, 1)), "not yet", below)
    assert_checker_says(checker, (max(measured - 0.1, 0), measured - 0.01), "not yet", "above your range")
