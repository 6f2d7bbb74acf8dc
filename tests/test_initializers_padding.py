"""Initialisers chosen by name (their spreads measured), 'same' padding on Conv2D, and the residual block."""

import numpy as np
import pytest
from test_layers import check_layer

from cnnlib.conv import conv2d_forward
from cnnlib.layers import INITIALIZERS, BatchNorm2D, Conv2D, Dense, ReLU, ResidualBlock, glorot_uniform


@pytest.mark.parametrize("name, std", [
    ("glorot_uniform", lambda fi, fo: np.sqrt(2 / (fi + fo))),
    ("glorot_normal", lambda fi, fo: np.sqrt(2 / (fi + fo))),
    ("he_normal", lambda fi, fo: np.sqrt(2 / fi)),
    ("he_uniform", lambda fi, fo: np.sqrt(2 / fi)),
])
def test_each_initialiser_has_the_spread_its_formula_says(name, std):
    fan_in, fan_out = 72, 144
    w = INITIALIZERS[name](np.random.default_rng(0), (400, 500), fan_in, fan_out, np.float64)
    assert w.dtype == np.float64 and w.shape == (400, 500)
    assert abs(w.mean()) < 0.01 * std(fan_in, fan_out)
    assert abs(w.std() / std(fan_in, fan_out) - 1) < 0.01  # 200,000 draws: about 0.2 % noise
    if name.endswith("uniform"):
        limit = np.sqrt(3) * std(fan_in, fan_out)
        assert np.abs(w).max() <= limit and np.abs(w).max() > 0.999 * limit


def test_layers_take_the_initialiser_by_name_and_the_default_is_unchanged():
    conv = Conv2D(8, 16, 3, rng=0, init="he_normal", dtype=np.float64)
    assert abs(conv.params["w"].std() / np.sqrt(2 / 72) - 1) < 0.05  # fan_in = C*KH*KW = 72
    dense = Dense(300, 200, rng=0, init="he_uniform", dtype=np.float64)
    assert abs(dense.params["w"].std() / np.sqrt(2 / 300) - 1) < 0.02
    default = Conv2D(8, 16, 3, rng=0).params["w"]  # the draws every stored notebook output was made with
    np.testing.assert_array_equal(default, glorot_uniform(np.random.default_rng(0), (16, 8, 3, 3), 72, 144))
    with pytest.raises(ValueError, match=r"init must be one of 'glorot_uniform', .*'he_uniform', got 'he'"):
        Conv2D(1, 2, 3, init="he")
    with pytest.raises(ValueError, match=r"init must be one of"):
        Dense(3, 2, init=None)


@pytest.mark.parametrize("k", [1, 3, 5])
def test_same_padding_keeps_the_size_and_equals_the_explicit_padding(k):
    x = np.random.default_rng(1).standard_normal((2, 3, 7, 6))
    layer = Conv2D(3, 4, k, padding="same", rng=0, dtype=np.float64)
    out = layer.forward(x)
    assert out.shape == (2, 4, 7, 6) and layer.padding == (k - 1) // 2
    np.testing.assert_array_equal(out, conv2d_forward(x, layer.params["w"], layer.params["b"], 1, (k - 1) // 2)[0])
    check_layer(layer, x)
    assert f"{k}x{k}, padding='same'" in repr(layer)


def test_same_padding_refuses_what_it_cannot_keep():
    with pytest.raises(ValueError, match=r"padding='same' needs a square kernel of odd size.*got 2x2"):
        Conv2D(1, 2, 2, padding="same")
    with pytest.raises(ValueError, match=r"got 3x5"):
        Conv2D(1, 2, (3, 5), padding="same")
    with pytest.raises(ValueError, match=r"only with stride 1, got stride=2; .*padding=1"):
        Conv2D(1, 2, 3, stride=2, padding="same")
    with pytest.raises(ValueError, match=r"non-negative integer, got 'valid' \(or the string 'same'\)"):
        Conv2D(1, 2, 3, padding="valid")
    position = Conv2D(1, 2, 3, padding="same", bias="position", input_shape=(1, 5, 5))
    assert position.params["b"].shape == (2, 5, 5)


def block_with_values(channels=2, seed=0):
    block = ResidualBlock(channels, rng=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 1)
    for key, p in block.params.items():
        if key.startswith("bn"):
            p[...] = rng.standard_normal(p.shape) + (1.0 if key.endswith("gamma") else 0.0)
    for key, b in block.buffers.items():
        b[...] = rng.random(b.shape) + (0.5 if key.endswith("var") else -0.5)
    return block


@pytest.mark.parametrize("training", [True, False])
def test_residual_block_gradients(training):
    x = np.random.default_rng(2).standard_normal((3, 2, 5, 4))
    check_layer(block_with_values(), x, training=training)


def test_residual_block_adds_its_input_and_shares_its_parts_arrays():
    block = block_with_values(channels=3)
    x = np.random.default_rng(3).standard_normal((2, 3, 6, 6))
    conv1, bn1, relu1, conv2, bn2 = block.parts.values()
    branch = bn2.forward(conv2.forward(ReLU().forward(bn1.forward(conv1.forward(x)))))
    np.testing.assert_allclose(block.forward(x), np.maximum(x + branch, 0), rtol=1e-12)
    block.params["bn2.gamma"][...] = 0  # in place: the part's own gamma
    block.params["bn2.beta"][...] = 0
    np.testing.assert_array_equal(block.forward(x), np.maximum(x, 0))  # F = 0: the identity, then ReLU
    assert block.params["conv1.w"] is conv1.params["w"] and block.buffers["bn1.running_mean"] is bn1.buffers[
        "running_mean"]
    assert set(block.params) == {"conv1.w", "bn1.gamma", "bn1.beta", "conv2.w", "bn2.gamma", "bn2.beta"}
    assert block.num_params() == 2 * (3 * 3 * 9) + 4 * 3 and isinstance(bn1, BatchNorm2D)
    assert repr(block) == "ResidualBlock(3, 3x3)"
    with pytest.raises(ValueError, match=r"ResidualBlock\(3\) expects maps \(N, 3, H, W\), got x of shape"):
        block.forward(np.zeros((2, 4, 6, 6)))
