"""The ``Dropout`` layer: a wrapper over ``cnnlib.dropout.dropout_forward/backward``."""

import math

import numpy as np

from cnnlib._checks import as_generator
from cnnlib.dropout import _dropout_forward, check_drop_probability, dropout_backward
from cnnlib.layers.base import Layer

#: Known bounds this far below float32's largest number stay finite once scaled by 1/(1-p) and rounded.
_SAFE_BOUND = float(np.finfo(np.float32).max) / 2


class Dropout(Layer):
    """Inverted dropout: in training each value is zeroed with probability ``p`` and the
    kept ones are scaled by ``1/(1-p)`` (p=0.5: the seed's mask x 2); at test time it is
    the identity. rng: Generator for the masks (int = seed; None = seed 0).
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        self.p = float(check_drop_probability(p))
        self.rng = as_generator(rng)

    def forward(self, x, training=False):
        return self._forward(x, training, x_finite=False)

    def _forward(self, x, training, x_finite):
        out, mask = _dropout_forward(x, self.p, self.rng, training, x_finite)
        self._cache = (mask,)  # mask is None after a test-mode forward
        return out

    def _output_bound(self, bound, training):
        bound = math.inf if bound is None else bound  # finite: the input was checked or known finite
        if not training:
            return bound  # the identity
        scaled = bound / (1 - self.p)  # the kept values grow by 1/(1-p): an unknown size may overflow
        return scaled if scaled <= _SAFE_BOUND else None

    def backward(self, dout):
        """dout -> dout * mask; after a test-mode forward (no mask) the identity."""
        (mask,) = self._need_cache()
        return dropout_backward(dout, mask)

    def __repr__(self):
        return f"Dropout(p={self.p})"
