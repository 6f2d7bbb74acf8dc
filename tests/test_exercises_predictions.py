"""The prediction exercises: each checker accepts the measured answer, names the slip in typical wrong
predictions without giving the answer away, and measures its references with cnnlib instead of assuming them."""


import numpy as np
import pytest

from cnnlib.conv import conv_output_size
from cnnlib.exercises import (
    EXERCISES,
    check_early_stopping_reading,
    check_flatten_index,
    check_pooled_shift,
    check_shift_prediction,
    check_stride_prediction,
    check_which_maps_move,
)
from cnnlib.exercises.convolution import window_counts
from cnnlib.exercises.dense_overfitting import EARLY_STOPPING_CURVE, early_stopping_reading
from cnnlib.exercises.keras_bridge import keras_order
from cnnlib.exercises.layers import measured_moves
from cnnlib.exercises.pooling import SMALL_MAP
from cnnlib.exercises.weight_sharing import shift_prediction_references

PREDICTIONS = [check_shift_prediction, check_early_stopping_reading, check_stride_prediction, check_pooled_shift,
               check_which_maps_move, check_flatten_index]

CASES = [
    # (checker, predictions, status, fragment of the message)
    (check_shift_prediction, {"conv": 30, "dense": 0}, "correct", "moves with the digit"),
    (check_shift_prediction, {"conv": 36, "dense": 0}, "not yet", "has no column to its left"),
    (check_shift_prediction, {"conv": 0, "dense": 0}, "not yet", "the same 9 weights at every position"),
    (check_shift_prediction, {"conv": 30, "dense": 30}, "not yet", "its own weights for every output"),
    (check_shift_prediction, {"conv": 30, "dense": 36}, "not yet", "nothing ties one output to its neighbour"),
    (check_shift_prediction, {"conv": 29, "dense": 0}, "not yet", "conv = 29 is not right."),
    (check_early_stopping_reading, {"stop_epoch": 9, "kept_epoch": 6}, "correct", "stops after epoch 9"),
    (check_early_stopping_reading, {"stop_epoch": 8, "kept_epoch": 5}, "not yet", "epochs count from 1"),
    (check_early_stopping_reading, {"stop_epoch": 4, "kept_epoch": 3}, "not yet", "does not stop at the first rise"),
    (check_early_stopping_reading, {"stop_epoch": 7, "kept_epoch": 6}, "not yet", "not since the first rise"),
    (check_early_stopping_reading, {"stop_epoch": 12, "kept_epoch": 11}, "not yet", "without seeing the rest"),
    (check_early_stopping_reading, {"stop_epoch": 9, "kept_epoch": 9}, "not yet", "not those of the last epoch"),
    (check_early_stopping_reading, {"stop_epoch": 9, "kept_epoch": 11}, "not yet", "never trains the epochs after"),
    (check_early_stopping_reading, {"stop_epoch": 9.5, "kept_epoch": 6}, "not yet", "should be a whole number"),
    (check_stride_prediction, {"output_size": 4, "never_read": 19, "most_reads": 4}, "correct", "start at 0, 2, 4, 6"),
    (check_stride_prediction, {"output_size": 5, "never_read": 19, "most_reads": 4}, "not yet", "ends at row 9"),
    (check_stride_prediction, {"output_size": 8, "never_read": 19, "most_reads": 4}, "not yet", "that is stride 1"),
    (check_stride_prediction, {"output_size": 4.5, "never_read": 19, "most_reads": 4}, "not yet", "a whole number"),
    (check_stride_prediction, {"output_size": 4, "never_read": 0, "most_reads": 4}, "not yet", "never reach"),
    (check_stride_prediction, {"output_size": 4, "never_read": 20, "most_reads": 4}, "not yet", "count it once"),
    (check_stride_prediction, {"output_size": 4, "never_read": 10, "most_reads": 4}, "not yet", "both the last row"),
    (check_stride_prediction, {"output_size": 4, "never_read": 19, "most_reads": 9}, "not yet", "that is stride 1"),
    (check_stride_prediction, {"output_size": 4, "never_read": 19, "most_reads": 2}, "not yet", "along both axes"),
    (check_stride_prediction, {"output_size": 4, "never_read": 19, "most_reads": 1}, "not yet", "move by 2 overlap"),
    (check_pooled_shift, {"one_pixel": [[3, 8], [9, 6]], "two_pixels": [[0, 5], [0, 9]]}, "correct",
     "keeps 2 of the 4"),
    (check_pooled_shift, {"one_pixel": [[5, 8], [9, 7]], "two_pixels": [[0, 5], [0, 9]]}, "not yet",
     "only while the window's maximum stays inside it"),
    (check_pooled_shift, {"one_pixel": [[0, 5], [0, 9]], "two_pixels": [[0, 5], [0, 9]]}, "not yet",
     "a shift of a whole window"),
    (check_pooled_shift, {"one_pixel": [[3, 8], [9, 6]], "two_pixels": [[5, 8], [9, 7]]}, "not yet",
     "moves every value into the next window"),
    (check_pooled_shift, {"one_pixel": [[3, 8], [9, 6]], "two_pixels": [[3, 8], [9, 6]]}, "not yet",
     "the answer for one pixel"),
    (check_pooled_shift, {"one_pixel": [[3, 8], [9, 7]], "two_pixels": [[0, 5], [0, 9]]}, "not yet",
     "1 of the 4 values of one_pixel is not right"),
    (check_pooled_shift, {"one_pixel": [3, 8, 9, 6], "two_pixels": [[0, 5], [0, 9]]}, "not yet",
     "should have shape (2, 2), got (4,)"),
    (check_pooled_shift, {"one_pixel": np.array([["3", "8"], ["9", "6"]]), "two_pixels": [[0, 5], [0, 9]]},
     "not yet", "got an array of text (str)"),
    (check_which_maps_move, {"shift_1": [1, None, None, None], "shift_4": [4, 2, 2, 1]}, "correct", "equivariance"),
    (check_which_maps_move, {"shift_1": [1, 0, 0, 0], "shift_4": [4, 2, 2, 1]}, "not yet",
     "moved by an odd number of cells"),
    (check_which_maps_move, {"shift_1": [1, None, 1, None], "shift_4": [4, 2, 2, 1]}, "not yet",
     "conv2 is not right — a conv layer's maps move exactly as far as its input"),
    (check_which_maps_move, {"shift_1": [0, None, None, None], "shift_4": [4, 2, 2, 1]}, "not yet",
     "conv1 is not right — a conv layer's maps move exactly as far as its input"),
    (check_which_maps_move, {"shift_1": [1, None, None, None], "shift_4": [4, 4, 4, 4]}, "not yet",
     "pool1 is not right — one cell of a 2×2 pooled map"),
    (check_which_maps_move, {"shift_1": [1, None, None, None], "shift_4": [4, 0, 0, 0]}, "not yet",
     "a shift by a whole window moves the pooled map"),
    (check_which_maps_move, {"shift_1": [1, None, None, None], "shift_4": [4, 2, 2, None]}, "not yet",
     "move as a whole"),
    (check_which_maps_move, {"shift_1": [1, None, None], "shift_4": [4, 2, 2, 1]}, "not yet", "got a list of length 3"),
    (check_which_maps_move, {"shift_1": [1, None, None, "no"], "shift_4": [4, 2, 2, 1]}, "not yet",
     "should be a whole number or None, got a str"),
    (check_flatten_index, {"row_in_keras": 8929, "row_in_cnnlib": 2710}, "correct", "must be permuted"),
    (check_flatten_index, {"row_in_keras": 1234, "row_in_cnnlib": 2710}, "not yet", "flatten in different orders"),
    (check_flatten_index, {"row_in_keras": 5329, "row_in_cnnlib": 2710}, "not yet", "row and column swapped"),
    (check_flatten_index, {"row_in_keras": 1429, "row_in_cnnlib": 2710}, "not yet", "from cnnlib to Keras"),
    (check_flatten_index, {"row_in_keras": 8929, "row_in_cnnlib": 100}, "not yet", "flatten in different orders"),
    (check_flatten_index, {"row_in_keras": 8929, "row_in_cnnlib": 2860}, "not yet", "one whole 26×26 map after"),
    (check_flatten_index, {"row_in_keras": 8929, "row_in_cnnlib": 1600}, "not yet", "from Keras to cnnlib"),
]


@pytest.mark.parametrize("checker, predictions, status, fragment", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_checker_names_the_slip(checker, predictions, status, fragment):
    result = checker(tuple(predictions.values()), quiet=True)
    assert result.status == status, result.message
    assert fragment in result.message, result.message
    assert bool(result) == (status == "correct")
    assert checker(lambda: tuple(predictions.values()), quiet=True).message == result.message  # a function will do


def test_every_course_notebook_but_03_has_a_prediction():
    have = {number for number, checks in EXERCISES.items() if any(c in PREDICTIONS for c in checks)}
    assert {"01", "02", "04", "05", "06", "07"} <= have


@pytest.mark.parametrize("checker", PREDICTIONS, ids=lambda c: c.__name__)
def test_stub_partial_and_unreadable_predictions(checker, capsys):
    names = [name for c, p, _, _ in CASES if c is checker for name in p][:2]
    size = len(next(p for c, p, _, _ in CASES if c is checker))
    stub = checker(None)
    assert stub.status == "not attempted" and capsys.readouterr().out == stub.message + "\n"
    assert stub.message.startswith("Not attempted: my_") and "is None — write your prediction as (" in stub.message
    partial = checker((1,) + (None,) * (size - 1), quiet=True)
    assert partial.status == "not yet" and f"{names[1]} is still None" in partial.message
    short = checker((1,) * (size - 1), quiet=True)
    assert short.status == "not yet" and f"should be {size} predictions" in short.message
    assert "should be" in checker("7", quiet=True).message
    for strange in ("7", True, object(), 2 + 1j, float("nan")):
        result = checker((strange,) * size, quiet=True)
        assert result.status == "not yet" and result.message.startswith(f"Not yet: {names[0]}"), result.message


@pytest.mark.parametrize("checker, predictions, status, fragment", [c for c in CASES if c[2] == "not yet"],
                         ids=lambda v: getattr(v, "__name__", ""))
def test_a_wrong_prediction_is_not_answered_with_the_right_one(checker, predictions, status, fragment):
    right = next(p for c, p, s, _ in CASES if c is checker and s == "correct")
    message = checker(tuple(predictions.values()), quiet=True).message
    for name, value in right.items():
        if not np.array_equal(np.asarray(predictions[name], dtype=object), np.asarray(value, dtype=object)):
            assert f"{name} = {value}" not in message and f"expected {value}" not in message


def test_references_are_measured():
    assert shift_prediction_references() == (30, 0)
    assert early_stopping_reading(EARLY_STOPPING_CURVE, 3) == (9, 6)
    counts, size = window_counts(10, 3, 2)
    assert size == conv_output_size(10, 3, 2) == 4 and int(np.sum(counts == 0)) == 19 and counts.max() == 4
    assert measured_moves(2) == {"conv1": 2, "pool1": 1, "conv2": 1, "pool2": None}
    assert measured_moves(4) == {"conv1": 4, "pool1": 2, "conv2": 2, "pool2": 1}
    assert measured_moves(1) == {"conv1": 1, "pool1": None, "conv2": None, "pool2": None}
    assert SMALL_MAP.shape == (4, 4)


def test_early_stopping_reading_is_the_rule_of_notebook_02():
    def notebook_rule(losses, patience):  # notebook 02, section 5: (best index, stop index), 0-based
        best_index = 0
        for i, value in enumerate(losses):
            if value < losses[best_index]:
                best_index = i
            elif i - best_index >= patience:
                return best_index, i
        return best_index, len(losses) - 1
    rng = np.random.default_rng(5)
    for _ in range(200):
        curve = list(rng.random(rng.integers(1, 15)))
        patience = int(rng.integers(1, 5))
        keep, stop = notebook_rule(curve, patience)
        assert early_stopping_reading(curve, patience) == (stop + 1, keep + 1)


def test_keras_order_is_the_order_of_keras_flatten():
    maps = np.random.default_rng(0).normal(size=(2, 3, 4, 5))  # (N, K, H', W')
    order = keras_order(3, 4, 5)
    keras_flat = maps.transpose(0, 2, 3, 1).reshape(2, -1)  # what Keras' Flatten gives on NHWC maps
    assert np.array_equal(keras_flat, maps.reshape(2, -1)[:, order])
