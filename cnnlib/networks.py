"""The seed notebooks' networks, by name, with their hyperparameters as documented defaults.

Each network has a builder and a trainer::

    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000)
    net, history = train_kernel_net(x_train, y_train, x_test, y_test)             # corrected
    net, history = train_kernel_net(x_train, y_train, x_test, y_test, faithful=True)
    history.test_accuracy[-1]

Trainers take the images as ``load_mnist`` returns them, uint8 ``(N, 28, 28)``,
and scale them the way their seed does (``prepare_images``); float images of
shape ``(N, 1, 28, 28)`` are used as given. They return ``(net, history)``
(``cnnlib.train.History``: one record per epoch/iteration with loss, train
accuracy and test accuracy), never print, and are deterministic for a given
``seed``. ``callback`` and ``progress`` are passed on to ``cnnlib.train.fit``.

The builders make their first ``Conv2D`` with ``input_grad=False``: nothing needs the
gradient of the images, so ``backward`` skips it (and ``net.backward`` returns None).

==================  =====================================================================
name                network
==================  =====================================================================
``dense``           784 -> 40 ReLU -> 10 on 1,000 images: memorises the training set
``kernel``          seed 000: 16 kernels 3x3, tanh, dropout, dense -> 10 (corrected)
``kernel-faithful`` the same, exactly as the seed's code computes it (see ``cnnlib.kernel_net``)
``pooling``         seed 002: 8 kernels 3x3 -> max-pool 2 -> dense 13*13*8 -> 10
``layered``         seed 004: conv 6x3x3 (bias per position) -> sigmoid -> dense 100 -> tanh
                    -> dense 10 -> sigmoid, binary cross-entropy
==================  =====================================================================
"""

from functools import partial

import numpy as np

from cnnlib._checks import check_choice, check_finite, check_seed
from cnnlib.data import to_float
from cnnlib.kernel_net import (KERNEL_BATCH_SIZE, KERNEL_EVAL_BATCH_SIZE, KERNEL_ITERATIONS, KERNEL_LR,
                               KERNEL_SEED, build_kernel_net)
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Reshape, Sigmoid, Tanh
from cnnlib.network import Sequential
from cnnlib.train import fit

# --------------------------------------------------------------------------- dense baseline
#: Hidden ReLU units of the dense baseline: 784 * 40 + 40 * 10 = 31,760 weights for 1,000 images.
DENSE_HIDDEN = 40
#: Squared error on one-hot targets and weights ``0.2*U[0,1) - 0.1``, in the style of the seeds'
#: hand-written nets; mini-batches of 8, lr 0.4, 150 epochs, chosen so that within a few seconds
#: training accuracy reaches ~100% while test accuracy peaks near epoch 30 and then falls.
DENSE_LOSS = "mean_squared_error"
DENSE_LR = 0.4
DENSE_BATCH_SIZE = 8
DENSE_EPOCHS = 150
DENSE_SEED = 0
#: float64: 18,750 updates at lr 0.4 amplify rounding, and in float32 the last printed digit of the
#: accuracies depended on the CPU's BLAS kernel; in float64 every kernel prints the same numbers.
DENSE_DTYPE = np.float64

# --------------------------------------------------------------------------- seed 002: pooling
#: 8 kernels of 3x3, max-pool 2x2, dense 13*13*8 -> 10; inputs scaled to [-0.5, 0.5].
POOLING_NUM_KERNELS = 8
#: Per-image SGD (batch of 1) with the seed's lr = 0.005, 3 epochs, reshuffled every epoch.
POOLING_LR = 0.005
POOLING_BATCH_SIZE = 1
POOLING_EPOCHS = 3
POOLING_SEED = 0

# --------------------------------------------------------------------------- seed 004: layered
#: Conv 6 kernels 3x3 with one bias per output position, dense 100, dense 10, sigmoid outputs.
LAYERED_NUM_KERNELS = 6
LAYERED_HIDDEN = 100
#: Seed 004 calls its tutorial's ``train(...)`` without a learning rate, so the default 0.01
#: applies; one image per update, 15 epochs, in order (no shuffling).
LAYERED_LR = 0.01
LAYERED_BATCH_SIZE = 1
LAYERED_EPOCHS = 15
LAYERED_SEED = 0
#: float32, the layers' default. The run is chaotic in any precision (see ``train_layered_net``): float64, as
#: the seed computes, narrows the spread between CPUs but does not remove it, and costs 65% more time.
LAYERED_DTYPE = np.float32


def prepare_images(x, center=False, dtype=np.float32):
    """Images for a network: uint8 (N, 28, 28) -> (N, 1, 28, 28) in [0, 1] (center: [-0.5, 0.5]).

    Float images already of shape (N, 1, H, W) are returned as ``dtype`` unchanged otherwise.
    """
    x = np.asarray(x)
    if x.ndim == 3 and x.dtype.kind in "ui":
        return to_float(x, center=center, dtype=dtype)
    if x.ndim == 4 and x.shape[1] == 1 and x.dtype.kind == "f":
        check_finite("images x", x)
        return x.astype(dtype, copy=False)
    raise ValueError(f"expected raw images (N, 28, 28) of integers as load_mnist returns them, or floats "
                     f"(N, 1, 28, 28); got dtype {x.dtype} and shape {x.shape}")


def _generator(rng):
    """A Generator from ``rng``: a Generator as is, an int seed in 0..2**32-1, or None (fresh entropy)."""
    if isinstance(rng, np.random.Generator) or rng is None:
        return np.random.default_rng(rng)
    return np.random.default_rng(check_seed("rng", rng))


def _prepare_split(x_test, y_test, center, dtype):
    if x_test is None:
        return None
    return prepare_images(x_test, center, dtype)


# --------------------------------------------------------------------------- builders

def build_dense_net(rng=DENSE_SEED, hidden=DENSE_HIDDEN, dtype=DENSE_DTYPE):
    """Flatten -> Dense(784 -> hidden) -> ReLU -> Dense(hidden -> 10), no output activation.

    Weights ``0.2*U[0,1) - 0.1`` from ``rng`` (Generator or int seed), zero biases.
    """
    rng = _generator(rng)
    hidden_layer, output_layer = Dense(784, hidden, dtype=dtype), Dense(hidden, 10, dtype=dtype)
    for layer in (hidden_layer, output_layer):
        layer.params["w"] = (0.2 * rng.random(layer.params["w"].shape) - 0.1).astype(dtype)
    return Sequential([Flatten(), hidden_layer, ReLU(), output_layer], input_shape=(1, 28, 28))


def build_pooling_net(rng=POOLING_SEED, dtype=np.float32):
    """Seed 002: Conv2D(1->8, 3x3, no bias) -> MaxPool2D(2) -> Flatten -> Dense(1352 -> 10) logits.

    Initialised as the seed: kernels ``randn / 9``, dense weights ``randn / 1352``, zero bias.
    The seed's softmax layer is the loss here (softmax cross-entropy on the logits).
    """
    rng = _generator(rng)
    conv = Conv2D(1, POOLING_NUM_KERNELS, 3, bias=None, rng=rng, dtype=dtype, input_grad=False)
    conv.params["w"] = (rng.standard_normal(conv.params["w"].shape) / 9).astype(dtype)
    dense = Dense(13 * 13 * POOLING_NUM_KERNELS, 10, rng=rng, dtype=dtype)
    dense.params["w"] = (rng.standard_normal(dense.params["w"].shape) / dense.in_features).astype(dtype)
    return Sequential([conv, MaxPool2D(2), Flatten(), dense], input_shape=(1, 28, 28))


def build_layered_net(rng=LAYERED_SEED, init="seed", dtype=LAYERED_DTYPE):
    """Seed 004: Conv2D(1->6, 3x3, bias per position) -> Sigmoid -> Reshape(4056) -> Dense(100) -> Tanh
    -> Dense(10) -> Sigmoid.

    init="seed": every weight and bias drawn from a standard normal, as the seed does. With 4,056
    inputs of about 0.5 the dense layer's sums then have a spread of about 30, so its tanh units sit
    saturated at +-1 and barely learn. init="scaled": weights ``randn / sqrt(fan_in)``, zero biases.
    """
    check_choice("init", init, ("seed", "scaled"))
    rng = _generator(rng)
    k = LAYERED_NUM_KERNELS
    conv = Conv2D(1, k, 3, bias="position", input_shape=(1, 28, 28), dtype=dtype, input_grad=False)
    layers = [conv, Sigmoid(), Reshape((k * 26 * 26,)), Dense(k * 26 * 26, LAYERED_HIDDEN, dtype=dtype), Tanh(),
              Dense(LAYERED_HIDDEN, 10, dtype=dtype), Sigmoid()]
    for layer in layers:
        for name, p in layer.params.items():
            if init == "seed":
                layer.params[name] = rng.standard_normal(p.shape).astype(dtype)
            elif name == "w":
                fan_in = p[0].size if p.ndim == 4 else p.shape[0]  # C*KH*KW for a kernel, D for dense
                layer.params[name] = (rng.standard_normal(p.shape) / np.sqrt(fan_in)).astype(dtype)
            else:
                layer.params[name] = np.zeros(p.shape, dtype=dtype)
    return Sequential(layers, input_shape=(1, 28, 28))


# --------------------------------------------------------------------------- trainers

def train_dense_net(x_train, y_train, x_test=None, y_test=None, *, num_epochs=DENSE_EPOCHS, lr=DENSE_LR,
                    batch_size=DENSE_BATCH_SIZE, hidden=DENSE_HIDDEN, loss=DENSE_LOSS, seed=DENSE_SEED,
                    callback=None, progress="auto", eval_every=1):
    """Train the dense baseline; return (net, history).

    Weights are drawn from ``seed`` and the epochs shuffled from ``seed + 1``, exactly as notebook 02
    trains it by hand, so both print the same numbers.
    """
    seed = check_seed("seed", seed)
    x, xt = prepare_images(x_train, dtype=DENSE_DTYPE), _prepare_split(x_test, y_test, False, DENSE_DTYPE)
    net = build_dense_net(np.random.default_rng(seed), hidden)
    history = fit(net, x, y_train, num_epochs=num_epochs, batch_size=batch_size, lr=lr, loss=loss, shuffle=True,
                  rng=np.random.default_rng(seed + 1), x_test=xt, y_test=y_test, eval_every=eval_every,
                  callback=callback, progress=progress)
    return net, history


def train_kernel_net(x_train, y_train, x_test=None, y_test=None, *, faithful=False, fixes=(),
                     iterations=KERNEL_ITERATIONS, seed=KERNEL_SEED, callback=None, progress="auto",
                     eval_every=1, dtype=None):
    """Train the 3x3 kernel net the seed's way; return (net, history).

    faithful: False -> the corrected cnnlib net (float32); True -> ``SeedKernelNet`` with the seed's
    slips, minus any named in ``fixes`` (float64 like the seed). Batches of 128 in order, the last
    104 of 1,000 images unused, SGD lr = 2/128 on softmax cross-entropy, ``iterations`` passes.
    history.test_accuracy[i] is the seed's ``test-acc`` after iteration i (0-based; evaluated
    every ``eval_every`` iterations).
    """
    seed = check_seed("seed", seed)
    dtype = (np.float64 if faithful else np.float32) if dtype is None else dtype
    x, xt = prepare_images(x_train, dtype=dtype), _prepare_split(x_test, y_test, False, dtype)
    net = build_kernel_net(seed, faithful=faithful, fixes=fixes, dtype=dtype)
    history = fit(net, x, y_train, num_epochs=iterations, batch_size=KERNEL_BATCH_SIZE, lr=KERNEL_LR,
                  shuffle=False, drop_last=True, x_test=xt, y_test=y_test, eval_every=eval_every,
                  eval_batch_size=KERNEL_EVAL_BATCH_SIZE, callback=callback, progress=progress)
    return net, history


def train_pooling_net(x_train, y_train, x_test=None, y_test=None, *, num_epochs=POOLING_EPOCHS, lr=POOLING_LR,
                      seed=POOLING_SEED, callback=None, progress="auto", record_every=None):
    """Train seed 002's net: per-image SGD, inputs in [-0.5, 0.5], reshuffled each epoch; (net, history)."""
    seed = check_seed("seed", seed)
    x, xt = prepare_images(x_train, center=True), _prepare_split(x_test, y_test, True, np.float32)
    net = build_pooling_net(np.random.default_rng(seed))
    history = fit(net, x, y_train, num_epochs=num_epochs, batch_size=POOLING_BATCH_SIZE, lr=lr, shuffle=True,
                  rng=np.random.default_rng([seed, 1]), x_test=xt, y_test=y_test, record_every=record_every,
                  callback=callback, progress=progress)
    return net, history


def train_layered_net(x_train, y_train, x_test=None, y_test=None, *, num_epochs=LAYERED_EPOCHS, lr=LAYERED_LR,
                      seed=LAYERED_SEED, init="seed", callback=None, progress="auto", record_every=None):
    """Train seed 004's net: binary cross-entropy on one-hot targets, per-image SGD, in order; (net, history).

    Accuracy is the argmax of the 10 sigmoid outputs; history.loss is the mean binary cross-entropy
    (the seed's "error"; always predicting 0.1 for every output scores 0.325). init: see build_layered_net.

    With init="seed" the run is chaotic: most tanh units sit at exactly +-1.0 (zero slope), and whether a
    unit is just past that edge depends on the last bit of a sum, so two CPUs whose BLAS kernels add in
    a different order end with test accuracies several points apart (0.36-0.46 in float32, 0.38-0.41 in
    float64, measured under four OpenBLAS kernels).
    """
    seed = check_seed("seed", seed)
    x, xt = prepare_images(x_train, dtype=LAYERED_DTYPE), _prepare_split(x_test, y_test, False, LAYERED_DTYPE)
    net = build_layered_net(np.random.default_rng(seed), init=init)
    history = fit(net, x, y_train, num_epochs=num_epochs, batch_size=LAYERED_BATCH_SIZE, lr=lr, shuffle=False,
                  loss="binary_cross_entropy", x_test=xt, y_test=y_test, record_every=record_every,
                  callback=callback, progress=progress)
    return net, history


# --------------------------------------------------------------------------- by name

#: name -> (trainer, keyword for the number of passes, default passes, inputs centred, input dtype)
_REGISTRY = {
    "dense": (train_dense_net, "num_epochs", DENSE_EPOCHS, False, DENSE_DTYPE),
    "kernel": (train_kernel_net, "iterations", KERNEL_ITERATIONS, False, np.float32),
    "kernel-faithful": (partial(train_kernel_net, faithful=True), "iterations", KERNEL_ITERATIONS, False,
                        np.float64),
    "pooling": (train_pooling_net, "num_epochs", POOLING_EPOCHS, True, np.float32),
    "layered": (train_layered_net, "num_epochs", LAYERED_EPOCHS, False, LAYERED_DTYPE),
}
NETWORK_NAMES = tuple(_REGISTRY)


def _entry(name):
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown network {name!r}; expected one of {', '.join(NETWORK_NAMES)}")
    return _REGISTRY[name]


def default_epochs(name):
    """The seed's number of passes over the training data (epochs, or "iterations" for the kernel nets)."""
    return _entry(name)[2]


def prepare_for(name, x):
    """Images prepared the way network ``name`` is trained on them (e.g. centred for "pooling")."""
    _, _, _, center, dtype = _entry(name)
    return prepare_images(x, center=center, dtype=dtype)


def train_network(name, x_train, y_train, x_test=None, y_test=None, *, num_epochs=None, seed=None,
                  callback=None, progress="auto"):
    """Train network ``name`` (one of ``NETWORK_NAMES``) with its seed's defaults; return (net, history).

    num_epochs: passes over the training data (None: the default); seed: None keeps the default seed.
    """
    trainer, passes_keyword, default, _, _ = _entry(name)
    kwargs = {passes_keyword: default if num_epochs is None else num_epochs}
    if seed is not None:
        kwargs["seed"] = seed
    return trainer(x_train, y_train, x_test, y_test, callback=callback, progress=progress, **kwargs)
