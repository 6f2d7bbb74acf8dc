"""Bad input to the exercise checkers, generated per class over every checker of cnnlib.exercises.EXERCISES:

- a ``time_limit`` that is not a number of seconds > 0 is a ValueError naming it, raised before the answer runs;
- an answer whose values have the right digits in a type that is not numbers (text, bytes, complex numbers,
  an object array of text) is "Not yet", never "Correct!";
- an answer returning an object that refuses to become an array, whatever it raises, gets a sentence, and the
  checker itself does not raise;
- an answer that just calls cnnlib's own version of the function an exercise asks for is told to write it.

The right answers come from the tables of tests/test_exercises_*.py, spoiled here one class at a time.
"""

import inspect
import re

import numpy as np
import pytest
from test_exercises_nb01_03 import CASES as CASES_01_03
from test_exercises_nb04_07 import CASES as CASES_04_07

from cnnlib.conv import conv2d_backward, conv2d_forward
from cnnlib.correlation import convolve2d, correlate2d
from cnnlib.dense import dense_backward, dense_forward
from cnnlib.exercises import (
    EXERCISES,
    check_conv_backward,
    check_conv_input_grad,
    check_conv_kernel_grad,
    check_convolve_via_rotation,
    check_correlate2d,
    check_dense_backward,
    check_layer_backward,
    check_maxpool_backward,
    check_maxpool_forward,
    check_mse_grad,
    check_receptive_field,
    check_softmax_ce_grad,
)
from cnnlib.layers import Conv2D
from cnnlib.losses import mean_squared_error, softmax_cross_entropy
from cnnlib.pool import maxpool2d_backward, maxpool2d_forward
from cnnlib.receptive_field import receptive_field_sizes

ALL_CHECKERS = [checker for checks in EXERCISES.values() for checker in checks]
RIGHT_ANSWERS = [(checker, answer) for checker, answer, status, _ in CASES_01_03 + CASES_04_07 if status == "correct"]

# ----------------------------------------------------------------------------- time_limit

BAD_TIME_LIMITS = [-1, 0, -0.5, float("nan"), float("inf"), -float("inf"), "5", None, True, [5], 1e10]


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("time_limit", BAD_TIME_LIMITS, ids=repr)
def test_bad_time_limit_is_refused_before_the_answer_runs(checker, time_limit):
    calls = []

    def answer(*args):
        calls.append(args)
        return None
    expected = rf"time_limit must be a finite number in \(0, 9223372036\.0\], got {re.escape(repr(time_limit))}"
    with pytest.raises(ValueError, match=expected):
        checker(answer, time_limit=time_limit, quiet=True)
    assert calls == []


@pytest.mark.parametrize("checker", ALL_CHECKERS, ids=lambda c: c.__name__)
def test_a_good_time_limit_is_accepted(checker):
    assert checker(lambda *args: None, time_limit=0.5, quiet=True).status in ("not attempted", "not yet")
    assert checker(lambda *args: None, time_limit=3, quiet=True).status in ("not attempted", "not yet")

# ----------------------------------------------------------------------------- values that are not numbers


class Refuses:
    """An object that refuses every way of being read as numbers, each with another exception."""

    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")

    def __float__(self):
        raise ZeroDivisionError("no float here")

    def __len__(self):
        raise KeyError("no length here")

    def __iter__(self):
        raise LookupError("no items here")

    def __getitem__(self, index):
        raise IndexError("no items here")


SPOILERS = {  # how: (spoil a number or an array, the words one of which the sentence must hold)
    "text": (lambda a: np.asarray(a).astype(str), ("text (str)", "number, got")),
    "bytes": (lambda a: np.asarray(a).astype(bytes), ("bytes", "number, got")),
    "complex": (lambda a: np.asarray(a) + 0j, ("complex numbers", "number, got")),
    "object text": (lambda a: np.asarray(a).astype(str).astype(object), ("holding a str", "number, got")),
    "refuses": (lambda a: Refuses(), ("numpy cannot turn into an array", "could not read", "number, got",
                                      "got a Refuses")),
}


def spoil(value, how):
    """``value`` with every number and array replaced by its spoiled twin; tuples, lists and dicts kept."""
    if isinstance(value, (tuple, list)):
        return type(value)(spoil(v, how) for v in value)
    if isinstance(value, dict):
        return {k: spoil(v, how) for k, v in value.items()}
    if isinstance(value, (np.ndarray, np.generic, int, float)):
        return SPOILERS[how][0](value)
    return value


def spoiled_answer(answer, how):
    if inspect.isclass(answer):  # a layer class: spoil what forward and backward return
        class Spoiled(answer):
            def forward(self, x):
                return spoil(super().forward(x), how)

            def backward(self, dout):
                return spoil(super().backward(dout), how)
        return Spoiled
    return lambda *args: spoil(answer(*args), how)


@pytest.mark.parametrize("how", list(SPOILERS))
@pytest.mark.parametrize("checker, answer", RIGHT_ANSWERS, ids=[c.__name__ for c, _ in RIGHT_ANSWERS])
def test_right_digits_in_the_wrong_type_are_not_correct(checker, answer, how):
    result = checker(spoiled_answer(answer, how), quiet=True)  # must not raise
    assert result.status == "not yet" and result.message.startswith("Not yet: "), result.message
    assert any(words in result.message for words in SPOILERS[how][1]), result.message
    assert result.message.count("\n") == 0


def test_the_right_answers_pass_unspoiled():
    for checker, answer in RIGHT_ANSWERS:
        assert checker(answer, quiet=True), checker.__name__

# ----------------------------------------------------------------------------- "write it yourself"


def _conv_backward_by_cnnlib(dout, x, w, stride, padding):
    return conv2d_backward(dout, conv2d_forward(x, w, np.zeros(len(w)), stride, padding)[1])


def _layer_by_cnnlib(w, b):
    class Shortcut:
        def __init__(self, *_):
            self.params, self.grads = {"w": w, "b": b}, {}

        def forward(self, x):
            out, self.cache = dense_forward(x, w, b)
            return out

        def backward(self, dout):
            dx, self.grads["w"], self.grads["b"] = dense_backward(dout, self.cache)
            return dx
    return Shortcut(w, b)


def _conv_layer_backward(dout, x, w, stride, padding):  # through the Conv2D layer, which calls conv2d_backward
    layer = Conv2D(x.shape[1], w.shape[0], w.shape[2:], stride=stride, padding=padding, dtype=np.float64)
    layer.params["w"][...] = w
    layer.forward(x)
    dx = layer.backward(dout)
    return dx, layer.grads["w"], layer.grads["b"]


SHORTCUTS = [
    # (checker, an answer that hands the work to the cnnlib function the exercise asks for, its name)
    (check_correlate2d, lambda image, kernel: correlate2d(image, kernel), "correlate2d"),
    (check_correlate2d, lambda image, kernel: convolve2d(image, kernel[::-1, ::-1]), "convolve2d"),
    (check_correlate2d, lambda image, kernel: conv2d_forward(image[None, None], kernel[None, None])[0][0, 0],
     "conv2d_forward"),
    (check_dense_backward, lambda dout, x, w: dense_backward(dout, (x, w, None)), "dense_backward"),
    (check_mse_grad, lambda y_pred, y_true: mean_squared_error(y_pred, y_true)[1], "mean_squared_error"),
    (check_convolve_via_rotation, lambda image, kernel, mode: convolve2d(image, kernel, mode), "convolve2d"),
    (check_conv_kernel_grad, lambda image, dout: _conv_backward_by_cnnlib(
        dout[None, None], image[None, None], np.zeros((1, 1) + tuple(np.subtract(image.shape, dout.shape) + 1)),
        1, 0)[1][0, 0], "conv2d_backward"),
    (check_conv_input_grad, lambda dout, kernel: _conv_backward_by_cnnlib(
        dout[None, None], np.zeros((1, 1) + tuple(np.add(dout.shape, kernel.shape) - 1)), kernel[None, None],
        1, 0)[0][0, 0], "conv2d_backward"),
    (check_conv_backward, _conv_backward_by_cnnlib, "conv2d_backward"),
    (check_conv_backward, _conv_layer_backward, "conv2d_backward"),
    (check_maxpool_forward, lambda image, size, stride: maxpool2d_forward(image[None, None], size, stride)[0][0, 0],
     "maxpool2d_forward"),
    (check_maxpool_backward, lambda dout, image, size, stride: maxpool2d_backward(
        dout[None, None], maxpool2d_forward(image[None, None], size, stride)[1])[0, 0], "maxpool2d_backward"),
    (check_softmax_ce_grad, lambda logits, y: softmax_cross_entropy(logits, y)[1], "softmax_cross_entropy"),
    (check_layer_backward, _layer_by_cnnlib, "dense_forward"),
    (check_receptive_field, lambda windows: receptive_field_sizes([]), "receptive_field_sizes"),
]


@pytest.mark.parametrize("checker, shortcut, name", SHORTCUTS, ids=[f"{c.__name__}-{n}" for c, _, n in SHORTCUTS])
def test_calling_cnnlibs_own_function_is_not_correct(checker, shortcut, name):
    result = checker(shortcut, quiet=True)
    assert result.status == "not yet", result.message
    assert f"calls cnnlib's {name}, which this exercise asks you to write yourself" in result.message
    assert "switches off cnnlib's" in result.message


def test_the_switched_off_functions_work_again_afterwards():
    image, kernel = np.arange(20.0).reshape(4, 5), np.ones((2, 2))
    before = correlate2d(image, kernel)
    check_correlate2d(lambda a, k: correlate2d(a, k), quiet=True)
    assert np.array_equal(correlate2d(image, kernel), before)
    assert np.array_equal(Conv2D(1, 1, 2, dtype=np.float64).forward(image[None, None]).shape, (1, 1, 3, 4))
