"""The fully connected layer ``Dense``: a thin wrapper over ``cnnlib.dense.dense_forward/backward``."""

import numpy as np

from cnnlib._checks import as_generator, check_choice, check_float_dtype, check_positive_int
from cnnlib.dense import _dense_forward, dense_backward
from cnnlib.layers.base import Layer
from cnnlib.layers.initializers import initial_weights


class Dense(Layer):
    """Fully connected layer: ``x: (N, D) -> out = x @ w + b: (N, M)``.

    w: (D, M), b: (M,) (``bias=False``: no bias). rng: Generator for the initial weights;
    init: the initialiser's name (``cnnlib.layers.initializers.INITIALIZERS``), default "glorot_uniform".
    """

    def __init__(self, in_features, out_features, *, bias=True, rng=None, dtype=np.float32, init="glorot_uniform"):
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        check_choice("bias", bias, (True, False))
        dtype = check_float_dtype("dtype", dtype)
        d, m = self.in_features, self.out_features
        self.init = init
        self.params["w"] = initial_weights(init, as_generator(rng), (d, m), d, m, dtype)
        self.has_bias = bool(bias)
        if self.has_bias:
            self.params["b"] = np.zeros(m, dtype=dtype)

    def forward(self, x, training=False):
        """x: (N, D) -> out: (N, M)."""
        return self._forward(x, training, x_finite=False)

    def _forward(self, x, training, x_finite):
        b = self.params["b"] if self.has_bias else None
        out, self._cache = _dense_forward(x, self.params["w"], b, x_finite)
        return out

    def backward(self, dout):
        """dout: (N, M) -> dx: (N, D); fills grads["w"] (D, M) and grads["b"] (M,)."""
        dx, dw, db = dense_backward(dout, self._need_cache())
        self.grads["w"] = dw
        if self.has_bias:
            self.grads["b"] = db
        return dx

    def __repr__(self):
        return f"Dense({self.in_features}->{self.out_features}, bias={self.has_bias})"
