"""The ``Dropout`` layer: a wrapper over ``cnnlib.dropout.dropout_forward/backward``."""

from cnnlib._checks import as_generator
from cnnlib.dropout import check_drop_probability, dropout_backward, dropout_forward
from cnnlib.layers.base import Layer


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
        out, mask = dropout_forward(x, self.p, self.rng, training=training)
        self._cache = (mask,)  # mask is None after a test-mode forward
        return out

    def backward(self, dout):
        """dout -> dout * mask; after a test-mode forward (no mask) the identity."""
        (mask,) = self._need_cache()
        return dropout_backward(dout, mask)

    def __repr__(self):
        return f"Dropout(p={self.p})"
