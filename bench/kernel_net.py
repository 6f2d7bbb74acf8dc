"""Benchmark: the 3x3 kernel net trained three ways on the same data (a benchmark, not a test).

(a) the seed's code path, written afresh below as a faithful reference: a Python
    loop over the 625 image sections of every batch, ``np.concatenate``, one
    product with the kernels, and the test images evaluated one at a time.
    Too slow to run in full: a few iterations and one full test evaluation are
    timed and extrapolated to 300 iterations (the table says so).
(b) cnnlib: the corrected net (``build_kernel_net()``, float32) and the faithful
    one (``FaithfulKernelNet``, trained in float64 like the seed, evaluated in float32),
    trained by ``cnnlib.train.fit`` and evaluated ``KERNEL_EVAL_BATCH_SIZE`` images at a time.
(c) Keras 3 on the jax backend (CPU): Conv2D(16, 3x3, no bias, tanh) -> Dropout(0.5)
    -> Flatten -> Dense(10, softmax, no bias), SGD(lr = 2/128), the same schedule:
    batches of 128 in order over the first 896 images, 300 epochs.

    python bench/kernel_net.py                      # full run (a few minutes)
    python bench/kernel_net.py --iterations 20 --seed-iterations 1 --no-keras
    OPENBLAS_NUM_THREADS=2 python bench/kernel_net.py --faithful

numpy's BLAS runs on one thread unless OPENBLAS_NUM_THREADS (or OMP_NUM_THREADS)
says otherwise: the products here are small or skinny, and on a machine whose few
cores are shared a threaded OpenBLAS makes them several times slower. Keras/XLA
keeps its own thread pool. The header prints the setting used.

Targets: one cnnlib training iteration >= 3x faster than the seed's, a full test
evaluation >= 30x faster than the seed's one-by-one loop, cnnlib's whole training
no slower than Keras (ratio cnnlib / keras <= 1.0). Timings on a shared machine are noisy.
"""

import argparse
import os
import sys
import time

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
if "OPENBLAS_NUM_THREADS" not in os.environ and "OMP_NUM_THREADS" not in os.environ:
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # before numpy is imported; see the docstring

import numpy as np  # noqa: E402

from cnnlib.data import load_mnist, to_float  # noqa: E402
from cnnlib.nets.faithful_kernel_net import FaithfulKernelNet
from cnnlib.nets.kernel_net import KERNEL_BATCH_SIZE, KERNEL_EVAL_BATCH_SIZE, KERNEL_LR, build_kernel_net
from cnnlib.optimizers import SGD  # noqa: E402
from cnnlib.train import evaluate, fit  # noqa: E402

# --------------------------------------------------------------------------- (a) the seed's code path

def _sections(layer_0, size=3):
    """The seed's window loop: range(28 - 3) positions per axis, each window a (N, 1, 3, 3) slice."""
    windows = []
    for row in range(layer_0.shape[1] - size):
        for col in range(layer_0.shape[2] - size):
            windows.append(layer_0[:, row:row + size, col:col + size].reshape(-1, 1, size, size))
    stacked = np.concatenate(windows, axis=1)  # (N, 625, 3, 3)
    return stacked.reshape(stacked.shape[0] * stacked.shape[1], -1)  # (N*625, 9)


def seed_iteration(images, labels_1hot, kernels, weights, random_state, batch_size=128, alpha=2):
    """One pass over the training images exactly as the seed's loop does it (updates in place)."""
    correct = 0
    for i in range(len(images) // batch_size):
        start, stop = i * batch_size, (i + 1) * batch_size
        layer_0 = images[start:stop].reshape(-1, 28, 28)  # (128, 28, 28)
        flat = _sections(layer_0)  # (80000, 9)
        kernel_output = flat.dot(kernels)  # (80000, 16)
        layer_1 = np.tanh(kernel_output.reshape(layer_0.shape[0], -1))  # (128, 10000)
        mask = random_state.randint(2, size=layer_1.shape)
        layer_1 *= mask * 2
        e = np.exp(layer_1.dot(weights))
        layer_2 = e / e.sum(axis=1, keepdims=True)  # (128, 10)
        for k in range(batch_size):  # the seed counts hits one row at a time
            correct += int(np.argmax(layer_2[k:k + 1]) == np.argmax(labels_1hot[start + k:start + k + 1]))
        delta_2 = (labels_1hot[start:stop] - layer_2) / (batch_size * layer_2.shape[0])
        delta_1 = delta_2.dot(weights.T) * (1 - layer_1 ** 2)
        delta_1 *= mask
        weights += alpha * layer_1.T.dot(delta_2)
        kernels -= alpha * flat.T.dot(delta_1.reshape(kernel_output.shape))
    return correct


def seed_test_accuracy(test_images, test_labels, kernels, weights):
    """The seed's evaluation: one test image at a time through the same window loop."""
    correct = 0
    for i in range(len(test_images)):
        layer_0 = test_images[i:i + 1].reshape(1, 28, 28)
        layer_1 = np.tanh(_sections(layer_0).dot(kernels).reshape(1, -1))  # (1, 10000)
        correct += int(np.argmax(layer_1.dot(weights)) == test_labels[i])
    return correct / len(test_images)


def run_seed(x_train, y_train, x_test, y_test, iterations, seed=1):
    images = x_train.reshape(len(x_train), 28 * 28) / 255  # float64 like the seed
    labels_1hot = np.eye(10)[y_train]
    test_images = x_test.reshape(len(x_test), 28 * 28) / 255
    random_state = np.random.RandomState(seed)
    kernels = 0.02 * random_state.random_sample((9, 16)) - 0.01
    weights = 0.2 * random_state.random_sample((25 * 25 * 16, 10)) - 0.1
    t0 = time.perf_counter()
    for _ in range(iterations):
        seed_iteration(images, labels_1hot, kernels, weights, random_state)
    train_s = (time.perf_counter() - t0) / iterations
    t0 = time.perf_counter()
    acc = seed_test_accuracy(test_images, y_test, kernels, weights)
    eval_s = time.perf_counter() - t0
    return {"iter_s": train_s, "eval_s": eval_s, "acc": acc, "kernels": kernels, "weights": weights}


# --------------------------------------------------------------------------- (b) cnnlib

def _median_time(f, repeats=3):
    """(median seconds over ``repeats`` calls, the last result): steadier on a shared machine."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = f()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), result


def run_cnnlib(x_train, y_train, x_test, y_test, iterations, faithful):
    dtype = np.float64 if faithful else np.float32
    x, xt = to_float(x_train, dtype=dtype), to_float(x_test, dtype=dtype)
    net = build_kernel_net(1, faithful=faithful)
    t0 = time.perf_counter()
    fit(net, x, y_train, num_epochs=iterations, batch_size=KERNEL_BATCH_SIZE, optimizer=SGD(KERNEL_LR),
        shuffle=False, drop_last=True, progress=None)
    train_s = time.perf_counter() - t0
    evaluate(net, xt[:500], y_test[:500], batch_size=KERNEL_EVAL_BATCH_SIZE)  # warm-up
    eval_s, acc = _median_time(lambda: evaluate(net, xt, y_test, batch_size=KERNEL_EVAL_BATCH_SIZE))
    return {"iter_s": train_s / iterations, "total_s": train_s, "eval_s": eval_s, "acc": acc, "net": net}


# --------------------------------------------------------------------------- (c) keras

def run_keras(x_train, y_train, x_test, y_test, iterations):
    import keras

    keras.utils.set_random_seed(1)
    n = (len(x_train) // KERNEL_BATCH_SIZE) * KERNEL_BATCH_SIZE  # 896: the seed's 7 full batches
    x = to_float(x_train[:n]).transpose(0, 2, 3, 1)  # (N, 28, 28, 1), Keras is channels-last
    xt = to_float(x_test).transpose(0, 2, 3, 1)  # (N, 28, 28, 1)
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        keras.layers.Conv2D(16, 3, use_bias=False, activation="tanh"),
        keras.layers.Dropout(0.5),
        keras.layers.Flatten(),
        keras.layers.Dense(10, activation="softmax", use_bias=False),
    ])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=KERNEL_LR),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    t0 = time.perf_counter()
    model.fit(x, y_train[:n], batch_size=KERNEL_BATCH_SIZE, epochs=1, shuffle=False, verbose=0)
    first_s = time.perf_counter() - t0
    if iterations > 1:
        model.fit(x, y_train[:n], batch_size=KERNEL_BATCH_SIZE, epochs=iterations - 1, shuffle=False, verbose=0)
    total_s = time.perf_counter() - t0
    model.evaluate(xt[:1000], y_test[:1000], batch_size=1000, verbose=0)  # warm-up (compiles)
    eval_s, acc = _median_time(lambda: model.evaluate(xt, y_test, batch_size=1000, verbose=0)[1])
    steady = (total_s - first_s) / (iterations - 1) if iterations > 1 else first_s
    return {"iter_s": steady, "total_s": total_s, "first_s": first_s, "eval_s": eval_s, "acc": float(acc)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=300, help="training iterations for cnnlib and Keras")
    parser.add_argument("--seed-iterations", type=int, default=2,
                        help="iterations of the seed's code path to time (then extrapolated)")
    parser.add_argument("--no-keras", action="store_true", help="skip Keras")
    parser.add_argument("--faithful", action="store_true",
                        help="also time cnnlib's faithful FaithfulKernelNet (float64, slower)")
    args = parser.parse_args(argv)
    iters = args.iterations
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000)
    threads = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    print(f"kernel net, 1,000 train / {len(x_test):,} test images (bundled), {iters} iterations; "
          f"numpy BLAS threads: {threads}, cores: {os.cpu_count()}", flush=True)

    seed = run_seed(x_train, y_train, x_test, y_test, args.seed_iterations)
    check = FaithfulKernelNet(1)  # the faithful cnnlib net replays (a) exactly
    fit(check, to_float(x_train, dtype=np.float64), y_train, num_epochs=args.seed_iterations, batch_size=128,
        optimizer=SGD(KERNEL_LR), shuffle=False, drop_last=True, progress=None)
    diff = max(np.max(np.abs(check.params["kernels"] - seed["kernels"])),
               np.max(np.abs(check.params["w"] - seed["weights"])))
    print(f"(a) seed code path: {seed['iter_s']:.2f} s per iteration (mean of {args.seed_iterations}), "
          f"test evaluation {seed['eval_s']:.2f} s; FaithfulKernelNet matches it to {diff:.1e}", flush=True)

    rows = [("(a) seed's code path*", seed["iter_s"], seed["iter_s"] * iters, seed["eval_s"], None)]
    corrected = run_cnnlib(x_train, y_train, x_test, y_test, iters, faithful=False)
    rows.append(("(b) cnnlib corrected, float32", corrected["iter_s"], corrected["total_s"], corrected["eval_s"],
                 corrected["acc"]))
    if args.faithful:
        faithful = run_cnnlib(x_train, y_train, x_test, y_test, iters, faithful=True)
        rows.append(("(b) cnnlib faithful, float64", faithful["iter_s"], faithful["total_s"], faithful["eval_s"],
                     faithful["acc"]))
    keras = None
    if not args.no_keras:
        keras = run_keras(x_train, y_train, x_test, y_test, iters)
        rows.append(("(c) keras 3 / jax CPU", keras["iter_s"], keras["total_s"], keras["eval_s"], keras["acc"]))

    print()
    print(f"{'':32}{'s / iteration':>15}{f'{iters} iterations':>17}{'test eval (s)':>15}{'test acc':>10}")
    for name, per_it, total, ev, acc in rows:
        acc_s = "" if acc is None else f"{acc:.4f}"
        print(f"{name:32}{per_it:>15.4f}{total:>17.1f}{ev:>15.3f}{acc_s:>10}")
    print(f"* timed over {args.seed_iterations} iteration(s) and one full test evaluation, "
          f"training extrapolated to {iters}; the other evaluations are medians of 3")
    if keras is not None:
        print(f"  keras' first epoch (with compilation) took {keras['first_s']:.1f} s; "
              "its s / iteration is the mean of the later epochs")
    print()
    print(f"speed-up of cnnlib (corrected) over the seed, per training iteration: "
          f"{seed['iter_s'] / corrected['iter_s']:6.1f}x   (target >= 3)")
    print(f"speed-up of cnnlib over the seed, full test evaluation:             "
          f"{seed['eval_s'] / corrected['eval_s']:6.1f}x   (target >= 30)")
    if keras is not None:
        print(f"cnnlib / keras, whole training ({iters} iterations):                "
              f"{corrected['total_s'] / keras['total_s']:6.2f}    (target <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
