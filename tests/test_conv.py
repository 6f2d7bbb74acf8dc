"""Tests for cnnlib.conv: image sections, the conv layer against its loops, scipy and numerical gradients."""

import numpy as np
import pytest
import scipy.signal

from cnnlib.conv import (
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_output_size,
    image_sections,
)
from cnnlib.gradcheck import numerical_gradient, rel_error

# (N, C, H, W), (K, KH, KW), stride, padding
CASES = [
    ((2, 3, 7, 6), (4, 3, 3), 1, 0),
    ((2, 2, 7, 8), (3, 2, 3), 2, 1),   # non-square kernel, stride 2, padding 1
    ((3, 1, 6, 6), (2, 3, 2), 1, 1),
    ((1, 3, 5, 7), (2, 5, 1), 2, 2),
    ((2, 2, 4, 4), (3, 1, 1), 3, 0),
]


def make_case(shape, kernel, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    n, c, h, wid = shape
    k, kh, kw = kernel
    x = rng.normal(size=shape).astype(dtype)
    w = rng.normal(size=(k, c, kh, kw)).astype(dtype)
    b = rng.normal(size=k).astype(dtype)
    return rng, x, w, b


# --------------------------------------------------------------------------- output size

def test_conv_output_size_formula():
    assert conv_output_size(28, 3) == 26
    assert conv_output_size(8, 3) == 6
    assert conv_output_size(28, 3, stride=2, padding=1) == 14
    assert conv_output_size(7, 2, stride=2) == 3
    assert conv_output_size(3, 5, padding=1) == 1


# --------------------------------------------------------------------------- image sections

def test_image_sections_windows():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(2, 3, 7, 6))
    sections = image_sections(x, (3, 2), stride=2, padding=1)
    assert sections.shape == (2, 4, 4, 3, 3, 2)  # (N, H', W', C, KH, KW)
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    for i in range(4):
        for j in range(4):
            np.testing.assert_array_equal(sections[1, i, j], xp[1, :, 2 * i:2 * i + 3, 2 * j:2 * j + 2])


def test_image_sections_is_a_view():
    x = np.zeros((1, 1, 5, 5))
    sections = image_sections(x, 3)
    assert np.shares_memory(sections, x)


def test_image_sections_seed_count():
    # 28x28 image, 3x3 windows: 26 x 26 positions (not 25 as in the seed's range(28 - 3))
    assert image_sections(np.zeros((1, 1, 28, 28)), 3).shape == (1, 26, 26, 1, 3, 3)


# --------------------------------------------------------------------------- layer: twins agree

def test_naive_forward_matches_definition():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    w = np.array([[[[1.0, 0.0], [0.0, -1.0]]]])
    out, _ = conv2d_forward_naive(x, w, np.array([0.5]))
    # x[i, j] - x[i+1, j+1] = -5 everywhere, plus the bias
    np.testing.assert_array_equal(out, np.full((1, 1, 3, 3), -4.5))


def test_layer_matches_scipy_per_channel():
    rng, x, w, b = make_case((2, 3, 7, 6), (4, 3, 2), seed=5)
    out, _ = conv2d_forward(x, w, b)
    for n in range(2):
        for k in range(4):
            expected = b[k] + sum(scipy.signal.correlate2d(x[n, c], w[k, c], "valid") for c in range(3))
            np.testing.assert_allclose(out[n, k], expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("dtype,tol", [(np.float64, 1e-10), (np.float32, 1e-4)])
@pytest.mark.parametrize("shape,kernel,stride,padding", CASES)
def test_vectorised_matches_naive(shape, kernel, stride, padding, dtype, tol):
    rng, x, w, b = make_case(shape, kernel, dtype)
    out, cache = conv2d_forward(x, w, b, stride, padding)
    out_naive, cache_naive = conv2d_forward_naive(x, w, b, stride, padding)
    assert out.dtype == out_naive.dtype == dtype
    np.testing.assert_allclose(out, out_naive, rtol=tol, atol=tol)
    dout = rng.normal(size=out.shape).astype(dtype)
    grads = conv2d_backward(dout, cache)
    grads_naive = conv2d_backward_naive(dout, cache_naive)
    for name, g, g_naive in zip(("dx", "dw", "db"), grads, grads_naive):
        assert g.dtype == g_naive.dtype == dtype, name
        np.testing.assert_allclose(g, g_naive, rtol=tol, atol=tol, err_msg=name)


def test_caches_are_interchangeable():
    rng, x, w, b = make_case((2, 2, 5, 5), (3, 3, 3))
    out, cache = conv2d_forward(x, w, b, 1, 1)
    dout = rng.normal(size=out.shape)
    for g, g_naive in zip(conv2d_backward_naive(dout, cache), conv2d_backward(dout, cache)):
        np.testing.assert_allclose(g, g_naive, rtol=1e-10, atol=1e-10)


# --------------------------------------------------------------------------- layer: numerical gradients

@pytest.mark.parametrize("forward,backward", [(conv2d_forward, conv2d_backward),
                                              (conv2d_forward_naive, conv2d_backward_naive)])
@pytest.mark.parametrize("shape,kernel,stride,padding", CASES[:4])
def test_conv_gradients_numerically(forward, backward, shape, kernel, stride, padding):
    rng, x, w, b = make_case(shape, kernel, seed=6)
    out, cache = forward(x, w, b, stride, padding)
    dout = rng.normal(size=out.shape)
    dx, dw, db = backward(dout, cache)
    dx_num = numerical_gradient(lambda v: forward(v, w, b, stride, padding)[0], x, dout)
    dw_num = numerical_gradient(lambda v: forward(x, v, b, stride, padding)[0], w, dout)
    db_num = numerical_gradient(lambda v: forward(x, w, v, stride, padding)[0], b, dout)
    assert rel_error(dx, dx_num) < 1e-6
    assert rel_error(dw, dw_num) < 1e-6
    assert rel_error(db, db_num) < 1e-6


@pytest.mark.parametrize("forward,backward", [(conv2d_forward, conv2d_backward),
                                              (conv2d_forward_naive, conv2d_backward_naive)])
@pytest.mark.parametrize("shape,kernel,stride,padding", CASES[:4])
def test_bias_per_output_position(forward, backward, shape, kernel, stride, padding):
    # b: (K, H', W'), one bias per output value (source notebook 004's layer): added where it sits,
    # and its gradient is dout summed over the images only.
    rng, x, w, _ = make_case(shape, kernel, seed=7)
    plain, _ = forward(x, w, None, stride, padding)
    b = rng.normal(size=plain.shape[1:])
    out, cache = forward(x, w, b, stride, padding)
    np.testing.assert_allclose(out, plain + b, rtol=1e-12, atol=1e-12)
    dout = rng.normal(size=out.shape)
    db = backward(dout, cache)[2]
    assert db.shape == b.shape
    assert rel_error(db, numerical_gradient(lambda v: forward(x, w, v, stride, padding)[0], b, dout)) < 1e-6


def test_no_bias_gives_db_none():
    rng, x, w, _ = make_case((2, 2, 5, 5), (3, 3, 3))
    out, cache = conv2d_forward(x, w)
    out_b, _ = conv2d_forward(x, w, np.zeros(3))
    np.testing.assert_allclose(out, out_b)
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert db is None
    assert conv2d_backward_naive(np.ones_like(out), cache)[2] is None


@pytest.mark.parametrize("backward", [conv2d_backward, conv2d_backward_naive])
@pytest.mark.parametrize("shape,kernel,stride,padding", CASES[:3])
def test_need_dx_false_skips_dx_only(backward, shape, kernel, stride, padding):
    rng, x, w, b = make_case(shape, kernel)
    out, cache = conv2d_forward(x, w, b, stride, padding)
    dout = rng.normal(size=out.shape)
    dx, dw, db = backward(dout, cache)
    none, dw_skip, db_skip = backward(dout, cache, need_dx=False)
    assert dx is not None and none is None
    np.testing.assert_array_equal(dw_skip, dw)
    np.testing.assert_array_equal(db_skip, db)


# --------------------------------------------------------------------------- dtypes

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    rng, x, w, b = make_case((2, 3, 6, 6), (2, 3, 3), dtype)
    out, cache = conv2d_forward(x, w, b, 2, 1)
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert out.dtype == dx.dtype == dw.dtype == db.dtype == dtype
    assert dx.shape == x.shape and dw.shape == w.shape and db.shape == b.shape


def test_mixed_dtypes_promote_output_and_keep_gradient_dtypes():
    rng, x, w, b = make_case((1, 2, 5, 5), (2, 3, 3))
    x32 = x.astype(np.float32)
    out, cache = conv2d_forward(x32, w, b)
    assert out.dtype == np.float64
    dx, dw, db = conv2d_backward(np.ones_like(out), cache)
    assert dx.dtype == np.float32 and dw.dtype == np.float64 and db.dtype == np.float64


def test_integer_images_become_float64():
    x = np.arange(25, dtype=np.uint8).reshape(1, 1, 5, 5)
    out, _ = conv2d_forward(x, np.ones((1, 1, 3, 3), dtype=np.float32))
    assert out.dtype == np.float64
    assert out[0, 0, 0, 0] == (0 + 1 + 2 + 5 + 6 + 7 + 10 + 11 + 12)


def test_conv_gradients_have_input_dtype_even_for_float64_dout():
    rng, x, w, b = make_case((1, 2, 5, 5), (2, 3, 3), np.float32)
    out, cache = conv2d_forward(x, w, b)
    for backward in (conv2d_backward, conv2d_backward_naive):
        assert all(g.dtype == np.float32 for g in backward(np.ones(out.shape), cache))
