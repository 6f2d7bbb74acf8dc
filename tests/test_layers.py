"""Every layer's backward pass checked against numerical gradients through the layer API (float64)."""

import numpy as np
import pytest

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import (
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAvgPool2D,
    MaxPool2D,
    ReLU,
    Reshape,
    Sigmoid,
    Tanh,
)

TOL = 1e-6


def check_layer(layer, x, seed=0, training=False, reset=None):
    """Assert dx and every parameter gradient of ``layer`` match centred differences.

    reset: optional callable run before every forward (e.g. to replay a dropout mask).
    """
    reset = reset or (lambda: None)
    reset()
    out = layer.forward(x, training=training)
    dout = np.random.default_rng(seed).standard_normal(out.shape)
    dx = layer.backward(dout)
    grads = {name: g.copy() for name, g in layer.grads.items()}
    assert set(grads) == set(layer.params)

    def f(_):
        reset()
        return layer.forward(x, training=training)

    assert dx.shape == x.shape
    assert rel_error(dx, numerical_gradient(f, x, dout)) < TOL
    for name, p in layer.params.items():
        assert grads[name].shape == p.shape
        assert rel_error(grads[name], numerical_gradient(f, p, dout)) < TOL, name


def images(shape, seed=1):
    return np.random.default_rng(seed).standard_normal(shape)


@pytest.mark.parametrize("kwargs", [
    dict(),                                  # one bias per kernel
    dict(stride=2, padding=1),
    dict(bias=None, padding=2),
    dict(bias="position", input_shape=(2, 7, 6)),
    dict(bias="position", input_shape=(2, 7, 6), stride=2, padding=1),
])
def test_conv2d_gradients(kwargs):
    layer = Conv2D(2, 3, 3, rng=0, dtype=np.float64, **kwargs)
    if "b" in layer.params:  # non-zero biases, so a wrong bias gradient cannot hide
        layer.params["b"] = images(layer.params["b"].shape, seed=5)
    check_layer(layer, images((2, 2, 7, 6)))


def test_conv2d_position_bias_shape_and_count():
    layer = Conv2D(1, 6, 3, bias="position", input_shape=(1, 28, 28))
    assert layer.params["b"].shape == (6, 26, 26)
    assert layer.num_params() == 6 * 9 + 6 * 26 * 26
    assert Conv2D(1, 6, 3).num_params() == 6 * 9 + 6
    out = layer.forward(np.zeros((2, 1, 28, 28), np.float32))
    assert out.shape == (2, 6, 26, 26)
    with pytest.raises(ValueError, match=r"input_shape"):
        Conv2D(1, 6, 3, bias="position")
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\).*\(2, 1, 27, 27\)"):
        layer.forward(np.zeros((2, 1, 27, 27)))


def test_conv2d_position_bias_adds_per_position():
    layer = Conv2D(1, 2, 3, bias="position", input_shape=(1, 5, 5), dtype=np.float64)
    layer.params["w"][...] = 0
    layer.params["b"] = np.arange(2 * 3 * 3, dtype=np.float64).reshape(2, 3, 3)
    out = layer.forward(np.ones((4, 1, 5, 5)))
    assert np.array_equal(out, np.broadcast_to(layer.params["b"], (4, 2, 3, 3)))


def test_conv2d_rejects_bad_options():
    with pytest.raises(ValueError, match="bias"):
        Conv2D(1, 2, 3, bias="pixel")
    with pytest.raises(ValueError, match="out_channels"):
        Conv2D(1, 0, 3)
    with pytest.raises(ValueError, match="channels"):
        Conv2D(2, 4, 3).forward(np.zeros((1, 3, 8, 8)))


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("size, stride, hw", [(2, None, (6, 8)), (3, 2, (7, 7)), (2, None, (7, 5))])
def test_pooling_gradients(cls, size, stride, hw):
    check_layer(cls(size, stride), images((2, 3) + hw))


def test_global_avgpool_layer_gradient_and_shape():
    layer = GlobalAvgPool2D()
    check_layer(layer, images((2, 3, 5, 4)))
    assert layer.forward(np.zeros((4, 16, 3, 3))).shape == (4, 16)
    assert layer.num_params() == 0 and repr(layer) == "GlobalAvgPool2D()"
    with pytest.raises(RuntimeError, match="before forward"):
        GlobalAvgPool2D().backward(np.zeros((4, 16)))


def test_maxpool_shapes_drop_trailing_rows():
    out = MaxPool2D(2).forward(np.zeros((1, 8, 26, 26)))
    assert out.shape == (1, 8, 13, 13)
    assert MaxPool2D(2).forward(np.zeros((1, 1, 7, 5))).shape == (1, 1, 3, 2)


@pytest.mark.parametrize("bias", [True, False])
def test_dense_gradients(bias):
    layer = Dense(5, 4, bias=bias, rng=0, dtype=np.float64)
    if bias:
        layer.params["b"] = images(4, seed=3)
    check_layer(layer, images((3, 5)))
    assert set(layer.params) == ({"w", "b"} if bias else {"w"})


@pytest.mark.parametrize("cls", [Tanh, Sigmoid, ReLU])
def test_activation_gradients(cls):
    x = images((2, 3, 4, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep ReLU's kink away from the finite differences
    check_layer(cls(), x)


def test_dropout_gradient_with_a_fixed_mask():
    layer = Dropout(0.5, rng=0)

    def replay_mask():
        layer.rng = np.random.default_rng(7)

    check_layer(layer, images((4, 10)), training=True, reset=replay_mask)


def test_dropout_scales_kept_units_and_is_identity_at_test_time():
    x = np.ones((200, 50))
    out = Dropout(0.5, rng=0).forward(x, training=True)
    assert set(np.unique(out)) == {0.0, 2.0}  # the seed's mask x 2
    assert 0.4 < np.mean(out == 0) < 0.6
    assert np.array_equal(Dropout(0.5).forward(x, training=False), x)
    with pytest.raises(ValueError, match=r"\[0, 1\)"):
        Dropout(1.0)


def test_dropout_backward_after_a_test_mode_forward_is_the_identity():
    layer, x = Dropout(0.5, rng=0), images((3, 4))
    layer.forward(x, training=True)
    layer.forward(x, training=False)  # no mask now: backward must not reuse the training mask
    dout = images((3, 4), seed=5)
    np.testing.assert_array_equal(layer.backward(dout), dout)
    with pytest.raises(RuntimeError, match="before forward"):
        Dropout(0.5).backward(dout)


def test_flatten_and_reshape_round_trip():
    x = images((2, 3, 4, 5))
    for layer, shape in [(Flatten(), (2, 60)), (Reshape((60,)), (2, 60)), (Reshape((5, 12)), (2, 5, 12))]:
        check_layer(layer, x)
        assert layer.forward(x).shape == shape
    assert np.array_equal(Flatten().forward(x)[1], x[1].ravel())  # (C, H, W) order
    with pytest.raises(ValueError, match="61 values per sample"):
        Reshape(61).forward(x)


def test_layers_keep_float32():
    x = images((2, 1, 8, 8)).astype(np.float32)
    for layer in [Conv2D(1, 2, 3), MaxPool2D(2), AvgPool2D(2), GlobalAvgPool2D(), Tanh(), Sigmoid(), ReLU(),
                  Dropout(0.5)]:
        out = layer.forward(x, training=True)
        assert out.dtype == np.float32, layer
        assert layer.backward(np.ones_like(out)).dtype == np.float32, layer
    dense = Dense(64, 3)
    assert dense.forward(x.reshape(2, 64)).dtype == np.float32


def test_initialisation_is_seeded():
    a, b, c = Conv2D(1, 4, 3, rng=3), Conv2D(1, 4, 3, rng=3), Conv2D(1, 4, 3, rng=4)
    assert np.array_equal(a.params["w"], b.params["w"])
    assert not np.array_equal(a.params["w"], c.params["w"])
    limit = np.sqrt(6 / (9 + 36))  # Glorot uniform, fan_in 1*3*3, fan_out 4*3*3
    assert np.all(np.abs(a.params["w"]) <= limit)
    with pytest.raises(ValueError, match="rng"):
        Dense(3, 2, rng="seed")


def test_backward_before_forward_is_an_error():
    with pytest.raises(RuntimeError, match="before forward"):
        Dense(3, 2).backward(np.ones((1, 2)))
