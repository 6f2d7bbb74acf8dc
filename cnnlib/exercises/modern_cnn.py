"""Checkers for notebook 14: the parameters of a conv + batch-norm block, and the residual block's backward pass."""

import numpy as np

from cnnlib.exercises._compare import compare_array, compare_int
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases
from cnnlib.layers import BatchNorm2D, Conv2D, ResidualBlock


def check_conv_bn_params(conv_bn_params, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``conv_bn_params(in_channels, out_channels, kernel_size) -> int``: the trainable numbers of a
    ``Conv2D(in_channels, out_channels, kernel_size, bias=None)`` followed by a ``BatchNorm2D(out_channels)``,
    counted on cnnlib's layers (the running statistics are not trainable)."""
    settings = [(1, 8, 3), (8, 16, 3), (16, 16, 3), (3, 32, 5), (64, 10, 1)]
    cases = []
    for c_in, c_out, k in settings:
        layers = [Conv2D(c_in, c_out, k, bias=None), BatchNorm2D(c_out)]
        cases.append(Case(f"{c_in} → {c_out} channels, {k}×{k} kernels", (c_in, c_out, k),
                          sum(layer.num_params() for layer in layers)))

    def compare(got, case):
        c_in, c_out, k = case.args
        weights = c_in * c_out * k * k
        return compare_int(got, case.expected, what="the count", mistakes=[
            (weights + 3 * c_out, "the convolution has no bias: batch normalisation subtracts the mean, and its "
                                  "beta is the bias"),
            (weights + 4 * c_out, "the running mean and variance are not trainable: only gamma and beta are"),
            (weights, "batch normalisation has two trainable numbers per channel, gamma and beta"),
            (c_in * c_out * k + 2 * c_out if k > 1 else None, "a kernel has K·K weights per input channel"),
            (c_out * k * k + 2 * c_out if c_in > 1 else None, "every kernel spans all input channels: C_in·K·K "
                                                               "weights per output channel"),
        ])

    return check_cases(conv_bn_params, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="C_in·C_out·K·K kernel weights plus gamma and beta per output channel, in every case.")


def _block(channels, seed):
    """A ResidualBlock with non-trivial gamma, beta and running statistics, and a batch for it."""
    block = ResidualBlock(channels, rng=seed, dtype=np.float64)
    rng = np.random.default_rng(seed + 100)
    for key, p in block.params.items():
        if key.startswith("bn"):
            p[...] = rng.standard_normal(p.shape) + (1.0 if key.endswith("gamma") else 0.0)
    return block, rng.standard_normal((3, channels, 5, 6)), rng.standard_normal((3, channels, 5, 6))


def _run_residual_backward(residual_backward, channels, seed, x, dout):
    """Run the student's residual_backward on a fresh block after a training-mode forward pass."""
    block, _, _ = _block(channels, seed)
    out = block.forward(x, training=True)
    parts = list(block.parts.values())

    def branch_backward(d):
        for part in reversed(parts):
            d = part.backward(d)
        return d

    return residual_backward(dout, out, branch_backward)


def check_residual_backward(residual_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``residual_backward(dout, out, branch_backward) -> dx`` for ``out = relu(x + F(x))``: given the gradient
    ``dout`` of the block's output, the output ``out`` itself, and ``branch_backward(d)``, which sends a gradient
    ``d`` of F's output back through F and returns it with respect to x, return the gradient with respect to x.
    Compared with ``cnnlib.layers.ResidualBlock.backward``."""
    cases = []
    for label, channels, seed in (("2 channels", 2, 300), ("3 channels", 3, 301), ("1 channel", 1, 302)):
        block, x, dout = _block(channels, seed)
        block.forward(x, training=True)
        cases.append(Case(f"a block of {label} on a batch of 3 maps of 5×6", (channels, seed, x, dout),
                          block.backward(dout)))

    def compare(got, case):
        channels, seed, x, dout = case.args
        block, _, _ = _block(channels, seed)
        out = block.forward(x, training=True)
        mask = out > 0
        parts = list(block.parts.values())

        def branch(d):
            for part in reversed(parts):
                d = part.backward(d)
            return d

        d_sum = dout * mask
        mistakes = [(lambda c: branch(d_sum), "the shortcut is missing: x reaches the output twice, through F and "
                                              "unchanged, so its gradient is the sum of both paths"),
                    (lambda c: branch(dout) + dout, "the ReLU after the sum is missing: both paths start from "
                                                    "dout · (out > 0)"),
                    (lambda c: branch(d_sum) + dout, "the shortcut's gradient also passes the ReLU after the sum: "
                                                     "add dout · (out > 0), not dout")]
        return compare_array(got, case.expected, what="dx", mistakes=mistakes, case=case)

    return check_cases(residual_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       call=lambda f, case: (_run_residual_backward, (f,) + case.args),
                       success="dx equals ResidualBlock.backward: the gradient through F plus the gradient that "
                               "skips it, both after the last ReLU.")
