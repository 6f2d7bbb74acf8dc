"""Tests for cnnlib.dense and cnnlib.dropout."""

import numpy as np
import pytest

from cnnlib.dense import dense_backward, dense_forward
from cnnlib.dropout import dropout_backward, dropout_forward
from cnnlib.gradcheck import numerical_gradient, rel_error


@pytest.mark.parametrize("n,d,m", [(1, 3, 2), (4, 7, 5), (8, 12, 10)])
def test_dense_gradients_numerically(n, d, m):
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m)
    out, cache = dense_forward(x, w, b)
    np.testing.assert_allclose(out, x @ w + b)
    dout = rng.normal(size=out.shape)
    dx, dw, db = dense_backward(dout, cache)
    assert rel_error(dx, numerical_gradient(lambda v: dense_forward(v, w, b)[0], x, dout)) < 1e-6
    assert rel_error(dw, numerical_gradient(lambda v: dense_forward(x, v, b)[0], w, dout)) < 1e-6
    assert rel_error(db, numerical_gradient(lambda v: dense_forward(x, w, v)[0], b, dout)) < 1e-6


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_backward_for_one_image_equals_the_batch_formulas(dtype):
    rng = np.random.default_rng(3)
    x, w, b = rng.normal(size=(1, 40)).astype(dtype), rng.normal(size=(40, 7)).astype(dtype), np.zeros(7, dtype)
    out, cache = dense_forward(x, w, b)
    dout = rng.normal(size=out.shape)  # float64 even for float32 layers
    dx, dw, db = dense_backward(dout, cache)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(dx, dout @ w.T, rtol=tol)
    np.testing.assert_allclose(dw, x.T @ dout, rtol=tol)
    np.testing.assert_allclose(db, dout.sum(axis=0), rtol=tol)
    assert dx.shape == x.shape and dw.shape == w.shape and dx.dtype == dw.dtype == dtype
    two = dense_backward(np.vstack([dout, 0 * dout]), dense_forward(np.vstack([x, x]), w, b)[1])
    np.testing.assert_allclose(dw, two[1], rtol=tol)  # a batch of 2 (one zero gradient) takes the general path


def test_dense_without_bias():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    out, cache = dense_forward(x, w, None)
    np.testing.assert_allclose(out, x @ w)
    assert dense_backward(np.ones_like(out), cache)[2] is None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dense_dtype_is_kept(dtype):
    rng = np.random.default_rng(2)
    x, w, b = (rng.normal(size=s).astype(dtype) for s in [(2, 3), (3, 4), (4,)])
    out, cache = dense_forward(x, w, b)
    grads = dense_backward(np.ones_like(out), cache)
    assert out.dtype == dtype and all(g.dtype == dtype for g in grads)


def test_dropout_mask_values_and_rate():
    x = np.ones((200, 100))
    out, mask = dropout_forward(x, 0.5, np.random.default_rng(3))
    assert set(np.unique(out)) == {0.0, 2.0}  # p = 0.5: kept units are doubled
    assert abs((out == 0).mean() - 0.5) < 0.02
    out, _ = dropout_forward(x, 0.2, np.random.default_rng(3))
    assert set(np.unique(out)) == {0.0, 1.25}
    assert abs((out == 0).mean() - 0.2) < 0.02


def test_dropout_is_deterministic_given_the_seed():
    x = np.random.default_rng(4).normal(size=(5, 6))
    a, _ = dropout_forward(x, 0.3, np.random.default_rng(7))
    b, _ = dropout_forward(x, 0.3, np.random.default_rng(7))
    c, _ = dropout_forward(x.astype(np.float32), 0.3, np.random.default_rng(7))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(a == 0, c == 0)  # same mask for either dtype
    d, _ = dropout_forward(x, 0.3, np.random.default_rng(8))
    assert not np.array_equal(a, d)


@pytest.mark.parametrize("p", [0.5, 0.3])
def test_dropout_mask_comes_from_float32_draws_for_either_dtype(p):
    x = np.random.default_rng(4).normal(size=(6, 7))
    keep = np.random.default_rng(11).random(x.shape, dtype=np.float32) >= np.float32(p)
    for dtype in (np.float64, np.float32):
        out, mask = dropout_forward(x.astype(dtype), p, np.random.default_rng(11))
        np.testing.assert_array_equal(mask != 0, keep)
        np.testing.assert_array_equal(mask[keep], dtype(1) / dtype(1 - p))
        np.testing.assert_array_equal(out, x.astype(dtype) * mask)


def test_dropout_gradient_numerically_with_fixed_mask():
    x = np.random.default_rng(5).normal(size=(4, 6))
    out, cache = dropout_forward(x, 0.4, np.random.default_rng(9))
    dout = np.random.default_rng(6).normal(size=out.shape)
    dx = dropout_backward(dout, cache)
    # the same seed for every evaluation gives the same mask, so f is linear in x
    dx_num = numerical_gradient(lambda v: dropout_forward(v, 0.4, np.random.default_rng(9))[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-6
    np.testing.assert_array_equal(dx[out == 0], 0)


def test_dropout_at_test_time_is_identity():
    x = np.random.default_rng(7).normal(size=(3, 4))
    out, cache = dropout_forward(x, 0.5, None, training=False)
    np.testing.assert_array_equal(out, x)
    np.testing.assert_array_equal(dropout_backward(np.ones((3, 4)), cache), np.ones((3, 4)))
    out, _ = dropout_forward(x, 0.0, np.random.default_rng(0))
    np.testing.assert_array_equal(out, x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dropout_dtype_is_kept(dtype):
    x = np.ones((3, 4), dtype=dtype)
    out, cache = dropout_forward(x, 0.5, np.random.default_rng(0))
    assert out.dtype == dropout_backward(np.ones_like(out), cache).dtype == dtype


def test_gradients_have_input_dtype_even_for_float64_dout():
    x, w, b = np.ones((2, 3), np.float32), np.ones((3, 4), np.float32), np.ones(4, np.float32)
    out, cache = dense_forward(x, w, b)
    assert all(g.dtype == np.float32 for g in dense_backward(np.ones((2, 4)), cache))
    out, cache = dropout_forward(x, 0.5, np.random.default_rng(0))
    assert dropout_backward(np.ones((2, 3)), cache).dtype == np.float32
