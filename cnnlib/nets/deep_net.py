"""A deep plain CNN for notebook 12: eight 3x3 convolutions in a row, to see signals vanish or explode.

    net = build_deep_net("he_normal")                    # float64, 8 conv layers, no batch normalisation
    net = build_deep_net(0.01, batch_norm=True)          # every kernel weight from N(0, 0.01²), with BN

    Conv2D(1->8, 3x3, stride 2, padding 1) -> ReLU       (1, 28, 28) -> (8, 14, 14)
    Conv2D(8->8, 3x3, stride 2, padding 1) -> ReLU       (8, 14, 14) -> (8, 7, 7)
    6 x [Conv2D(8->8, 3x3, 'same') -> ReLU]              (8, 7, 7)   -> (8, 7, 7)
    Flatten -> Dense(392 -> 10)                          (8, 7, 7)   -> (10,) logits

The first two convolutions halve the image each (stride 2), so the other six work on 7x7 maps:
a stack this deep stays cheap enough for a classroom (a plain run on 28x28 maps would cost about
16 times as much), and depth, not image size, is what makes signals vanish or explode.

``batch_norm=True`` puts a ``BatchNorm2D`` between every convolution and its ReLU, and gives the
convolutions no bias (the normalisation subtracts it anyway; its ``beta`` takes its place): the
same network otherwise, so a comparison changes one thing.

``init`` sets the convolutions' initial kernels: the name of an initialiser
(``cnnlib.layers.initializers.INITIALIZERS``: "glorot_uniform", "glorot_normal", "he_normal",
"he_uniform") or a number, the standard deviation of a normal every kernel weight is drawn from
(0.01 is the "small random numbers" of many tutorials; 1.0 the standard normal of source notebook
004). The dense layer at the end keeps the default Glorot-uniform weights whatever ``init`` says.
"""

import numbers
from dataclasses import dataclass

import numpy as np

from cnnlib._checks import as_generator, check_choice, check_float_dtype, check_number, check_positive_int, check_seed
from cnnlib.errors import NonFiniteError
from cnnlib.evaluate import evaluate
from cnnlib.layers import BatchNorm2D, Conv2D, Dense, Flatten, ReLU
from cnnlib.layers.initializers import INITIALIZERS
from cnnlib.optimizers import Momentum
from cnnlib.sequential import Sequential
from cnnlib.train import History, fit
from cnnlib.weights_file import all_finite

DEEP_DEPTH = 8  # convolutions


DEEP_CHANNELS = 8  # kernels in every convolution


def build_deep_net(init="he_normal", *, batch_norm=False, depth=DEEP_DEPTH, channels=DEEP_CHANNELS, rng=0,
                   dtype=np.float64):
    """The deep plain CNN above: ``(N, 1, 28, 28) -> (N, 10)`` logits.

    init: an initialiser's name or a standard deviation (see the module docstring);
    batch_norm: a BatchNorm2D after every convolution; depth >= 2 convolutions, the first two with
    stride 2; channels: kernels per convolution; rng: Generator or int seed.
    """
    check_choice("batch_norm", batch_norm, (True, False))
    depth = check_positive_int("depth", depth)
    if depth < 2:
        raise ValueError(f"depth must be at least 2 (two stride-2 convolutions bring 28x28 to 7x7), got {depth}")
    channels = check_positive_int("channels", channels)
    dtype = check_float_dtype("dtype", dtype)
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        std, name = check_number("init (a standard deviation)", init, 0, low_open=True), "glorot_uniform"
    elif init in INITIALIZERS:
        std, name = None, init
    else:
        raise ValueError(f"init must be one of {', '.join(map(repr, INITIALIZERS))} or a standard deviation > 0, "
                         f"got {init!r}")
    rng = as_generator(rng)
    layers, c_in = [], 1
    for i in range(depth):
        stride = 2 if i < 2 else 1
        conv = Conv2D(c_in, channels, 3, stride=stride, padding=1, bias=None if batch_norm else "kernel", rng=rng,
                      dtype=dtype, init=name, input_grad=i > 0)
        if std is not None:
            conv.params["w"][...] = rng.standard_normal(conv.params["w"].shape) * std
        layers += [conv, BatchNorm2D(channels, dtype=dtype), ReLU()] if batch_norm else [conv, ReLU()]
        c_in = channels
    layers += [Flatten(), Dense(channels * 7 * 7, 10, rng=rng, dtype=dtype)]
    return Sequential(layers, input_shape=(1, 28, 28))


@dataclass
class DeepNetRun:
    """One short training run: the trained ``net``; its ``history`` (a record every step by default, up to
    the last finite one); ``val_accuracy`` on the validation split (NaN when it diverged); ``diverged_at``:
    the step (1-based) whose numbers overflowed to inf or NaN (None when none did)."""

    net: Sequential
    history: History
    val_accuracy: float
    diverged_at: int = None


def train_deep_net(x, y, x_val, y_val, *, init="he_normal", batch_norm=False, lr=0.01, momentum=0.9, num_epochs=1,
                   batch_size=16, record_every=1, seed=0, dtype=np.float64):
    """Build ``build_deep_net(init, batch_norm=batch_norm, rng=seed)`` and train it briefly with momentum;
    return a ``DeepNetRun``.

    x: (N, 1, 28, 28) training images (floats), y: (N,) labels; x_val, y_val: the validation split.
    A set-up that blows up (weights or activations overflowing to inf or NaN) stops there: the
    forward pass of step ``diverged_at`` refuses the non-finite numbers, and the run says so instead
    of raising. The data order comes from the seed sequence ``(seed, 1)``; dtype: the network's (float64 by
    default: runs that agree on every CPU).
    """
    net = build_deep_net(init, batch_norm=batch_norm, rng=seed, dtype=dtype)
    optimizer = Momentum(lr, momentum)
    history = History()
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported in diverged_at, not warned
            fit(net, x, y, num_epochs=num_epochs, batch_size=batch_size, optimizer=optimizer, record_every=record_every,
                rng=np.random.default_rng((check_seed("seed", seed), 1)), callback=history.append, progress=None)
    except NonFiniteError:
        if optimizer.t == 0:
            raise  # not a run that diverged: the images, or the network before any step, hold NaN or inf
        net.clear_caches()
        return DeepNetRun(net, history, float("nan"), diverged_at=optimizer.t + 1)
    if not all_finite(net):  # the very last step overflowed
        return DeepNetRun(net, history, float("nan"), diverged_at=optimizer.t)
    val_accuracy = evaluate(net, x_val, y_val)
    net.clear_caches()  # the run is kept to be looked at: it need not hold the last validation batch
    return DeepNetRun(net, history, val_accuracy)
