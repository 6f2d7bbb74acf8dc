"""Checkers for notebook 02: the dense layer's forward and backward passes, and the squared-error gradient."""

import numpy as np

from cnnlib.dense import dense_backward, dense_forward
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, compare_array, compare_tuple
from cnnlib.exercises.weight_sharing import small_ints
from cnnlib.losses import mean_squared_error

#: (label, seed, N, D, M, dtype)
DENSE_SETTINGS = [("4 images, 3 inputs, 2 outputs", 130, 4, 3, 2, np.float64),
                  ("5 images, 7 inputs, 3 outputs", 131, 5, 7, 3, np.float64),
                  ("one image, 6 inputs, 4 outputs", 132, 1, 6, 4, np.float64),
                  ("float32, 3 images, 5 inputs, 5 outputs", 133, 3, 5, 5, np.float32)]


def _dense_arrays(seed, n, d, m, dtype):
    return small_ints(seed, (n, d), dtype), small_ints(seed + 1, (d, m), dtype), small_ints(seed + 2, (m,), dtype)


def check_dense_forward(forward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``forward(x, w, b) -> out`` with x: (N, D), w: (D, M), b: (M,), out: (N, M), against
    ``cnnlib.dense.dense_forward``."""
    cases = []
    for label, seed, n, d, m, dtype in DENSE_SETTINGS:
        x, w, b = _dense_arrays(seed, n, d, m, dtype)
        cases.append(Case(label, (x, w, b), dense_forward(x, w, b)[0]))

    def compare(got, case):
        x, w, b = case.args
        mistakes = [(lambda c: x @ w, "the bias b is missing: out = x @ w + b"),
                    (lambda c: x @ w - b, "the bias is added, not subtracted"),
                    (lambda c: (x @ w + b).T, "the output is transposed: one row per image, (N, M)")]
        return compare_array(got, case.expected, what="out", mistakes=mistakes, case=case,
                             float32=x.dtype == np.float32)

    return check_cases(forward, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="x @ w + b, the same as dense_forward in all 4 cases.")


def check_dense_backward(backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``backward(dout, x, w) -> (dx, dw, db)`` for ``out = x @ w + b`` against
    ``cnnlib.dense.dense_backward``. dout: (N, M); dx: (N, D), dw: (D, M), db: (M,)."""
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

    return check_cases(backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="dx, dw and db equal dense_backward in all 4 cases, a batch of one included.")


def check_mse_grad(mse_grad, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``mse_grad(y_pred, y_true) -> dpred`` for ``loss = mean((y_pred - y_true)**2)`` over ALL
    elements, against ``cnnlib.losses.mean_squared_error``."""
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
                       success="2 (y_pred − y_true) / size, as mean_squared_error computes it, in all 3 cases.")
