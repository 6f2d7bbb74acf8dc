"""Source notebook 004's layered net: conv (bias per position) -> sigmoid -> dense 100 -> tanh -> dense 10 -> sigmoid.
"""

import numpy as np

from cnnlib._checks import as_generator, check_choice, check_seed
from cnnlib.data import prepare_images
from cnnlib.layers import Conv2D, Dense, Reshape, Sigmoid, Tanh
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.train import TrainingRun, fit

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


def build_layered_net(rng=LAYERED_SEED, init="standard_normal", dtype=LAYERED_DTYPE):
    """Seed 004: Conv2D(1->6, 3x3, bias per position) -> Sigmoid -> Reshape(4056) -> Dense(100) -> Tanh
    -> Dense(10) -> Sigmoid.

    init="standard_normal": every weight and bias drawn from a standard normal, as source notebook 004 does. With 4,056
    inputs of about 0.5 the dense layer's sums then have a spread of about 30, so its tanh units sit
    saturated at +-1 and barely learn. init="scaled": weights ``randn / sqrt(fan_in)``, zero biases.
    """
    check_choice("init", init, ("standard_normal", "scaled"))
    rng = as_generator(rng)
    k = LAYERED_NUM_KERNELS
    conv = Conv2D(1, k, 3, bias="position", input_shape=(1, 28, 28), dtype=dtype, input_grad=False)
    layers = [conv, Sigmoid(), Reshape((k * 26 * 26,)), Dense(k * 26 * 26, LAYERED_HIDDEN, dtype=dtype), Tanh(),
              Dense(LAYERED_HIDDEN, 10, dtype=dtype), Sigmoid()]
    for layer in layers:
        for name, p in layer.params.items():
            if init == "standard_normal":
                layer.params[name] = rng.standard_normal(p.shape).astype(dtype)
            elif name == "w":
                fan_in = p[0].size if p.ndim == 4 else p.shape[0]  # C*KH*KW for a kernel, D for dense
                layer.params[name] = (rng.standard_normal(p.shape) / np.sqrt(fan_in)).astype(dtype)
            else:
                layer.params[name] = np.zeros(p.shape, dtype=dtype)
    return Sequential(layers, input_shape=(1, 28, 28))


def train_layered_net(x_train, y_train, x_test=None, y_test=None, *, num_epochs=LAYERED_EPOCHS, lr=LAYERED_LR,
                      seed=LAYERED_SEED, init="standard_normal", callback=None, progress="auto", record_every=None):
    """Train seed 004's net: binary cross-entropy on one-hot targets, per-image SGD, in order; (net, history).

    Accuracy is the argmax of the 10 sigmoid outputs; history.loss is the mean binary cross-entropy
    (the seed's "error"; always predicting 0.1 for every output scores 0.325). init: see build_layered_net.

    With init="standard_normal" the run is chaotic: most tanh units sit at exactly +-1.0 (zero slope), and whether a
    unit is just past that edge depends on the last bit of a sum, so two CPUs whose BLAS kernels add in
    a different order end with test accuracies several points apart (0.36-0.46 in float32, 0.38-0.41 in
    float64, measured under four OpenBLAS kernels).
    """
    seed = check_seed("seed", seed)
    x, xt = prepare_images(x_train, dtype=LAYERED_DTYPE), prepare_images(x_test, center=False, dtype=LAYERED_DTYPE)
    net = build_layered_net(np.random.default_rng(seed), init=init)
    history = fit(net, x, y_train, num_epochs=num_epochs, batch_size=LAYERED_BATCH_SIZE, optimizer=SGD(lr),
                  shuffle=False, loss="binary_cross_entropy", test=(xt, y_test), record_every=record_every,
                  callback=callback, progress=progress)
    return TrainingRun(net, history)
