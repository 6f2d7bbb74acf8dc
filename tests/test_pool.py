"""Tests for cnnlib.pool: spatial max/avg pooling and pooling across kernels."""

import numpy as np
import pytest

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.pool import (
    avgpool2d_backward,
    avgpool2d_forward,
    global_avgpool_backward,
    global_avgpool_forward,
    maxpool2d_backward,
    maxpool2d_forward,
    pool_kernels_backward,
    pool_kernels_forward,
)

# (N, C, H, W), size, stride: non-overlapping, overlapping, non-dividing, both
CASES = [
    ((2, 3, 6, 6), 2, None),
    ((2, 2, 7, 7), 3, 2),   # overlapping windows
    ((1, 2, 7, 5), 2, None),  # 7 and 5 not divisible by 2: last row/column dropped
    ((2, 1, 8, 9), 3, 1),
    ((1, 3, 5, 6), 2, 3),   # stride > size: some inputs in no window
]


def tie_free(shape, seed=0):
    """Random values whose elements are all distinct (a permutation), so max is unique."""
    rng = np.random.default_rng(seed)
    return rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64) / 10, rng


def loop_pool(x, size, stride, reduce):
    n, c, h, w = x.shape
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    out = np.zeros((n, c, h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[:, :, i, j] = reduce(x[:, :, i * stride:i * stride + size, j * stride:j * stride + size], axis=(2, 3))
    return out


@pytest.mark.parametrize("shape,size,stride", CASES)
def test_forward_matches_loops(shape, size, stride):
    x, _ = tie_free(shape)
    s = size if stride is None else stride
    out_max, _ = maxpool2d_forward(x, size, stride)
    out_avg, _ = avgpool2d_forward(x, size, stride)
    np.testing.assert_allclose(out_max, loop_pool(x, size, s, np.max))
    np.testing.assert_allclose(out_avg, loop_pool(x, size, s, np.mean))


def test_floor_mode_shape():
    out, _ = maxpool2d_forward(np.zeros((1, 1, 7, 7)))
    assert out.shape == (1, 1, 3, 3)
    out, _ = avgpool2d_forward(np.zeros((1, 8, 26, 26)))
    assert out.shape == (1, 8, 13, 13)
    out, _ = maxpool2d_forward(np.zeros((1, 1, 7, 7)), 3, 2)
    assert out.shape == (1, 1, 3, 3)


@pytest.mark.parametrize("shape,size,stride", CASES)
def test_maxpool_gradient_numerically(shape, size, stride):
    x, rng = tie_free(shape, seed=1)
    out, cache = maxpool2d_forward(x, size, stride)
    dout = rng.normal(size=out.shape)
    dx = maxpool2d_backward(dout, cache)
    dx_num = numerical_gradient(lambda v: maxpool2d_forward(v, size, stride)[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-6


@pytest.mark.parametrize("shape,size,stride", CASES)
def test_avgpool_gradient_numerically(shape, size, stride):
    rng = np.random.default_rng(2)
    x = rng.normal(size=shape)
    out, cache = avgpool2d_forward(x, size, stride)
    dout = rng.normal(size=out.shape)
    dx = avgpool2d_backward(dout, cache)
    dx_num = numerical_gradient(lambda v: avgpool2d_forward(v, size, stride)[0], x, dout)
    assert rel_error(dx, dx_num) < 1e-6


def test_maxpool_overlapping_windows_add_up():
    # the centre 9 is the max of all four 3x3 windows (stride 1) of this 4x4 image
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 1] = 9
    x[0, 0, 2, 2] = 1
    out, cache = maxpool2d_forward(x, 3, 1)
    np.testing.assert_array_equal(out[0, 0], [[9, 9], [9, 9]])
    dx = maxpool2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    expected = np.zeros((4, 4))
    expected[1, 1] = 10
    np.testing.assert_array_equal(dx[0, 0], expected)


def test_maxpool_ties_go_to_first_max_in_row_major_order():
    x = np.array([[[[5.0, 5.0, 1.0, 2.0],
                    [5.0, 5.0, 3.0, 3.0],
                    [0.0, 7.0, 4.0, 4.0],
                    [7.0, 7.0, 4.0, 4.0]]]])
    out, cache = maxpool2d_forward(x)
    np.testing.assert_array_equal(out[0, 0], [[5, 3], [7, 4]])
    dx = maxpool2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    expected = np.array([[1.0, 0.0, 0.0, 0.0],
                         [0.0, 0.0, 2.0, 0.0],
                         [0.0, 3.0, 4.0, 0.0],
                         [0.0, 0.0, 0.0, 0.0]])
    np.testing.assert_array_equal(dx[0, 0], expected)
    # every window sends its whole gradient to one element
    assert dx.sum() == 1 + 2 + 3 + 4


def test_maxpool_ties_across_overlapping_windows():
    x = np.ones((1, 1, 3, 3))  # all tied: each 2x2 window (stride 1) picks its top-left element
    out, cache = maxpool2d_forward(x, 2, 1)
    dx = maxpool2d_backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]), cache)
    np.testing.assert_array_equal(dx[0, 0], [[1, 2, 0], [3, 4, 0], [0, 0, 0]])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("forward,backward", [(maxpool2d_forward, maxpool2d_backward),
                                              (avgpool2d_forward, avgpool2d_backward)])
def test_pool_dtype_is_kept(forward, backward, dtype):
    x = np.random.default_rng(3).normal(size=(2, 2, 7, 7)).astype(dtype)
    out, cache = forward(x, 3, 2)
    dx = backward(np.ones_like(out), cache)
    assert out.dtype == dx.dtype == dtype and dx.shape == x.shape


def gathered_maxpool(x, size, stride):
    """Reference: every window gathered into one array, numpy's argmax (the first maximum)."""
    n, c, h, w = x.shape
    h_out, w_out = (h - size) // stride + 1, (w - size) // stride + 1
    windows = np.empty((n, c, h_out, w_out, size * size), x.dtype)
    for i in range(h_out):
        for j in range(w_out):
            windows[:, :, i, j] = x[:, :, i * stride:i * stride + size, j * stride:j * stride + size].reshape(n, c, -1)
    argmax = windows.argmax(axis=-1)
    dx = np.zeros_like(x)
    for i in range(h_out):
        for j in range(w_out):
            for n_ in range(n):
                for c_ in range(c):
                    t = argmax[n_, c_, i, j]
                    dx[n_, c_, i * stride + t // size, j * stride + t % size] += 1 + i + 2 * j  # dout below
    return windows.max(axis=-1), argmax, dx


# windows side by side (stride == size): the tiled path; odd sizes drop a last row/column
@pytest.mark.parametrize("shape,size", [((2, 3, 8, 8), 2), ((3, 2, 7, 9), 2), ((2, 2, 11, 10), 3),
                                        ((1, 1, 5, 5), 5), ((2, 16, 11, 11), 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ties", [False, True])
def test_side_by_side_windows_match_gathered_windows(shape, size, dtype, ties):
    rng = np.random.default_rng(5)
    # integers 0..2 tie inside most windows; normal values almost never do
    x = (rng.integers(0, 3, size=shape) if ties else rng.normal(size=shape)).astype(dtype)
    out, cache = maxpool2d_forward(x, size)
    expected_out, expected_argmax, expected_dx = gathered_maxpool(x, size, size)
    h_out, w_out = out.shape[2:]
    dout = (1 + np.arange(h_out)[:, None] + 2 * np.arange(w_out)[None, :]).astype(dtype) * np.ones(out.shape, dtype)
    dx = maxpool2d_backward(dout, cache)
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(cache[4], expected_argmax)
    np.testing.assert_array_equal(dx, expected_dx)
    assert out.dtype == dx.dtype == dtype
    assert not np.shares_memory(out, x)


def test_side_by_side_windows_leave_dropped_rows_at_zero():
    x = np.full((1, 1, 5, 5), 7.0)  # all tied; row 4 and column 4 fill no 2x2 window
    _, cache = maxpool2d_forward(x, 2)
    dx = maxpool2d_backward(np.ones((1, 1, 2, 2)), cache)
    np.testing.assert_array_equal(dx[0, 0], [[1, 0, 1, 0, 0], [0, 0, 0, 0, 0], [1, 0, 1, 0, 0],
                                              [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]])


@pytest.mark.parametrize("shape,size,stride", [((2, 2, 7, 7), 3, 2), ((2, 1, 8, 9), 3, 1), ((1, 3, 5, 6), 2, 3)])
def test_overlapping_and_spaced_windows_match_gathered_windows(shape, size, stride):
    x = np.random.default_rng(6).integers(0, 3, size=shape).astype(np.float64)  # with ties
    out, cache = maxpool2d_forward(x, size, stride)
    expected_out, expected_argmax, _ = gathered_maxpool(x, size, stride)
    np.testing.assert_array_equal(out, expected_out)
    np.testing.assert_array_equal(cache[4], expected_argmax)


# --------------------------------------------------------------------------- global average pooling

@pytest.mark.parametrize("shape", [(2, 3, 5, 7), (1, 1, 1, 1), (3, 2, 4, 4)])
def test_global_avgpool_is_the_mean_of_each_map_and_its_gradient_checks(shape):
    rng = np.random.default_rng(4)
    x = rng.normal(size=shape)
    out, cache = global_avgpool_forward(x)
    assert out.shape == shape[:2]
    np.testing.assert_allclose(out, [[x[i, c].sum() / x[i, c].size for c in range(shape[1])]
                                     for i in range(shape[0])])
    dout = rng.normal(size=out.shape)
    dx = global_avgpool_backward(dout, cache)
    dx_num = numerical_gradient(lambda v: global_avgpool_forward(v)[0], x, dout)
    assert dx.shape == shape and rel_error(dx, dx_num) < 1e-6


def test_global_avgpool_equals_avgpool_over_the_whole_map_and_ignores_where():
    x = np.random.default_rng(5).normal(size=(2, 3, 6, 6))
    np.testing.assert_allclose(global_avgpool_forward(x)[0], avgpool2d_forward(x, 6)[0][:, :, 0, 0])
    blob = np.zeros((1, 1, 6, 6))
    blob[0, 0, 1:3, 1:3] = 1
    moved = np.roll(blob, (2, 3), axis=(2, 3))  # the same pattern elsewhere in the map: the same mean
    assert global_avgpool_forward(blob)[0] == global_avgpool_forward(moved)[0] == 4 / 36


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_global_avgpool_keeps_the_dtype_and_checks_dout(dtype):
    x = np.ones((2, 3, 4, 4), dtype=dtype)
    out, cache = global_avgpool_forward(x)
    dx = global_avgpool_backward(np.ones_like(out), cache)
    assert out.dtype == dx.dtype == dtype
    np.testing.assert_array_equal(dx, np.full(x.shape, 1 / 16, dtype=dtype))
    with pytest.raises(ValueError, match=r"dout.*\(2, 3\)"):
        global_avgpool_backward(np.ones((2, 3, 1, 1)), cache)
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        global_avgpool_forward(np.ones((3, 4, 4)))


# --------------------------------------------------------------------------- across kernels

def test_pool_kernels_forward_values():
    maps = np.array([[[[1.0, 4.0]], [[3.0, 2.0]], [[2.0, 0.0]]]])  # (1, 3, 1, 2)
    for mode, expected in [("sum", [6, 6]), ("mean", [2, 2]), ("max", [3, 4])]:
        out, _ = pool_kernels_forward(maps, mode)
        assert out.shape == (1, 1, 1, 2)
        np.testing.assert_allclose(out[0, 0, 0], expected)


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_pool_kernels_gradient_numerically(mode):
    maps, rng = tie_free((2, 4, 3, 5), seed=4)
    out, cache = pool_kernels_forward(maps, mode)
    dout = rng.normal(size=out.shape)
    dmaps = pool_kernels_backward(dout, cache)
    dmaps_num = numerical_gradient(lambda v: pool_kernels_forward(v, mode)[0], maps, dout)
    assert dmaps.shape == maps.shape
    assert rel_error(dmaps, dmaps_num) < 1e-6


def test_pool_kernels_max_ties_go_to_first_kernel():
    maps = np.array([[[[2.0, 1.0]], [[2.0, 5.0]], [[0.0, 5.0]]]])  # (1, 3, 1, 2)
    out, cache = pool_kernels_forward(maps, "max")
    dmaps = pool_kernels_backward(np.array([[[[10.0, 20.0]]]]), cache)
    np.testing.assert_array_equal(dmaps[0, :, 0], [[10, 0], [0, 20], [0, 0]])


@pytest.mark.parametrize("mode", ["sum", "mean", "max"])
def test_pool_kernels_dtype_is_kept(mode):
    maps = np.random.default_rng(5).normal(size=(2, 3, 4, 4)).astype(np.float32)
    out, cache = pool_kernels_forward(maps, mode)
    dmaps = pool_kernels_backward(np.ones_like(out), cache)
    assert out.dtype == dmaps.dtype == np.float32


@pytest.mark.parametrize("forward,backward", [(maxpool2d_forward, maxpool2d_backward),
                                              (avgpool2d_forward, avgpool2d_backward)])
def test_pool_gradient_has_x_dtype_even_for_float64_dout(forward, backward):
    x = np.random.default_rng(6).normal(size=(1, 2, 6, 6)).astype(np.float32)
    out, cache = forward(x)
    assert backward(np.ones(out.shape, dtype=np.float64), cache).dtype == np.float32
    out, cache = pool_kernels_forward(x, "max")
    assert pool_kernels_backward(np.ones(out.shape, dtype=np.float64), cache).dtype == np.float32
