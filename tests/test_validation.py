"""Bad input raises ValueError naming what it got and what it expected."""

import re

import numpy as np
import pytest

from cnnlib._checks import check_finite
from cnnlib.activations import relu_backward, relu_forward, softmax
from cnnlib.conv import (
    conv2d_backward,
    conv2d_backward_naive,
    conv2d_forward,
    conv2d_forward_naive,
    conv_output_size,
    image_sections,
)
from cnnlib.correlation import correlate2d
from cnnlib.dense import dense_backward, dense_forward
from cnnlib.dropout import dropout_forward
from cnnlib.losses import binary_cross_entropy, mean_squared_error, one_hot, softmax_cross_entropy
from cnnlib.pool import avgpool2d_forward, maxpool2d_backward, maxpool2d_forward, pool_kernels_forward

X = np.zeros((2, 3, 8, 8))
W = np.zeros((4, 3, 3, 3))
B = np.zeros(4)


@pytest.fixture(params=[conv2d_forward, conv2d_forward_naive], ids=["vectorised", "naive"])
def forward(request):
    return request.param


# --------------------------------------------------------------------------- conv

def test_conv_wrong_ndim(forward):
    with pytest.raises(ValueError, match=r"x must be a 4-D array \(N, C, H, W\), got shape \(3, 8, 8\)"):
        forward(X[0], W, B)
    with pytest.raises(ValueError, match=r"w must be a 4-D array \(K, C, KH, KW\), got shape \(3, 3, 3\)"):
        forward(X, W[0], B)


def test_conv_channel_mismatch(forward):
    with pytest.raises(ValueError, match=r"x has 3 channels \(shape \(2, 3, 8, 8\)\) but w expects 1"):
        forward(X, np.zeros((4, 1, 3, 3)), B)


def test_conv_kernel_larger_than_padded_input(forward):
    with pytest.raises(ValueError, match=r"kernel size 9 is larger than the padded input: 8 \+ 2\*0 = 8"):
        forward(X, np.zeros((4, 3, 9, 3)), B)
    with pytest.raises(ValueError, match=r"kernel size 11 .* 8 \+ 2\*1 = 10"):
        forward(X, np.zeros((4, 3, 3, 11)), B, padding=1)
    forward(X, np.zeros((4, 3, 10, 10)), B, padding=1)  # fits exactly: fine


@pytest.mark.parametrize("stride", [0, -1, 1.5, True])
def test_conv_bad_stride(forward, stride):
    with pytest.raises(ValueError, match=rf"stride must be a positive integer, got {stride!r}"):
        forward(X, W, B, stride=stride)


@pytest.mark.parametrize("padding", [-1, 0.5])
def test_conv_bad_padding(forward, padding):
    with pytest.raises(ValueError, match=rf"padding must be a non-negative integer, got {padding!r}"):
        forward(X, W, B, padding=padding)


@pytest.mark.parametrize("b", [np.zeros(3), np.zeros((4, 1)), np.zeros(5)])
def test_conv_bias_of_wrong_length(forward, b):
    expected = r"b must have shape \(4,\), one bias per kernel .*, got shape " + re.escape(str(b.shape))
    with pytest.raises(ValueError, match=expected):
        forward(X, W, b)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_conv_non_finite(forward, bad):
    x = X.copy()
    x[1, 2, 3, 4] = bad
    with pytest.raises(ValueError, match=r"x must contain only finite numbers, got 1 NaN/inf value\(s\)"):
        forward(x, W, B)
    w = W.copy()
    w[0, 0, 0, 0] = bad
    with pytest.raises(ValueError, match=r"w must contain only finite numbers"):
        forward(X, w, B)


@pytest.mark.parametrize("backward", [conv2d_backward, conv2d_backward_naive])
def test_conv_backward_dout_shape(backward):
    _, cache = conv2d_forward(X, W, B, stride=2, padding=1)
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 4, 4, 4\), got shape \(2, 4, 6, 6\)"):
        backward(np.zeros((2, 4, 6, 6)), cache)


def test_conv_output_size_errors():
    with pytest.raises(ValueError, match="kernel size 5 is larger than the padded input"):
        conv_output_size(4, 5)
    with pytest.raises(ValueError, match="stride must be a positive integer, got 0"):
        conv_output_size(4, 3, stride=0)
    with pytest.raises(ValueError, match="padding must be a non-negative integer, got -2"):
        conv_output_size(4, 3, padding=-2)
    with pytest.raises(ValueError, match="kernel size must be a positive integer, got 0"):
        conv_output_size(4, 0)


def test_image_sections_errors():
    with pytest.raises(ValueError, match=r"x must be a 4-D array .*got shape \(8, 8\)"):
        image_sections(np.zeros((8, 8)), 3)
    with pytest.raises(ValueError, match=r"kernel_size must be an int or a pair \(KH, KW\), got \(3, 3, 3\)"):
        image_sections(X, (3, 3, 3))
    with pytest.raises(ValueError, match="kernel height must be a positive integer, got 0"):
        image_sections(X, (0, 3))


def test_correlate2d_errors():
    with pytest.raises(ValueError, match=r"image must be a 2-D array \(H, W\), got shape \(1, 5, 5\)"):
        correlate2d(np.zeros((1, 5, 5)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match=r"kernel must be a 2-D array \(KH, KW\), got shape \(3,\)"):
        correlate2d(np.zeros((5, 5)), np.zeros(3))
    with pytest.raises(ValueError, match=r"mode must be one of 'valid', 'full', 'same', got 'wrap'"):
        correlate2d(np.zeros((5, 5)), np.zeros((3, 3)), "wrap")
    with pytest.raises(ValueError, match=r"kernel no larger than the image, got kernel \(6, 2\) and image \(5, 5\)"):
        correlate2d(np.zeros((5, 5)), np.zeros((6, 2)))


# --------------------------------------------------------------------------- pooling

@pytest.mark.parametrize("pool", [maxpool2d_forward, avgpool2d_forward])
def test_pool_errors(pool):
    with pytest.raises(ValueError, match=r"x must be a 4-D array \(N, C, H, W\), got shape \(8, 8\)"):
        pool(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="size must be a positive integer, got 0"):
        pool(X, size=0)
    with pytest.raises(ValueError, match="stride must be a positive integer, got -1"):
        pool(X, size=2, stride=-1)
    with pytest.raises(ValueError, match="kernel size 9 is larger than the padded input: 8"):
        pool(X, size=9)


def test_pool_backward_dout_shape():
    _, cache = maxpool2d_forward(X)
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 3, 4, 4\), got shape \(2, 3, 8, 8\)"):
        maxpool2d_backward(X, cache)


def test_pool_kernels_errors():
    with pytest.raises(ValueError, match=r"mode must be one of 'sum', 'mean', 'max', got 'min'"):
        pool_kernels_forward(X, "min")
    with pytest.raises(ValueError, match=r"maps must be a 4-D array \(N, K, H, W\), got shape \(3, 8, 8\)"):
        pool_kernels_forward(X[0], "sum")


# --------------------------------------------------------------------------- dense, activations

def test_dense_errors():
    x, w, b = np.zeros((2, 5)), np.zeros((5, 3)), np.zeros(3)
    with pytest.raises(ValueError,
                       match=r"x must be a 2-D array \(N, D\); flatten images first, got shape \(2, 1, 5\)"):
        dense_forward(x[:, None], w, b)
    with pytest.raises(ValueError, match=r"x has 5 features \(shape \(2, 5\)\) but w expects 4"):
        dense_forward(x, np.zeros((4, 3)), b)
    with pytest.raises(ValueError, match=r"b must have shape \(3,\), one bias per output, got shape \(5,\)"):
        dense_forward(x, w, np.zeros(5))
    x_bad = x.copy()
    x_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="x must contain only finite numbers"):
        dense_forward(x_bad, w, b)
    _, cache = dense_forward(x, w, b)
    with pytest.raises(ValueError, match=r"dout must have shape \(2, 3\), got shape \(3, 2\)"):
        dense_backward(np.zeros((3, 2)), cache)


def test_activation_errors():
    _, cache = relu_forward(np.zeros((2, 3)))
    with pytest.raises(ValueError,
                       match=r"dout and the forward output must have the same shape, got \(3, 2\) and \(2, 3\)"):
        relu_backward(np.zeros((3, 2)), cache)
    with pytest.raises(ValueError, match="logits must contain only finite numbers"):
        softmax(np.array([[0.0, np.inf]]))
    expected = r"x must be an array of real numbers \(bool, integer or float\), got dtype <U1"
    with pytest.raises(ValueError, match=expected):
        relu_forward(np.array(["a"]))


# --------------------------------------------------------------------------- losses, labels

def test_labels_errors():
    logits = np.zeros((3, 4))
    with pytest.raises(ValueError,
                       match=r"labels y must lie in \[0, 3\] for 4 classes, got 1 label\(s\) outside, e.g. 4"):
        softmax_cross_entropy(logits, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match=r"outside, e.g. -1"):
        softmax_cross_entropy(logits, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match="labels y must have length 3 .*got length 2"):
        softmax_cross_entropy(logits, np.array([0, 1]))
    with pytest.raises(ValueError, match="labels y must be integers, got dtype float64"):
        softmax_cross_entropy(logits, np.array([0.0, 1.0, 2.0]))
    with pytest.raises(ValueError, match=r"labels y must be a 1-D array .*got shape \(3, 4\)"):
        softmax_cross_entropy(logits, np.zeros((3, 4), dtype=int))
    with pytest.raises(ValueError, match=r"logits must be a 2-D array \(N, C\), got shape \(4,\)"):
        softmax_cross_entropy(logits[0], np.array([0]))
    with pytest.raises(ValueError, match=r"labels y must lie in \[0, 1\] for 2 classes"):
        one_hot(np.array([2]), 2)


def test_regression_loss_errors():
    with pytest.raises(ValueError, match=r"y_pred and y_true must have the same shape, got \(3,\) and \(3, 1\)"):
        mean_squared_error(np.zeros(3), np.zeros((3, 1)))
    with pytest.raises(ValueError, match=r"y_pred and y_true must have the same shape"):
        binary_cross_entropy(np.zeros(3), np.zeros((1, 3)))
    with pytest.raises(ValueError, match=r"y_pred must lie in \[0, 1\], got values from -0.5 to 0.5"):
        binary_cross_entropy(np.array([-0.5, 0.5]), np.array([0.0, 1.0]))


# --------------------------------------------------------------------------- dropout

@pytest.mark.parametrize("p", [1, 1.0, -0.1, 1.5, "0.5", None])
def test_dropout_probability_outside_range(p):
    with pytest.raises(ValueError, match=rf"dropout probability p must be a number in \[0, 1\), got {p!r}"):
        dropout_forward(np.zeros(3), p, np.random.default_rng(0))


def test_dropout_needs_a_generator():
    with pytest.raises(ValueError, match="rng must be a numpy.random.Generator .*got int"):
        dropout_forward(np.zeros(3), 0.5, 0)
    with pytest.raises(ValueError, match="got RandomState"):
        dropout_forward(np.zeros(3), 0.5, np.random.RandomState(0))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_finite_check_catches_each_kind_of_bad_value(dtype, bad):
    x = np.ones((64, 300), dtype)
    x[17, 123] = bad
    with pytest.raises(ValueError, match=r"images must contain only finite numbers, got 1 NaN/inf value\(s\) "
                                         r"in an array of shape \(64, 300\)"):
        check_finite("images", x)
    x[:, 5] = bad  # many, and in a non-contiguous view
    with pytest.raises(ValueError, match=r"got 32 NaN/inf value\(s\)"):
        check_finite("images", x[::2])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_finite_check_accepts_huge_finite_values(dtype):
    x = np.full((10, 10), np.finfo(dtype).max / 2, dtype)  # the sum of squares overflows; every value is finite
    x[0, 0] = -x[0, 0]
    check_finite("x", x)
    check_finite("x", x[:, ::3])
    dense_forward(np.zeros((2, 100), dtype), x.reshape(100, 1), None)
