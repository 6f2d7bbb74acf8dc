"""Tests for cnnlib.correlation: 2-D correlation and convolution against scipy.signal."""

import numpy as np
import pytest
import scipy.signal

from cnnlib.correlation import convolve2d, correlate2d


@pytest.mark.parametrize("mode", ["valid", "full", "same"])
@pytest.mark.parametrize("image_shape,kernel_shape", [
    ((7, 8), (3, 3)), ((7, 8), (2, 2)), ((7, 8), (4, 4)), ((6, 5), (2, 3)), ((6, 9), (3, 2)),
    ((5, 5), (1, 4)), ((5, 6), (5, 6)),
])
def test_correlate_convolve_match_scipy(image_shape, kernel_shape, mode):
    rng = np.random.default_rng(1)
    image = rng.normal(size=image_shape)
    kernel = rng.normal(size=kernel_shape)
    np.testing.assert_allclose(correlate2d(image, kernel, mode),
                               scipy.signal.correlate2d(image, kernel, mode), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(convolve2d(image, kernel, mode),
                               scipy.signal.convolve2d(image, kernel, mode), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["full", "same"])
def test_kernel_larger_than_image_matches_scipy(mode):
    rng = np.random.default_rng(2)
    image, kernel = rng.normal(size=(3, 3)), rng.normal(size=(4, 6))
    np.testing.assert_allclose(correlate2d(image, kernel, mode), scipy.signal.correlate2d(image, kernel, mode))
    np.testing.assert_allclose(convolve2d(image, kernel, mode), scipy.signal.convolve2d(image, kernel, mode))


def test_convolution_is_correlation_with_rotated_kernel():
    rng = np.random.default_rng(3)
    image, kernel = rng.normal(size=(6, 6)), rng.normal(size=(3, 3))
    np.testing.assert_allclose(convolve2d(image, kernel), correlate2d(image, np.rot90(kernel, 2)))


def test_integer_inputs_match_scipy():
    image = np.arange(20).reshape(4, 5)
    kernel = np.array([[1, 0], [0, -1]])
    np.testing.assert_array_equal(correlate2d(image, kernel, "same"),
                                  scipy.signal.correlate2d(image, kernel, "same"))
