"""Batch normalisation layers, ``BatchNorm1D`` and ``BatchNorm2D``: wrappers over ``cnnlib.batchnorm``.

    BatchNorm1D(D):   (N, D) -> (N, D)                 statistics per feature, over the batch
    BatchNorm2D(C):   (N, C, H, W) -> (N, C, H, W)     statistics per channel, over the batch and positions

Trainable ``params``: ``gamma`` (C,) (starts at 1) and ``beta`` (C,) (starts at 0). ``buffers`` (not
trained, updated in training mode, used in test mode, saved with the weights):
``running_mean`` (C,) (starts at 0) and ``running_var`` (C,) (starts at 1).

In training mode (``forward(x, training=True)``, as ``fit`` calls it) the batch is normalised with
its own statistics and the running averages move towards them::

    running_mean = momentum * running_mean + (1 - momentum) * batch_mean
    running_var  = momentum * running_var  + (1 - momentum) * batch_var      (biased, divided by m)

In test mode (``training=False``: ``evaluate``, ``predict``, ``layer(x)``) the running averages are used,
so a sample's output no longer depends on the other samples in its batch. These are Keras'
conventions (``BatchNormalization(momentum=0.99, epsilon=1e-3)`` by default); PyTorch writes the
momentum the other way round (its 0.1 is this 0.9) and keeps the unbiased variance (divided by
m - 1) in its running average. The defaults here, momentum 0.9 and eps 1e-5, suit the course's
short runs: after 50 steps a momentum of 0.99 would still remember 60 % of the starting values.
"""

import numpy as np

from cnnlib._checks import as_array, check_choice, check_float_dtype, check_number, check_positive_int
from cnnlib.batchnorm import batchnorm_backward, batchnorm_forward
from cnnlib.layers.base import Layer


class _BatchNorm(Layer):
    """Shared by ``BatchNorm1D`` and ``BatchNorm2D``: ``ndim`` and ``layout`` say which inputs they take."""

    ndim = layout = None  # set by each subclass

    def __init__(self, num_channels, *, momentum=0.9, eps=1e-5, dtype=np.float32):
        super().__init__()
        self.num_channels = check_positive_int("num_channels", num_channels)
        self.momentum = check_number("momentum", momentum, 0, 1, high_open=True)
        self.eps = check_number("eps", eps, 0, low_open=True)
        dtype = check_float_dtype("dtype", dtype)
        self.params["gamma"] = np.ones(self.num_channels, dtype=dtype)
        self.params["beta"] = np.zeros(self.num_channels, dtype=dtype)
        self.buffers["running_mean"] = np.zeros(self.num_channels, dtype=dtype)
        self.buffers["running_var"] = np.ones(self.num_channels, dtype=dtype)

    def forward(self, x, training=False):
        """x: (N, C) or (N, C, H, W) as the subclass says -> out: x's shape."""
        x = as_array("x", x)
        check_choice("training", training, (True, False))
        if x.ndim != self.ndim:
            raise ValueError(f"{type(self).__name__} expects {self.layout}, got x of shape {x.shape} ({x.ndim}-D)"
                             + ("; use BatchNorm2D for conv maps" if self.ndim == 2 else
                                "; use BatchNorm1D for dense features"))
        if x.shape[1] != self.num_channels:
            raise ValueError(f"{type(self).__name__}({self.num_channels}) got x of shape {x.shape} with "
                             f"{x.shape[1]} {'features' if self.ndim == 2 else 'channels'}; expected "
                             f"{self.num_channels} on axis 1")
        gamma, beta = self.params["gamma"], self.params["beta"]
        if training:
            out, self._cache = batchnorm_forward(x, gamma, beta, eps=self.eps)
            for name, batch_value in (("running_mean", self._cache.mean), ("running_var", self._cache.var)):
                running = self.buffers[name]
                running *= self.momentum  # in place: the arrays stay those that were saved or loaded
                running += (1.0 - self.momentum) * batch_value
        else:
            out, self._cache = batchnorm_forward(x, gamma, beta, mean=self.buffers["running_mean"],
                                                 var=self.buffers["running_var"], eps=self.eps)
        return out

    def backward(self, dout):
        """dout: x's shape -> dx: x's shape; fills grads["gamma"] and grads["beta"] (C,)."""
        dx, self.grads["gamma"], self.grads["beta"] = batchnorm_backward(dout, self._need_cache())
        return dx

    def __repr__(self):
        return f"{type(self).__name__}({self.num_channels}, momentum={self.momentum:g}, eps={self.eps:g})"


class BatchNorm1D(_BatchNorm):
    """Batch normalisation of dense features: ``(N, D) -> (N, D)``, statistics per feature over the batch.

    num_channels: D. momentum, eps: see the module's docstring. dtype of gamma, beta and the buffers.
    """

    ndim, layout = 2, "(N, D) features"


class BatchNorm2D(_BatchNorm):
    """Batch normalisation of conv maps: ``(N, C, H, W) -> (N, C, H, W)``, statistics per channel over
    the batch and every position (N*H*W values each), so a channel keeps one gamma and one beta
    everywhere, as its kernel is shared everywhere.

    num_channels: C. momentum, eps: see the module's docstring. dtype of gamma, beta and the buffers.
    """

    ndim, layout = 4, "(N, C, H, W) maps"
