"""The one assertion every checker test makes: the status, a fragment of the sentence, and a truth value to match;
the slips every range prediction's checker names, and the three it gets against the value it measured."""


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


def range_prediction_slips(checker):
    """Cases (checker, answer, status, fragment) every ``(low, high)`` prediction checker gets: no answer yet, a
    range too wide to commit to anything, one the wrong way round, a single number."""
    return [(checker, None, "not attempted", "my_range is None"),
            (checker, (0.1, 0.9), "not yet", "at most 0.15 wide"),
            (checker, (0.6, 0.5), "not yet", "0 ≤ low < high ≤ 1"),
            (checker, 0.5, "not yet", "two numbers")]
