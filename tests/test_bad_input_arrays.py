"""Bad arrays for every array function: generated over dtypes, shapes and values.

Each public function is described once (its array arguments with a valid shape and layout);
the cases are generated from that description: every non-real dtype, every wrong number of
dimensions, every axis emptied, and NaN, +inf and -inf at the first, a middle and the last
position, in float32 and float64. Each case asserts the ValueError *and* the words of its
message: the argument's name, what it got, what was expected.
"""

import re

import numpy as np
import pytest

from cnnlib.activations import relu_forward, sigmoid_forward, softmax, tanh_forward
from cnnlib.conv import conv2d_forward, conv2d_forward_naive, image_sections
from cnnlib.correlation import convolve2d, correlate2d
from cnnlib.dense import dense_forward
from cnnlib.dropout import dropout_forward
from cnnlib.losses import binary_cross_entropy, mean_squared_error, one_hot, softmax_cross_entropy
from cnnlib.pool import avgpool2d_forward, global_avgpool_forward, maxpool2d_forward, pool_kernels_forward

RNG = np.random.default_rng(0)


def _call(fn, **fixed):
    return lambda **arrays: fn(**fixed, **arrays)


# name -> (function of keyword arrays, {argument: valid array}, arguments whose first axis may be 0,
#          arguments that are checked for NaN/inf)
SPECS = {
    "correlate2d": (correlate2d, {"image": RNG.random((6, 5)), "kernel": RNG.random((3, 2))}, (), ("image", "kernel")),
    "convolve2d": (convolve2d, {"image": RNG.random((6, 5)), "kernel": RNG.random((3, 2))}, (), ("image", "kernel")),
    "conv2d_forward": (conv2d_forward, {"x": RNG.random((2, 3, 6, 6)), "w": RNG.random((4, 3, 3, 3)),
                                        "b": RNG.random(4)}, ("x",), ("x", "w", "b")),
    "conv2d_forward_naive": (conv2d_forward_naive, {"x": RNG.random((2, 3, 5, 5)), "w": RNG.random((2, 3, 3, 3)),
                                                    "b": RNG.random(2)}, ("x",), ("x", "w", "b")),
    "maxpool2d_forward": (maxpool2d_forward, {"x": RNG.random((2, 3, 6, 6))}, ("x",), ("x",)),
    "avgpool2d_forward": (avgpool2d_forward, {"x": RNG.random((2, 3, 6, 6))}, ("x",), ("x",)),
    "global_avgpool_forward": (global_avgpool_forward, {"x": RNG.random((2, 3, 6, 6))}, ("x",), ("x",)),
    "pool_kernels_forward": (_call(pool_kernels_forward, mode="max"), {"maps": RNG.random((2, 3, 4, 4))},
                             ("maps",), ("maps",)),
    "dense_forward": (dense_forward, {"x": RNG.random((3, 5)), "w": RNG.random((5, 2)), "b": RNG.random(2)},
                      ("x",), ("x", "w", "b")),
    "softmax": (softmax, {"logits": RNG.random((3, 4))}, ("logits",), ("logits",)),
    "softmax_cross_entropy": (_call(softmax_cross_entropy, y=np.array([0, 1, 2])), {"logits": RNG.random((3, 4))},
                              (), ("logits",)),
    "mean_squared_error": (mean_squared_error, {"y_pred": RNG.random((3, 4)), "y_true": RNG.random((3, 4))},
                           (), ("y_pred", "y_true")),
    "binary_cross_entropy": (binary_cross_entropy, {"y_pred": RNG.random((3, 4)), "y_true": RNG.random((3, 4))},
                             (), ("y_pred", "y_true")),
    "tanh_forward": (tanh_forward, {"x": RNG.random((2, 3))}, (), ("x",)),
    "sigmoid_forward": (sigmoid_forward, {"x": RNG.random((2, 3))}, (), ("x",)),
    "relu_forward": (relu_forward, {"x": RNG.random((2, 3))}, (), ("x",)),
    "dropout_forward": (_call(dropout_forward, p=0.5, rng=np.random.default_rng(1)), {"x": RNG.random((2, 3))},
                        (), ("x",)),
}
# Elementwise functions take any shape: they have no wrong number of dimensions or empty axis.
ANY_SHAPE = {"tanh_forward", "sigmoid_forward", "relu_forward", "dropout_forward"}
# Pairs that must have the same shape: a wrong ndim of one gives the same-shape message.
SAME_SHAPE = {"mean_squared_error", "binary_cross_entropy"}

BAD_DTYPES = [np.complex64, np.complex128, np.dtype("<U3"), np.dtype(object), np.dtype("datetime64[s]")]


def _with(arrays, name, value):
    out = dict(arrays)
    out[name] = value
    return out


def dtype_cases():
    for fn_name, (fn, arrays, _, _) in SPECS.items():
        for name, a in arrays.items():
            for dtype in BAD_DTYPES:
                bad = np.zeros(a.shape, dtype=dtype) if dtype is not object else np.full(a.shape, None, dtype=object)
                expected = rf"{name} must be an array of real numbers \(bool, integer or float\), got dtype " \
                           + re.escape(str(bad.dtype))
                yield pytest.param(fn, _with(arrays, name, bad), expected, id=f"{fn_name}-{name}-{bad.dtype}")


def ndim_cases():
    for fn_name, (fn, arrays, _, _) in SPECS.items():
        if fn_name in ANY_SHAPE:
            continue
        for name, a in arrays.items():
            for ndim in range(0, 6):
                if ndim == a.ndim or (name == "logits" and fn_name == "softmax" and ndim >= 1):
                    continue  # softmax takes (..., C)
                shape = (a.shape + (2,) * ndim)[:ndim]
                bad = RNG.random(shape)
                if fn_name in SAME_SHAPE:
                    expected = r"y_pred and y_true must have the same shape, got "
                elif name == "b" and ndim == 3 and fn_name.startswith("conv2d"):
                    expected = r"a bias per output position must have shape \(K, H', W'\) = .*got shape " + \
                               re.escape(str(bad.shape))
                elif name == "b":
                    expected = rf"b must have shape \({a.shape[0]},\), one bias per \w+.*, got shape " + \
                               re.escape(str(bad.shape))
                elif ndim == 0 and fn_name == "softmax":
                    expected = r"logits must be an array \(\.\.\., C\) of class scores, got a scalar"
                else:
                    expected = rf"{name} must be a {a.ndim}-D array .*got shape " + re.escape(str(bad.shape)) + \
                               rf" \({ndim}-D\)"
                yield pytest.param(fn, _with(arrays, name, bad), expected, id=f"{fn_name}-{name}-{ndim}D")


def empty_cases():
    for fn_name, (fn, arrays, n_may_be_empty, _) in SPECS.items():
        if fn_name in ANY_SHAPE:
            continue
        for name, a in arrays.items():
            if name == "b":
                continue  # an empty bias is a wrong length, tested above
            for axis in range(a.ndim):
                if axis == 0 and name in n_may_be_empty:
                    continue
                if fn_name == "softmax" and axis == 0:
                    continue  # (0, C): no rows is an empty answer, not a wrong one
                shape = list(a.shape)
                shape[axis] = 0
                others = {k: (np.zeros(shape) if fn_name in SAME_SHAPE else v) for k, v in arrays.items()}
                expected = rf"{name} is empty: shape {re.escape(str(tuple(shape)))} has length 0 on axis {axis}"
                if fn_name in SAME_SHAPE:
                    expected = rf"y_pred is empty: shape {re.escape(str(tuple(shape)))}"
                yield pytest.param(fn, _with(others, name, np.zeros(shape)), expected,
                                   id=f"{fn_name}-{name}-axis{axis}")


def nonfinite_cases():
    for fn_name, (fn, arrays, _, checked) in SPECS.items():
        for name in checked:
            a = arrays[name]
            for dtype in (np.float32, np.float64):
                for bad in (np.nan, np.inf, -np.inf):
                    for where in ("first", "middle", "last"):
                        x = a.astype(dtype)
                        flat = x.reshape(-1)
                        flat[{"first": 0, "middle": flat.size // 2, "last": -1}[where]] = bad
                        expected = rf"{name} must contain only finite numbers, got 1 NaN/inf value\(s\) " \
                                   rf"in an array of shape {re.escape(str(a.shape))}"
                        yield pytest.param(fn, _with(arrays, name, x), expected,
                                           id=f"{fn_name}-{name}-{np.dtype(dtype)}-{bad}-{where}")


@pytest.mark.parametrize("fn, arrays, expected", list(dtype_cases()))
def test_non_real_dtypes_are_refused(fn, arrays, expected):
    with pytest.raises(ValueError, match=expected):
        fn(**arrays)


@pytest.mark.parametrize("fn, arrays, expected", list(ndim_cases()))
def test_wrong_number_of_dimensions_is_refused(fn, arrays, expected):
    with pytest.raises(ValueError, match=expected):
        fn(**arrays)


@pytest.mark.parametrize("fn, arrays, expected", list(empty_cases()))
def test_empty_axes_are_refused(fn, arrays, expected):
    with pytest.raises(ValueError, match=expected):
        fn(**arrays)


@pytest.mark.parametrize("fn, arrays, expected", list(nonfinite_cases()))
def test_nan_and_inf_are_refused(fn, arrays, expected):
    with pytest.raises(ValueError, match=expected):
        fn(**arrays)


@pytest.mark.parametrize("fn_name", sorted(SPECS))
def test_the_valid_arrays_of_each_table_entry_are_accepted(fn_name):
    fn, arrays, _, _ = SPECS[fn_name]
    fn(**arrays)  # the table's valid input works: every failure above is caused by the one change


@pytest.mark.parametrize("fn_name", ["conv2d_forward", "maxpool2d_forward", "dense_forward"])
def test_an_empty_batch_gives_an_empty_answer(fn_name):
    fn, arrays, n_may_be_empty, _ = SPECS[fn_name]
    arrays = {k: (v[:0] if k in n_may_be_empty else v) for k, v in arrays.items()}
    out, _ = fn(**arrays)
    assert out.shape[0] == 0


def test_ragged_lists_name_the_argument():
    with pytest.raises(ValueError, match=r"image must be an array \(equal-length rows\), got a list"):
        correlate2d([[1, 2], [3]], [[1]])
    with pytest.raises(ValueError, match=r"x must be an array \(equal-length rows\), got a list"):
        image_sections([[[[1, 2], [3]]]], 1)


# ------------------------------------------------------------- bool and integer inputs compute in float64

@pytest.mark.parametrize("fn", [correlate2d, convolve2d])
@pytest.mark.parametrize("dtype", [bool, np.uint8, np.int8, np.int16, np.int32, np.int64, np.uint16])
@pytest.mark.parametrize("mode", ["valid", "full", "same"])
def test_bool_and_integer_arrays_are_computed_in_float64(fn, dtype, mode):
    image = (np.arange(30).reshape(5, 6) % 7 * 37 % 256).astype(dtype)
    kernel = np.array([[3, 1], [200, 2], [1, 1]]).astype(dtype)
    out = fn(image, kernel, mode)
    expected = fn(image.astype(np.float64), kernel.astype(np.float64), mode)
    assert out.dtype == np.float64
    assert np.array_equal(out, expected)  # no wrap-around, no bool saturation


def test_a_box_of_true_sums_to_nine():
    assert correlate2d(np.ones((3, 3), bool), np.ones((3, 3), bool)).tolist() == [[9.0]]


@pytest.mark.parametrize("training", ["no", None, 2])
def test_dropout_training_must_be_true_or_false(training):
    with pytest.raises(ValueError, match=rf"training must be one of True, False, got {re.escape(repr(training))}"):
        dropout_forward(np.ones(3), 0.5, np.random.default_rng(0), training=training)


@pytest.mark.parametrize("dtype", ["banana", "float6"])
def test_one_hot_dtype_must_be_a_dtype(dtype):
    with pytest.raises(ValueError, match=rf"dtype must be a number dtype .*, got '{dtype}', which is not a numpy"):
        one_hot(np.array([0, 1]), 2, dtype=dtype)
