"""The dense baseline of notebook 02: 784 -> 40 ReLU -> 10, enough weights to memorise 1,000 images.
"""

import numpy as np

from cnnlib._checks import as_generator, check_seed
from cnnlib.data import prepare_images
from cnnlib.layers import Dense, Flatten, ReLU
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.train import TestSplit, TrainingRun, fit

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


def build_dense_net(rng=DENSE_SEED, hidden=DENSE_HIDDEN, dtype=DENSE_DTYPE):
    """Flatten -> Dense(784 -> hidden) -> ReLU -> Dense(hidden -> 10), no output activation.

    Weights ``0.2*U[0,1) - 0.1`` from ``rng`` (Generator or int seed), zero biases.
    """
    rng = as_generator(rng)
    hidden_layer, output_layer = Dense(784, hidden, dtype=dtype), Dense(hidden, 10, dtype=dtype)
    for layer in (hidden_layer, output_layer):
        layer.params["w"] = (0.2 * rng.random(layer.params["w"].shape) - 0.1).astype(dtype)
    return Sequential([Flatten(), hidden_layer, ReLU(), output_layer], input_shape=(1, 28, 28))


def train_dense_net(x_train, y_train, x_test=None, y_test=None, *, num_epochs=DENSE_EPOCHS, lr=DENSE_LR,
                    batch_size=DENSE_BATCH_SIZE, hidden=DENSE_HIDDEN, loss=DENSE_LOSS, seed=DENSE_SEED,
                    callback=None, progress="auto", eval_every=1):
    """Train the dense baseline; return a ``TrainingRun`` (net, history).

    Weights are drawn from ``seed`` and the epochs shuffled from ``seed + 1``, exactly as notebook 02
    trains it by hand, so both print the same numbers.
    """
    seed = check_seed("seed", seed)
    x, xt = prepare_images(x_train, dtype=DENSE_DTYPE), prepare_images(x_test, center=False, dtype=DENSE_DTYPE)
    net = build_dense_net(np.random.default_rng(seed), hidden)
    history = fit(net, x, y_train, num_epochs=num_epochs, batch_size=batch_size, optimizer=SGD(lr), loss=loss,
                  shuffle=True, rng=np.random.default_rng(seed + 1), test=TestSplit(xt, y_test, every=eval_every),
                  callback=callback, progress=progress)
    return TrainingRun(net, history)
