"""Sequential skips a layer's NaN/inf check only where the input is known finite, and computes the same bits."""

import numpy as np
import pytest

import cnnlib.activations
import cnnlib.dense
import cnnlib.dropout
from cnnlib.layers import (
    BatchNorm1D,
    BatchNorm2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    GlobalAvgPool2D,
    MaxPool2D,
    ReLU,
    Reshape,
    ResidualBlock,
    Sigmoid,
    Tanh,
)
from cnnlib.nets.faithful_kernel_net import FaithfulKernelNet
from cnnlib.nets.kernel_net import build_kernel_net
from cnnlib.sequential import Sequential


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def mixed_net(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, 3, 3, rng=rng, dtype=dtype), Tanh(), Dropout(0.5, rng=1), MaxPool2D(2),
                       Flatten(), Dense(27, 12, rng=rng, dtype=dtype), ReLU(), Dropout(0.25, rng=2),
                       Reshape((3, 4)), Flatten(), Dense(12, 8, rng=rng, dtype=dtype), Sigmoid(), Dropout(0.5, rng=3),
                       Dense(8, 5, rng=rng, dtype=dtype)])


def assert_the_bits_of_each_layers_forward(make_net, x, dout, training):
    """Two passes (new dropout masks, moved running statistics) of Sequential.forward and backward on one net
    and of every layer's public forward (each checking its input) on an equal one: the same bits."""
    fast, plain = make_net(), make_net()
    for _ in range(2):
        out, expected = fast.forward(x, training=training), x
        for layer in plain.layers:
            expected = layer.forward(expected, training=training)
        assert same_bits(out, expected)
        assert same_bits(fast.backward(dout), plain.backward(dout))
        for name, grad in plain.named_gradients().items():
            assert same_bits(fast.named_gradients()[name], grad), name
        for name, buffer in plain.named_buffers().items():
            assert same_bits(fast.named_buffers()[name], buffer), name


def normalised_net(dtype, seed=0):
    # Layers written with forward alone (batch norm, the residual block, global average pooling) among the
    # library's _forward layers: Sequential calls them as they are and assumes nothing about their output.
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, 4, 3, padding="same", bias=None, rng=rng, dtype=dtype), Tanh(),
                       BatchNorm2D(4, dtype=dtype), ReLU(), ResidualBlock(4, rng=rng, dtype=dtype), Tanh(),
                       Dropout(0.5, rng=1), GlobalAvgPool2D(), BatchNorm1D(4, dtype=dtype), Tanh(),
                       Dense(4, 3, rng=rng, dtype=dtype)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("make_net, x_shape, num_outputs",
                         [(mixed_net, (4, 1, 8, 8), 5), (normalised_net, (3, 1, 6, 6), 3)])
def test_sequential_gives_the_bits_of_the_layers_public_forward_and_backward(dtype, training, make_net, x_shape,
                                                                             num_outputs):
    x = np.random.default_rng(5).normal(size=x_shape).astype(dtype)
    dout = np.random.default_rng(6).normal(size=(x_shape[0], num_outputs)).astype(dtype)
    assert_the_bits_of_each_layers_forward(lambda: make_net(dtype), x, dout, training)


@pytest.fixture
def finiteness_checks(monkeypatch):
    """The shapes of the arrays named "x" that the activations, dropout and dense functions check."""
    checked = []
    for module in (cnnlib.activations, cnnlib.dropout, cnnlib.dense):
        original = module.check_finite

        def counting(name, a, original=original):
            if name == "x":
                checked.append(a.shape)
            return original(name, a)

        monkeypatch.setattr(module, "check_finite", counting)
    return checked


@pytest.mark.parametrize("training", [True, False])
def test_the_kernel_net_checks_only_the_conv_output(finiteness_checks, training):
    net = build_kernel_net()  # Conv2D -> Tanh -> Dropout -> Flatten -> Dense
    net.forward(np.zeros((2, 1, 28, 28), np.float32), training=training)
    assert finiteness_checks == [(2, 16, 26, 26)]  # Tanh's input; Tanh's output is in [-1, 1]


@pytest.mark.parametrize("training, checked", [(True, [(2, 3), (2, 4), (2, 4)]), (False, [(2, 3), (2, 4)])])
def test_dropout_passes_on_a_finite_input_of_unknown_size_only_at_test_time(finiteness_checks, training, checked):
    rng = np.random.default_rng(0)
    net = Sequential([Dense(3, 4, rng=rng), ReLU(), Dropout(0.5, rng=1), Dense(4, 2, rng=rng)])
    net.forward(np.ones((2, 3), np.float32), training=training)
    # the first Dense and ReLU check their inputs, Dropout not (ReLU's output is finite); the last Dense checks
    # only in training, where ReLU's output, of unknown size, could overflow once scaled by 1/(1 - p)
    assert finiteness_checks == checked


@pytest.mark.parametrize("training", [True, False])
def test_a_layer_after_batch_norm_checks_its_input(finiteness_checks, training):
    net = Sequential([Tanh(), BatchNorm1D(3, dtype=np.float64), ReLU(), Tanh()])
    net.forward(np.ones((2, 3)), training=training)
    assert finiteness_checks == [(2, 3), (2, 3)]  # the first Tanh's and ReLU's (after batch norm), not the last Tanh's


@pytest.mark.filterwarnings("ignore:overflow encountered")
def test_values_that_become_inf_inside_the_network_are_still_refused():
    rng = np.random.default_rng(0)
    huge = Dense(3, 4, rng=rng)
    huge.params["w"][...] = 3e38  # finite weights whose products overflow float32
    for after in (Tanh(), ReLU(), Dropout(0.5, rng=1)):
        net = Sequential([huge, after, Dense(4, 2, rng=rng)])
        with pytest.raises(ValueError, match=r"x must contain only finite numbers, got 8 NaN/inf"):
            net.forward(np.ones((2, 3), np.float32), training=True)
    with pytest.raises(ValueError, match=r"x must contain only finite numbers"):
        Sequential([Tanh(), Dense(3, 2)]).forward(np.array([[0.0, np.nan, 1.0]]))


def test_a_subclass_with_its_own_forward_is_called_and_its_output_checked():
    class Exploding(Tanh):  # e.g. a student's own variant of a library layer
        def forward(self, x, training=False):
            return super().forward(x, training) * np.inf  # inf, or NaN where tanh is 0

    class Doubled(Tanh):
        def forward(self, x, training=False):
            return 2 * super().forward(x, training)

    x = np.array([[0.5, -1.0, 2.0]])
    dense = Dense(3, 2, rng=0, dtype=np.float64)
    assert same_bits(Sequential([Doubled(), dense]).forward(x), (2 * np.tanh(x)) @ dense.params["w"])
    with pytest.raises(ValueError, match=r"x must contain only finite numbers"):
        Sequential([Exploding(), dense]).forward(x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fixes", [(), ("windows", "sign", "derivative")])
def test_the_faithful_net_draws_the_seeds_int64_masks(dtype, fixes):
    net = FaithfulKernelNet(seed=3, fixes=fixes, image_size=8, dtype=dtype)
    x = np.random.default_rng(1).random((5, 1, 8, 8)).astype(dtype)
    state = np.random.RandomState(3)
    state.set_state(net.random_state.get_state())
    for _ in range(2):
        logits = net.forward(x, training=True)
        mask = state.randint(2, size=(5, net.hidden_size)).astype(dtype)  # the seed's draw, int64
        h = np.tanh(net.windows(x) @ net.params["kernels"]).reshape(5, -1) * mask * 2
        assert same_bits(logits, h @ net.params["w"])
