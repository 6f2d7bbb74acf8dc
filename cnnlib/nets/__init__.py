"""The course's networks, one per module, and a registry to train any of them by name.

=========================  ===================  ==================================================
module                     name                 network
=========================  ===================  ==================================================
``dense_net``              ``dense``            notebook 02's dense baseline
``kernel_net``             ``kernel``           source notebook 000's 3x3 kernel net, corrected
``faithful_kernel_net``    ``kernel-faithful``  the same, as the source's code computes it
``kernel_net_weights``                          the two kernel nets' shape and initial weights
``pooling_net``            ``pooling``          source 002's pooling CNN
``layered_net``            ``layered``          source 004's network of layers
``lenet``                  (no trainer)         notebook 08's LeNet-style CNN
``fair_dense_net``         (no trainer)         notebook 08's dense net, trained like LeNet
``gap_net``                (no trainer)         notebook 09's CNN with global average pooling
``recipe``                                      the training recipe of notebooks 08-10
``deep_net``               (no trainer)         notebook 12's deep plain CNN: 8 convolutions, BN optional
``modern_cnn``             (no trainer)         notebook 14's modern small CNN: BN blocks, residual, GAP
=========================  ===================  ==================================================

``NETWORKS[name].description`` says in one line what each named network is (``python -m cnnlib
train --help`` prints it); each module's docstring says the rest.

Each module holds its network's hyperparameters as documented constants, a ``build_*`` function
and (except the networks of notebooks 08-10, which ``recipe.train_with_recipe`` trains) a
``train_*`` function (``deep_net``'s trains one short run of a set-up and is not in the registry)::

    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000)
    run = train_kernel_net(x_train, y_train, x_test, y_test)        # a TrainingRun(net, history)
    net, history = train_kernel_net(x_train, y_train, x_test, y_test, faithful=True)
    run = train_network("pooling", x_train, y_train, x_test, y_test, num_epochs=1)

Trainers take the images as ``load_mnist`` returns them, uint8 ``(N, 28, 28)``, and scale them
the way their source does (``cnnlib.data.prepare_images``); float images of shape
``(N, 1, 28, 28)`` are used as given. They return a ``cnnlib.train.TrainingRun`` (``net`` and
``history``, which unpacks like a pair), never print, and are deterministic for a given ``seed``.
``callback`` and ``progress`` are passed on to ``cnnlib.train.fit``. The builders make their
first ``Conv2D`` with ``input_grad=False``: nothing needs the gradient of the images.
"""

from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np

from cnnlib.data import prepare_images
from cnnlib.nets.dense_net import DENSE_DTYPE, DENSE_EPOCHS, train_dense_net
from cnnlib.nets.kernel_net import KERNEL_ITERATIONS, train_kernel_net
from cnnlib.nets.layered_net import LAYERED_DTYPE, LAYERED_EPOCHS, train_layered_net
from cnnlib.nets.pooling_net import POOLING_EPOCHS, train_pooling_net


@dataclass(frozen=True)
class NetworkEntry:
    """How to train one network by name.

    description: what the network is, in one line; train: its ``train_*`` function;
    passes_keyword: that function's name for the number of passes ("num_epochs", or
    "iterations" for the kernel nets, as their source calls them); default_passes: the
    source's number; centered: inputs in [-0.5, 0.5] instead of [0, 1]; dtype: the float
    type of its inputs.
    """

    description: str
    train: Callable
    passes_keyword: str
    default_passes: int
    centered: bool
    dtype: type


NETWORKS = {
    "dense": NetworkEntry("784 -> 40 ReLU -> 10: memorises its 1,000 training images", train_dense_net,
                          "num_epochs", DENSE_EPOCHS, False, DENSE_DTYPE),
    "kernel": NetworkEntry("seed 000's kernel net, corrected: 16 kernels 3x3, tanh, dropout, dense -> 10",
                           train_kernel_net, "iterations", KERNEL_ITERATIONS, False, np.float32),
    "kernel-faithful": NetworkEntry("seed 000's kernel net as its code computes it, slips included",
                                    partial(train_kernel_net, faithful=True), "iterations", KERNEL_ITERATIONS,
                                    False, np.float64),
    "pooling": NetworkEntry("seed 002: conv 8x3x3 -> max-pool 2 -> dense 10", train_pooling_net, "num_epochs",
                            POOLING_EPOCHS, True, np.float32),
    "layered": NetworkEntry("seed 004: conv (bias per position) -> dense 100 -> dense 10", train_layered_net,
                            "num_epochs", LAYERED_EPOCHS, False, LAYERED_DTYPE),
}
NETWORK_NAMES = tuple(NETWORKS)


def network_entry(name):
    """The ``NetworkEntry`` of ``name``; ValueError naming the known networks otherwise."""
    if not isinstance(name, str) or name not in NETWORKS:
        raise ValueError(f"unknown network {name!r}; expected one of {', '.join(NETWORK_NAMES)}")
    return NETWORKS[name]


def default_epochs(name):
    """The source's number of passes over the training data (epochs, or "iterations" for the kernel nets)."""
    return network_entry(name).default_passes


def prepare_for(name, x):
    """Images prepared the way network ``name`` is trained on them (e.g. centred for "pooling")."""
    entry = network_entry(name)
    return prepare_images(x, center=entry.centered, dtype=entry.dtype)


def train_network(name, x_train, y_train, x_test=None, y_test=None, *, num_epochs=None, seed=None,
                  callback=None, progress="auto"):
    """Train network ``name`` (one of ``NETWORK_NAMES``) with its source's defaults; return a ``TrainingRun``.

    num_epochs: passes over the training data (None: the default); seed: None keeps the default seed.
    """
    entry = network_entry(name)
    kwargs = {entry.passes_keyword: entry.default_passes if num_epochs is None else num_epochs}
    if seed is not None:
        kwargs["seed"] = seed
    return entry.train(x_train, y_train, x_test, y_test, callback=callback, progress=progress, **kwargs)
