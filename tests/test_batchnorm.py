"""Batch normalisation: the functional twins, gradient checks in both modes, the layers' running statistics,
and what bad input gets."""

import numpy as np
import pytest
from test_layers import check_layer

from cnnlib.batchnorm import batchnorm_backward, batchnorm_backward_naive, batchnorm_forward, batchnorm_forward_naive
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import BatchNorm1D, BatchNorm2D

SHAPES = [(6, 4), (3, 2, 4, 5)]  # dense features (N, D), conv maps (N, C, H, W)


def arrays(shape, seed=0):
    """x (shape), gamma, beta, mean, var (C,) and dout (shape), away from the trivial values."""
    rng = np.random.default_rng(seed)
    c = shape[1]
    return (3 * rng.standard_normal(shape) + 1, rng.standard_normal(c), rng.standard_normal(c),
            rng.standard_normal(c), rng.random(c) + 0.5, rng.standard_normal(shape))


def stats(mode, mean, var):
    return {} if mode == "train" else {"mean": mean, "var": var}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["train", "test"])
def test_naive_and_vectorised_twins_agree(shape, mode):
    x, gamma, beta, mean, var, dout = arrays(shape)
    out, cache = batchnorm_forward(x, gamma, beta, **stats(mode, mean, var))
    out_naive, cache_naive = batchnorm_forward_naive(x, gamma, beta, **stats(mode, mean, var))
    np.testing.assert_allclose(out_naive, out, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cache_naive.mean, cache.mean, rtol=0, atol=1e-12)
    np.testing.assert_allclose(cache_naive.var, cache.var, rtol=0, atol=1e-12)
    for cache_used in (cache, cache_naive):  # either backward takes either forward's cache
        for fast, naive in zip(batchnorm_backward(dout, cache_used), batchnorm_backward_naive(dout, cache_used)):
            np.testing.assert_allclose(naive, fast, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", ["train", "test"])
def test_gradients_match_centred_differences(shape, mode):
    x, gamma, beta, mean, var, dout = arrays(shape, seed=1)
    kw = stats(mode, mean, var)
    _, cache = batchnorm_forward(x, gamma, beta, **kw)
    dx, dgamma, dbeta = batchnorm_backward(dout, cache)
    assert rel_error(dx, numerical_gradient(lambda v: batchnorm_forward(v, gamma, beta, **kw)[0], x, dout)) < 1e-6
    assert rel_error(dgamma, numerical_gradient(lambda v: batchnorm_forward(x, v, beta, **kw)[0], gamma, dout)) < 1e-7
    assert rel_error(dbeta, numerical_gradient(lambda v: batchnorm_forward(x, gamma, v, **kw)[0], beta, dout)) < 1e-7


@pytest.mark.parametrize("shape", SHAPES)
def test_training_mode_normalises_each_channel_and_test_mode_uses_the_given_statistics(shape):
    x, gamma, beta, mean, var, _ = arrays(shape, seed=2)
    axes = (0,) if len(shape) == 2 else (0, 2, 3)
    out, cache = batchnorm_forward(x, np.ones(shape[1]), np.zeros(shape[1]), eps=1e-12)
    np.testing.assert_allclose(out.mean(axis=axes), 0, atol=1e-12)
    np.testing.assert_allclose(out.var(axis=axes), 1, atol=1e-9)
    np.testing.assert_allclose(cache.mean, x.mean(axis=axes), atol=1e-12)
    np.testing.assert_allclose(cache.var, x.var(axis=axes), atol=1e-12)  # biased: divided by m
    out, _ = batchnorm_forward(x, gamma, beta, mean=mean, var=var, eps=1e-5)
    shape_c = (1, -1) if len(shape) == 2 else (1, -1, 1, 1)
    expected = gamma.reshape(shape_c) * (x - mean.reshape(shape_c)) / np.sqrt(var.reshape(shape_c) + 1e-5)
    np.testing.assert_allclose(out, expected + beta.reshape(shape_c), rtol=1e-12)
    # in test mode a sample's output does not depend on the rest of its batch
    np.testing.assert_array_equal(batchnorm_forward(x[:1], gamma, beta, mean=mean, var=var)[0],
                                  batchnorm_forward(x, gamma, beta, mean=mean, var=var)[0][:1])


def test_dtypes_are_kept():
    x, gamma, beta, _, _, dout = arrays((4, 3, 2, 2))
    out, cache = batchnorm_forward(x.astype(np.float32), gamma.astype(np.float32), beta.astype(np.float32))
    assert out.dtype == np.float32
    assert all(g.dtype == np.float32 for g in batchnorm_backward(dout.astype(np.float32), cache))


@pytest.mark.parametrize("call, message", [
    (lambda x, g, b: batchnorm_forward(x[0], g, b), r"\(N, D\) features or \(N, C, H, W\) maps, got shape \(2, 4, 5\)"),
    (lambda x, g, b: batchnorm_forward(x, g[:1], b), r"gamma must have shape \(2,\), got shape \(1,\)"),
    (lambda x, g, b: batchnorm_forward(x, g, b, mean=g), r"both mean and var.*var=None"),
    (lambda x, g, b: batchnorm_forward(x, g, b, mean=g, var=-np.ones(2)), r"var must be >= 0"),
    (lambda x, g, b: batchnorm_forward(x, g, b, eps=0), r"eps must be a finite number > 0"),
    (lambda x, g, b: batchnorm_forward(x[:1, :, :1, :1], g, b), r"more than one value per channel.*training=False"),
    (lambda x, g, b: batchnorm_forward(np.full_like(x, np.nan), g, b), r"x must contain only finite numbers"),
    (lambda x, g, b: batchnorm_backward(np.ones((2, 2)), batchnorm_forward(x, g, b)[1]), r"dout must have shape"),
])
def test_bad_input_gets_a_clear_error(call, message):
    x, gamma, beta, _, _, _ = arrays((3, 2, 4, 5))
    with pytest.raises(ValueError, match=message):
        call(x, gamma, beta)


# --------------------------------------------------------------------------- layers

def layer_with_values(cls, channels, seed=3):
    layer = cls(channels, dtype=np.float64)
    rng = np.random.default_rng(seed)
    layer.params["gamma"][...] = rng.standard_normal(channels)
    layer.params["beta"][...] = rng.standard_normal(channels)
    layer.buffers["running_mean"][...] = rng.standard_normal(channels)
    layer.buffers["running_var"][...] = rng.random(channels) + 0.5
    return layer


@pytest.mark.parametrize("cls, shape", [(BatchNorm1D, (5, 3)), (BatchNorm2D, (3, 2, 4, 3))])
@pytest.mark.parametrize("training", [True, False])
def test_layer_gradients(cls, shape, training):
    x = 2 * np.random.default_rng(4).standard_normal(shape) - 1
    check_layer(layer_with_values(cls, shape[1]), x, training=training)


def test_running_statistics_follow_the_batches_and_test_mode_uses_them():
    layer = BatchNorm2D(2, momentum=0.8, dtype=np.float64)
    rng = np.random.default_rng(5)
    batches = [3 * rng.standard_normal((4, 2, 3, 3)) + 2 for _ in range(2)]
    mean, var = np.zeros(2), np.ones(2)
    for x in batches:
        layer.forward(x, training=True)
        mean = 0.8 * mean + 0.2 * x.mean(axis=(0, 2, 3))
        var = 0.8 * var + 0.2 * x.var(axis=(0, 2, 3))  # the biased batch variance, as Keras keeps it
    np.testing.assert_allclose(layer.buffers["running_mean"], mean, rtol=1e-12)
    np.testing.assert_allclose(layer.buffers["running_var"], var, rtol=1e-12)
    before = {k: b.copy() for k, b in layer.buffers.items()}
    x = batches[0]
    expected = (x - mean.reshape(1, 2, 1, 1)) / np.sqrt(var.reshape(1, 2, 1, 1) + 1e-5)
    np.testing.assert_allclose(layer.forward(x), expected, rtol=1e-12)
    np.testing.assert_allclose(layer(x[:1]), expected[:1], rtol=1e-12)  # one image alone: fine in test mode
    for k, b in layer.buffers.items():  # test mode never moves the running statistics
        np.testing.assert_array_equal(b, before[k])


def test_layer_rejects_the_wrong_input_and_settings():
    with pytest.raises(ValueError, match=r"BatchNorm2D expects \(N, C, H, W\) maps.*use BatchNorm1D"):
        BatchNorm2D(3).forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"BatchNorm1D expects \(N, D\) features.*use BatchNorm2D"):
        BatchNorm1D(3).forward(np.zeros((4, 3, 2, 2)))
    with pytest.raises(ValueError, match=r"BatchNorm2D\(3\) got x of shape \(4, 2, 5, 5\) with 2 channels"):
        BatchNorm2D(3).forward(np.zeros((4, 2, 5, 5)))
    with pytest.raises(ValueError, match=r"momentum must be a finite number in \[0, 1\)"):
        BatchNorm2D(3, momentum=1.0)
    with pytest.raises(ValueError, match=r"more than one value per channel"):
        BatchNorm1D(3).forward(np.ones((1, 3)), training=True)
    assert repr(BatchNorm2D(8)) == "BatchNorm2D(8, momentum=0.9, eps=1e-05)"
    layer = BatchNorm2D(3)
    assert layer.num_params() == 6 and {k: b.shape for k, b in layer.buffers.items()} == {
        "running_mean": (3,), "running_var": (3,)}
