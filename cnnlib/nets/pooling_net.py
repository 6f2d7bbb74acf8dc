"""Source notebook 002's CNN: 8 kernels of 3x3, max pooling 2x2, one dense layer to 10 logits.
"""

import numpy as np

from cnnlib._checks import as_generator, check_seed
from cnnlib.data import prepare_images
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.train import TrainingRun, fit

# --------------------------------------------------------------------------- seed 002: pooling
#: 8 kernels of 3x3, max-pool 2x2, dense 13*13*8 -> 10; inputs scaled to [-0.5, 0.5].
POOLING_NUM_KERNELS = 8


#: Per-image SGD (batch of 1) with the seed's lr = 0.005, 3 epochs, reshuffled every epoch.
POOLING_LR = 0.005


POOLING_BATCH_SIZE = 1


POOLING_EPOCHS = 3


POOLING_SEED = 0


def build_pooling_net(rng=POOLING_SEED, dtype=np.float32):
    """Seed 002: Conv2D(1->8, 3x3, no bias) -> MaxPool2D(2) -> Flatten -> Dense(1352 -> 10) logits.

    Initialised as the seed: kernels ``randn / 9``, dense weights ``randn / 1352``, zero bias.
    The seed's softmax layer is the loss here (softmax cross-entropy on the logits).
    """
    rng = as_generator(rng)
    conv = Conv2D(1, POOLING_NUM_KERNELS, 3, bias=None, rng=rng, dtype=dtype, input_grad=False)
    conv.params["w"] = (rng.standard_normal(conv.params["w"].shape) / 9).astype(dtype)
    dense = Dense(13 * 13 * POOLING_NUM_KERNELS, 10, rng=rng, dtype=dtype)
    dense.params["w"] = (rng.standard_normal(dense.params["w"].shape) / dense.in_features).astype(dtype)
    return Sequential([conv, MaxPool2D(2), Flatten(), dense], input_shape=(1, 28, 28))


def train_pooling_net(x_train, y_train, x_test=None, y_test=None, *, num_epochs=POOLING_EPOCHS, lr=POOLING_LR,
                      seed=POOLING_SEED, callback=None, progress="auto", record_every=None):
    """Train seed 002's net: per-image SGD, inputs in [-0.5, 0.5], reshuffled each epoch; a ``TrainingRun``."""
    seed = check_seed("seed", seed)
    x, xt = prepare_images(x_train, center=True), prepare_images(x_test, center=True, dtype=np.float32)
    net = build_pooling_net(np.random.default_rng(seed))
    history = fit(net, x, y_train, num_epochs=num_epochs, batch_size=POOLING_BATCH_SIZE, optimizer=SGD(lr),
                  shuffle=True, rng=np.random.default_rng([seed, 1]), test=(xt, y_test), record_every=record_every,
                  callback=callback, progress=progress)
    return TrainingRun(net, history)
