"""Notebook 14's modern small CNN: its shape, its parameters and buffers, and a training step that lowers the loss."""

import numpy as np
import pytest

from cnnlib.layers import BatchNorm2D, Conv2D, GlobalAvgPool2D, ResidualBlock
from cnnlib.losses import softmax_cross_entropy
from cnnlib.nets.modern_cnn import build_modern_cnn
from cnnlib.optimizers import Momentum


def test_the_modern_cnn_keeps_its_maps_until_pooling_and_ends_in_global_average_pooling():
    net = build_modern_cnn(0)
    x = np.random.default_rng(0).random((3, 1, 28, 28))
    assert net.forward(x).shape == (3, 10)
    convs = [layer for layer in net.layers if isinstance(layer, Conv2D)]
    assert all(c.same and c.bias is None for c in convs)
    assert [type(layer) for layer in net.layers[-3:-1]] == [ResidualBlock, GlobalAvgPool2D]
    assert isinstance(net.layers[1], BatchNorm2D)
    assert net.num_params() == 72 + 16 + 1152 + 32 + 4672 + 170 == 6114
    assert sum(b.size for b in net.named_buffers().values()) == 112
    assert net.layers[0].input_grad is False and net.layers[0].params["w"].dtype == np.float64
    with pytest.raises(ValueError, match=r"channels must be a pair"):
        build_modern_cnn(channels=8)


def test_a_few_steps_lower_the_loss_on_a_fixed_batch():
    net = build_modern_cnn(1)
    rng = np.random.default_rng(2)
    x, y = rng.random((16, 1, 28, 28)), rng.integers(0, 10, 16)
    opt = Momentum(0.05)
    losses = []
    for _ in range(8):
        loss, dout = softmax_cross_entropy(net.forward(x, training=True), y)
        net.backward(dout)
        opt.step(net)
        losses.append(loss)
    assert losses[-1] < 0.7 * losses[0]
