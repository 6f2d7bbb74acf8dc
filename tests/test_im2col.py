"""Tests for cnnlib.im2col: both column layouts, chunked or not, against the conv layer's loops."""

import numpy as np
import pytest

import cnnlib.im2col
from cnnlib.conv import conv2d_backward, conv2d_backward_naive, conv2d_forward, conv2d_forward_naive
from cnnlib.im2col import ImageColumns, WideColumns, conv_columns

# (N, C, H, W), (K, KH, KW), stride, padding
STRIDE_1 = [((3, 2, 7, 6), (4, 3, 3), 0), ((2, 3, 6, 6), (2, 2, 3), 1), ((4, 1, 5, 7), (3, 3, 2), 2),
            ((2, 2, 4, 4), (3, 4, 4), 0), ((3, 4, 5, 5), (2, 1, 1), 0)]


def make_case(shape, kernel, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    k, kh, kw = kernel
    x = rng.normal(size=shape).astype(dtype)
    w = rng.normal(size=(k, shape[1], kh, kw)).astype(dtype)
    return rng, x, w


def run_layout(layout_class, x, w, stride, padding, dout):
    """out, dx, dw, db (per kernel) computed chunk by chunk with one layout."""
    k = w.shape[0]
    layout = layout_class(x, w.shape[2:], stride, padding, x.dtype)
    w_rows = w.reshape(k, -1)
    out = np.empty((x.shape[0], k, layout.h_out, layout.w_out), x.dtype)
    dw, db = np.zeros(w_rows.shape, x.dtype), np.zeros(k, x.dtype)
    for start, stop in layout.chunks:
        layout.forward(w_rows, start, stop, out[start:stop])
        dw_part, db_part = layout.backward(w_rows, dout[start:stop], start, stop, need_dx=True)
        dw += dw_part
        db += db_part
    return out, layout.gradient(), dw.reshape(w.shape), db


@pytest.fixture(params=[1 << 21, 1], ids=["one chunk", "one image per chunk"])
def chunk_bytes(request, monkeypatch):
    monkeypatch.setattr(cnnlib.im2col, "CHUNK_BYTES", request.param)
    return request.param


@pytest.mark.parametrize("layout_class", [ImageColumns, WideColumns])
@pytest.mark.parametrize("shape,kernel,padding", STRIDE_1)
def test_layouts_match_the_loops(layout_class, shape, kernel, padding, chunk_bytes):
    rng, x, w = make_case(shape, kernel)
    out_naive, cache = conv2d_forward_naive(x, w, np.zeros(kernel[0]), 1, padding)
    dout = rng.normal(size=out_naive.shape)
    dx_naive, dw_naive, db_naive = conv2d_backward_naive(dout, cache)
    out, dx, dw, db = run_layout(layout_class, x, w, 1, padding, dout)
    if chunk_bytes == 1:
        assert len(layout_class(x, kernel[1:], 1, padding, x.dtype).chunks) == shape[0]
    for name, got, expected in [("out", out, out_naive), ("dx", dx, dx_naive), ("dw", dw, dw_naive),
                                ("db", db, db_naive)]:
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12, err_msg=name)


@pytest.mark.parametrize("shape,kernel,stride,padding", [((2, 2, 7, 8), (3, 2, 3), 2, 1),
                                                         ((1, 3, 5, 7), (2, 5, 1), 2, 2),
                                                         ((2, 2, 4, 4), (3, 1, 1), 3, 0)])
def test_image_columns_take_any_stride(shape, kernel, stride, padding, chunk_bytes):
    rng, x, w = make_case(shape, kernel, seed=1)
    out_naive, cache = conv2d_forward_naive(x, w, None, stride, padding)
    dout = rng.normal(size=out_naive.shape)
    out, dx, dw, _ = run_layout(ImageColumns, x, w, stride, padding, dout)
    np.testing.assert_allclose(out, out_naive, rtol=1e-12, atol=1e-12)
    for got, expected in zip((dx, dw), conv2d_backward_naive(dout, cache)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_wide_columns_refuse_a_stride():
    with pytest.raises(ValueError, match="stride 1"):
        WideColumns(np.zeros((1, 1, 5, 5)), (3, 3), 2, 0, np.float64)


def test_the_layer_picks_wide_columns_when_columns_outnumber_kernels():
    x = np.zeros((2, 8, 13, 13))
    assert isinstance(conv_columns(x, (16, 8, 3, 3), 1, 0, x.dtype), WideColumns)  # 72 rows > 2 * 16 kernels
    assert isinstance(conv_columns(x[:, :1], (8, 1, 3, 3), 1, 0, x.dtype), ImageColumns)  # 9 rows <= 2 * 8
    assert isinstance(conv_columns(x, (16, 8, 3, 3), 2, 0, x.dtype), ImageColumns)  # stride 2


def test_chunks_cover_the_batch_once():
    layout = ImageColumns(np.zeros((10, 2, 6, 6)), (3, 3), 1, 0, np.float64)
    covered = [i for start, stop in layout.chunks for i in range(start, stop)]
    assert covered == list(range(10))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape,kernel", [((5, 1, 9, 9), (8, 3, 3)), ((5, 4, 9, 9), (3, 3, 3))])
def test_the_layer_in_chunks_keeps_its_dtype_and_results(shape, kernel, dtype, chunk_bytes):
    rng, x, w = make_case(shape, kernel, dtype, seed=2)
    b = rng.normal(size=kernel[0]).astype(dtype)
    out, cache = conv2d_forward(x, w, b)
    out_naive, cache_naive = conv2d_forward_naive(x, w, b)
    tol = 1e-4 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(out, out_naive, rtol=tol, atol=tol)
    dout = rng.normal(size=out.shape).astype(dtype)
    for got, expected in zip(conv2d_backward(dout, cache), conv2d_backward_naive(dout, cache_naive)):
        assert got.dtype == dtype
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)


@pytest.mark.parametrize("channels,kernels", [(1, 5), (4, 3)])  # image columns, wide columns
def test_an_empty_batch(channels, kernels):
    x, w = np.zeros((0, channels, 6, 6)), np.ones((kernels, channels, 3, 3))
    out, cache = conv2d_forward(x, w, np.zeros(kernels))
    assert out.shape == (0, kernels, 4, 4)
    dx, dw, db = conv2d_backward(np.zeros(out.shape), cache)
    assert dx.shape == x.shape
    np.testing.assert_array_equal(dw, np.zeros(w.shape))
    np.testing.assert_array_equal(db, np.zeros(kernels))


@pytest.mark.parametrize("kernels", [5, 2])  # image columns (from a strided x), wide columns
@pytest.mark.parametrize("stride,padding", [(1, 0), (1, 1), (2, 1)])
def test_a_batch_that_is_a_strided_view(kernels, stride, padding):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(3, 2, 9, 8)).transpose(0, 1, 3, 2)  # (3, 2, 8, 9), not C-contiguous
    w, b = rng.normal(size=(kernels, 2, 3, 3)), rng.normal(size=kernels)
    out, cache = conv2d_forward(x, w, b, stride, padding)
    out_naive, cache_naive = conv2d_forward_naive(x, w, b, stride, padding)
    np.testing.assert_allclose(out, out_naive, rtol=1e-12, atol=1e-12)
    dout = rng.normal(size=out.shape)
    for got, expected in zip(conv2d_backward(dout, cache), conv2d_backward_naive(dout, cache_naive)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape, kernels, stride, padding", [((6, 1, 9, 9), 5, 1, 0),   # image columns
                                                             ((5, 3, 8, 7), 2, 1, 1),   # wide columns
                                                             ((4, 2, 9, 9), 3, 2, 1)])  # image columns, stride 2
@pytest.mark.parametrize("keep_bytes", [1 << 23, 1], ids=["kept", "too many to keep"])
def test_a_conv_layer_in_training_keeps_its_columns_and_gets_the_same_bits(shape, kernels, stride, padding,
                                                                           keep_bytes, chunk_bytes, monkeypatch):
    from cnnlib.layers import Conv2D

    monkeypatch.setattr(cnnlib.im2col, "KEEP_BYTES", keep_bytes)
    rng = np.random.default_rng(3)
    x = rng.normal(size=shape).astype(np.float32)
    layer = Conv2D(shape[1], kernels, 3, stride=stride, padding=padding, rng=rng)
    out = layer.forward(x, training=True)
    assert (layer._columns is not None) == (keep_bytes > 1)
    dout = rng.normal(size=out.shape).astype(np.float32)
    expected_out, cache = conv2d_forward(x, layer.params["w"], layer.params["b"], stride, padding)
    expected = conv2d_backward(dout, cache)  # the columns copied again
    assert np.array_equal(out, expected_out)
    for _ in range(2):  # a second backward of the same forward pass does not add onto the first one's sums
        dx = layer.backward(dout)
        for got, want in zip((dx, layer.grads["w"], layer.grads["b"]), expected):
            assert got.dtype == want.dtype and np.array_equal(got, want)  # bit for bit
    layer.forward(x, training=False)  # test mode keeps no columns
    assert layer._columns is None
