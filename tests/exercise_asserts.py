"""The one assertion every checker test makes: the status, a fragment of the sentence, and a truth value to match."""


def assert_checker_says(checker, answer, status, fragment):
    result = checker(answer, quiet=True)
    assert result.status == status, result.message
    assert fragment in result.message, result.message
    assert bool(result) == (status == "correct")
