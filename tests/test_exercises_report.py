"""The checkers' common behaviour: every kind of wrong answer gets one deterministic sentence, never a traceback."""

import sys
import time

import numpy as np
import pytest

from cnnlib.correlation import correlate2d
from cnnlib.exercises import EXERCISES, CheckResult, check_correlate2d, check_output_size, check_param_counts
from cnnlib.exercises._report import num, position


def right_correlate2d(image, kernel):
    kh, kw = kernel.shape
    out = np.zeros((image.shape[0] - kh + 1, image.shape[1] - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(image[i:i + kh, j:j + kw] * kernel)
    return out


def test_correct_answer_prints_one_sentence_and_is_true(capsys):
    result = check_correlate2d(right_correlate2d)
    printed = capsys.readouterr().out
    assert result and result.passed and result.status == "correct"
    assert printed == result.message + "\n"
    assert printed.startswith("Correct! ") and printed.count("\n") == 1


def test_quiet_prints_nothing(capsys):
    result = check_correlate2d(right_correlate2d, quiet=True)
    assert result and capsys.readouterr().out == ""


def test_result_shows_nothing_more_in_a_notebook():
    result = CheckResult("correct", "Correct! x")
    assert result._ipython_display_() is None
    assert str(result) == "Correct! x" and "Correct! x" in repr(result)


def test_stub_returning_none_is_not_attempted():
    def my_correlate2d(image, kernel):
        return None
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert not result and result.status == "not attempted"
    assert result.message == ("Not attempted: my_correlate2d returns None — write its body, then run this cell "
                              "again.")


def test_stub_raising_not_implemented_is_not_attempted():
    def my_correlate2d(image, kernel):
        raise NotImplementedError
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert result.status == "not attempted" and "raises NotImplementedError" in result.message


def test_an_answer_that_raises_gets_its_error_and_the_case():
    def my_correlate2d(image, kernel):
        return image[100, 100]
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert result.status == "not yet"
    assert result.message.startswith("Not yet: my_correlate2d raised IndexError: index 100 is out of bounds")
    assert result.message.endswith("for an 8×8 image and the 3×3 horizontal kernel.")


def test_none_in_a_later_case_is_not_yet():
    def my_correlate2d(image, kernel):
        return right_correlate2d(image, kernel) if image.shape == (8, 8) else None
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert result.status == "not yet"
    assert "returned None for a 5×7 image and a 2×3 kernel" in result.message


def test_nan_is_located():
    def my_correlate2d(image, kernel):
        out = right_correlate2d(image, kernel)
        out[1, 2] = np.nan
        return out
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert "there is NaN in the map at position (1, 2)" in result.message


def test_wrong_value_gives_first_position_and_both_values():
    def my_correlate2d(image, kernel):
        out = right_correlate2d(image, kernel)
        out[2, 3] += 1
        return out
    expected = right_correlate2d(*_first_correlate_case())
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert result.message == ("Not yet: for an 8×8 image and the 3×3 horizontal kernel, the map at position (2, 3) "
                              f"is {num(expected[2, 3] + 1)}, expected {num(expected[2, 3])}.")


def _first_correlate_case():
    from cnnlib.exercises._inputs import small_ints
    return small_ints(1, (8, 8)), np.array([[-1, -1, -1], [2, 2, 2], [-1, -1, -1]], dtype=float)


def test_wrong_type_and_wrong_shape():
    assert "should be one numpy array of shape (6, 6), got a tuple" in \
        check_correlate2d(lambda image, kernel: (right_correlate2d(image, kernel), None), quiet=True).message
    assert "should be one numpy array of shape (6, 6), got a str" in \
        check_correlate2d(lambda image, kernel: "a map", quiet=True).message
    message = check_correlate2d(lambda image, kernel: np.zeros((3, 4)), quiet=True).message
    assert "the map came out with shape (3, 4), expected (6, 6)." in message


def test_too_slow_is_stopped_with_a_sentence():
    def my_output_size(size, kernel_size, stride, padding):
        time.sleep(2)
        return 0
    start = time.perf_counter()
    result = check_output_size(my_output_size, time_limit=0.2, quiet=True)
    assert time.perf_counter() - start < 1.5  # the checker does not wait for the sleeping answer
    assert result.message == ("Not yet: my_output_size did not finish within 0.2 s for size 8, kernel 3, stride 1, "
                              "padding 0 — look for a loop that never ends or runs far more often than needed (a "
                              "call that never ends keeps running until you restart the kernel).")


def test_passing_a_value_instead_of_the_function():
    result = check_correlate2d(np.zeros((6, 6)), quiet=True)
    assert result.status == "not yet" and "got an ndarray" in result.message


def test_answer_cannot_change_the_cases():
    def my_correlate2d(image, kernel):
        out = right_correlate2d(image, kernel)
        image[...] = 0  # a careless answer writes into its input
        kernel[...] = 0
        return out
    assert check_correlate2d(my_correlate2d, quiet=True)
    assert check_correlate2d(right_correlate2d, quiet=True)


@pytest.mark.parametrize("checker", [c for checks in EXERCISES.values() for c in checks],
                         ids=lambda c: c.__name__)
def test_every_checker_handles_stub_raise_and_non_callable(checker):
    assert checker(lambda *args: None, quiet=True).status in ("not attempted", "not yet")
    raised = checker(lambda *args: 1 / 0, quiet=True)
    assert raised.status == "not yet" and "raised ZeroDivisionError: division by zero" in raised.message
    assert checker(42, quiet=True).status == "not yet"
    first = checker(lambda *args: 1 / 0, quiet=True).message
    assert first == raised.message  # deterministic


def test_at_least_three_exercises_per_notebook():
    assert sorted(EXERCISES) == ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "13", "14"]
    assert all(len(checks) >= 3 for number, checks in EXERCISES.items() if number <= "10")
    assert all(len(checks) >= 2 for checks in EXERCISES.values())  # the training-well notebooks: 2 or 3 each


def test_number_and_position_formatting():
    assert num(3.0) == "3" and num(-0.0) == "0" and num(1 / 3) == "0.3333" and num(12345.0) == "12,345"
    assert num(np.nan) == "NaN" and position((2, 3)) == "(2, 3)" and position((4,)) == "4"


def test_switched_off_finds_every_name_and_puts_everything_back():
    import types

    from cnnlib.exercises._write_it_yourself import WriteItYourself, holders, switched_off
    student = types.ModuleType("student_module")  # a module that imported correlate2d under another name
    student.c2 = correlate2d
    sys.modules["student_module"] = student
    try:
        assert ("c2" in [name for namespace, name, _ in holders([correlate2d]) if namespace is vars(student)])
        with pytest.raises(ZeroDivisionError), switched_off([correlate2d]):
            with pytest.raises(WriteItYourself, match="correlate2d is switched off .* write it yourself"):
                student.c2(np.ones((3, 3)), np.ones((2, 2)))
            raise ZeroDivisionError  # an error inside the block still puts the functions back
        assert student.c2 is correlate2d
        import cnnlib.correlation
        assert cnnlib.correlation.correlate2d is correlate2d
    finally:
        del sys.modules["student_module"]


def test_an_error_that_wraps_the_switched_off_call_is_recognised():
    def my_correlate2d(image, kernel):
        try:
            return correlate2d(image, kernel)
        except RuntimeError as error:
            raise ValueError("my own wrapper") from error
    result = check_correlate2d(my_correlate2d, quiet=True)
    assert "calls cnnlib's correlate2d, which this exercise asks you to write yourself" in result.message


def test_an_answer_that_falls_back_to_its_own_loops_passes():
    def my_correlate2d(image, kernel):
        try:
            return correlate2d(image, kernel)
        except RuntimeError:
            return right_correlate2d(image, kernel)
    assert check_correlate2d(my_correlate2d, quiet=True)


def test_a_function_captured_in_a_closure_is_switched_off_too():
    from cnnlib.correlation import correlate2d as captured

    def my_correlate2d(image, kernel):
        return captured(image, kernel)
    assert "calls cnnlib's correlate2d" in check_correlate2d(my_correlate2d, quiet=True).message
    assert my_correlate2d.__closure__[0].cell_contents is correlate2d  # put back


def test_a_value_the_comparison_cannot_read_gets_a_sentence():
    class Odd:
        def __len__(self):
            raise RuntimeError("odd length")
    message = check_param_counts(lambda *args: (Odd(), 1), quiet=True).message
    assert message.startswith("Not yet: for 16 kernels of 3×3 on a 28×28 image with 1 channel, ")
    assert message.endswith(".") and "\n" not in message
