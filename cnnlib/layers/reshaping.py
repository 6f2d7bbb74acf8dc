"""Layers that only change the shape of a batch: ``Flatten`` and ``Reshape``.

Neither has weights; backward gives the gradient back the input's shape.
"""

import numpy as np

from cnnlib._checks import as_array, check_positive_int, check_shape
from cnnlib.layers.base import Layer


class _ShapeOnly(Layer):
    """What Flatten and Reshape share: ``forward`` through ``_forward``, which keeps (input shape, output shape)
    as the cache; ``backward`` gives ``dout`` the input's shape back; the values pass unchanged."""

    def forward(self, x, training=False):
        return self._forward(x, training, x_finite=False)

    def _forward(self, x, training, x_finite):  # written beside forward, as forward_known expects
        raise NotImplementedError(f"{type(self).__name__} must say how it reshapes a batch")

    def _reshaped(self, x, out):
        self._cache = (x.shape, out.shape)
        return out

    def backward(self, dout):
        """dout: the output's shape -> the input's shape."""
        in_shape, out_shape = self._need_cache()
        dout = as_array("dout", dout)
        check_shape(f"dout (the gradient of {type(self).__name__}'s output)", dout, out_shape)
        return dout.reshape(in_shape)

    def _output_bound(self, bound, training):
        return bound  # the same values, so the same knowledge


class Flatten(_ShapeOnly):
    """``(N, d1, d2, ...) -> (N, d1*d2*...)``, keeping the sample axis (C, H, W order for images)."""

    def _forward(self, x, training, x_finite):
        x = as_array("x", x)
        if x.ndim < 2:
            raise ValueError(f"Flatten expects a batch (N, ...) with at least 2 axes, got shape {x.shape}")
        return self._reshaped(x, x.reshape(x.shape[0], -1))  # (N, C*H*W)


class Reshape(_ShapeOnly):
    """``(N, ...) -> (N, *shape)``: each sample gets ``shape`` (same number of values).

    Seed 004 reshapes its conv maps to a column before its dense layer;
    ``Reshape((6 * 26 * 26,))`` does that for a whole batch.
    """

    def __init__(self, shape):
        super().__init__()
        if isinstance(shape, (int, np.integer)):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not shape:
            raise ValueError(f"Reshape shape must be an int or a tuple of positive ints, got {shape!r}")
        self.shape = tuple(check_positive_int(f"every size in the Reshape shape {tuple(shape)}", s) for s in shape)

    def _forward(self, x, training, x_finite):
        x = as_array("x", x)
        if x.ndim < 1:
            raise ValueError("Reshape expects a batch (N, ...), got a scalar")
        per_sample = int(np.prod(x.shape[1:]))
        if per_sample != int(np.prod(self.shape)):
            raise ValueError(f"Reshape to {self.shape} needs {int(np.prod(self.shape))} values per sample, "
                             f"got x of shape {x.shape} ({per_sample} per sample)")
        return self._reshaped(x, x.reshape((x.shape[0],) + self.shape))  # (N, *shape)

    def __repr__(self):
        return f"Reshape({self.shape})"
