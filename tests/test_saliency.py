"""cnnlib.saliency: the gradient saliency against a numerical gradient; occlusion on blank and inked patches."""

import numpy as np
import pytest

from cnnlib.activations import softmax
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, Tanh
from cnnlib.nets.pooling_net import build_pooling_net
from cnnlib.saliency import gradient_saliency, occlusion_map
from cnnlib.sequential import Sequential


def small_net(rng=0, size=10):
    """Conv(1->3, 3x3, first layer without image gradient) -> tanh -> maxpool 2 -> dropout -> dense -> 4, float64,
    for images (size, size), size even."""
    rng = np.random.default_rng(rng)
    conv = Conv2D(1, 3, 3, rng=rng, dtype=np.float64, input_grad=False)
    conv.params["b"] = rng.normal(size=conv.params["b"].shape)
    return Sequential([conv, Tanh(), MaxPool2D(2), Dropout(0.5, rng=rng), Flatten(),
                       Dense(3 * ((size - 2) // 2) ** 2, 4, rng=rng, dtype=np.float64)])


def test_gradient_saliency_equals_the_numerical_gradient():
    net = small_net()
    image = np.random.default_rng(1).random((10, 10))  # (H, W)
    for label in range(4):
        grad = gradient_saliency(net, image, label)
        assert grad.shape == (10, 10) and grad.dtype == np.float64

        def score(x, label=label):
            return net.forward(x[None, None], training=False)[0, label]

        numeric = numerical_gradient(score, image.copy())
        assert np.abs(grad).max() > 1e-3  # a real gradient, not zeros
        assert rel_error(grad, numeric) < 1e-6


def test_gradient_saliency_leaves_the_network_as_it_was():
    net = small_net()
    image = np.random.default_rng(2).random((1, 10, 10))  # (C, H, W)
    assert gradient_saliency(net, image, 1).shape == (1, 10, 10)
    assert net.layers[0].input_grad is False
    net.layers[0].params["w"] = None  # a broken layer: backward fails; the flag must still be restored
    with pytest.raises((TypeError, ValueError, AttributeError)):
        gradient_saliency(net, image, 1)
    assert net.layers[0].input_grad is False


def test_gradient_saliency_on_the_course_pooling_net():
    net = build_pooling_net(0)
    image = np.random.default_rng(3).random((28, 28)) - 0.5
    grad = gradient_saliency(net, image, 7)  # float32 weights, a float64 image: computed in float64
    numeric = numerical_gradient(lambda x: net.forward(x[None, None], training=False)[0, 7], image.copy())
    assert rel_error(grad, numeric) < 1e-6
    assert net.layers[0].input_grad is False


def test_occlusion_of_a_blank_patch_changes_nothing():
    net = small_net(size=12)
    image = np.zeros((12, 12))
    image[:6, :6] = np.random.default_rng(5).random((6, 6))  # ink in the top-left corner only
    drop = occlusion_map(net, image, 2, patch=4, stride=2, fill=0.0)
    assert drop.shape == (12, 12)
    assert np.abs(drop[8:, :]).max() < 1e-12 and np.abs(drop[:, 8:]).max() < 1e-12  # patches on blank pixels
    assert np.abs(drop[:4, :4]).max() > 1e-6  # covering the ink does change the probability


def test_occlusion_equals_a_direct_computation():
    net = small_net(size=12)
    image = np.random.default_rng(6).random((12, 12))
    drop = occlusion_map(net, image, 3, patch=4, stride=4, fill=0.5)  # patches do not overlap
    p = softmax(net.forward(image[None, None], training=False))[0, 3]
    covered = image.copy()
    covered[4:8, 8:12] = 0.5
    p_covered = softmax(net.forward(covered[None, None], training=False))[0, 3]
    np.testing.assert_allclose(drop[4:8, 8:12], p - p_covered, atol=1e-12)


def test_pixels_no_patch_covers_are_zero():
    drop = occlusion_map(small_net(), np.random.default_rng(7).random((11, 11)), 0, patch=4, stride=3)
    assert drop[:, 10].max() == 0 and drop[10].max() == 0  # patches start at 0, 3, 6 and end at 9


@pytest.mark.parametrize("call, match", [
    (lambda net, x: occlusion_map(net, x, 4), r"label must be an int in 0..3 .* got 4"),
    (lambda net, x: gradient_saliency(net, x, -1), r"label must be an int in 0..3 .* got -1"),
    (lambda net, x: gradient_saliency(net, x, True), "label must be an int"),
    (lambda net, x: occlusion_map(net, x, 0, patch=11), "patch must fit in the image: got patch 11 .* 10x10"),
    (lambda net, x: occlusion_map(net, x, 0, stride=0), "stride must be a positive integer, got 0"),
    (lambda net, x: occlusion_map(net, x, 0, fill=np.nan), "fill must be a finite number"),
    (lambda net, x: gradient_saliency(net, x[None, None], 0),
     r"image must be a 3-D array .* got shape \(1, 1, 10, 10\)"),
    (lambda net, x: gradient_saliency("net", x, 0), "net must be a cnnlib Sequential .* got str"),
    (lambda net, x: occlusion_map(net, np.full((10, 10), np.inf), 0), "image must contain only finite"),
])
def test_bad_input_names_what_it_got(call, match):
    with pytest.raises(ValueError, match=match):
        call(small_net(), np.random.default_rng(8).random((10, 10)))
