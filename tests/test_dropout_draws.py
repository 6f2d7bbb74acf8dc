"""draw_keep gives exactly the float32 draws' keep decisions, and dropout the same masks as plain arithmetic."""

import numpy as np
import pytest

import cnnlib.dropout_draws as dropout_draws
from cnnlib.dropout import dropout_backward, dropout_forward
from cnnlib.dropout_draws import draw_keep

# p = 1 - 2**-25 rounds to 1.0 in float32 (no draw reaches it); 1 - 2**-24 is the largest float32 below 1
PS = [0.0, 1e-9, 0.25, 0.3, 0.5, 0.7, 0.999, 1 - 2**-24, 1 - 2**-25]
# odd and even sizes one after another, so that a kept half of a 64-bit word is used up, or left over
SHAPES = [(5,), (4, 3), (1,), (1,), (0,), (2, 7, 3), (6,), (1, 1), (3, 0, 2), (9, 9)]


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


@pytest.mark.parametrize("p", PS)
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_draw_keep_is_the_float32_draws_compared_with_p(p, seed):
    plain, fast = np.random.default_rng(seed), np.random.default_rng(seed)
    for shape in SHAPES:
        expected = plain.random(shape, dtype=np.float32) >= np.float32(p)
        assert same_bits(draw_keep(fast, shape, p), expected), shape
        assert fast.bit_generator.state == plain.bit_generator.state  # including a kept 32-bit half
    assert fast.random() == plain.random() and fast.random(3, dtype=np.float32).tobytes() == \
        plain.random(3, dtype=np.float32).tobytes()


def test_draw_keep_takes_raw_bits_in_this_numpy():
    draw_keep(np.random.default_rng(0), (3,), 0.5)
    assert dropout_draws._FAST_PATH_WORKS  # if this fails, this numpy draws float32 numbers another way


@pytest.mark.parametrize("bit_generator", [np.random.MT19937, np.random.Philox, np.random.SFC64])
def test_draw_keep_with_other_bit_generators_takes_the_float_draws(bit_generator):
    plain, fast = np.random.Generator(bit_generator(3)), np.random.Generator(bit_generator(3))
    for shape in SHAPES:
        assert same_bits(draw_keep(fast, shape, 0.3), plain.random(shape, dtype=np.float32) >= np.float32(0.3))
    assert fast.random() == plain.random()


def test_draw_keep_falls_back_when_the_raw_bits_do_not_match(monkeypatch):
    monkeypatch.setattr(dropout_draws, "_FAST_PATH_WORKS", None)
    monkeypatch.setattr(dropout_draws, "_raw_keep", lambda rng, shape, p: np.zeros(shape, bool))  # a broken numpy
    plain, fast = np.random.default_rng(4), np.random.default_rng(4)
    for shape in SHAPES:
        assert same_bits(draw_keep(fast, shape, 0.5), plain.random(shape, dtype=np.float32) >= np.float32(0.5))
    assert dropout_draws._FAST_PATH_WORKS is False


def plain_dropout(x, p, rng):
    """Dropout as plain arithmetic: float32 draws, keep where u >= p, mask = keep / (1 - p), out = x * mask."""
    keep = rng.random(x.shape, dtype=np.float32) >= np.float32(p)
    mask = keep.astype(x.dtype) / x.dtype.type(1 - p)
    return x * mask, mask


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1 - 2**-25])
def test_dropout_forward_and_backward_are_the_plain_arithmetic_bit_for_bit(dtype, p):
    x = np.random.default_rng(1).normal(size=(7, 3, 5)).astype(dtype)  # signed values: zeros keep x's sign
    dout = np.random.default_rng(2).normal(size=x.shape).astype(dtype)
    plain, fast = np.random.default_rng(9), np.random.default_rng(9)
    for batch in (x, x[:3], x[:1, :1, :1]):
        out, mask = dropout_forward(batch, p, fast)
        expected_out, expected_mask = plain_dropout(batch, p, plain)
        assert same_bits(out, expected_out) and same_bits(mask, expected_mask)
        assert same_bits(dropout_backward(dout[:len(batch), :batch.shape[1], :batch.shape[2]], mask),
                         dout[:len(batch), :batch.shape[1], :batch.shape[2]] * expected_mask)
