"""Widgets and pictures: sliders only offer values that work, and bad input is refused up front.

Every value every slider offers is tried (for square, tall, wide and kernel-larger-than-image
cases): no callback may raise. Out-of-range image indices, empty and non-finite arrays,
and bad settings are refused with a ValueError naming them.
"""

import itertools
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from cnnlib.layers import Conv2D, Flatten, Tanh  # noqa: E402
from cnnlib.plotting import (  # noqa: E402
    convolution_step_state,  # noqa: E402
    plot_kernels,
    plot_training_curves,  # noqa: E402
    pooling_state,  # noqa: E402
)
from cnnlib.sequential import Sequential  # noqa: E402
from cnnlib.widgets import TrainingMonitor, convolution_stepper, feature_map_explorer, kernel_explorer, pooling_explorer

RNG = np.random.default_rng(4)
IMAGES = RNG.random((3, 1, 7, 7))


def net():
    return Sequential([Conv2D(1, 2, 3, rng=0), Tanh(), Flatten()])


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def slider_values(slider):
    return range(slider.min, slider.max + 1)


# --------------------------------------------------------------------------- sliders offer only valid values

@pytest.mark.parametrize("image_shape, kernel_shape, padding", [((9, 4), (2, 3), 0), ((2, 6), (5, 3), 2)])
def test_every_padding_and_stride_the_stepper_offers_works(image_shape, kernel_shape, padding):
    image, kernel = RNG.random(image_shape), RNG.random(kernel_shape)
    stepper = convolution_stepper(image, kernel, padding=padding)
    assert stepper.padding.min == padding  # the smallest padding with which the kernel fits
    for p, s in itertools.product(slider_values(stepper.padding), slider_values(stepper.stride)):
        # what the callback computes for these slider values (a value that did not fit would raise)
        convolution_step_state(image, kernel, 0, "correlation", p, s)
    stepper.stride.value = stepper.stride.max  # and through the widget, at the far end of the range
    assert stepper.state.stride == stepper.stride.max


@pytest.mark.parametrize("maps_shape", [(2, 5, 9), (2, 2, 9, 3)])
def test_every_pool_size_and_stride_the_explorer_offers_works(maps_shape):
    maps = RNG.random(maps_shape)
    explorer = pooling_explorer(maps, size=1)
    h, w = maps_shape[-2:]
    assert explorer.size.max <= min(h, w)  # bound by the height AND the width
    for size, stride in itertools.product(slider_values(explorer.size), slider_values(explorer.stride)):
        pooling_state(explorer.maps[0], "max", "max", size, stride)  # what the callback computes
    explorer.size.value = explorer.size.max  # and through the widget, the largest window
    assert explorer.state.size == explorer.size.max


# --------------------------------------------------------------------------- explorers refuse bad indices and arrays

BAD_INDICES = [3, 4, 100, -1, -4, 1.0, "0", None, True]


@pytest.mark.parametrize("index", BAD_INDICES, ids=repr)
@pytest.mark.parametrize("make", ["kernel", "feature", "pooling"])
def test_explorers_refuse_an_image_index_out_of_range(make, index):
    expected = rf"image_index must be an int in 0\.\.2 \(there are 3 images\), got {re.escape(repr(index))}"
    with pytest.raises(ValueError, match=expected):
        if make == "kernel":
            kernel_explorer(net(), IMAGES, image_index=index)
        elif make == "feature":
            feature_map_explorer(net(), IMAGES, image_index=index)
        else:
            pooling_explorer(RNG.random((3, 2, 6, 6)), image_index=index)


BAD_IMAGES = {
    "nan": np.where(np.arange(IMAGES.size).reshape(IMAGES.shape) == 5, np.nan, IMAGES),
    "inf": np.where(np.arange(IMAGES.size).reshape(IMAGES.shape) == 5, np.inf, IMAGES),
    "no images": IMAGES[:0],
    "no channels": IMAGES[:, :0],
    "uint8": (IMAGES * 255).astype(np.uint8),
    "complex": IMAGES.astype(complex),
    "2-D": IMAGES[0, 0],
}
BAD_IMAGE_MESSAGES = {
    "nan": r"images must contain only finite numbers", "inf": r"images must contain only finite numbers",
    "no images": r"images must be \(N, C, H, W\) or \(N, H, W\) with N >= 1",
    "no channels": r"images is empty: shape \(3, 0, 7, 7\) has length 0 on axis 1",
    "uint8": r"images are uint8 pixels; pass them as the network sees them",
    "complex": r"images must be an array of real numbers", "2-D": r"images must be \(N, C, H, W\) or \(N, H, W\)",
}


@pytest.mark.parametrize("case", sorted(BAD_IMAGES))
@pytest.mark.parametrize("make", [kernel_explorer, feature_map_explorer], ids=["kernel", "feature"])
def test_explorers_refuse_bad_images(make, case):
    with pytest.raises(ValueError, match=BAD_IMAGE_MESSAGES[case]):
        make(net(), BAD_IMAGES[case])


@pytest.mark.parametrize("maps, expected", [
    (np.full((2, 4, 4), np.nan), r"maps must contain only finite numbers"),
    (np.zeros((0, 4, 4)), r"maps is empty: shape \(1, 0, 4, 4\) has length 0 on axis 1"),
    (np.zeros((2, 0, 4)), r"maps is empty"),
    (np.zeros((4, 4)), r"maps must be \(K, H, W\) or \(N, K, H, W\)"),
    (np.zeros((2, 4, 4), complex), r"maps must be an array of real numbers"),
])
def test_pooling_explorer_refuses_bad_maps(maps, expected):
    with pytest.raises(ValueError, match=expected):
        pooling_explorer(maps)


@pytest.mark.parametrize("kwargs, expected", [
    ({"size": 8}, r"kernel size 8 is larger than the padded input: 6"),
    ({"size": 0}, r"size must be a positive integer, got 0"),
    ({"stride": 0}, r"stride must be a positive integer, got 0"),
    ({"mode": "min"}, r"mode must be one of 'sum', 'mean', 'max', got 'min'"),
    ({"spatial": "median"}, r"spatial must be one of"),
])
def test_pooling_explorer_refuses_bad_settings(kwargs, expected):
    with pytest.raises(ValueError, match=expected):
        pooling_explorer(RNG.random((2, 6, 9)), **kwargs)


@pytest.mark.parametrize("kwargs, expected", [
    ({"interval_ms": 0}, r"interval_ms must be a positive integer, got 0"),
    ({"interval_ms": "fast"}, r"interval_ms must be a positive integer, got 'fast'"),
    ({"padding": -1}, r"padding must be a non-negative integer, got -1"),
    ({"stride": 0}, r"stride must be a positive integer, got 0"),
    ({"kernel": np.zeros((0, 0))}, r"kernel is empty: shape \(0, 0\)"),
    ({"kernel": np.full((2, 2), np.inf)}, r"kernel must contain only finite numbers"),
    ({"image": np.zeros((0, 5))}, r"image is empty: shape \(0, 5\)"),
    ({"image": np.full((5, 5), np.nan)}, r"image must contain only finite numbers"),
    ({"kernel": np.ones((7, 7))}, r"kernel size 7 is larger than the padded input: 5 \+ 2\*0 = 5"),
])
def test_stepper_refuses_bad_input(kwargs, expected):
    args = {"image": RNG.random((5, 5)), "kernel": RNG.random((3, 3))}
    args.update(kwargs)
    with pytest.raises(ValueError, match=expected):
        convolution_stepper(**args)


@pytest.mark.parametrize("value", [-1, np.nan, np.inf, "0.25", None])
def test_training_monitor_interval_must_be_a_number(value):
    with pytest.raises(ValueError, match=r"min_interval_s must be a finite number >= 0, got"):
        TrainingMonitor(min_interval_s=value)


@pytest.mark.parametrize("record", [None, 3, [1, 0.5], {"loss": 0.5}, {"epoch": 1}], ids=repr)
def test_training_monitor_records_must_be_dicts_with_epoch_and_loss(record):
    with pytest.raises(ValueError, match=r"a TrainingMonitor record must be a dict with at least 'epoch' and 'loss'"):
        TrainingMonitor()(record)


# --------------------------------------------------------------------------- pictures

@pytest.mark.parametrize("plot, array, expected", [
    (plot_kernels, np.zeros((0, 3, 3)), r"kernels w is empty: shape \(0, 1, 3, 3\)"),
    (plot_kernels, np.full((2, 3, 3), np.nan), r"kernels w must contain only finite numbers"),
])
def test_pictures_refuse_empty_and_non_finite_arrays(plot, array, expected):
    with pytest.raises(ValueError, match=expected):
        plot(array)


@pytest.mark.parametrize("history, expected", [
    ({"epoch": [], "loss": []}, r"history has no records yet"),
    ([], r"history has no records yet"),
    ({"epoch": ["a"], "loss": [1.0]}, r"history\['epoch'\] must hold numbers"),
    ({"epoch": [1, 2], "loss": [1.0]}, r"history\['loss'\] must have one value per record \(2\)"),
    ({"loss": [1.0]}, r"history must be a cnnlib.train.History"),
])
def test_training_curves_refuse_bad_histories(history, expected):
    with pytest.raises(ValueError, match=expected):
        plot_training_curves(history)
