"""Notebook 11: each checker passes a right answer and names the slip in typical wrong ones."""

import numpy as np
import pytest
from exercise_asserts import assert_checker_says, assert_range_prediction_checked, range_prediction_slips

from cnnlib.exercises import check_center_by_mass, check_corner_digit_box, check_kernel_net_shift_prediction
from cnnlib.exercises.draw_a_digit import CORNER_ONE, corner_box, kernel_net_shift_accuracy
from cnnlib.handwriting import center_of_mass


def place(small, top, left):
    x = np.zeros((28, 28))
    x[top:top + small.shape[0], left:left + small.shape[1]] = small
    return x


def center_with(target=14.0, to_int=round, by_box=False, swap=False):
    """A student's center_by_mass: the top-left corner at to_int(target - centre of mass), or the box centred."""
    def my_center_by_mass(small):
        h, w = small.shape
        if by_box:
            return place(small, (28 - h) // 2, (28 - w) // 2)
        row, col = center_of_mass(small)
        if swap:
            row, col = col, row
        return place(small, to_int(target - row), to_int(target - col))
    return my_center_by_mass


def half_up(v):
    return int(np.floor(v + 0.5))


CASES = [
    (check_center_by_mass, center_with(), "correct", "the tie included"),
    (check_center_by_mass, center_with(to_int=half_up), "correct", "within half a pixel"),  # ties the other way
    (check_center_by_mass, center_with(by_box=True), "not yet", "that centres the ink's box"),
    (check_center_by_mass, center_with(to_int=int), "not yet", "int() cuts the fraction off"),
    (check_center_by_mass, center_with(target=13.5), "not yet", "not to the frame's middle (13.5, 13.5)"),
    (check_center_by_mass, center_with(swap=True), "not yet", "rows and columns are swapped"),
    (check_center_by_mass, lambda small: np.roll(place(small, 0, 0), (6, 6), axis=(0, 1)), "not yet",
     "lands at (12.52, 13.27), more than half a pixel from (14, 14)."),
    (check_center_by_mass, lambda small: center_with()(small) * 255, "not yet", "keep its values"),
    (check_center_by_mass, lambda small: small, "not yet", "shape (20, 15), expected (28, 28)"),
    (check_center_by_mass, lambda small: (center_with()(small), None), "not yet", "got a tuple"),
    (check_corner_digit_box, (20, 5), "correct", "20 rows × 5 columns"),
    (check_corner_digit_box, [20.0, 5.0], "correct", "a small digit comes out bold"),
    (check_corner_digit_box, (8, 2), "not yet", "only shrunk 10 times"),
    (check_corner_digit_box, (20, 2), "not yet", "the pen is scaled with the digit"),
    (check_corner_digit_box, (20, 20), "not yet", "the aspect ratio is kept"),
    (check_corner_digit_box, (20, 7), "not yet", "round ends"),
    (check_corner_digit_box, (19, 5), "not yet", "always becomes 20 pixels"),
    (check_corner_digit_box, (20, 4), "not yet", "scale both sides alike"),
    (check_corner_digit_box, (20, 5.5), "not yet", "two whole numbers"),
    (check_corner_digit_box, "20x5", "not yet", "two whole numbers"),
    (check_corner_digit_box, None, "not attempted", "my_box is None"),
    *range_prediction_slips(check_kernel_net_shift_prediction),
]


@pytest.mark.parametrize("checker, answer, status, fragment", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_checker_names_the_slip(checker, answer, status, fragment):
    assert_checker_says(checker, answer, status, fragment)


def test_the_corner_digit_is_what_the_recipe_makes_of_it():
    """The stroke is 60 canvas pixels long, the pen 20 with round ends: an 80 x 20 box, scaled by 20/80."""
    assert CORNER_ONE == [[(40, 20), (40, 80)]]
    assert corner_box() == (20, 5)


def test_the_kernel_net_prediction_is_checked_against_a_measurement():
    measured = kernel_net_shift_accuracy()
    assert 0.1 < measured < 0.6  # far below its accuracy on digits as drawn (about 0.8)
    assert_range_prediction_checked(check_kernel_net_shift_prediction, measured,
                                    below="below your range — its convolution moves the maps")


def test_a_value_checker_takes_a_function_that_returns_the_value():
    def my_box():
        return 20, 5

    assert check_corner_digit_box(my_box, quiet=True)
    assert check_corner_digit_box(lambda: None, quiet=True).status == "not attempted"
