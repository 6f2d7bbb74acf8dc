"""The course's networks by name and the seed's kernel net: bad seeds, sizes, dtypes and images are refused."""

import re

import numpy as np
import pytest

from cnnlib.data import prepare_images
from cnnlib.nets import train_network
from cnnlib.nets.dense_net import build_dense_net, train_dense_net
from cnnlib.nets.faithful_kernel_net import FaithfulKernelNet
from cnnlib.nets.kernel_net import build_kernel_net, train_kernel_net
from cnnlib.nets.layered_net import build_layered_net
from cnnlib.nets.pooling_net import build_pooling_net

BAD_SEEDS = [-1, 2**32, 2**40, 1.5, "0", True]
IMAGES = np.zeros((4, 28, 28), np.uint8)
LABELS = np.arange(4)


def _r(v):
    return re.escape(repr(v))


@pytest.mark.parametrize("seed", BAD_SEEDS, ids=repr)
@pytest.mark.parametrize("build", [
    lambda s: FaithfulKernelNet(seed=s), lambda s: build_kernel_net(s), lambda s: build_kernel_net(s, faithful=True),
    lambda s: train_dense_net(IMAGES, LABELS, seed=s, num_epochs=1),
    lambda s: train_kernel_net(IMAGES, LABELS, seed=s, iterations=1),
    lambda s: train_network("pooling", IMAGES, LABELS, seed=s, num_epochs=1),
    lambda s: train_network("layered", IMAGES, LABELS, seed=s, num_epochs=1),
], ids=["FaithfulKernelNet", "build_kernel_net", "build_kernel_net-faithful", "train_dense_net", "train_kernel_net",
        "train_network-pooling", "train_network-layered"])
def test_seeds_outside_0_to_2_32_are_refused(build, seed):
    expected = rf"seed must be an int seed in 0\.\.4294967295 \(2\*\*32 - 1\), got {_r(seed)}"
    with pytest.raises(ValueError, match=expected):
        build(seed)


@pytest.mark.parametrize("rng", [-1, 2**32, 1.5, "0", True], ids=repr)
@pytest.mark.parametrize("build", [build_dense_net, build_pooling_net, build_layered_net])
def test_builders_refuse_bad_rngs(build, rng):
    with pytest.raises(ValueError, match=rf"rng must be an int seed in 0\.\.4294967295 .*got {_r(rng)}"):
        build(rng)


@pytest.mark.parametrize("image_size, fixes, expected", [
    (3, (), r"image_size must leave room for a 3x3 window: at least 4 with fixes=\(\), got 3"),
    (2, ("windows",), r"image_size must leave room for a 3x3 window: at least 3 with fixes=\('windows',\), got 2"),
    (0, (), r"image_size must be a positive integer, got 0"),
    (-28, (), r"image_size must be a positive integer, got -28"),
    (28.0, (), r"image_size must be a positive integer, got 28\.0"),
    ("28", (), r"image_size must be a positive integer, got '28'"),
    (28, ("window",), r"unknown fix 'window'; expected any of 'windows', 'sign', 'derivative'"),
    (28, 3, r"fixes must be a name or a tuple of names"),
    (28, None, r"fixes must be a name or a tuple of names"),
])
def test_seed_kernel_net_refuses_nonsense_sizes_and_fixes(image_size, fixes, expected):
    with pytest.raises(ValueError, match=expected):
        FaithfulKernelNet(image_size=image_size, fixes=fixes)


@pytest.mark.parametrize("dtype", [np.int32, np.uint8, np.complex128, np.float16, "banana"], ids=str)
@pytest.mark.parametrize("build", [lambda d: FaithfulKernelNet(dtype=d), lambda d: FaithfulKernelNet(eval_dtype=d),
                                   lambda d: build_kernel_net(dtype=d),
                                   lambda d: build_kernel_net(faithful=True, dtype=d)],
                         ids=["dtype", "eval_dtype", "corrected", "faithful"])
def test_kernel_nets_refuse_non_float_dtypes(build, dtype):
    with pytest.raises(ValueError, match=r"dtype must be numpy.float32 or numpy.float64, got"):
        build(dtype)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("training", [True, False])
def test_the_faithful_forward_refuses_nan_and_inf(bad, training):
    net = FaithfulKernelNet(image_size=6)
    x = np.zeros((2, 1, 6, 6))
    x[1, 0, 3, 4] = bad
    with pytest.raises(ValueError, match=r"x must contain only finite numbers, got 1 NaN/inf value\(s\) in an array "
                                         r"of shape \(2, 1, 6, 6\)"):
        net.forward(x, training=training)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_prepared_float_images_must_be_finite(dtype, bad):
    x = np.zeros((3, 1, 28, 28), dtype)
    x[2, 0, 27, 27] = bad
    with pytest.raises(ValueError, match=r"images x must contain only finite numbers, got 1 NaN/inf value\(s\)"):
        prepare_images(x)


@pytest.mark.parametrize("name", ["lenet5", "Dense", "", None, 3, ["dense"]], ids=repr)
def test_unknown_network_names_are_refused(name):
    with pytest.raises(ValueError, match=rf"unknown network {_r(name)}; expected one of dense, kernel"):
        train_network(name, IMAGES, LABELS)


def test_fixes_on_the_corrected_net_are_refused():
    with pytest.raises(ValueError, match=r"fixes apply to the faithful net only"):
        build_kernel_net(fixes=("sign",))
    with pytest.raises(ValueError, match=r"faithful must be one of True, False, got 'yes'"):
        build_kernel_net(faithful="yes")
