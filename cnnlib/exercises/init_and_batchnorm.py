"""Checkers for notebook 12: He's standard deviation, batch normalisation's backward pass, and a prediction of
which initialisations make the deep net's signal vanish, stay or explode."""

import functools

import numpy as np

from cnnlib.activation_stats import layer_statistics
from cnnlib.batchnorm import batchnorm_backward, batchnorm_forward
from cnnlib.data import load_mnist, to_float
from cnnlib.exercises._compare import compare_number, compare_tuple
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases
from cnnlib.nets.deep_net import build_deep_net


def check_he_std(he_std, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``he_std(in_channels, kernel_size) -> float``: the standard deviation of He-normal weights for a
    Conv2D with ``in_channels`` input channels and square ``kernel_size`` kernels, ``sqrt(2 / fan_in)`` with
    ``fan_in = in_channels * kernel_size**2`` (``cnnlib.layers.initializers.he_normal``)."""
    settings = [(1, 3), (8, 3), (16, 5), (3, 1), (64, 3)]
    cases = [Case(f"{c} input channel{'s' if c > 1 else ''} and {k}×{k} kernels", (c, k),
                  float(np.sqrt(2.0 / (c * k * k)))) for c, k in settings]

    def compare(got, case):
        c, k = case.args
        mistakes = [(2.0 / (c * k * k), "that is the variance 2 / fan_in: take its square root"),
                    (np.sqrt(1.0 / (c * k * k)), "the factor 2 is missing: a ReLU zeroes half of its inputs, so the "
                                                 "weights must make up for half of the signal's power"),
                    (np.sqrt(2.0 / (k * k)) if c > 1 else None, "fan_in counts every input a kernel reads: all "
                                                                "C channels of the K×K window, C·K·K"),
                    (np.sqrt(2.0 / (c * k)) if k > 1 else None, "the window is K×K: fan_in = C·K·K, not C·K")]
        return compare_number(got, case.expected, what="the standard deviation", mistakes=mistakes)

    return check_cases(he_std, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="sqrt(2 / (C·K·K)) for every layer: He's standard deviation, as he_normal draws it.")


#: (label, seed, N, D, dtype) of the batches ``check_batchnorm_backward`` tries.
BN_SETTINGS = [("4 samples and 3 features", 200, 4, 3, np.float64),
               ("6 samples and 5 features", 201, 6, 5, np.float64),
               ("2 samples and 2 features (the smallest batch)", 202, 2, 2, np.float64),
               ("float32, 8 samples and 4 features", 203, 8, 4, np.float32)]


def check_batchnorm_backward(bn_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``bn_backward(dout, x, gamma, eps) -> (dx, dgamma, dbeta)`` for batch normalisation in training mode
    of x: (N, D) (statistics per feature over the batch), against ``cnnlib.batchnorm.batchnorm_backward``."""
    cases = []
    for label, seed, n, d, dtype in BN_SETTINGS:
        x = small_ints(seed, (n, d), dtype) + small_ints(seed + 1, (1, d), dtype)  # features of different means
        gamma, dout = small_ints(seed + 2, (d,), dtype) + 4, small_ints(seed + 3, (n, d), dtype)
        _, cache = batchnorm_forward(x, gamma, np.zeros(d, dtype), eps=1e-5)
        cases.append(Case(label, (dout, x, gamma, 1e-5), batchnorm_backward(dout, cache), {"cache": cache}))

    def compare(got, case):
        dout, x, gamma, _ = case.args
        cache = case.context["cache"]
        x_hat, inv_std, m = cache.x_hat, cache.inv_std, x.shape[0]
        mistakes = {
            "dx": [(lambda c: dout * gamma * inv_std, "that is test mode's dx: in training mode the batch's mean and "
                                                      "variance are computed from x too, so dx has two more terms"),
                   (lambda c: gamma * inv_std * (dout - dout.mean(axis=0)),
                    "the path through the variance is missing: subtract x_hat · mean(dout · x_hat) too"),
                   (lambda c: gamma * inv_std * (dout - x_hat * (dout * x_hat).mean(axis=0)),
                    "the path through the mean is missing: subtract mean(dout) too"),
                   (lambda c: inv_std / m * (m * dout - dout.sum(axis=0) - x_hat * (dout * x_hat).sum(axis=0)),
                    "gamma is missing: out = gamma · x_hat + beta, so every gradient reaching x_hat is "
                    "multiplied by gamma")],
            "dgamma": [(lambda c: dout.sum(axis=0), "dgamma = sum(dout · x_hat): gamma multiplies x_hat"),
                       (lambda c: (dout * x_hat).mean(axis=0), "the gradients add up over the batch: sum, not mean")],
            "dbeta": [(lambda c: dout.mean(axis=0), "the gradients add up over the batch: sum dout, not average it"),
                      (lambda c: dout, "dbeta has one value per feature: sum dout over the batch (axis 0)")],
        }
        return compare_tuple(got, case.expected, ("dx", "dgamma", "dbeta"), mistakes=mistakes, case=case,
                             float32=x.dtype == np.float32)

    return check_cases(bn_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="dx, dgamma and dbeta equal batchnorm_backward in all 4 batches, the paths through "
                               "the batch's mean and variance included.")


SPREADS = ("vanishes", "stays", "explodes")


#: The set-ups ``check_spread_prediction`` asks about: (init, batch_norm).
SPREAD_SETUPS = [(0.05, False), ("he_normal", False), (1.0, False), ("glorot_uniform", False), (0.5, False),
                 ("he_uniform", False), (1.0, True), (0.01, True)]


@functools.lru_cache(maxsize=None)
def measured_spread(init, batch_norm):
    """"vanishes", "stays" or "explodes": how the spread of the activations of ``build_deep_net(init,
    batch_norm=batch_norm)`` (seed 0) changes from block 1 to block 8 on the first 16 bundled training digits:
    down more than 10-fold, within 10-fold, or up more than 10-fold."""
    (x, y), _ = load_mnist(n_train=16, n_test=1, source="bundled")
    stats = layer_statistics(build_deep_net(init, batch_norm=batch_norm, rng=0), to_float(x, dtype=np.float64), y)
    ratio = stats.std[-1] / stats.std[0]
    return "vanishes" if ratio < 0.1 else "explodes" if ratio > 10 else "stays"


def _setup_label(init, batch_norm):
    name = f"N(0, {init:g}²) weights" if isinstance(init, float) else f"init={init!r}"
    return f"{name}{' with batch norm' if batch_norm else ''}"


def check_spread_prediction(predict_spread, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``predict_spread(init, batch_norm) -> "vanishes" | "stays" | "explodes"``: a prediction of how the
    spread of the activations of ``build_deep_net(init, batch_norm=batch_norm)`` changes from its first block to
    its eighth — measured here with ``layer_statistics`` (down or up more than 10-fold, or neither)."""
    cases = [Case(_setup_label(init, bn), (init, bn), measured_spread(init, bn)) for init, bn in SPREAD_SETUPS]

    def compare(got, case):
        init, batch_norm = case.args
        if got not in SPREADS:
            return f"the prediction should be one of {', '.join(map(repr, SPREADS))}, got {got!r:.40}"
        if got == case.expected:
            return None
        if batch_norm:
            hint = ("batch normalisation rescales every channel to mean 0 and spread 1 before its ReLU, whatever "
                    "the weights: the spread cannot build up from block to block")
        elif isinstance(init, str) and init.startswith("glorot"):
            hint = ("for these layers Glorot's variance 2/(fan_in + fan_out) is half of He's 2/fan_in: each ReLU "
                    "block loses a factor √2 of spread, and seven of them lose more than 10-fold")
        elif isinstance(init, str):
            hint = "He's variance 2/fan_in is chosen to keep the spread of a ReLU network steady"
        else:
            hint = (f"compare {init:g} with He's standard deviation for these layers, sqrt(2/72) ≈ 0.167: every "
                    f"block multiplies the spread by about their ratio, seven times over")
        return f"the spread {case.expected} (measured), you predicted it {got} — {hint}"

    return check_cases(predict_spread, cases, compare, time_limit=time_limit, quiet=quiet,
                       success=f"All {len(cases)} predictions match what layer_statistics measures on the deep net.")
