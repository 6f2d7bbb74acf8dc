"""Obscure errors become clear ones: a ValueError that names the argument, what it got and what was expected.

Generated per argument from lists of wrong values (None, text, numbers, arrays, the wrong kind of
object) for the calls that raised AttributeError, TypeError, IndexError or numpy's own messages:
prediction, the optimisers and their step, the split, the receptive-field functions (which now
also take a Sequential), the LeNet-style builders, the training curves, weights files named .npy,
choices given an array, labels that numpy cannot read.
"""

import re

import numpy as np
import pytest

from cnnlib.correlation import correlate2d
from cnnlib.data import load_mnist, prepare_images
from cnnlib.dropout import dropout_forward
from cnnlib.evaluate import predict
from cnnlib.handwriting import center_by_mass
from cnnlib.layers import AvgPool2D, Conv2D, Dense, Flatten, MaxPool2D, ReLU
from cnnlib.losses import softmax_cross_entropy
from cnnlib.lr_finder import find_lr
from cnnlib.metrics import per_class_accuracy
from cnnlib.nets.gap_net import build_gap_net
from cnnlib.nets.lenet import build_lenet
from cnnlib.nets.recipe import recipe_split
from cnnlib.optimizers import SGD, Adam, Momentum
from cnnlib.plotting import plot_confusion_matrix, plot_digits, plot_training_curves
from cnnlib.pool import pool_kernels_forward
from cnnlib.receptive_field import input_gradient, receptive_field_map, receptive_field_sizes
from cnnlib.schedules import CosineDecay, ExponentialRange, OneCycle, StepDecay, values
from cnnlib.sequential import Sequential
from cnnlib.splits import stratified_split
from cnnlib.train import fit
from cnnlib.weights_file import load_weights, save_weights


def _r(v):
    return re.escape(repr(v))


NET = Sequential([Conv2D(1, 2, 3, rng=0), ReLU(), MaxPool2D(2), Flatten(), Dense(8, 3, rng=0)])
X = np.zeros((2, 1, 6, 6))
NOT_NUMBERS = [None, "0.1", [0.1], (), object(), np.zeros(2), 1j]


def _cases(table):
    for name, call, given, expected in table:
        for v in given:
            yield pytest.param(call, v, expected(v) if callable(expected) else expected, id=f"{name}={v!r:.30}")


TABLE = [
    ("predict x", lambda v: predict(NET, v), [3.0, None, "abc", [1, 2]],
     lambda v: r"x must be a batch \(N, \.\.\.\), got (a scalar|shape \(2,\))"),
    ("predict x dtype", lambda v: predict(NET, np.full((2, 1, 6, 6), v)), ["a", 1j],
     r"x must hold real numbers \(bool, integer or float\), got dtype"),
    ("predict net", lambda v: predict(v, X), [None, "net", 3.0, [NET]],
     r"net must be a network with forward \(e.g. a Sequential\), got \w+ without forward"),
    ("SGD lr", lambda v: SGD(v), NOT_NUMBERS, lambda v: rf"learning rate lr must be a finite number > 0, got {_r(v)}"),
    ("Momentum lr", lambda v: Momentum(v), NOT_NUMBERS,
     lambda v: rf"learning rate lr must be a finite number > 0, got {_r(v)}"),
    ("Momentum momentum", lambda v: Momentum(0.1, v), NOT_NUMBERS,
     lambda v: rf"momentum must be a finite number in \[0, 1\), got {_r(v)}"),
    ("Adam lr", lambda v: Adam(v), NOT_NUMBERS,
     lambda v: rf"learning rate lr must be a finite number > 0, got {_r(v)}"),
    ("Adam beta2", lambda v: Adam(beta2=v), NOT_NUMBERS,
     lambda v: rf"beta2 must be a finite number in \[0, 1\), got {_r(v)}"),
    ("Adam eps", lambda v: Adam(eps=v), NOT_NUMBERS, lambda v: rf"eps must be a finite number > 0, got {_r(v)}"),
    ("stratified_split val_fraction", lambda v: stratified_split(np.arange(20) % 2, v), NOT_NUMBERS + [0, 1, 1.5],
     lambda v: rf"val_fraction must be a finite number in \(0, 1\), got {_r(v)}"),
    ("stratified_split y", lambda v: stratified_split(v), [[], np.zeros(0, int)],
     r"y is empty: expected \(N,\) integer labels with N >= 2 to split"),
    ("stratified_split y kind", lambda v: stratified_split(v), [np.zeros(4), ["a", "b"], [[0, 1], [1, 0]]],
     r"y must (hold integer labels|be a 1-D array)"),
    ("receptive_field_sizes layers", lambda v: receptive_field_sizes(v), [None, 3, "conv", X],
     r"layers must be a list of layers \(e.g. net.layers\[:4\]\) or a Sequential, got"),
    ("receptive_field_sizes a whole net", lambda v: receptive_field_sizes(v), [NET, build_lenet()],
     r"layer \d is Flatten; receptive fields .*: pass the layers before it, e.g. net.layers\[:\d\]"),
    ("receptive_field_map unit", lambda v: receptive_field_map(NET.layers[:3], (1, 8, 8), v),
     [None, 3, (0, 1), (0, 1, 1, 1), "011"],
     lambda v: rf"unit must be \(channel, row, column\) inside the output maps \(2, 3, 3\), got {_r(v)}"),
    ("receptive_field_map unit range", lambda v: receptive_field_map(NET.layers[:3], (1, 8, 8), v),
     [(2, 0, 0), (0, 3, 0), (0, 0, -1)], r"unit's (channel|row|column) must be an int in 0\.\.\d"),
    ("receptive_field_map input_shape", lambda v: receptive_field_map(NET.layers[:3], v, (0, 1, 1)),
     [None, 8, (8, 8), (1, 8, 8, 8)], r"input_shape must be (a tuple of positive ints such as|3 positive ints)"),
    ("input_gradient x", lambda v: input_gradient(NET.layers[:3], v, (0, 1, 1)), [object(), "x", None],
     r"x must be an array of real numbers"),
    ("build_lenet channels", lambda v: build_lenet(channels=v), [(8,), (8, 16, 32), None, 8, "816"],
     lambda v: r"channels must be (2 positive ints|a tuple of positive ints)"),
    ("build_gap_net channels", lambda v: build_gap_net(channels=v), [(8, 16), None, 8],
     lambda v: r"channels must be (3 positive ints|a tuple of positive ints)"),
    ("build_lenet image_size", lambda v: build_lenet(image_size=v), [None, "28", 28.0],
     lambda v: rf"image_size must be a positive integer, got {_r(v)}"),
    ("plot_training_curves list", lambda v: plot_training_curves(v), [[1.0, 0.5], [0.9, {"epoch": 1, "loss": 1}]],
     r"history as a list must hold records \(dicts with 'epoch' and 'loss'.*got a list holding float"),
    ("plot_confusion_matrix class_names", lambda v: plot_confusion_matrix(np.eye(3, dtype=int), class_names=v),
     [3.0, "abc", np.zeros((3, 1))], r"class_names must be a list of 3 entries, one per row of cm, got"),
    ("plot_digits titles", lambda v: plot_digits(np.ones((2, 4, 4)), titles=v), [3.0, "ab", {"a": 1}],
     r"titles must be a list of 2 entries, one per image, got"),
    ("per_class_accuracy cm", lambda v: per_class_accuracy(v), [[[1, 2], [3]], (np.eye(2), np.eye(3))],
     r"cm must be an array \(equal-length rows\)"),
    ("recipe_split x", lambda v: recipe_split(v, np.repeat(np.arange(2), 5)), [None, "x", np.zeros((9, 1))],
     r"x (must be a batch|and y must hold the same number of samples)"),
    ("choice given an array", lambda v: v(np.array(["max", "sum"]))[0],
     [lambda a: pool_kernels_forward(X, a), lambda a: correlate2d(np.ones((3, 3)), np.ones((2, 2)), a),
      lambda a: load_mnist(source=a), lambda a: dropout_forward(X, 0.5, None, training=a)],
     r"(mode|source|training) must be one of .*, got array\("),
    ("labels numpy cannot read", lambda v: softmax_cross_entropy(np.zeros((2, 3)), v), [[0, [1]], ([0], 1)],
     r"labels y must be an array \(equal-length rows\)"),
    ("prepare_images x", lambda v: prepare_images(v), [[[1, 2], [3]], [np.zeros((2, 2)), np.zeros(3)]],
     r"images x must be an array \(equal-length rows\)"),
    ("StepDecay lr", lambda v: StepDecay(v, 5), NOT_NUMBERS, lambda v: rf"lr must be a finite number > 0, got {_r(v)}"),
    ("CosineDecay lr", lambda v: CosineDecay(v, 5), NOT_NUMBERS,
     lambda v: rf"lr must be a finite number > 0, got {_r(v)}"),
    ("OneCycle max_lr", lambda v: OneCycle(v, 5), NOT_NUMBERS,
     lambda v: rf"max_lr must be a finite number > 0, got {_r(v)}"),
    ("ExponentialRange start", lambda v: ExponentialRange(v, 1.0, 5), NOT_NUMBERS,
     lambda v: rf"start must be a finite number > 0, got {_r(v)}"),
    ("find_lr start_lr", lambda v: find_lr(NET, X, [0, 1], start_lr=v), NOT_NUMBERS,
     lambda v: rf"start_lr must be a finite number > 0, got {_r(v)}"),
    ("find_lr start_lr above end_lr", lambda v: find_lr(NET, X, [0, 1], start_lr=v), [20.0, 10],
     lambda v: rf"end_lr must be a finite number > {v:g}(\.0)?, got 10(\.0)?"),
    ("find_lr end_lr", lambda v: find_lr(NET, X, [0, 1], end_lr=v), NOT_NUMBERS + [1e-5],
     lambda v: rf"end_lr must be a finite number > 0\.0001, got {_r(v)}"),
    ("fit schedule", lambda v: fit(NET, X, [0, 1], optimizer=SGD(0.1), schedule=v, progress=None),
     ["cosine", 0.1, StepDecay], r"schedule must be a callable taking the step number and returning a learning rate"),
    ("center_by_mass small", lambda v: center_by_mass(v), [np.ones((2, 5, 5)), np.full((5, 5), -1.0), "x"],
     r"small must (be a 2-D array|be non-negative|be an array of real numbers)"),
    ("values schedule", lambda v: values(v, 3), ["cosine", 0.1, None],
     r"schedule must be a callable taking the step number and returning a learning rate"),
    ("values of a schedule's non-rates", lambda v: values(lambda step: v, 3), ["a", None, -1.0, np.nan, [0.1]],
     lambda v: rf"the schedule's learning rate at step 0 must be a finite number > 0, got {_r(v)}"),
]


@pytest.mark.parametrize("call, value, expected", list(_cases(TABLE)))
def test_obscure_errors_are_now_clear(call, value, expected):
    with pytest.raises(ValueError, match=expected):
        call(value)


@pytest.mark.parametrize("optimizer", [SGD(0.1), Momentum(0.1), Adam()], ids=repr)
@pytest.mark.parametrize("net", ["net", None, 3.0, [NET], Flatten()], ids=repr)
def test_every_optimizer_checks_what_it_steps(optimizer, net):
    name = type(optimizer).__name__
    with pytest.raises(ValueError, match=rf"{name}.step needs a network with named_parameters\(\) and "
                                         rf"named_gradients\(\) \(e.g. a Sequential\), got {type(net).__name__}"):
        optimizer.step(net)


def test_receptive_fields_take_a_sequential_as_its_layers():
    convs = Sequential([Conv2D(1, 2, 3, rng=0), ReLU(), MaxPool2D(2), Conv2D(2, 3, 3, stride=2, rng=1), AvgPool2D(2)])
    assert receptive_field_sizes(convs) == receptive_field_sizes(convs.layers) == \
        [(3, 1), (3, 1), (4, 2), (8, 4), (12, 8)]
    np.testing.assert_array_equal(receptive_field_map(convs, (1, 28, 28), (0, 1, 1)),
                                  receptive_field_map(convs.layers, (1, 28, 28), (0, 1, 1)))
    x = np.random.default_rng(0).random((1, 1, 28, 28))
    np.testing.assert_array_equal(input_gradient(convs, x, (2, 0, 1)), input_gradient(convs.layers, x, (2, 0, 1)))


@pytest.mark.parametrize("name", ["arr.npy", "weights/arr.npy"])
def test_a_npy_name_is_not_a_weights_file(tmp_path, name):
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    np.save(path, np.zeros(3))
    expected = rf"path '{re.escape(str(path))}' names a \.npy file, which holds one array \(numpy\.save\), not a " \
               rf"network's weights; save_weights and load_weights use \.npz files: pass '{re.escape(str(path)[:-4])}'"
    for call in (load_weights, save_weights):
        with pytest.raises(ValueError, match=expected):
            call(NET, str(path))
    assert sorted(p.name for p in path.parent.iterdir()) == ["arr.npy"]  # nothing written beside it


def test_a_file_without_npz_is_named_instead_of_the_missing_npz(tmp_path):
    other = tmp_path / "weights.pt"
    other.write_bytes(b"not ours")
    with pytest.raises(ValueError, match=rf"cannot load weights from {re.escape(str(other))}: it is not a \.npz "
                                         rf"file, and {re.escape(str(other))}\.npz \(the name save_weights would have "
                                         rf"written\) does not exist"):
        load_weights(NET, other)
