"""Checkers for notebook 02: weights per example, the dense layer's backward pass, the squared-error gradient,
and reading a validation curve: where early stopping stops."""

import numpy as np

from cnnlib.dense import dense_backward
from cnnlib.exercises._compare import compare_array, compare_number, compare_tuple
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._predictions import check_predictions, compare_count
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases
from cnnlib.layers import Dense
from cnnlib.losses import mean_squared_error
from cnnlib.sequential import Sequential

#: (label, seed, N, D, M, dtype)
DENSE_SETTINGS = [("4 images, 3 inputs, 2 outputs", 130, 4, 3, 2, np.float64),
                  ("5 images, 7 inputs, 3 outputs", 131, 5, 7, 3, np.float64),
                  ("one image, 6 inputs, 4 outputs", 132, 1, 6, 4, np.float64),
                  ("float32, 3 images, 5 inputs, 5 outputs", 133, 3, 5, 5, np.float32)]


def _dense_arrays(seed, n, d, m, dtype):
    return small_ints(seed, (n, d), dtype), small_ints(seed + 1, (d, m), dtype), small_ints(seed + 2, (m,), dtype)


def check_weights_per_example(weights_per_example, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``weights_per_example(layer_sizes, num_examples) -> float``: the trainable numbers (weights and
    biases) of a stack of dense layers with the given sizes, e.g. ``[784, 40, 10]``, per training example.
    The reference counts the parameters of ``cnnlib.layers.Dense`` layers built with those sizes."""
    settings = [([784, 40, 10], 1000), ([784, 10], 1000), ([784, 200, 10], 200), ([784, 100, 50, 10], 5000)]
    cases = []
    for sizes, n in settings:
        net = Sequential([Dense(a, b, rng=0) for a, b in zip(sizes[:-1], sizes[1:])])
        cases.append(Case(f"layers {' → '.join(map(str, sizes))} and {n:,} examples", (list(sizes), n),
                          net.num_params() / n))

    def compare(got, case):
        sizes, n = case.args
        pairs = list(zip(sizes[:-1], sizes[1:]))
        no_bias = sum(a * b for a, b in pairs) / n
        first_only = (sizes[0] * sizes[1] + sizes[1]) / n if len(pairs) > 1 else None
        return compare_number(got, case.expected, what="the ratio", mistakes=[
            (no_bias, "the biases are missing: each layer has one per output"),
            (first_only, "count every layer, not only the first"),
            (no_bias * n, "divide by the number of examples"),
            (case.expected * n, "divide by the number of examples")])

    return check_cases(weights_per_example, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Weights and biases of every layer, per example, right for all 4 networks.")


def check_dense_backward(backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``backward(dout, x, w) -> (dx, dw, db)`` for ``out = x @ w + b`` against
    ``cnnlib.dense.dense_backward`` (switched off while the answer runs).
    dout: (N, M); dx: (N, D), dw: (D, M), db: (M,)."""
    cases = []
    for label, seed, n, d, m, dtype in DENSE_SETTINGS:
        x, w, b = _dense_arrays(seed, n, d, m, dtype)
        dout = small_ints(seed + 3, (n, m), dtype)
        cases.append(Case(label, (dout, x, w), dense_backward(dout, (x, w, b))))

    def compare(got, case):
        dout, x, w = case.args
        mistakes = {
            "dx": [(lambda c: dout @ w, "dx = dout @ w.T: the weights are used transposed on the way back")],
            "dw": [(lambda c: dout.T @ x, "dw should have w's shape (D, M): x.T @ dout"),
                   (lambda c: x.T @ dout / len(x), "the gradients add up over the batch: do not divide dw by N")],
            "db": [(lambda c: dout, "db has one value per output: sum dout over the batch (axis 0)"),
                   (lambda c: dout.mean(axis=0) if len(dout) > 1 else None,
                    "the gradients add up over the batch: sum, do not average")],
        }
        return compare_tuple(got, case.expected, ("dx", "dw", "db"), mistakes=mistakes, case=case,
                             float32=x.dtype == np.float32,
                             sign_hints={"dw": "your weight gradient points uphill: dw = x.T @ dout"})

    return check_cases(backward, cases, compare, time_limit=time_limit, quiet=quiet, switch_off=[dense_backward],
                       success="dx, dw and db equal dense_backward in all 4 cases, a batch of one included.")


def check_mse_grad(mse_grad, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``mse_grad(y_pred, y_true) -> dpred`` for ``loss = mean((y_pred - y_true)**2)`` over ALL
    elements, against ``cnnlib.losses.mean_squared_error`` (switched off while the answer runs)."""
    rng = np.random.default_rng(140)
    inputs = [("4 images and 10 classes", rng.random((4, 10)), np.eye(10)[[3, 1, 4, 1]]),
              ("one image and 3 outputs", rng.random((1, 3)), np.array([[0.0, 1.0, 0.0]])),
              ("float32, 6 images and 2 outputs", rng.random((6, 2)).astype(np.float32),
               np.eye(2, dtype=np.float32)[[0, 1, 1, 0, 1, 0]])]
    cases = [Case(label, (y_pred, y_true), mean_squared_error(y_pred, y_true)[1]) for label, y_pred, y_true in inputs]

    def compare(got, case):
        y_pred, y_true = case.args
        diff = (y_pred - y_true).astype(np.float64)
        mistakes = [(lambda c: diff / y_pred.size, "the factor 2 from the square is missing"),
                    (lambda c: 2 * diff / len(y_pred) if y_pred.shape[1] > 1 else None,
                     "the mean is over all N·C elements, so divide by y_pred.size, not by N"),
                    (lambda c: 2 * diff, "divide by the number of elements: the loss is a mean")]
        return compare_array(got, case.expected, what="dpred", mistakes=mistakes, case=case,
                             float32=y_pred.dtype == np.float32,
                             sign_hint="your gradient points uphill: 2 (y_pred − y_true) / size, not "
                                       "y_true − y_pred")

    return check_cases(mse_grad, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=[mean_squared_error],
                       success="2 (y_pred − y_true) / size, as mean_squared_error computes it, in all 3 cases.")


#: A validation-loss curve to read (epoch 1 first) and the patience of the rule of notebook 02, section 5.
EARLY_STOPPING_CURVE = (0.90, 0.62, 0.51, 0.53, 0.47, 0.46, 0.48, 0.50, 0.47, 0.45, 0.44, 0.47)
EARLY_STOPPING_PATIENCE = 3


def early_stopping_reading(curve, patience):
    """(stop, keep): the epoch (from 1) after which the rule stops, and the epoch whose weights it keeps.

    The rule: stop once the loss has not improved on its best for ``patience`` epochs; keep the best epoch.
    It never sees the epochs after the stop. Without a stop: the last epoch, and the best one."""
    best = 0
    for i, value in enumerate(curve):
        if value < curve[best]:
            best = i
        elif i - best >= patience:
            return i + 1, best + 1
    return len(curve), best + 1


def check_early_stopping_reading(answer, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Read ``EARLY_STOPPING_CURVE`` with patience ``EARLY_STOPPING_PATIENCE``: after which epoch does early
    stopping stop (``stop_epoch``), and which epoch's weights does it keep (``kept_epoch``)? Epochs count from 1.
    ``answer`` = (stop_epoch, kept_epoch), or a function that returns it."""
    curve, patience = EARLY_STOPPING_CURVE, EARLY_STOPPING_PATIENCE
    stop, keep = early_stopping_reading(curve, patience)
    lowest = int(np.argmin(curve)) + 1
    first_rise = next(i for i in range(1, len(curve)) if curve[i] > curve[i - 1]) + 1
    parts = [
        ("stop_epoch", lambda v: compare_count(v, stop, "stop_epoch", hints=[
            (stop - 1, "epochs count from 1: the first value of the curve is epoch 1"),
            (first_rise, f"the rule does not stop at the first rise: it waits {patience} epochs without a new "
                         "best, and a later epoch may improve again"),
            (len(curve), f"the rule stops {patience} epochs after its best so far, without seeing the rest"),
            (first_rise + patience, "patience counts the epochs since the best loss so far, not since the "
                                    "first rise"),
        ])),
        ("kept_epoch", lambda v: compare_count(v, keep, "kept_epoch", hints=[
            (keep - 1, "epochs count from 1: the first value of the curve is epoch 1"),
            (stop, "early stopping keeps the weights of the best epoch, not those of the last epoch trained"),
            (lowest, "the rule never trains the epochs after it stops, so it cannot keep the lowest value of the "
                     "whole curve"),
        ])),
    ]
    missed = [i + 1 for i in range(stop, len(curve)) if curve[i] < curve[keep - 1]]
    patient = patience + 2
    _, keep_patient = early_stopping_reading(curve, patient)
    return check_predictions(answer, parts, variable="my_reading", time_limit=time_limit, quiet=quiet,
                             success=f"With patience {patience} training stops after epoch {stop} and keeps "
                                     f"epoch {keep}'s weights; the lower losses of epochs "
                                     f"{' and '.join(map(str, missed))} are never seen. With patience {patient} "
                                     f"it would keep epoch {keep_patient}: patience trades training time for the "
                                     "chance of a later, better epoch.")
