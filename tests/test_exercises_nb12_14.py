"""Notebooks 12-14: each checker passes a right answer and names the slip in typical wrong ones."""

import numpy as np
import pytest
from exercise_asserts import assert_checker_says

from cnnlib.exercises import (
    check_batchnorm_backward,
    check_diverging_rates,
    check_he_std,
    check_one_cycle,
    check_spread_prediction,
)
from cnnlib.exercises.learning_rate import runs_away
from cnnlib.exercises.modern_cnn import check_conv_bn_params, check_residual_backward
from cnnlib.schedules import OneCycle


@pytest.mark.parametrize("answer, status, fragment", [
    (lambda c, k: np.sqrt(2 / (c * k * k)), "correct", "sqrt(2 / (C·K·K))"),
    (lambda c, k: 2 / (c * k * k), "not yet", "take its square root"),
    (lambda c, k: np.sqrt(1 / (c * k * k)), "not yet", "the factor 2 is missing"),
    (lambda c, k: np.sqrt(2 / (k * k)), "not yet", "all C channels of the K×K window"),
    (lambda c, k: np.sqrt(2 / (c * k)), "not yet", "fan_in = C·K·K, not C·K"),
    (lambda c, k: None, "not attempted", "returns None"),
    (lambda c, k: "0.47", "not yet", "should be a number, got a str"),
])
def test_he_std(answer, status, fragment):
    assert_checker_says(check_he_std, answer, status, fragment)


def bn_backward(dout, x, gamma, eps):
    mean, var = x.mean(axis=0), x.var(axis=0)
    x_hat = (x - mean) / np.sqrt(var + eps)
    dbeta, dgamma = dout.sum(axis=0), (dout * x_hat).sum(axis=0)
    m = x.shape[0]
    dx = gamma / np.sqrt(var + eps) / m * (m * dout - dbeta - x_hat * dgamma)
    return dx, dgamma, dbeta


def bn_with(dx=None, dgamma=None, dbeta=None):
    """``bn_backward`` with one of its results replaced by a wrong formula f(dout, x, gamma, eps, x_hat, inv_std)."""
    def answer(dout, x, gamma, eps):
        right = bn_backward(dout, x, gamma, eps)
        inv_std = 1 / np.sqrt(x.var(axis=0) + eps)
        x_hat = (x - x.mean(axis=0)) * inv_std
        wrong = [f(dout, x, gamma, x_hat, inv_std) if f else r for f, r in zip((dx, dgamma, dbeta), right)]
        return tuple(wrong)
    return answer


@pytest.mark.parametrize("answer, status, fragment", [
    (bn_backward, "correct", "dx, dgamma and dbeta equal batchnorm_backward"),
    (bn_with(dx=lambda d, x, g, xh, s: d * g * s), "not yet", "that is test mode's dx"),
    (bn_with(dx=lambda d, x, g, xh, s: g * s * (d - d.mean(axis=0))), "not yet", "path through the variance"),
    (bn_with(dx=lambda d, x, g, xh, s: g * s * (d - xh * (d * xh).mean(axis=0))), "not yet", "path through the mean"),
    (bn_with(dx=lambda d, x, g, xh, s: -bn_backward(d, x, g, 1e-5)[0]), "not yet", "opposite sign"),
    (bn_with(dgamma=lambda d, x, g, xh, s: d.sum(axis=0)), "not yet", "gamma multiplies x_hat"),
    (bn_with(dbeta=lambda d, x, g, xh, s: d.mean(axis=0)), "not yet", "sum dout, not average it"),
    (lambda dout, x, gamma, eps: bn_backward(dout, x, gamma, eps)[:2], "not yet", "should be 3 arrays"),
    (lambda dout, x, gamma, eps: None, "not attempted", "returns None"),
])
def test_batchnorm_backward(answer, status, fragment):
    assert_checker_says(check_batchnorm_backward, answer, status, fragment)


def predict_spread(init, batch_norm):
    if batch_norm or init in ("he_normal", "he_uniform"):
        return "stays"
    if isinstance(init, str):
        return "vanishes"  # Glorot: √2 less spread per ReLU block
    factor = init / np.sqrt(2 / 72)  # against He's standard deviation for the 8-channel 3×3 layers
    return "vanishes" if factor ** 7 < 0.1 else "explodes" if factor ** 7 > 10 else "stays"


@pytest.mark.parametrize("answer, status, fragment", [
    (predict_spread, "correct", "All 8 predictions match"),
    (lambda init, bn: "vanishes" if bn else predict_spread(init, bn), "not yet", "batch normalisation rescales"),
    (lambda init, bn: "stays" if str(init).startswith("glorot") else predict_spread(init, bn), "not yet",
     "Glorot's variance"),
    (lambda init, bn: {"vanishes": "explodes", "explodes": "vanishes"}.get(predict_spread(init, bn), "stays"),
     "not yet", "He's standard deviation for these layers"),
    (lambda init, bn: "shrinks", "not yet", "should be one of 'vanishes', 'stays', 'explodes'"),
    (lambda init, bn: None, "not attempted", "returns None"),
])
def test_spread_prediction(answer, status, fragment):
    assert_checker_says(check_spread_prediction, answer, status, fragment)


def one_cycle(step, max_lr, total_steps, warmup, div, final_div):
    peak = max(1, round(warmup * total_steps))
    step = min(step, total_steps - 1)
    if step < peak:
        t, low, high = step / peak, max_lr / div, max_lr
        return high + (low - high) * (1 + np.cos(np.pi * t)) / 2
    t = (step - peak) / max(1, total_steps - 1 - peak)
    end = max_lr / final_div
    return end + (max_lr - end) * (1 + np.cos(np.pi * t)) / 2


def linear_one_cycle(step, max_lr, total_steps, warmup, div, final_div):
    peak = max(1, round(warmup * total_steps))
    step = min(step, total_steps - 1)
    if step < peak:
        return max_lr / div + (max_lr - max_lr / div) * step / peak
    return max_lr + (max_lr / final_div - max_lr) * (step - peak) / max(1, total_steps - 1 - peak)


@pytest.mark.parametrize("answer, status, fragment", [
    (one_cycle, "correct", "equal cnnlib.schedules.OneCycle"),
    (lambda s, m, t, w, d, f: OneCycle(m, t, w, d, f)(s), "correct", "OneCycle"),
    (linear_one_cycle, "not yet", "that is a straight line"),
    (lambda s, m, t, w, d, f: m / d if s >= t - 1 else one_cycle(s, m, t, w, d, f), "not yet", "max_lr / final_div"),
    (lambda s, m, t, w, d, f: m, "not yet", "only the peak step has the full max_lr"),
    (lambda s, m, t, w, d, f: one_cycle(s, m, t, w, d, f) if s < t else 0.5, "not yet", "step 500 of 100"),
    (lambda s, m, t, w, d, f: None, "not attempted", "returns None"),
])
def test_one_cycle(answer, status, fragment):
    assert_checker_says(check_one_cycle, answer, status, fragment)


def test_runs_away_is_measured():
    assert runs_away(2.5, (1.0, 0.02)) and not runs_away(1.9, (1.0, 0.02)) and not runs_away(0.1, (4.0,))
    assert runs_away(0.6, (4.0,))  # |1 - 2.4| > 1


@pytest.mark.parametrize("answer, status, fragment", [
    (lambda lr, a: lr > 2 / max(a), "correct", "above 2 / (the largest curvature)"),
    (lambda lr, a: lr > 1 / max(a), "not yet", "between 1 and 2"),
    (lambda lr, a: lr > 2 / min(a), "not yet", "larger than 1 in size"),
    (lambda lr, a: "yes", "not yet", "should be True or False, got a str"),
    (lambda lr, a: None, "not attempted", "returns None"),
])
def test_diverging_rates(answer, status, fragment):
    assert_checker_says(check_diverging_rates, answer, status, fragment)


@pytest.mark.parametrize("answer, status, fragment", [
    (lambda ci, co, k: ci * co * k * k + 2 * co, "correct", "plus gamma and beta"),
    (lambda ci, co, k: ci * co * k * k + 3 * co, "not yet", "the convolution has no bias"),
    (lambda ci, co, k: ci * co * k * k + 4 * co, "not yet", "running mean and variance are not trainable"),
    (lambda ci, co, k: ci * co * k * k, "not yet", "gamma and beta"),
    (lambda ci, co, k: co * k * k + 2 * co, "not yet", "every kernel spans all input channels"),
    (lambda ci, co, k: None, "not attempted", "returns None"),
])
def test_conv_bn_params(answer, status, fragment):
    assert_checker_says(check_conv_bn_params, answer, status, fragment)


@pytest.mark.parametrize("answer, status, fragment", [
    (lambda dout, out, branch: branch(dout * (out > 0)) + dout * (out > 0), "correct", "equals ResidualBlock.backward"),
    (lambda dout, out, branch: branch(dout * (out > 0)), "not yet", "the shortcut is missing"),
    (lambda dout, out, branch: branch(dout) + dout, "not yet", "the ReLU after the sum is missing"),
    (lambda dout, out, branch: branch(dout * (out > 0)) + dout, "not yet", "add dout · (out > 0), not dout"),
    (lambda dout, out, branch: None, "not attempted", "returns None"),
])
def test_residual_backward(answer, status, fragment):
    assert_checker_says(check_residual_backward, answer, status, fragment)
