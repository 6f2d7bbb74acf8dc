"""Bad settings (types and values of parameters) for constructors, SGD, fit, evaluate and the seeds.

Generated per parameter from lists of wrong values (wrong types, bools, NaN, inf, out of range,
too large seeds, integer and complex dtypes); each case asserts the ValueError and the message's
words. Everything is checked before training starts: the tests prove it with a network whose
forward pass would fail loudly if it were ever called.
"""

import re

import numpy as np
import pytest

from cnnlib._checks import as_generator
from cnnlib.evaluate import evaluate, evaluate_loss, predict
from cnnlib.layers import AvgPool2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D, Reshape, glorot_uniform
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.train import TestSplit, fit

NOT_INTS = [1.5, "3", None, True, np.float64(2.0), [3], 2 + 0j]
NOT_NUMBERS = ["0.1", None, True, [0.1], 1j, np.nan, np.inf, -np.inf]
BAD_DTYPES = [np.int32, np.int64, np.uint8, bool, np.complex128, np.float16, "banana", object]
BAD_SEEDS = [-1, 2**32, 2**40, -(2**63), 1.0, "0", True]


def _cases(table):
    for name, build, values, expected in table:
        for v in values:
            yield pytest.param(build, v, expected(v) if callable(expected) else expected, id=f"{name}={v!r}")


def _msg(name, what):
    return lambda v: rf"{name} must be {what}, got {re.escape(repr(v))}"


CONSTRUCTOR_TABLE = [
    ("Conv2D.in_channels", lambda v: Conv2D(v, 2, 3), NOT_INTS + [0, -1], _msg("in_channels", "a positive integer")),
    ("Conv2D.out_channels", lambda v: Conv2D(1, v, 3), NOT_INTS + [0, -2], _msg("out_channels", "a positive integer")),
    ("Conv2D.stride", lambda v: Conv2D(1, 2, 3, stride=v), NOT_INTS + [0, -1], _msg("stride", "a positive integer")),
    ("Conv2D.padding", lambda v: Conv2D(1, 2, 3, padding=v), NOT_INTS + [-1],
     _msg("padding", "a non-negative integer")),
    ("Conv2D.kernel_size", lambda v: Conv2D(1, 2, v), [(3,), (3, 3, 3), "3", None, 1.5],
     _msg("kernel_size", r"an int or a pair \(KH, KW\)")),
    ("Conv2D.kernel_height", lambda v: Conv2D(1, 2, (v, 3)), [0, -1, 1.5, True],
     _msg("kernel height", "a positive integer")),
    ("Conv2D.bias", lambda v: Conv2D(1, 2, 3, bias=v), ["none", "per-kernel", 1.5],
     lambda v: rf"bias must be one of 'kernel', 'position', None, got {re.escape(repr(v))}"),
    ("Conv2D.input_shape", lambda v: Conv2D(1, 2, 3, input_shape=v), [5, "1x28x28", ()],
     lambda v: rf"input_shape must be a tuple of positive ints such as \(C, H, W\), got {re.escape(repr(v))}"),
    ("Conv2D.input_shape sizes", lambda v: Conv2D(1, 2, 3, input_shape=(1, v, 8)), [0, -3, 2.5],
     lambda v: rf"every size in input_shape .* must be a positive integer, got {re.escape(repr(v))}"),
    ("Dense.in_features", lambda v: Dense(v, 2), NOT_INTS + [0], _msg("in_features", "a positive integer")),
    ("Dense.out_features", lambda v: Dense(2, v), NOT_INTS + [0], _msg("out_features", "a positive integer")),
    ("Dense.bias", lambda v: Dense(2, 3, bias=v), ["no", None, 2, "True"],
     lambda v: rf"bias must be one of True, False, got {re.escape(repr(v))}"),
    ("Dropout.p", lambda v: Dropout(v), [1, 1.0, -0.1, 1.5, "0.5", None, True, np.nan, np.inf],
     lambda v: rf"dropout probability p must be a number in \[0, 1\), got {re.escape(repr(v))}"),
    ("MaxPool2D.size", lambda v: MaxPool2D(v), NOT_INTS + [0], _msg("size", "a positive integer")),
    ("AvgPool2D.stride", lambda v: AvgPool2D(2, v), [1.5, "3", True, 0, -1], _msg("stride", "a positive integer")),
    ("Reshape.shape", lambda v: Reshape(v), ["60", None, (), 2.5],
     lambda v: rf"Reshape shape must be an int or a tuple of positive ints, got {re.escape(repr(v))}"),
    ("Reshape.sizes", lambda v: Reshape((5, v)), [0, -1, 1.5],
     lambda v: rf"every size in the Reshape shape .* must be a positive integer, got {re.escape(repr(v))}"),
    ("SGD.lr", lambda v: SGD(v), NOT_NUMBERS + [0, -0.1, 0.0],
     lambda v: rf"learning rate lr must be a finite number > 0, got {re.escape(repr(v))}"),
    ("seed", lambda v: Dense(2, 3, rng=v), BAD_SEEDS[:4],
     lambda v: rf"rng must be an int seed in 0\.\.4294967295 \(2\*\*32 - 1\) or a numpy.random.Generator "
               rf"\(None: seed 0\), got {re.escape(repr(v))}"),
    ("rng type", lambda v: as_generator(v), [1.0, "0", True, np.random.RandomState(0)],
     lambda v: rf"rng must be an int seed .* or a numpy.random.Generator .*got .*\({type(v).__name__}\)"),
]
for layer, build in [("Conv2D", lambda d: Conv2D(1, 2, 3, dtype=d)), ("Dense", lambda d: Dense(2, 3, dtype=d)),
                     ("glorot_uniform", lambda d: glorot_uniform(np.random.default_rng(0), (2, 2), 2, 2, d))]:
    CONSTRUCTOR_TABLE.append((f"{layer}.dtype", build, BAD_DTYPES,
                              r"dtype must be numpy.float32 or numpy.float64, got"))


@pytest.mark.parametrize("build, value, expected", list(_cases(CONSTRUCTOR_TABLE)))
def test_constructors_refuse_bad_settings(build, value, expected):
    with pytest.raises(ValueError, match=expected):
        build(value)


def test_integer_layer_dtypes_say_why():
    with pytest.raises(ValueError, match=r"got int32 \(integer weights would all round to 0\)"):
        Dense(4, 3, dtype=np.int32)


# --------------------------------------------------------------------------- fit, evaluate, predict

class ExplodingNet:
    """A network whose every method fails loudly: a setting that is refused never reaches it."""

    def __init__(self):
        self.calls = 0

    def forward(self, x, training=False):
        self.calls += 1
        raise AssertionError("training started before the settings were checked")

    backward = named_parameters = named_gradients = forward


class NoArgStep:
    def step(self):
        pass


class TwoArgStep:
    def step(self, net, lr):
        pass


X = np.zeros((6, 1, 4, 4), np.float32)
Y = np.array([0, 1, 2, 3, 4, 5])


def _fit(**kwargs):
    def call(v):
        settings = {"progress": None}
        settings.update({k: (v if a is None else a) for k, a in kwargs.items()})
        return fit(ExplodingNet(), X, Y, **settings)
    return call


FIT_TABLE = [
    ("num_epochs", _fit(num_epochs=None), NOT_INTS + [0, -1], _msg("num_epochs", "a positive integer")),
    ("batch_size", _fit(batch_size=None), NOT_INTS + [0], _msg("batch_size", "a positive integer")),
    ("test.every", lambda v: fit(ExplodingNet(), X, Y, test=TestSplit(X, Y, every=v), progress=None),
     NOT_INTS + [0], _msg("test.every", "a positive integer")),
    ("test.batch_size", lambda v: fit(ExplodingNet(), X, Y, test=TestSplit(X, Y, batch_size=v), progress=None),
     NOT_INTS + [0], _msg("test.batch_size", "a positive integer")),
    ("test", _fit(test=None), [3, "x", (X,), [X, Y, Y]], r"test must be a TestSplit\(x, y, \.\.\.\) or a pair"),
    ("record_every", _fit(record_every=None), [1.5, "3", True, 0, -2], _msg("record_every", "a positive integer")),
    ("rng", _fit(rng=None), BAD_SEEDS[:4], lambda v: r"rng must be an int seed in 0\.\.4294967295"),
    ("shuffle", _fit(shuffle=None), ["yes", None, 2, "False"], lambda v: r"shuffle must be one of True, False, got"),
    ("drop_last", _fit(drop_last=None), ["yes", None, 2], lambda v: r"drop_last must be one of True, False, got"),
    ("loss", _fit(loss=None), ["cross_entropy", "mse", None, 3],
     lambda v: r"loss must be one of softmax_cross_entropy, binary_cross_entropy, mean_squared_error or a "
               r"callable, got " + re.escape(repr(v))),
    ("callback", _fit(callback=None), [3, "plot", object()], r"callback must be a callable taking one record"),
    ("callback list", _fit(callback=None), [[print, 3], (None,)], r"callback\[\d\] must be a callable"),
    ("optimizer", _fit(optimizer=None), ["sgd", 0.1, object()], r"optimizer must have a step\(net\) method"),
    ("callback signature", _fit(callback=None), [lambda: None, lambda record, extra: None, lambda *, record: None],
     r"callback must be a callable taking one record \(a dict\), got '<lambda>' with signature .*which cannot "
     r"take 1 argument\(s\)"),
    ("optimizer.step signature", _fit(optimizer=None), [NoArgStep(), TwoArgStep()],
     r"optimizer.step must be a callable taking the network, got 'step' with signature"),
    ("loss signature", _fit(loss=None), [lambda out: (0.0, out), lambda out, y, z: (0.0, out)],
     r"loss must be a callable loss\(out, y\) -> \(loss, dout\), got '<lambda>' with signature"),
    ("progress", _fit(progress=None), ["yes", 1, "tqdm-bar"], r"progress must be one of"),
    ("num_classes", _fit(num_classes=None), [0, -1, 2.5, "10"], _msg("num_classes", "a positive integer")),
    ("x_train samples", lambda v: fit(ExplodingNet(), X[:0], Y[:0], progress=None, batch_size=v), [1, 32],
     r"x_train has 0 samples \(shape \(0, 1, 4, 4\)\); expected at least one"),
    ("x_train dtype", lambda v: fit(ExplodingNet(), X.astype(v), Y, progress=None),
     [np.complex64, np.complex128, np.dtype("<U2"), object],
     r"x_train must hold real numbers \(bool, integer or float\), got dtype"),
    ("x_train values", lambda v: fit(ExplodingNet(), np.where(np.arange(X.size).reshape(X.shape) == 7, v, X), Y,
                                     progress=None), [np.nan, np.inf, -np.inf],
     r"x_train must contain only finite numbers, got 1 NaN/inf value\(s\)"),
    ("x_test values", lambda v: fit(ExplodingNet(), X, Y, test=(np.full((2, 1, 4, 4), v), Y[:2]), progress=None),
     [np.nan, np.inf],
     r"x_test must contain only finite numbers, got 32 NaN/inf value\(s\)"),
    ("net", lambda v: fit(v, X, Y, progress=None), ["net", None, object(), [Flatten()]],
     r"net must be a network with forward, backward, named_parameters, named_gradients \(e.g. a Sequential\)"),
    ("labels", lambda v: fit(ExplodingNet(), X, v, progress=None),
     [Y[:5], Y.astype(float), Y + 10, -Y - 1, Y[None]], r"labels y must"),
]


@pytest.mark.parametrize("call, value, expected", list(_cases(FIT_TABLE)))
def test_fit_checks_every_setting_before_training(call, value, expected):
    with pytest.raises(ValueError, match=expected):
        call(value)


EVAL_TABLE = [
    ("evaluate empty", lambda v: evaluate(ExplodingNet(), X[:0], Y[:0], batch_size=v), [1, 100],
     r"x has 0 samples \(shape \(0, 1, 4, 4\)\); expected at least one"),
    ("evaluate_loss empty", lambda v: evaluate_loss(ExplodingNet(), X[:0], Y[:0], batch_size=v), [1, 100],
     r"x has 0 samples"),
    ("evaluate batch_size", lambda v: evaluate(ExplodingNet(), X, Y, batch_size=v), NOT_INTS + [0],
     _msg("batch_size", "a positive integer")),
    ("predict batch_size", lambda v: predict(ExplodingNet(), X, batch_size=v), NOT_INTS + [0],
     _msg("batch_size", "a positive integer")),
    ("evaluate net", lambda v: evaluate(v, X, Y), ["net", None, 3],
     r"net must be a network with forward \(e.g. a Sequential\), got \w+ without forward"),
    ("evaluate x", lambda v: evaluate(ExplodingNet(), v, Y), [np.full((6, 3), np.nan), np.zeros(6),
                                                               np.zeros((6, 2), complex)],
     r"x (must contain only finite|must be a batch \(N, \.\.\.\)|must hold real numbers)"),
]


@pytest.mark.parametrize("call, value, expected", list(_cases(EVAL_TABLE)))
def test_evaluation_refuses_bad_input_without_a_forward_pass(call, value, expected):
    with pytest.raises(ValueError, match=expected):
        call(value)


def test_summary_and_sequential_check_the_input_shape():
    net = Sequential([Flatten()])
    for shape in [(1, -5, 5), (0, 3), (2.5,)]:
        with pytest.raises(ValueError, match=r"every size in input_shape .* must be a positive integer"):
            net.summary(shape)
    with pytest.raises(ValueError, match=r"input_shape must be a tuple of positive ints such as"):
        Sequential([Flatten()], input_shape=28)


def test_a_valid_fit_still_runs_after_all_the_checks():
    net = Sequential([Flatten(), Dense(16, 6, rng=0)])
    history = fit(net, X + 0.5, Y, num_epochs=2, batch_size=4, progress=None, rng=2**32 - 1)
    assert len(history) == 2 and np.isfinite(history.loss).all()


@pytest.mark.parametrize("net", [None, "net", [1, 2], Flatten()], ids=repr)
def test_sgd_step_needs_a_network(net):
    with pytest.raises(ValueError, match=r"SGD.step needs a network with named_parameters\(\) and named_gradients\(\)"):
        SGD(0.1).step(net)


@pytest.mark.parametrize("layers", [5, None, "relu", Flatten()], ids=repr)
def test_sequential_needs_a_list_of_layers(layers):
    with pytest.raises(ValueError, match=r"layers must be a list of cnnlib layers, got"):
        Sequential(layers)


@pytest.mark.parametrize("bias", ["kernel", "position"])
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_a_non_finite_bias_of_either_kind_is_refused(bias, bad):
    layer = Conv2D(1, 2, 3, bias=bias, input_shape=(1, 5, 5))
    layer.params["b"].reshape(-1)[-1] = bad
    with pytest.raises(ValueError, match=r"b must contain only finite numbers, got 1 NaN/inf value\(s\)"):
        layer.forward(np.zeros((1, 1, 5, 5)))
