"""Tests for cnnlib.activations and cnnlib.losses."""

import numpy as np
import pytest

from cnnlib.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax,
    softmax_backward,
    softmax_forward,
    tanh_backward,
    tanh_forward,
)
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.losses import binary_cross_entropy, mean_squared_error, one_hot, softmax_cross_entropy

PAIRS = {
    "tanh": (tanh_forward, tanh_backward),
    "sigmoid": (sigmoid_forward, sigmoid_backward),
    "relu": (relu_forward, relu_backward),
    "softmax": (softmax_forward, softmax_backward),
}


def away_from_zero(shape, rng):
    """Random values with |x| >= 0.1, so relu's kink at 0 is never within h of a value."""
    x = rng.normal(size=shape)
    return np.where(x >= 0, x + 0.1, x - 0.1)


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 4, 4)])
def test_activation_gradients_numerically(name, shape):
    forward, backward = PAIRS[name]
    rng = np.random.default_rng(0)
    x = away_from_zero(shape, rng)
    out, cache = forward(x)
    dout = rng.normal(size=out.shape)
    dx = backward(dout, cache)
    dx_num = numerical_gradient(lambda v: forward(v)[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-6


@pytest.mark.parametrize("name", PAIRS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_activation_dtype_is_kept(name, dtype):
    forward, backward = PAIRS[name]
    x = np.random.default_rng(1).normal(size=(3, 4)).astype(dtype)
    out, cache = forward(x)
    dx = backward(np.ones_like(out), cache)
    assert out.dtype == dx.dtype == dtype


def test_activation_values():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(tanh_forward(x)[0], np.tanh(x))
    np.testing.assert_allclose(sigmoid_forward(x)[0], 1 / (1 + np.exp(-x)))
    np.testing.assert_array_equal(relu_forward(x)[0], [0, 0, 3])
    np.testing.assert_array_equal(relu_backward(np.ones(3), relu_forward(x)[1]), [0, 0, 1])


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out, _ = sigmoid_forward(np.array([-1000.0, -40.0, 40.0, 1000.0]))
    np.testing.assert_allclose(out, [0, 1 / (1 + np.exp(40)), 1 / (1 + np.exp(-40)), 1], rtol=1e-12, atol=0)


def test_softmax_is_stable_and_sums_to_one():
    logits = np.array([[1000.0, 1000.0, 999.0], [-1000.0, 0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        probs = softmax(logits)
    e = np.exp([1.0, 1.0, 0.0])
    np.testing.assert_allclose(probs[0], e / e.sum())
    np.testing.assert_allclose(probs[1], [0, 0, 1])
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    np.testing.assert_allclose(softmax(logits + 5), probs)  # shift invariance
    assert softmax(logits.astype(np.float32)).dtype == np.float32


# --------------------------------------------------------------------------- losses

def test_one_hot():
    np.testing.assert_array_equal(one_hot(np.array([2, 0], dtype=np.uint8), 3), [[0, 0, 1], [1, 0, 0]])
    assert one_hot([1], 2).dtype == np.float64


def test_softmax_cross_entropy_value_and_gradient_formula():
    rng = np.random.default_rng(2)
    logits = rng.normal(size=(5, 4))
    y = np.array([0, 3, 1, 1, 2])
    loss, dlogits = softmax_cross_entropy(logits, y)
    probs = softmax(logits)
    assert loss == pytest.approx(-np.mean(np.log(probs[np.arange(5), y])), rel=1e-12)
    np.testing.assert_allclose(dlogits, (probs - one_hot(y, 4)) / 5, rtol=1e-12, atol=1e-15)


def test_softmax_cross_entropy_large_logits():
    logits = np.array([[1000.0, 0.0], [0.0, 1000.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss, dlogits = softmax_cross_entropy(logits, np.array([0, 0]))
    assert loss == pytest.approx(500.0)  # (0 + 1000) / 2
    np.testing.assert_allclose(dlogits, [[0, 0], [-0.5, 0.5]])


def loss_gradcheck(loss_fn, pred, target):
    loss, dpred = loss_fn(pred, target)
    dpred_num = numerical_gradient(lambda v: loss_fn(v, target)[0], pred)
    return rel_error(dpred, dpred_num)


def test_softmax_cross_entropy_gradient_numerically():
    rng = np.random.default_rng(3)
    for n, c in [(1, 2), (6, 10), (3, 5)]:
        assert loss_gradcheck(softmax_cross_entropy, rng.normal(size=(n, c)), rng.integers(0, c, n)) < 1e-6


def test_mean_squared_error():
    rng = np.random.default_rng(4)
    pred, target = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    loss, dpred = mean_squared_error(pred, target)
    assert loss == pytest.approx(np.mean((pred - target) ** 2))
    assert loss_gradcheck(mean_squared_error, pred, target) < 1e-6


def test_binary_cross_entropy():
    rng = np.random.default_rng(5)
    pred = rng.uniform(0.05, 0.95, size=(6, 2))
    target = rng.integers(0, 2, size=(6, 2)).astype(float)
    loss, _ = binary_cross_entropy(pred, target)
    assert loss == pytest.approx(-np.mean(target * np.log(pred) + (1 - target) * np.log(1 - pred)))
    assert loss_gradcheck(binary_cross_entropy, pred, target) < 1e-6
    # soft targets too
    assert loss_gradcheck(binary_cross_entropy, pred, rng.uniform(size=(6, 2))) < 1e-6


def test_binary_cross_entropy_clips_saturated_predictions():
    loss, dpred = binary_cross_entropy(np.array([0.0, 1.0]), np.array([1.0, 0.0]))
    assert np.isfinite(loss) and np.all(np.isfinite(dpred))
    assert loss == pytest.approx(-np.log(1e-7), rel=1e-6)
    assert dpred[0] < 0 < dpred[1]  # still pushes each prediction towards its target


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_loss_dtype_is_kept(dtype):
    rng = np.random.default_rng(6)
    _, d = softmax_cross_entropy(rng.normal(size=(3, 4)).astype(dtype), np.array([0, 1, 2]))
    assert d.dtype == dtype
    _, d = mean_squared_error(rng.normal(size=5).astype(dtype), rng.normal(size=5))
    assert d.dtype == dtype
    _, d = binary_cross_entropy(rng.uniform(size=5).astype(dtype), np.ones(5))
    assert d.dtype == dtype


@pytest.mark.parametrize("name", PAIRS)
def test_activation_gradient_has_x_dtype_even_for_float64_dout(name):
    forward, backward = PAIRS[name]
    out, cache = forward(np.ones((2, 3), dtype=np.float32))
    assert backward(np.ones((2, 3)), cache).dtype == np.float32
