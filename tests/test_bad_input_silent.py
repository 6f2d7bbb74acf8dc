"""Silent answers are refused: every argument that used to be taken and turned into a wrong result.

Generated per class: dtypes that cannot hold the answer (text, objects, complex; integers where
pixels must be fractions), networks with nothing to train (every trainer x every parameterless
network), stratified splits that would leave a class out of a part (class sizes x fractions, and
the rule checked on every split that is allowed), and fractional or boolean numbers where a whole
or a real number is meant (each argument x each such value). Each case asserts the ValueError and
the words of its message.
"""

import re

import numpy as np
import pytest

from cnnlib.augment import unfilled_region
from cnnlib.conv import conv2d_backward, conv2d_backward_naive, conv2d_forward
from cnnlib.data import prepare_images, to_float
from cnnlib.dropout import dropout_forward
from cnnlib.early_stopping import fit_early_stopping
from cnnlib.handwriting import area_resample_matrix, center_of_mass
from cnnlib.layers import BatchNorm2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, Tanh
from cnnlib.losses import one_hot
from cnnlib.lr_finder import find_lr
from cnnlib.metrics import misclassified
from cnnlib.nets.deep_net import build_deep_net
from cnnlib.nets.fair_dense_net import build_fair_dense_net
from cnnlib.nets.gap_net import build_gap_net
from cnnlib.nets.lenet import build_lenet
from cnnlib.nets.recipe import train_with_recipe
from cnnlib.optimizers import SGD, Adam, Momentum
from cnnlib.plotting import plot_misclassified
from cnnlib.receptive_field import input_gradient, receptive_field_map
from cnnlib.schedules import StepDecay
from cnnlib.sequential import Sequential
from cnnlib.splits import stratified_split
from cnnlib.train import fit


def _r(v):
    return re.escape(repr(v))


# --------------------------------------------------------------------------- dtypes that cannot hold the answer

NOT_NUMBER_DTYPES = [str, "U3", object, bytes, np.complex128, "banana", 2.5]
IMAGES_U8 = np.full((2, 4, 4), 200, np.uint8)
IMAGES_F = np.full((2, 1, 4, 4), 0.75, np.float32)
FLOATS = r"dtype must be a float dtype such as numpy.float32 or numpy.float64"


def dtype_cases():
    calls = [("one_hot", lambda d: one_hot([0, 2], 3, dtype=d), NOT_NUMBER_DTYPES,
              r"dtype must be a number dtype \(bool, integer or float\) such as numpy.float64"),
             ("prepare_images(floats)", lambda d: prepare_images(IMAGES_F, dtype=d),
              NOT_NUMBER_DTYPES + [int, np.uint8, bool], "prepare_images' " + FLOATS),
             ("prepare_images(uint8)", lambda d: prepare_images(IMAGES_U8, dtype=d),
              NOT_NUMBER_DTYPES + [int, np.int16, bool], "prepare_images' " + FLOATS),
             ("to_float", lambda d: to_float(IMAGES_U8, dtype=d), NOT_NUMBER_DTYPES + [np.int64, bool],
              "to_float's " + FLOATS)]
    for name, call, values, expected in calls:
        for v in values:
            yield pytest.param(call, v, rf"{expected}.*, got {_r(v)}", id=f"{name}-{v!r}")


@pytest.mark.parametrize("call, dtype, expected", list(dtype_cases()))
def test_dtypes_that_cannot_hold_the_answer_are_refused(call, dtype, expected):
    with pytest.raises(ValueError, match=expected):
        call(dtype)


def test_integer_one_hot_rows_and_float_images_still_work():
    assert one_hot([0, 2], 3, dtype=np.int8).tolist() == [[1, 0, 0], [0, 0, 1]]
    assert one_hot([1], 2, dtype=bool).tolist() == [[False, True]]
    assert prepare_images(IMAGES_F, dtype=np.float64).dtype == np.float64
    assert prepare_images(IMAGES_U8, dtype=np.float64).max() == 200 / 255


# --------------------------------------------------------------------------- networks with nothing to train

X = np.random.default_rng(0).random((4, 1, 6, 6))
Y = np.array([0, 1, 0, 1])
PARAMETERLESS = {"empty": lambda: Sequential([]), "flatten": lambda: Sequential([Flatten()]),
                 "pool-relu-flatten": lambda: Sequential([MaxPool2D(2), ReLU(), Tanh(), Flatten()]),
                 "dropout": lambda: Sequential([Flatten(), Dropout(0.5)])}


def _step(optimizer):
    def call(net):
        net.forward(X, training=True)
        net.backward(np.ones_like(net.forward(X, training=True)))
        optimizer.step(net)
    return call


TRAINERS = {"SGD.step": _step(SGD(0.1)), "Momentum.step": _step(Momentum(0.1)), "Adam.step": _step(Adam()),
            "fit": lambda net: fit(net, X, Y, num_epochs=1, progress=None),
            "fit_early_stopping": lambda net: fit_early_stopping(net, X, Y, X, Y, max_epochs=1, progress=None),
            "train_with_recipe": lambda net: train_with_recipe(net, X, Y, X, Y, lr=0.1, rng=0, max_epochs=1),
            "fit with a schedule": lambda net: fit(net, X, Y, optimizer=SGD(0.1), schedule=StepDecay(0.1, 2),
                                                   progress=None),
            "find_lr": lambda net: find_lr(net, X, Y, num_steps=5, batch_size=2)}


@pytest.mark.parametrize("net_name", sorted(PARAMETERLESS))
@pytest.mark.parametrize("trainer", sorted(TRAINERS))
def test_a_network_with_nothing_to_train_is_refused(trainer, net_name):
    who = trainer if trainer.endswith(".step") or trainer == "find_lr" else "fit"  # the others train with fit
    with pytest.raises(ValueError, match=rf"{re.escape(who)} needs a network with parameters to train, got "
                                         rf"Sequential with none \(named_parameters\(\) is empty"):
        TRAINERS[trainer](PARAMETERLESS[net_name]())


@pytest.mark.parametrize("optimizer", [Momentum(0.1), Adam()], ids=repr)
def test_a_refused_step_does_not_count(optimizer):
    with pytest.raises(ValueError):
        optimizer.step(Sequential([Flatten()]))
    assert optimizer.t == 0


def test_a_network_with_parameters_still_trains():
    net = Sequential([Conv2D(1, 2, 3, rng=0), Flatten(), ], input_shape=(1, 6, 6))
    assert len(fit(net, X, Y, num_epochs=1, progress=None, loss="mean_squared_error", num_classes=32)) == 1


# --------------------------------------------------------------------------- classes left out of a split

def split_cases():
    for sizes in [(1, 10), (10, 1), (5, 5, 1), (2, 9), (3, 7)]:
        for fraction in (0.1, 0.2, 0.5, 0.9):
            y = np.repeat(np.arange(len(sizes)), sizes)
            bad = [(c, n) for c, n in enumerate(sizes) if not 0 < round(fraction * n) < n]
            yield pytest.param(y, fraction, bad, id=f"{sizes}-{fraction}")


@pytest.mark.parametrize("y, fraction, bad", list(split_cases()))
def test_every_class_lands_in_both_parts_or_the_split_is_refused(y, fraction, bad):
    if bad:
        c, n = bad[0]
        with pytest.raises(ValueError, match=rf"class {c} has {n} sample\(s\): val_fraction={fraction:g} puts "
                                             rf"{round(fraction * n)} in validation and {n - round(fraction * n)} in "
                                             r"training; a stratified split needs every class in both parts"):
            stratified_split(y, fraction)
        return
    train_idx, val_idx = stratified_split(y, fraction)
    assert set(y[train_idx]) == set(y[val_idx]) == set(y)


# --------------------------------------------------------------------------- fractional and boolean numbers

LAYERS = [Conv2D(1, 2, 3, rng=0), ReLU(), MaxPool2D(2)]
FRACTIONAL = [1.5, 2.0, np.float64(1.0), True, "1"]


def fractional_cases():
    table = [
        ("receptive_field_map unit row", lambda v: receptive_field_map(LAYERS, (1, 8, 8), (0, v, 1)),
         lambda v: rf"unit's row must be an int in 0\.\.2 \(the output maps are \(2, 3, 3\)\), got {_r(v)}"),
        ("input_gradient unit channel", lambda v: input_gradient(LAYERS, np.ones((1, 1, 8, 8)), (v, 1, 1)),
         lambda v: rf"unit's channel must be an int in 0\.\.1 .*, got {_r(v)}"),
        ("receptive_field_map input_shape", lambda v: receptive_field_map(LAYERS, (1, v, 8), (0, 1, 1)),
         lambda v: rf"every size in input_shape .* must be a positive integer, got {_r(v)}"),
        ("unfilled_region dy", lambda v: unfilled_region((5, 5), v, 0),
         lambda v: rf"dy must be an int \(a shift by whole pixels\), got {_r(v)}"),
        ("unfilled_region dx", lambda v: unfilled_region((5, 5), 0, v),
         lambda v: rf"dx must be an int \(a shift by whole pixels\), got {_r(v)}"),
        ("unfilled_region shape", lambda v: unfilled_region((5, v), 0, 0),
         lambda v: r"shape must be a map's shape \(\.\.\., H, W\) of ints, e.g. maps.shape, got"),
        ("build_lenet channels", lambda v: build_lenet(channels=(8, v)),
         lambda v: rf"every size in channels .* must be a positive integer, got {_r(v)}"),
        ("build_gap_net channels", lambda v: build_gap_net(channels=(v, 16, 32)),
         lambda v: rf"every size in channels .* must be a positive integer, got {_r(v)}"),
        ("build_lenet kernel_size", lambda v: build_lenet(kernel_size=v),
         lambda v: rf"kernel_size must be a positive integer, got {_r(v)}"),
        ("area_resample_matrix n_in", lambda v: area_resample_matrix(v, 2.0),
         lambda v: rf"n_in must be a positive integer, got {_r(v)}"),
        ("plot_misclassified cols", lambda v: plot_misclassified(np.ones((2, 4, 4)), [1, 2], [2, 1], cols=v),
         lambda v: rf"cols must be a positive integer, got {_r(v)}"),
    ]
    for name, call, expected in table:
        for v in FRACTIONAL:
            yield pytest.param(call, v, expected, id=f"{name}={v!r}")


@pytest.mark.parametrize("call, value, expected", list(fractional_cases()))
def test_fractions_and_bools_are_not_truncated_into_indices_or_sizes(call, value, expected):
    with pytest.raises(ValueError, match=expected(value)):
        call(value)


REALS_NOT_BOOLS = [("Momentum lr", lambda v: Momentum(v), r"learning rate lr must be a finite number > 0"),
                   ("Momentum momentum", lambda v: Momentum(0.1, v), r"momentum must be a finite number in \[0, 1\)"),
                   ("Adam eps", lambda v: Adam(eps=v), r"eps must be a finite number > 0"),
                   ("Adam beta1", lambda v: Adam(beta1=v), r"beta1 must be a finite number in \[0, 1\)"),
                   ("build_lenet dropout", lambda v: build_lenet(dropout=v), r"dropout must be a finite number in "
                                                                             r"\[0, 1\)"),
                   ("build_gap_net dropout", lambda v: build_gap_net(dropout=v),
                    r"dropout must be a finite number in \[0, 1\)"),
                   ("build_fair_dense_net dropout", lambda v: build_fair_dense_net(dropout=v),
                    r"dropout must be a finite number in \[0, 1\)"),
                   ("area_resample_matrix scale", lambda v: area_resample_matrix(10, v),
                    r"scale must be a finite number > 0")]


@pytest.mark.parametrize("value", [True, None, [], (), "0.5", np.nan], ids=repr)
@pytest.mark.parametrize("name, call, expected", REALS_NOT_BOOLS, ids=[t[0] for t in REALS_NOT_BOOLS])
def test_bools_none_and_empty_lists_are_not_numbers(name, call, value, expected):
    with pytest.raises(ValueError, match=rf"{expected}, got {_r(value)}"):
        call(value)


# --------------------------------------------------------------------------- text where a flag is meant

_CONV_OUT, _CONV_CACHE = conv2d_forward(X, np.ones((2, 1, 3, 3)), None)
FLAGS = [("Sequential.forward training", lambda v: Sequential([Flatten()]).forward(X, training=v), "training"),
         ("BatchNorm2D.forward training", lambda v: BatchNorm2D(1).forward(X, training=v), "training"),
         ("dropout_forward training", lambda v: dropout_forward(X, 0.5, 0, training=v), "training"),
         ("build_deep_net batch_norm", lambda v: build_deep_net(batch_norm=v), "batch_norm"),
         ("Conv2D input_grad", lambda v: Conv2D(1, 2, 3, input_grad=v), "input_grad"),
         ("conv2d_backward need_dx", lambda v: conv2d_backward(np.ones_like(_CONV_OUT), _CONV_CACHE, need_dx=v),
          "need_dx"),
         ("conv2d_backward_naive need_dx",
          lambda v: conv2d_backward_naive(np.ones_like(_CONV_OUT), _CONV_CACHE, need_dx=v), "need_dx"),
         ("Dense bias", lambda v: Dense(3, 2, bias=v), "bias"),
         ("fit shuffle", lambda v: fit(Sequential([Flatten(), Dense(36, 2)]), X, Y, shuffle=v, progress=None),
          "shuffle")]


@pytest.mark.parametrize("value", ["no", "False", None, 2, 0.5, [True]], ids=repr)
@pytest.mark.parametrize("name, call, argument", FLAGS, ids=[t[0] for t in FLAGS])
def test_text_and_other_numbers_are_not_flags(name, call, argument, value):
    """'no' is true to Python: training='no' would train, batch_norm='no' would insert batch norm."""
    with pytest.raises(ValueError, match=rf"{argument} must be one of True, False, got {_r(value)}"):
        call(value)


# --------------------------------------------------------------------------- other answers made of nothing

def test_an_image_without_ink_has_no_centre_of_mass():
    with pytest.raises(ValueError, match=r"image of shape \(5, 4\) has no ink \(all zero\): it has no centre of mass"):
        center_of_mass(np.zeros((5, 4)))


@pytest.mark.parametrize("y_true, y_pred, expected", [
    (np.array(["a", "b"]), [0, 1], r"y_true must hold integer labels, got dtype <U1"),
    ([0, 1], [0.0, 1.0], r"y_pred must hold integer labels, got dtype float64"),
    ([[0, 1]], [[0, 1]], r"y_true must be a 1-D array \(N,\) of integer labels, got shape \(1, 2\)"),
])
def test_misclassified_compares_integer_labels_only(y_true, y_pred, expected):
    with pytest.raises(ValueError, match=expected):
        misclassified(y_true, y_pred)
