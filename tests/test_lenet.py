"""The LeNet-style builder, and receptive fields: the size arithmetic, the path map, and the input gradient."""

import numpy as np
import pytest

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import AvgPool2D, Conv2D, Dense, Dropout, MaxPool2D, ReLU
from cnnlib.nets.lenet import build_lenet
from cnnlib.receptive_field import input_gradient, receptive_field_map, receptive_field_sizes


def test_build_lenet_shapes_and_parameters():
    net = build_lenet(0)
    assert net.num_params() == 80 + 1168 + 4010  # 8*9+8, 16*8*9+16, 400*10+10
    x = np.random.default_rng(0).random((3, 1, 28, 28))
    assert net.forward(x).shape == (3, 10)
    assert all(p.dtype == np.float64 for p in net.named_parameters().values())
    assert any(isinstance(layer, Dropout) for layer in net.layers)
    assert not any(isinstance(layer, Dropout) for layer in build_lenet(0, dropout=0).layers)
    np.testing.assert_array_equal(build_lenet(5).layers[0].params["w"], build_lenet(5).layers[0].params["w"])


def test_build_lenet_other_sizes_and_a_too_small_image():
    net = build_lenet(0, channels=(4, 6), kernel_size=5, image_size=32, dtype=np.float32)
    assert net.forward(np.zeros((1, 1, 32, 32), np.float32)).shape == (1, 10)  # 32 -> 28 -> 14 -> 10 -> 5
    assert net.layers[-1].in_features == 6 * 5 * 5
    with pytest.raises(ValueError, match="too small"):
        build_lenet(0, image_size=8)


def test_receptive_field_sizes_by_the_formula():
    layers = build_lenet(0).layers[:6]  # conv, relu, pool, conv, relu, pool
    assert receptive_field_sizes(layers) == [(3, 1), (3, 1), (4, 2), (8, 2), (8, 2), (10, 4)]
    assert receptive_field_sizes([Conv2D(1, 1, 5, stride=2), MaxPool2D(3, 1)]) == [(5, 2), (9, 2)]
    with pytest.raises(ValueError, match="Dense"):
        receptive_field_sizes([Conv2D(1, 1, 3), Dense(4, 2)])


def test_receptive_field_map_is_the_8x8_square_under_the_unit():
    layers = build_lenet(0).layers[:4]
    counts = receptive_field_map(layers, (1, 28, 28), unit=(2, 4, 6))
    rows, cols = np.nonzero(counts)
    # unit (row 4, col 6) of conv 2 starts at pooled (4, 6) = conv-1 (8, 12) = pixels (8, 12); 8 wide.
    assert (rows.min(), rows.max(), cols.min(), cols.max()) == (8, 15, 12, 19)
    assert np.all(counts[8:16, 12:20] > 0)
    assert counts[11, 15] > counts[8, 12]  # central pixels have more paths than corners
    with pytest.raises(ValueError, match="unit"):
        receptive_field_map(layers, (1, 28, 28), unit=(16, 0, 0))


def test_input_gradient_matches_finite_differences_and_stays_in_the_field():
    rng = np.random.default_rng(1)
    layers = build_lenet(2).layers[:5]  # up to the ReLU after conv 2
    x = rng.random((1, 1, 28, 28))
    out = x
    for layer in layers:
        out = layer.forward(out)
    unit = np.unravel_index(np.argmax(out[0]), out.shape[1:])  # an active unit

    def value(image):
        h = image
        for layer in layers:
            h = layer.forward(h)
        return h[(0,) + tuple(unit)]

    grad = input_gradient(layers, x, unit)
    numeric = numerical_gradient(lambda image: np.array(value(image)), x)[0, 0]
    assert np.abs(grad).max() > 0
    assert rel_error(grad, numeric) < 1e-6
    counts = receptive_field_map(layers, (1, 28, 28), unit)
    assert np.all(grad[counts == 0] == 0)
    assert layers[0].input_grad is False  # the original layers are left alone


def test_input_gradient_rejects_a_batch():
    with pytest.raises(ValueError, match="one image"):
        input_gradient([Conv2D(1, 2, 3), ReLU(), AvgPool2D(2)], np.zeros((2, 1, 8, 8)), (0, 0, 0))
