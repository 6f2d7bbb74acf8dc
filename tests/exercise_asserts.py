"""The one assertion every checker test makes: the status, a fragment of the sentence, and a truth value to match;
and the three a range prediction's checker gets against the value it measured."""


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
