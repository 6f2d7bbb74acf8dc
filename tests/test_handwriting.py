"""cnnlib.handwriting: strokes -> image -> an MNIST-like 28x28 array."""

import numpy as np
import pytest

from cnnlib.data import load_mnist
from cnnlib.handwriting import (
    area_resample_matrix,
    center_by_mass,
    center_of_mass,
    drawing_to_mnist,
    has_ink,
    mnist_preprocess,
    scale_to_box,
    shrink_to_frame,
    strokes_to_image,
)

CANVAS = 280


def one_stroke(x=140.0, top=40.0, bottom=240.0, steps=30):
    """A vertical "1": one stroke of ``steps`` points from (x, top) down to (x, bottom)."""
    return [[(x, y) for y in np.linspace(top, bottom, steps)]]


def ink_box(x):
    rows, cols = np.flatnonzero(x.any(axis=1)), np.flatnonzero(x.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_strokes_to_image_paints_a_thick_antialiased_line():
    image = strokes_to_image(one_stroke(x=140.3), CANVAS, line_width=20)
    assert image.shape == (CANVAS, CANVAS) and image.dtype == np.float64
    assert image.min() == 0 and image.max() == 1
    row = image[140]
    inked = np.flatnonzero(row > 0)
    assert 20 <= inked.size <= 22  # the line's width, plus a soft edge
    assert 0 < row[inked[0]] < 1 and 0 < row[inked[-1]] < 1  # anti-aliased edges
    assert image[10].max() == 0 and image[270].max() == 0  # nothing above or below the stroke's ends + radius


def test_a_single_point_is_a_dot_and_no_strokes_is_blank():
    dot = strokes_to_image([[(50, 60)]], 100, line_width=10)
    assert has_ink(dot) and center_of_mass(dot) == pytest.approx((59.5, 49.5), abs=1e-9)
    assert not has_ink(strokes_to_image([], 100))


def test_a_drawn_one_becomes_an_mnist_like_array():
    x = drawing_to_mnist(one_stroke(), CANVAS)
    assert x.shape == (28, 28) and x.dtype == np.float64
    assert x.min() == 0 and x.max() == 1
    height, width = ink_box(x)
    assert height == 20 and width < 6  # the longer side is 20 pixels; a "1" stays thin
    row, col = center_of_mass(x)
    assert abs(row - 14) <= 0.5 and abs(col - 14) <= 0.5
    assert x[0].max() == 0 and x[:, 0].max() == 0  # background at the border


def test_the_same_rule_as_the_real_mnist_digits():
    """Re-preprocessing real MNIST digits changes them little: the same box size and centre."""
    (x_train, _), _ = load_mnist(n_train=50)
    for digit in x_train.astype(np.float64) / 255:
        again = mnist_preprocess(digit)
        assert max(ink_box(again)) == 20
        assert np.abs(np.subtract(center_of_mass(again), 14)).max() <= 0.5
        assert np.abs(np.subtract(center_of_mass(again), center_of_mass(digit))).max() <= 1.0


def test_a_stroke_anywhere_on_the_canvas_gives_the_same_digit():
    reference = drawing_to_mnist(one_stroke(x=140, top=40, bottom=240), CANVAS)
    # whole-pixel moves: the same raster, so the same result
    for dx, dy in [(-100, -25), (90, 20), (0, 25)]:  # the stroke stays on the canvas
        moved = drawing_to_mnist(one_stroke(x=140 + dx, top=40 + dy, bottom=240 + dy), CANVAS)
        np.testing.assert_allclose(moved, reference, atol=1e-9)
    # sub-pixel moves: small differences only, the same centre
    moved = drawing_to_mnist(one_stroke(x=60.3, top=22.7, bottom=222.7), CANVAS)
    assert np.abs(moved - reference).max() < 0.5
    assert np.abs(moved - reference).sum() < 0.1 * reference.sum()
    assert np.abs(np.subtract(center_of_mass(moved), center_of_mass(reference))).max() <= 1.0


def test_a_drawing_half_the_size_is_scaled_to_the_same_box():
    big = drawing_to_mnist(one_stroke(top=40, bottom=240), CANVAS, line_width=20)
    small = drawing_to_mnist(one_stroke(top=100, bottom=200), CANVAS, line_width=10)
    assert ink_box(big)[0] == ink_box(small)[0] == 20
    assert np.abs(big - small).sum() < 0.1 * big.sum()


def test_a_wide_shape_keeps_its_aspect_ratio():
    dash = [[(40.0, 140.0), (240.0, 140.0)]]  # horizontal, 200 long + 20 wide
    x = drawing_to_mnist(dash, CANVAS, line_width=20)
    height, width = ink_box(x)
    assert width == 20 and 2 <= height <= 4


def test_the_recipe_is_its_two_steps():
    image = strokes_to_image([[(30, 200), (120, 260)], [(30, 200), (60, 150)]], CANVAS)
    small = scale_to_box(image)
    assert max(small.shape) == 20 and small.max() == 1
    np.testing.assert_array_equal(mnist_preprocess(image), center_by_mass(small))


@pytest.mark.parametrize("seed", range(5))
def test_center_by_mass_moves_the_digit_by_whole_pixels_to_the_middle(seed):
    rng = np.random.default_rng(seed)
    small = rng.random((int(rng.integers(5, 21)), int(rng.integers(5, 21)))) ** 4  # lopsided ink
    x = center_by_mass(small)
    assert x.shape == (28, 28)
    assert np.abs(np.subtract(center_of_mass(x), 14)).max() <= 0.5
    rows, cols = np.flatnonzero(x.any(axis=1)), np.flatnonzero(x.any(axis=0))
    np.testing.assert_array_equal(x[rows[0]:rows[0] + small.shape[0], cols[0]:cols[0] + small.shape[1]], small)


def test_center_by_mass_on_a_tie_rounds_half_to_even():
    small = np.ones((4, 3))  # centre of mass (1.5, 1): the top row goes to round(12.5) = 12
    x = center_by_mass(small)
    assert x[12:16, 13:16].all() and x.sum() == 12
    assert center_of_mass(x) == (13.5, 14.0)


def test_shrink_to_frame_keeps_where_and_how_large_the_digit_was_drawn():
    corner = one_stroke(x=45, top=20, bottom=100)  # a short "1" in the top-left corner
    x = shrink_to_frame(strokes_to_image(corner, CANVAS))
    assert x.shape == (28, 28) and x.max() == 1
    assert ink_box(x)[0] == 10  # 80 + 20 canvas pixels of ink, a tenth of that
    assert center_of_mass(x) == pytest.approx((5.5, 4.0), abs=0.1)  # where it was drawn
    image = strokes_to_image(corner, CANVAS)
    block = image.reshape(28, 10, 28, 10).mean(axis=(1, 3))  # (28, 28): each pixel the mean of 10x10
    np.testing.assert_allclose(x, block / block.max(), atol=1e-12)
    moved = shrink_to_frame(strokes_to_image(one_stroke(x=75, top=50, bottom=130), CANVAS))
    np.testing.assert_allclose(moved[3:, 3:], x[:-3, :-3], atol=1e-12)  # 30 canvas pixels: 3 pixels
    assert not shrink_to_frame(np.zeros((56, 84))).any()


@pytest.mark.parametrize("small, match", [
    (np.zeros((5, 5)), r"small of shape \(5, 5\) has no ink"),
    (np.ones((29, 5)), r"small must fit the 28x28 frame, got shape \(29, 5\)"),
    (np.ones(5), r"small must be a 2-D array"),
])
def test_center_by_mass_bad_input(small, match):
    with pytest.raises(ValueError, match=match):
        center_by_mass(small)


def test_shrink_to_frame_needs_a_canvas_at_least_28_wide():
    with pytest.raises(ValueError, match=r"image must be at least 28x28 to shrink to 28x28, got shape \(20, 300\)"):
        shrink_to_frame(np.ones((20, 300)))


def test_area_resample_rows_sum_to_one():
    m = area_resample_matrix(57, 57 / 20)
    assert m.shape == (20, 57)
    np.testing.assert_allclose(m.sum(axis=1), 1.0)
    np.testing.assert_allclose(m.sum(axis=0), 20 / 57)  # every input pixel counted once in total


@pytest.mark.parametrize("strokes, match", [
    ("not strokes", "strokes must be a list"),
    ([[(1, 2, 3)]], r"stroke 0 .* shape \(1, 3\)"),
    ([[(1, 2)], []], r"stroke 1 .* shape \(0,\)"),
    ([[(1, float("nan"))]], "stroke 0 must contain only finite"),
    ([[("a", "b")]], "stroke 0 must be a list of"),
])
def test_bad_strokes_name_what_they_got(strokes, match):
    with pytest.raises(ValueError, match=match):
        strokes_to_image(strokes, 100)


@pytest.mark.parametrize("canvas_size", [0, -5, 2.5, (10,), (10, 0), "big", True])
def test_bad_canvas_size(canvas_size):
    with pytest.raises(ValueError, match="canvas_size must be"):
        strokes_to_image([[(1, 1)]], canvas_size)


def test_bad_line_width():
    with pytest.raises(ValueError, match="line_width must be a finite number > 0, got 0"):
        strokes_to_image([[(1, 1)]], 10, line_width=0)


@pytest.mark.parametrize("image, match", [
    (np.zeros((28, 28)), r"no ink .* draw something"),
    (np.ones((2, 28, 28)), r"image must be a 2-D array \(H, W\), got shape \(2, 28, 28\)"),
    (-np.ones((5, 5)), "non-negative"),
    (np.full((5, 5), np.inf), "finite"),
    (np.array([["a"]]), "real numbers"),
])
def test_bad_images_name_what_they_got(image, match):
    with pytest.raises(ValueError, match=match):
        mnist_preprocess(image)
