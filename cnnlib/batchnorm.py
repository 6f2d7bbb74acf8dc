"""Batch normalisation: each feature (or channel) normalised to mean 0 and variance 1, then scaled and shifted.

Shapes (the same functions serve both)::

    x:     (N, D)          features of a dense layer: statistics per feature, over the N samples
           (N, C, H, W)    maps of a conv layer: statistics per channel, over N, H and W
    gamma, beta, mean, var: (D,) or (C,)
    out:   x's shape       out = gamma * (x - mean) / sqrt(var + eps) + beta

``m`` below is the number of values one statistic is taken over: N for (N, D), N*H*W for maps.

Two modes, as in every framework:

* **training** (``mean`` and ``var`` not given): the batch's own statistics,
  ``mean = sum(x) / m`` and the *biased* variance ``var = sum((x - mean)**2) / m``. They depend on
  every sample of the batch, so the gradient flows through them too; ``cache.mean`` and ``cache.var``
  hold them, for the running averages a layer keeps (``cnnlib.layers.BatchNorm2D``).
* **test** (``mean`` and ``var`` given, e.g. those running averages): fixed numbers, so the layer is a
  plain per-channel affine map ``out = x * gamma / sqrt(var + eps) + (beta - mean * gamma / sqrt(var + eps))``
  and every sample's output depends on that sample alone.

The gradients, with ``x_hat = (x - mean) / sqrt(var + eps)`` and sums over the ``m`` values of a channel::

    dbeta  = sum(dout)                  dgamma = sum(dout * x_hat)
    dx     = gamma / sqrt(var + eps) / m * (m * dout - sum(dout) - x_hat * sum(dout * x_hat))   (training)
    dx     = gamma / sqrt(var + eps) * dout                                                     (test)

Twins with identical signatures and caches: ``batchnorm_forward_naive``/``batchnorm_backward_naive`` take
one channel at a time and walk the computation graph step by step (mean, centred values, variance,
x_hat, out, and back again node by node); ``batchnorm_forward``/``batchnorm_backward`` do every channel
at once with the closed form above. A test asserts they agree.
"""

from typing import NamedTuple

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_nonempty, check_number, check_shape
from cnnlib.caches import cache_of, check_cache


@cache_of("batchnorm_forward", "batchnorm_forward_naive")
class BatchNormCache(NamedTuple):
    """What the backward pass needs: the input, x_hat, the statistics used, 1/sqrt(var + eps), gamma, the mode."""

    x: np.ndarray
    x_hat: np.ndarray
    mean: np.ndarray      # (C,) the statistics the forward pass used (the batch's, or the given ones)
    var: np.ndarray       # (C,) biased variance in training mode
    inv_std: np.ndarray   # (C,) 1 / sqrt(var + eps)
    gamma: np.ndarray
    beta: np.ndarray
    training: bool


def _channel_axes(x):
    """The axes a statistic is taken over: (0,) for (N, D), (0, 2, 3) for (N, C, H, W)."""
    return (0,) if x.ndim == 2 else (0, 2, 3)


def _per_channel(v, x):
    """(C,) -> a shape that broadcasts against x: (1, C) or (1, C, 1, 1)."""
    return v.reshape((1, -1) if x.ndim == 2 else (1, -1, 1, 1))


def _check_inputs(x, gamma, beta, mean, var, eps):
    """Validate the forward pass's inputs; return them as float arrays (mean and var may be None)."""
    x = as_float_array("x", x)
    if x.ndim not in (2, 4):
        raise ValueError(f"x must be (N, D) features or (N, C, H, W) maps, got shape {x.shape} ({x.ndim}-D)")
    check_nonempty("x", x, "(N, D) or (N, C, H, W)")
    check_finite("x", x)
    channels = x.shape[1]
    arrays = {}
    for name, v in (("gamma", gamma), ("beta", beta), ("mean", mean), ("var", var)):
        if v is None:
            arrays[name] = None
            continue
        v = as_float_array(name, v)
        check_shape(name, v, (channels,))
        check_finite(name, v)
        arrays[name] = v
    if (mean is None) != (var is None):
        raise ValueError("give both mean and var (test mode: the running statistics) or neither (training mode: "
                         f"the batch's own), got mean={'None' if mean is None else 'an array'} and "
                         f"var={'None' if var is None else 'an array'}")
    if arrays["var"] is not None and np.any(arrays["var"] < 0):
        raise ValueError(f"var must be >= 0 (a variance), got a minimum of {arrays['var'].min():g}")
    eps = check_number("eps", eps, 0, low_open=True)
    training = mean is None
    m = x.size // channels
    if training and m < 2:
        raise ValueError(f"batch normalisation in training mode needs more than one value per channel to take a "
                         f"variance, got x of shape {x.shape} ({m} per channel); a single sample goes through "
                         f"in test mode (training=False), with the running statistics")
    return x, arrays["gamma"], arrays["beta"], arrays["mean"], arrays["var"], eps, training


def batchnorm_forward(x, gamma, beta, *, mean=None, var=None, eps=1e-5):
    """Batch normalisation, every channel at once.

    x: (N, D) or (N, C, H, W); gamma, beta: (C,); mean, var: (C,) in test mode, None in training
    mode (then the batch's statistics). eps > 0 keeps the division finite for a constant channel.
    Returns out: x's shape (dtype of x, gamma and beta combined), and a ``BatchNormCache``.
    """
    x, gamma, beta, mean, var, eps, training = _check_inputs(x, gamma, beta, mean, var, eps)
    n, c = x.shape[:2]
    m = x.size // c
    if training:
        mean = x.reshape(n, c, -1).sum(axis=(0, 2)) / m  # (C,); (N, C, H*W) or (N, D, 1) summed
    centred = x - _per_channel(mean, x)
    if training:
        rows = centred.reshape(n, c, -1)  # (N, C, H*W)
        var = np.einsum("ncm,ncm->c", rows, rows) / m  # (C,) biased: divided by m
    inv_std = 1.0 / np.sqrt(var + eps)  # (C,)
    x_hat = centred * _per_channel(inv_std, x)
    out = _per_channel(gamma, x) * x_hat + _per_channel(beta, x)
    dtype = np.result_type(x, gamma, beta)
    return out.astype(dtype, copy=False), BatchNormCache(x, x_hat, mean, var, inv_std, gamma, beta, training)


def _check_dout(backward, dout, cache):
    """The cache (checked first, see ``cnnlib.caches``) and dout: x's shape."""
    cache = check_cache(backward, cache, BatchNormCache)
    dout = as_float_array("dout", dout)
    check_shape("dout", dout, cache.x.shape)
    return dout, cache


def batchnorm_backward(dout, cache):
    """Gradients of batch normalisation, every channel at once, with the closed form.

    dout: x's shape; cache from either forward. Returns dx: x's shape, dgamma: (C,), dbeta: (C,),
    each in the dtype of its input. In training mode dx includes the paths through the batch's
    mean and variance; in test mode they are constants and dx = dout * gamma / sqrt(var + eps).
    """
    dout, cache = _check_dout("batchnorm_backward", dout, cache)
    x, x_hat, inv_std, gamma = cache.x, cache.x_hat, cache.inv_std, cache.gamma
    axes = _channel_axes(x)
    dbeta = dout.sum(axis=axes)  # (C,)
    dgamma = (dout * x_hat).sum(axis=axes)  # (C,)
    scale = _per_channel(gamma * inv_std, x)
    if cache.training:
        m = x.size // x.shape[1]
        dx = scale / m * (m * dout - _per_channel(dbeta, x) - x_hat * _per_channel(dgamma, x))
    else:
        dx = scale * dout
    return dx.astype(x.dtype, copy=False), dgamma.astype(gamma.dtype, copy=False), dbeta.astype(cache.beta.dtype,
                                                                                                  copy=False)


def _channel_values(a, c):
    """Every value of channel ``c`` as one flat array: a[:, c] for (N, D), a[:, c, :, :] for maps."""
    return a[:, c].ravel()


def batchnorm_forward_naive(x, gamma, beta, *, mean=None, var=None, eps=1e-5):
    """Batch normalisation one channel at a time, as the formulas read.

    Same signature, result and cache as ``batchnorm_forward``.
    """
    x, gamma, beta, given_mean, given_var, eps, training = _check_inputs(x, gamma, beta, mean, var, eps)
    channels = x.shape[1]
    out = np.zeros(x.shape, dtype=np.result_type(x, gamma, beta))
    x_hat = np.zeros(x.shape, dtype=np.result_type(x, gamma))
    mean, var = np.zeros(channels), np.zeros(channels)
    for c in range(channels):
        values = _channel_values(x, c)
        m = values.size
        if training:
            mean[c] = np.sum(values) / m
            var[c] = np.sum((values - mean[c]) ** 2) / m  # biased: divided by m, not m - 1
        else:
            mean[c], var[c] = given_mean[c], given_var[c]
        x_hat[:, c] = (x[:, c] - mean[c]) / np.sqrt(var[c] + eps)
        out[:, c] = gamma[c] * x_hat[:, c] + beta[c]
    inv_std = 1.0 / np.sqrt(var + eps)
    return out, BatchNormCache(x, x_hat, mean, var, inv_std, gamma, beta, training)


def batchnorm_backward_naive(dout, cache):
    """Gradients of batch normalisation one channel at a time, back through the graph node by node.

    Forward graph of one channel (m values): mu = sum(x)/m; xc = x - mu; v = sum(xc**2)/m;
    s = sqrt(v + eps); x_hat = xc/s; out = gamma*x_hat + beta. Each line below is one node's
    local derivative times the gradient arriving from above (a node read twice gets both).
    Same signature and result as ``batchnorm_backward``.
    """
    dout, cache = _check_dout("batchnorm_backward_naive", dout, cache)
    x, gamma = cache.x, cache.gamma
    dx = np.zeros(x.shape, dtype=np.float64)
    dgamma, dbeta = np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for c in range(x.shape[1]):
        g = _channel_values(dout, c)
        values = _channel_values(x, c)
        x_hat = _channel_values(cache.x_hat, c)
        m, s = values.size, 1.0 / cache.inv_std[c]
        dbeta[c] = np.sum(g)                     # out = ... + beta
        dgamma[c] = np.sum(g * x_hat)            # out = gamma * x_hat + ...
        dx_hat = g * gamma[c]
        if not cache.training:                   # mean and variance are constants: x_hat = (x - mean) / s
            dx[:, c] = (dx_hat / s).reshape(dx[:, c].shape)
            continue
        xc = values - cache.mean[c]
        dxc = dx_hat / s                         # x_hat = xc / s, through xc ...
        ds = -np.sum(dx_hat * xc) / s ** 2       # ... and through s
        dv = ds / (2 * s)                        # s = sqrt(v + eps)
        dxc += dv * 2 * xc / m                   # v = sum(xc**2) / m: xc is read a second time
        dmu = -np.sum(dxc)                       # xc = x - mu
        dvalues = dxc + dmu / m                  # mu = sum(x) / m: every x gets dmu / m
        dx[:, c] = dvalues.reshape(dx[:, c].shape)
    return dx.astype(x.dtype, copy=False), dgamma.astype(gamma.dtype, copy=False), dbeta.astype(cache.beta.dtype,
                                                                                                 copy=False)
