"""The 3x3 kernel net of seeds 000/001/003, corrected (and, with ``faithful=True``, as written).

The seed's network: 16 kernels of 3x3 slide over a 28x28 image, tanh, dropout
(mask x 2), one dense layer to 10 logits, softmax; mini-batches of 128 without
shuffling (7 per pass over 1,000 images, the last 104 unused), alpha = 2,
300 iterations. Its update for the dense weights uses the delta
``(labels - prediction) / (batch_size * batch_size)``, so ``alpha = 2`` is plain
SGD with ``lr = 2 / 128`` on the mean softmax-cross-entropy gradient.

Two versions:

* **corrected** (``build_kernel_net()``): cnnlib layers,
  ``Conv2D(1->16, 3x3, no bias) -> Tanh -> Dropout(0.5) -> Flatten -> Dense(10816->10, no bias)``,
  trained on softmax cross-entropy with ``SGD(lr=2/128)``: a 26x26 valid
  correlation and true gradients everywhere.
* **faithful** (``build_kernel_net(faithful=True)``): ``FaithfulKernelNet`` from
  ``cnnlib.nets.faithful_kernel_net``, the seed's code path with its three slips
  (25x25 windows, ascent on the kernels, the derivative of the scaled activation).

Both start from the seed's first two draws (``cnnlib.nets.kernel_net_weights``); the corrected
net reorders the dense rows from the seed's position-major layout to cnnlib's (K, H', W')
flattening and draws its dropout masks from a ``numpy.random.Generator(seed)``.
"""


import numpy as np

from cnnlib._checks import check_choice, check_float_dtype, check_seed
from cnnlib.data import prepare_images
from cnnlib.layers import Conv2D, Dense, Dropout, Flatten, Tanh
from cnnlib.nets.faithful_kernel_net import FaithfulKernelNet
from cnnlib.nets.kernel_net_weights import KERNEL_NUM_KERNELS, KERNEL_SEED, KERNEL_SIZE, initial_weights
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.train import TestSplit, TrainingRun, fit

#: Mini-batch size; 1,000 images give 7 full batches per iteration (the last 104 images unused).
KERNEL_BATCH_SIZE = 128


#: The seed's alpha; with its delta divided by batch_size**2 this is SGD with lr = alpha / batch_size.
KERNEL_ALPHA = 2


KERNEL_LR = KERNEL_ALPHA / KERNEL_BATCH_SIZE


#: Test images per forward pass when evaluating: 100 images' feature maps (4.3 MB in float32)
#: stay in the CPU cache, which makes a 4,000-image evaluation faster than batches of 500 or 1,000.
KERNEL_EVAL_BATCH_SIZE = 100


#: Passes over the 1,000 training images ("iterations" in the seed).
KERNEL_ITERATIONS = 300


#: Drop probability: the seed's 0/1 mask times 2 is inverted dropout with p = 0.5.
KERNEL_DROPOUT = 0.5


def build_kernel_net(seed=KERNEL_SEED, *, faithful=False, fixes=(), dtype=None):
    """The kernel net, initialised as the seed does.

    faithful=False: the corrected cnnlib ``Sequential`` (float32 unless ``dtype``);
    faithful=True: ``FaithfulKernelNet(seed, fixes)``, trained in float64 (the seed's arithmetic) unless
    ``dtype`` says otherwise and evaluated (test mode) in float32: over the 300 iterations on the bundled
    4,000 test images, its predictions equal float64 ones at every iteration. Trained in float32
    (notebook 03 does, 2.5 times faster) it follows the float64 run: on the bundled data, the same
    predictions on all 4,000 test images at each of notebook 03's 90 probes over the 300 iterations, and
    weights 3e-6 (relative) apart at the end; ``tests/test_networks.py`` checks the predictions through
    the first collapse.
    """
    check_choice("faithful", faithful, (True, False))
    if faithful:
        return FaithfulKernelNet(seed, fixes, dtype=np.float64 if dtype is None else dtype, eval_dtype=np.float32)
    if fixes:
        raise ValueError("fixes apply to the faithful net only; the corrected net has them all")
    seed = check_seed("seed", seed)
    dtype = np.float32 if dtype is None else check_float_dtype("dtype", dtype)
    positions = 28 - KERNEL_SIZE + 1
    kernels, weights = initial_weights(np.random.RandomState(seed), positions)
    conv = Conv2D(1, KERNEL_NUM_KERNELS, KERNEL_SIZE, bias=None, dtype=dtype, input_grad=False)  # first layer
    # column k of the seed's (9, 16) kernels is kernel k, its 9 rows the 3x3 window in row-major order
    conv.params["w"] = kernels.T.reshape(KERNEL_NUM_KERNELS, 1, KERNEL_SIZE, KERNEL_SIZE).astype(dtype)  # (K,C,KH,KW)
    dense = Dense(positions * positions * KERNEL_NUM_KERNELS, 10, bias=False, dtype=dtype)
    rows = weights.reshape(positions * positions, KERNEL_NUM_KERNELS, 10)  # (H'*W', K, 10), seed order
    dense.params["w"] = rows.transpose(1, 0, 2).reshape(-1, 10).astype(dtype)  # (K*H'*W', 10), Flatten order
    return Sequential([conv, Tanh(), Dropout(KERNEL_DROPOUT, rng=np.random.default_rng(seed)), Flatten(), dense],
                      input_shape=(1, 28, 28))


def train_kernel_net(x_train, y_train, x_test=None, y_test=None, *, faithful=False, fixes=(),
                     iterations=KERNEL_ITERATIONS, seed=KERNEL_SEED, callback=None, progress="auto",
                     eval_every=1, dtype=None):
    """Train the 3x3 kernel net the seed's way; return a ``TrainingRun`` (net, history).

    faithful: False -> the corrected cnnlib net (float32); True -> ``FaithfulKernelNet`` with the seed's
    slips, minus any named in ``fixes`` (float64 like the seed). Batches of 128 in order, the last
    104 of 1,000 images unused, SGD lr = 2/128 on softmax cross-entropy, ``iterations`` passes.
    history.test_accuracy[i] is the seed's ``test-acc`` after iteration i (0-based; evaluated
    every ``eval_every`` iterations).
    """
    seed = check_seed("seed", seed)
    dtype = (np.float64 if faithful else np.float32) if dtype is None else dtype
    x, xt = prepare_images(x_train, dtype=dtype), prepare_images(x_test, center=False, dtype=dtype)
    net = build_kernel_net(seed, faithful=faithful, fixes=fixes, dtype=dtype)
    history = fit(net, x, y_train, num_epochs=iterations, batch_size=KERNEL_BATCH_SIZE, optimizer=SGD(KERNEL_LR),
                  shuffle=False, drop_last=True,
                  test=TestSplit(xt, y_test, every=eval_every, batch_size=KERNEL_EVAL_BATCH_SIZE),
                  callback=callback, progress=progress)
    return TrainingRun(net, history)
