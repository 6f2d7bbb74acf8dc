"""Huge but finite numbers get the right numbers, never NaN or an overflowed inf.

Generated over magnitudes up to the largest float: strokes whose far ends lie far off the canvas
(in every direction) give exactly the ink of the same line ending just off the canvas; images
scaled by huge powers of two keep their centre of mass and their MNIST preprocessing; the relative
error of scaled pairs is the relative error of the pairs; the mean pools of the largest float32
and float64 values are those values.
"""

import numpy as np
import pytest

from cnnlib.gradcheck import rel_error
from cnnlib.handwriting import center_of_mass, drawing_to_mnist, mnist_preprocess, strokes_to_image
from cnnlib.pool import avgpool2d_forward, global_avgpool_forward, pool_kernels_forward

MAGNITUDES = [1e6, 1e30, 1e154, 1e155, 1e200, 1e300, np.finfo(float).max]
# (near point, direction) of lines through a 28x28 canvas whose far points stay exactly on them (in floats):
# horizontal, vertical, and y = x and y = 2x through the corner
LINES = [((3.0, 14.0), (1.0, 0.0)), ((14.0, 3.0), (0.0, 1.0)), ((2.0, 2.0), (1.0, 1.0)), ((2.0, 4.0), (1.0, 2.0))]


def _far(point, direction, distance):
    """A point of the line, ``distance`` times the direction away (rounded onto the same line for these lines)."""
    return (point[0] + direction[0] * distance, point[1] + direction[1] * distance)


def stroke_cases():
    for m in MAGNITUDES:
        for i, (near, direction) in enumerate(LINES):
            if max(direction) > 1 and m > np.finfo(float).max / 2:
                continue  # y = 2x has no finite point that far
            for both in (False, True):
                yield pytest.param(near, direction, m, both, id=f"line{i}-{m:.0e}-{'both' if both else 'one'}-far")


@pytest.mark.parametrize("near, direction, magnitude, both", list(stroke_cases()))
def test_a_stroke_with_far_ends_gives_the_ink_of_its_visible_part(near, direction, magnitude, both):
    # the same straight line: its far end(s) `magnitude` away, or 40 pixels (the box the ink reaches ends 2.5 off)
    far_end = _far(near, direction, magnitude)
    start = _far(near, direction, -magnitude) if both else near
    reference_start = _far(near, direction, -40.0) if both else near
    image = strokes_to_image([[start, far_end]], 28, line_width=3)
    reference = strokes_to_image([[reference_start, _far(near, direction, 40.0)]], 28, line_width=3)
    assert np.isfinite(image).all() and image.max() == 1.0
    np.testing.assert_allclose(image, reference, atol=1e-12)


@pytest.mark.parametrize("magnitude", MAGNITUDES[3:])
def test_a_stroke_far_away_paints_nothing_and_a_huge_pen_everything(magnitude):
    far = [(magnitude / 4, magnitude / 4), (magnitude / 4, -magnitude / 4)]
    assert strokes_to_image([far], 28).max() == 0.0
    assert strokes_to_image([far], 28, line_width=magnitude).min() == 1.0


@pytest.mark.parametrize("exponent", [0, 100, 500, 501, 900, 1000, 1020])
def test_huge_images_keep_their_centre_of_mass_and_preprocessing(exponent):
    strokes = [[(8, 6), (20, 6), (12, 24)]]
    image = strokes_to_image(strokes, 28)
    huge = np.ldexp(image, exponent)  # exactly the same image, 2**exponent times brighter
    assert np.isfinite(huge).all()
    assert center_of_mass(huge) == pytest.approx(center_of_mass(image), abs=1e-12)
    np.testing.assert_array_equal(mnist_preprocess(huge), drawing_to_mnist(strokes, 28))


@pytest.mark.parametrize("exponent", [0, 600, 1000, 1023])
def test_the_relative_error_of_huge_pairs_is_that_of_the_pairs(exponent):
    a, b = np.array([1.5, -1.0, 0.75]), np.array([1.0, 1.0, 0.75])
    assert rel_error(np.ldexp(a, exponent), np.ldexp(b, exponent)) == pytest.approx(rel_error(a, b))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sign", [1, -1])
def test_mean_pools_of_the_largest_floats_are_those_floats(dtype, sign):
    top = sign * np.finfo(dtype).max
    x = np.full((2, 3, 4, 4), top, dtype)
    for out in (avgpool2d_forward(x)[0], global_avgpool_forward(x)[0], pool_kernels_forward(x, "mean")[0]):
        assert out.dtype == dtype and np.all(out == top)
    mixed = x.copy()
    mixed[:, :, ::2] = dtype(0.5) * top  # windows of two values: the mean lies between them
    out = avgpool2d_forward(mixed)[0]
    assert np.isfinite(out).all() and np.allclose(out, 0.75 * top.astype(np.float64), rtol=1e-6)
