"""Tests for cnnlib.gradcheck itself: a gradient checker that is wrong would pass wrong backward passes."""

import numpy as np
import pytest

from cnnlib.gradcheck import numerical_gradient, rel_error


def test_numerical_gradient_of_square():
    x = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -0.25]])
    x_before = x.copy()
    grad = numerical_gradient(lambda v: v ** 2, x, np.ones_like(x))
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-8, atol=1e-8)
    np.testing.assert_array_equal(x, x_before)  # restored


def test_numerical_gradient_weights_by_dout():
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    grad = numerical_gradient(lambda v: np.sin(v), x, dout)
    np.testing.assert_allclose(grad, np.cos(x) * dout, rtol=1e-8, atol=1e-9)


def test_numerical_gradient_of_scalar_function_and_matrix_product():
    rng = np.random.default_rng(1)
    a, x = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    dout = rng.normal(size=(3, 2))
    np.testing.assert_allclose(numerical_gradient(lambda v: a @ v, x, dout), a.T @ dout, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v ** 3), x), 3 * x ** 2, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_when_f_returns_x_itself():
    x = np.array([1.0, 2.0])
    np.testing.assert_allclose(numerical_gradient(lambda v: v, x, np.array([3.0, 4.0])), [3.0, 4.0])


def test_numerical_gradient_rejects_integer_x():
    with pytest.raises(ValueError, match="float numpy array.*int64"):
        numerical_gradient(lambda v: v, np.array([1, 2]), np.ones(2))


def test_rel_error():
    a = np.array([1.0, 2.0, 3.0])
    assert rel_error(a, a) == 0
    assert rel_error(a, a * (1 + 1e-9)) < 1e-9
    assert rel_error(np.array([1.0]), np.array([1.1])) == pytest.approx(0.1 / 2.1)
    assert rel_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert rel_error(np.zeros(3), np.zeros(3)) == 0
    # relative: the same absolute error is small on large values and large on small ones
    assert rel_error(np.array([1e6]), np.array([1e6 + 1])) < 1e-6 < rel_error(np.array([1e-3]), np.array([2e-3]))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        rel_error(a, a[:2])
