"""Shifting images (cnnlib.augment) and fit's augment= keyword."""

import numpy as np
import pytest

from cnnlib.augment import (
    DIRECTIONS,
    RandomShifts,
    random_shifts,
    shift_images,
    shift_in_random_directions,
    unfilled_region,
)
from cnnlib.early_stopping import fit_early_stopping
from cnnlib.layers import Conv2D, Dense, Flatten, ReLU
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.train import fit


def loop_shift(image, dy, dx):
    """One (C, H, W) image moved pixel by pixel: out[r, c] = image[r - dy, c - dx] where that exists, else 0."""
    c, h, w = image.shape
    out = np.zeros_like(image)
    for r in range(h):
        for col in range(w):
            if 0 <= r - dy < h and 0 <= col - dx < w:
                out[:, r, col] = image[:, r - dy, col - dx]
    return out


def numbered(shape, dtype=np.float64):
    return (np.arange(np.prod(shape)) + 1).reshape(shape).astype(dtype)


@pytest.mark.parametrize("dy, dx", [(0, 0), (2, 0), (0, -3), (1, 2), (-2, -1), (4, 5), (-5, 3), (6, 0), (0, -9)])
def test_shift_images_matches_the_pixel_loop(dy, dx):
    x = numbered((2, 3, 5, 6))
    out = shift_images(x, dy, dx)
    for i in range(2):
        np.testing.assert_array_equal(out[i], loop_shift(x[i], dy, dx))
    assert out.dtype == x.dtype and out.shape == x.shape
    assert np.array_equal(x, numbered((2, 3, 5, 6)))  # the input is left alone


def test_shift_direction_zero_fill_and_no_wrap_around():
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 1, 1] = 1
    assert np.argwhere(shift_images(x, 2, 0)[0, 0]).tolist() == [[3, 1]]  # dy > 0 moves down
    assert np.argwhere(shift_images(x, 0, 1)[0, 0]).tolist() == [[1, 2]]  # dx > 0 moves right
    assert np.argwhere(shift_images(x, -1, -1)[0, 0]).tolist() == [[0, 0]]
    assert not shift_images(x, 3, 0).any()  # moved out of the frame, not back in at the top
    assert not shift_images(x, 0, -2).any()
    assert not shift_images(numbered((1, 1, 4, 4)), 4, 0).any()  # |shift| >= size: only zeros


def test_one_shift_per_image():
    x = numbered((3, 2, 6, 6), np.float32)
    dy, dx = np.array([1, -2, 0]), np.array([0, 3, -1])
    out = shift_images(x, dy, dx)
    for i in range(3):
        np.testing.assert_array_equal(out[i], shift_images(x[i:i + 1], int(dy[i]), int(dx[i]))[0])
    assert out.dtype == np.float32
    assert shift_images(x[:0], np.zeros(0, int), 0).shape == (0, 2, 6, 6)


@pytest.mark.parametrize("args, match", [
    ((np.zeros((2, 5, 5)), 1, 0), r"x.*\(N, C, H, W\)"),
    ((np.zeros((2, 1, 5, 5)), 1.5, 0), r"dy must be an int"),
    ((np.zeros((2, 1, 5, 5)), 0, True), r"dx must be an int"),
    ((np.zeros((2, 1, 5, 5)), np.array([1, 2, 3]), 0), r"dy .*\(2,\).*shape \(3,\)"),
    ((np.zeros((2, 1, 5, 5)), 0, np.array([0.5, 1.0])), r"dx .*dtype float64"),
    ((np.full((1, 1, 2, 2), "a"), 0, 0), r"x must be an array of real numbers"),
])
def test_shift_images_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        shift_images(*args)


def test_unfilled_region_is_where_a_shifted_map_holds_moved_values():
    x = numbered((1, 1, 6, 7))
    for dy, dx in [(2, 0), (-1, 3), (0, -2), (-3, -4)]:
        rows, cols = unfilled_region(x.shape, dy, dx)
        shifted = shift_images(x, dy, dx)[0, 0]
        assert shifted[rows, cols].all()  # every value there came from x (x has no zeros)
        outside = np.ones(shifted.shape, bool)
        outside[rows, cols] = False
        assert not shifted[outside].any()  # everything else is the fill


def test_a_convolution_commutes_with_a_shift_away_from_the_fill():
    conv = Conv2D(1, 3, 3, rng=0, dtype=np.float64)
    conv.params["b"][...] = [0.3, -0.2, 0.1]
    x = np.zeros((2, 1, 12, 12))
    x[:, :, 3:9, 3:9] = np.random.default_rng(1).random((2, 1, 6, 6))  # content away from the border
    maps = conv.forward(x)  # (2, 3, 10, 10)
    for dy, dx in [(2, 0), (-1, 2), (2, -2)]:
        rows, cols = unfilled_region(maps.shape, dy, dx)
        moved = conv.forward(shift_images(x, dy, dx))
        np.testing.assert_allclose(moved[:, :, rows, cols], shift_images(maps, dy, dx)[:, :, rows, cols],
                                   rtol=0, atol=1e-12)
        assert not np.allclose(moved, shift_images(maps, dy, dx))  # the fill itself differs (the bias)


def test_random_shifts_draws_each_image_its_own_shift_from_the_generator():
    x = numbered((500, 1, 9, 9))
    augment = random_shifts(2)
    assert isinstance(augment, RandomShifts) and augment.max_shift == 2
    out = augment(x, np.random.default_rng(3))
    rng = np.random.default_rng(3)
    dy, dx = rng.integers(-2, 3, size=500), rng.integers(-2, 3, size=500)
    np.testing.assert_array_equal(out, shift_images(x, dy, dx))
    assert set(dy.tolist()) == set(dx.tolist()) == {-2, -1, 0, 1, 2}  # every shift in range occurs
    assert np.array_equal(augment(x, np.random.default_rng(3)), out)  # same generator state, same shifts
    np.testing.assert_array_equal(random_shifts(0)(x, np.random.default_rng(0)), x)
    with pytest.raises(ValueError, match="max_shift"):
        random_shifts(-1)
    with pytest.raises(ValueError, match="max_shift"):
        random_shifts(1.5)


def test_shift_in_random_directions_moves_each_image_by_the_distance():
    x = np.zeros((400, 1, 11, 11))
    x[:, 0, 5, 5] = 1  # one bright pixel in the middle
    out = shift_in_random_directions(x, 3, rng=7)
    moves = [tuple(np.argwhere(img[0])[0] - 5) for img in out]
    assert set(moves) == {(-3, 0), (3, 0), (0, -3), (0, 3)}  # the four directions, all used
    counts = np.bincount([DIRECTIONS.index((dy // 3, dx // 3)) for dy, dx in moves], minlength=4)
    assert counts.min() > 70  # each about a quarter of 400
    assert np.array_equal(shift_in_random_directions(x, 3, rng=7), out)
    np.testing.assert_array_equal(shift_in_random_directions(x, 0, rng=7), x)
    diagonal = shift_in_random_directions(x[:5], 2, rng=0, directions=[(1, 1)])
    assert all(np.argwhere(img[0]).tolist() == [[7, 7]] for img in diagonal)
    for bad in [[], [(1, 0, 0)], [(0.5, 1)], "up", [1, 0]]:
        with pytest.raises(ValueError, match="directions"):
            shift_in_random_directions(x, 1, directions=bad)
    with pytest.raises(ValueError, match="distance"):
        shift_in_random_directions(x, -1)


# --------------------------------------------------------------------------- fit(augment=)

def tiny_net(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Flatten(), Dense(36, 8, rng=rng, dtype=np.float64), ReLU(),
                       Dense(8, 3, rng=rng, dtype=np.float64)])


def tiny_data(n=40):
    rng = np.random.default_rng(0)
    return rng.random((n, 1, 6, 6)), rng.integers(0, 3, n)


def test_fit_passes_every_training_batch_through_augment_with_its_generator():
    x, y = tiny_data()
    seen = []

    def augment(x_batch, rng):
        seen.append((x_batch.copy(), rng))
        return x_batch * 0.5

    x_val = x[:10] + 1
    history = fit(tiny_net(), x, y, num_epochs=2, batch_size=16, rng=4, augment=augment, test=(x_val, y[:10]),
                  progress=None)
    assert len(seen) == 2 * 3 and all(b.shape[0] in (16, 8) for b, _ in seen)  # 40 images: 16 + 16 + 8
    assert all(rng is seen[0][1] and isinstance(rng, np.random.Generator) for _, rng in seen)
    assert not any((b >= 1).any() for b, _ in seen)  # the validation images never went through it
    assert len(history) == 2
    # training on the halved images is what happened: the same run on x * 0.5 without augment is identical
    net_a, net_b = tiny_net(), tiny_net()
    fit(net_a, x, y, num_epochs=2, batch_size=16, rng=4, augment=lambda b, rng: b * 0.5, progress=None)
    fit(net_b, x * 0.5, y, num_epochs=2, batch_size=16, rng=4, progress=None)
    for key, p in net_a.named_parameters().items():
        np.testing.assert_array_equal(p, net_b.named_parameters()[key])


def test_fit_with_random_shifts_is_reproducible_and_differs_from_no_augment():
    x, y = tiny_data()
    runs = []
    for augment in (random_shifts(1), random_shifts(1), None):
        net = tiny_net()
        fit(net, x, y, num_epochs=3, batch_size=8, optimizer=SGD(0.1), rng=2, augment=augment, progress=None)
        runs.append(net.named_parameters()["3.Dense.w"].copy())
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.array_equal(runs[0], runs[2])


def test_fit_without_augment_draws_nothing_extra():
    x, y = tiny_data()
    nets = [tiny_net(), tiny_net()]
    fit(nets[0], x, y, num_epochs=2, batch_size=16, rng=9, progress=None)
    fit(nets[1], x, y, num_epochs=2, batch_size=16, rng=9, augment=None, progress=None)
    for key, p in nets[0].named_parameters().items():
        np.testing.assert_array_equal(p, nets[1].named_parameters()[key])


@pytest.mark.parametrize("augment, match", [
    ("shift", r"augment must be a callable"),
    (lambda x_batch: x_batch, r"augment must be a callable .*cannot take 2"),
    (lambda x_batch, rng: x_batch[:, :, 1:], r"augment must return an array of the batch's shape"),
    (lambda x_batch, rng: x_batch.tolist(), r"augment must return an array.*got list"),
])
def test_fit_rejects_a_bad_augment(augment, match):
    x, y = tiny_data()
    with pytest.raises(ValueError, match=match):
        fit(tiny_net(), x, y, num_epochs=1, augment=augment, progress=None)


def test_fit_early_stopping_forwards_augment_and_never_augments_the_validation_split():
    x, y = tiny_data()
    batches = []

    def augment(x_batch, rng):
        assert (x_batch < 5).all(), "a validation image was augmented"
        batches.append(x_batch.shape[0])
        return x_batch

    x_val = x[:10] + 5  # recognisable: training images are below 1
    result = fit_early_stopping(tiny_net(), x, y, x_val, y[:10], max_epochs=3, patience=3, batch_size=20,
                                augment=augment, progress=None)
    assert batches == [20, 20] * result.stopped_epoch
