"""Caches say what they are: every backward function refuses another function's cache by name.

Generated over every pair (backward, cache of another family) and over things that are no cache
at all; each case asserts the ValueError and its words: the backward's name, the forward whose
cache it needs, and what it got (the forward a foreign cache came from). Hand-built tuples, as
some exercises pass them, are accepted when every field fits and give the same numbers. A last
test finds every ``*_backward`` function of the library by itself, so that a backward added later
is held to the same rule.
"""

import importlib
import inspect
import pkgutil
import re

import numpy as np
import pytest

import cnnlib
from cnnlib.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    softmax_backward,
    softmax_forward,
    tanh_backward,
    tanh_forward,
)
from cnnlib.batchnorm import batchnorm_backward, batchnorm_backward_naive, batchnorm_forward
from cnnlib.conv import conv2d_backward, conv2d_backward_naive, conv2d_forward, conv2d_forward_naive
from cnnlib.dense import dense_backward, dense_forward
from cnnlib.dropout import dropout_backward, dropout_forward
from cnnlib.layers import Flatten, Reshape
from cnnlib.nets.faithful_kernel_net import FaithfulKernelNet
from cnnlib.pool import (
    avgpool2d_backward,
    avgpool2d_forward,
    global_avgpool_backward,
    global_avgpool_forward,
    maxpool2d_backward,
    maxpool2d_forward,
    pool_kernels_backward,
    pool_kernels_forward,
)

RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 6, 6))

# family -> (forward's name, its (out, cache), the backward functions that take that cache)
FAMILIES = {
    "conv": ("conv2d_forward", conv2d_forward(X, RNG.standard_normal((4, 3, 3, 3)), RNG.standard_normal(4)),
             (conv2d_backward, conv2d_backward_naive)),
    "maxpool": ("maxpool2d_forward", maxpool2d_forward(X), (maxpool2d_backward,)),
    "avgpool": ("avgpool2d_forward", avgpool2d_forward(X), (avgpool2d_backward,)),
    "global_avgpool": ("global_avgpool_forward", global_avgpool_forward(X), (global_avgpool_backward,)),
    "pool_kernels": ("pool_kernels_forward", pool_kernels_forward(X, "max"), (pool_kernels_backward,)),
    "dense": ("dense_forward", dense_forward(RNG.standard_normal((2, 5)), RNG.standard_normal((5, 3)), None),
              (dense_backward,)),
    "batchnorm": ("batchnorm_forward", batchnorm_forward(X, RNG.standard_normal(3), RNG.standard_normal(3)),
                  (batchnorm_backward, batchnorm_backward_naive)),
    "tanh": ("tanh_forward", tanh_forward(X), (tanh_backward,)),
    "sigmoid": ("sigmoid_forward", sigmoid_forward(X), (sigmoid_backward,)),
    "relu": ("relu_forward", relu_forward(X), (relu_backward,)),
    "softmax": ("softmax_forward", softmax_forward(RNG.standard_normal((2, 4))), (softmax_backward,)),
    "dropout": ("dropout_forward", dropout_forward(X, 0.5, np.random.default_rng(1)), (dropout_backward,)),
}
NAMED = {"conv", "maxpool", "avgpool", "global_avgpool", "pool_kernels", "dense", "batchnorm"}  # the rest keep an array
# What each backward says it needs.
NEEDS = {"conv": r"the cache that conv2d_forward or conv2d_forward_naive returned \(a ConvCache\)",
         "maxpool": r"the cache that maxpool2d_forward returned \(a MaxPoolCache\)",
         "avgpool": r"the cache that avgpool2d_forward returned \(an AvgPoolCache\)",
         "global_avgpool": r"the cache that global_avgpool_forward returned \(a GlobalAvgPoolCache\)",
         "pool_kernels": r"the cache that pool_kernels_forward returned \(a PoolKernelsCache\)",
         "dense": r"the cache that dense_forward returned \(a DenseCache\)",
         "batchnorm": r"the cache that batchnorm_forward or batchnorm_forward_naive returned \(a BatchNormCache\)",
         "tanh": r"the array that tanh_forward returned as its cache \(its output\)",
         "sigmoid": r"the array that sigmoid_forward returned as its cache \(its output\)",
         "relu": r"the array that relu_forward returned as its cache \(its input x\)",
         "softmax": r"the array that softmax_forward returned as its cache \(the probabilities\)",
         "dropout": r"the array that dropout_forward returned as its cache \(the mask, or None\)"}
CACHE_NAMES = {"conv": "ConvCache", "maxpool": "MaxPoolCache", "avgpool": "AvgPoolCache",
               "global_avgpool": "GlobalAvgPoolCache", "pool_kernels": "PoolKernelsCache", "dense": "DenseCache",
               "batchnorm": "BatchNormCache"}
TWINS = {"conv": " or conv2d_forward_naive", "batchnorm": " or batchnorm_forward_naive"}  # forwards with a twin


def _dout(family):
    out = FAMILIES[family][1][0]
    return np.ones_like(out)


def foreign_cache_cases():
    for family, (_, _, backwards) in FAMILIES.items():
        for other in sorted(NAMED - {family}):
            forward_name, (_, cache), _ = FAMILIES[other]
            got = rf"got the cache of {forward_name}{TWINS.get(other, '')} " \
                  rf"\(an? {CACHE_NAMES[other]}\)"
            for backward in backwards:
                yield pytest.param(backward, _dout(family), cache, rf"{backward.__name__} needs {NEEDS[family]}.*{got}",
                                   id=f"{backward.__name__}-{other}")


NOT_CACHES = [("None", None, r"got None"), ("text", "cache", r"got an? str 'cache'"),
              ("list", [1, 2], r"got a list of 2 item\(s\)"), ("number", 3.0, r"got a float 3\.0"),
              ("dict", {"x": 1}, r"got a dict"), ("empty tuple", (), r"got a tuple of 0 item\(s\)"),
              ("int array", np.arange(3), r"got an array of shape \(3,\) and dtype int64")]


def not_a_cache_cases():
    for family, (_, _, backwards) in FAMILIES.items():
        for label, value, got in NOT_CACHES:
            if family == "dropout" and value is None:
                continue  # None is dropout's cache after a test-mode pass
            for backward in backwards:
                yield pytest.param(backward, _dout(family), value, rf"{backward.__name__} needs {NEEDS[family]}.*{got}",
                                   id=f"{backward.__name__}-{label}")


@pytest.mark.parametrize("backward, dout, cache, expected", list(foreign_cache_cases()))
def test_another_functions_cache_is_named(backward, dout, cache, expected):
    with pytest.raises(ValueError, match=expected):
        backward(dout, cache)


@pytest.mark.parametrize("backward, dout, cache, expected", list(not_a_cache_cases()))
def test_what_is_no_cache_is_named(backward, dout, cache, expected):
    with pytest.raises(ValueError, match=expected):
        backward(dout, cache)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_backward_takes_its_own_cache(family):
    _, (_, cache), backwards = FAMILIES[family]
    for backward in backwards:
        backward(_dout(family), cache)  # every refusal above comes from the cache alone


@pytest.mark.parametrize("family", sorted(NAMED))
def test_a_cache_built_by_hand_as_a_plain_tuple_gives_the_same_numbers(family):
    _, (_, cache), backwards = FAMILIES[family]
    assert type(cache).__name__ == CACHE_NAMES[family] and cache == tuple(cache)  # a named tuple, equal to its tuple
    for backward in backwards:
        got, expected = backward(_dout(family), tuple(cache)), backward(_dout(family), cache)
        pairs = zip(got, expected) if isinstance(got, tuple) else [(got, expected)]
        assert all((g is None and e is None) or np.array_equal(g, e) for g, e in pairs)


def test_both_conv_twins_build_the_same_named_cache():
    w = RNG.standard_normal((4, 3, 3, 3))
    fast, naive = conv2d_forward(X, w, None, 2, 1)[1], conv2d_forward_naive(X, w, None, 2, 1)[1]
    assert type(fast) is type(naive) and fast.stride == naive.stride == 2 and fast.padding == naive.padding == 1
    dout = np.ones((2, 4, 3, 3))
    for a, b in zip(conv2d_backward(dout, naive), conv2d_backward_naive(dout, fast)):
        assert (a is None and b is None) or np.allclose(a, b)


@pytest.mark.parametrize("family, field, value, expected", [
    ("conv", 1, 3, r"w is an int 3 \(expected an array\)"),
    ("conv", 3, 1.5, r"stride is a float 1\.5 \(expected an int\)"),
    ("conv", 2, "b", r"b is a str 'b' \(expected an array or None\)"),
    ("maxpool", 0, [2, 3, 6, 6], r"x_shape is a list of 4 item\(s\) \(expected a tuple \(a shape\)\)"),
    ("maxpool", 1, "float64", r"dtype is a str 'float64' \(expected a numpy dtype\)"),
    ("avgpool", 2, True, r"size is a bool True \(expected an int\)"),
    ("pool_kernels", 0, 3, r"mode is an int 3 \(expected a str\)"),
    ("dense", 0, None, r"x is None \(expected an array\)"),
    ("batchnorm", 7, 1, r"training is an int 1 \(expected a bool\)"),
    ("batchnorm", 4, None, r"inv_std is None \(expected an array\)"),
])
def test_a_hand_built_tuple_names_the_field_that_does_not_fit(family, field, value, expected):
    _, (_, cache), backwards = FAMILIES[family]
    fields = list(cache)
    fields[field] = value
    for backward in backwards:
        with pytest.raises(ValueError, match=rf"{backward.__name__} needs {NEEDS[family]}, with fields .*; "
                                             rf"got a tuple whose {expected}"):
            backward(_dout(family), tuple(fields))


@pytest.mark.parametrize("backward", [tanh_backward, sigmoid_backward, relu_backward, dropout_backward])
def test_elementwise_caches_must_be_float_arrays(backward):
    with pytest.raises(ValueError, match=rf"{backward.__name__} needs the array .*got an array of shape \(2,\) "
                                         rf"and dtype int64"):
        backward(np.ones(2), np.array([1, 0]))


# --------------------------------------------------------------------------- the layers' own backward passes

@pytest.mark.parametrize("layer, out_shape", [(Flatten(), (2, 108)), (Reshape((12, 9)), (2, 12, 9))])
@pytest.mark.parametrize("bad", [(2, 107), (3, 108), (108,), (2, 3, 6, 6), ()], ids=str)
def test_flatten_and_reshape_name_a_wrongly_sized_gradient(layer, out_shape, bad):
    layer.forward(X)
    if bad == out_shape:
        return
    expected = rf"dout \(the gradient of {type(layer).__name__}'s output\) must have shape " \
               rf"{re.escape(str(out_shape))}, got shape {re.escape(str(bad))}"
    with pytest.raises(ValueError, match=expected):
        layer.backward(np.ones(bad))
    assert layer.backward(np.ones(out_shape)).shape == X.shape


@pytest.mark.parametrize("dlogits, expected", [
    (np.ones((3, 10)), r"dlogits \(one row of 10 per image of the last forward pass\) must have shape \(2, 10\), "
                       r"got shape \(3, 10\)"),
    (np.ones((2, 9)), r"must have shape \(2, 10\), got shape \(2, 9\)"),
    (np.ones(10), r"must have shape \(2, 10\), got shape \(10,\)"),
    (np.full((2, 10), np.nan), r"dlogits must contain only finite numbers"),
    (np.array([["a"] * 10] * 2), r"dlogits must be an array of real numbers"),
])
def test_the_seed_kernel_net_names_a_wrongly_sized_batch(dlogits, expected):
    net = FaithfulKernelNet(image_size=6)
    net.forward(np.zeros((2, 1, 6, 6)), training=True)
    with pytest.raises(ValueError, match=expected):
        net.backward(dlogits)


# --------------------------------------------------------------------------- every backward, found by itself

def _library_backwards():
    """Every public function named *_backward or *_backward_naive in cnnlib's modules (the exercises aside)."""
    found = {}
    for info in pkgutil.walk_packages(cnnlib.__path__, "cnnlib."):
        if ".exercises" in info.name or ".widgets" in info.name or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if re.search(r"_backward(_naive)?$", name) and not name.startswith("_") and fn.__module__ == info.name:
                found[f"{info.name}.{name}"] = fn
    return found


def test_every_backward_of_the_library_refuses_a_foreign_cache_by_name():
    backwards = _library_backwards()
    assert len(backwards) >= 14  # conv x2, four poolings, dense, tanh, sigmoid, relu, softmax, dropout, batchnorm x2
    foreign = FAMILIES["maxpool"][1][1], FAMILIES["dense"][1][1]  # no backward takes both
    for qualified, backward in backwards.items():
        for cache in foreign:
            try:
                backward(np.ones((2, 3)), cache)
            except ValueError as err:
                if backward.__name__ in str(err) and "got the cache of" in str(err):
                    break
            except Exception as err:  # noqa: BLE001 (the point: any other exception is the failure)
                pytest.fail(f"{qualified} given a foreign cache raised {type(err).__name__}: {err}; follow the "
                            f"convention of cnnlib.caches (a registered NamedTuple, check_cache first)")
        else:
            pytest.fail(f"{qualified} accepted or misnamed both a MaxPoolCache and a DenseCache")
