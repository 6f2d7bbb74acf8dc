"""The ``Layer`` interface and the layers that only change an array's shape.

``cnnlib.layers`` builds the layers with weights on top of ``Layer``; import
every layer from there (``from cnnlib.layers import Conv2D, Flatten``).
"""

import numpy as np

from cnnlib._checks import as_array, check_positive_int, check_seed


def as_generator(rng):
    """A ``numpy.random.Generator`` from ``rng``: a Generator (used as is), an int seed, or None (seed 0).

    None gives seed 0 rather than fresh entropy, so that building a layer or a
    network is reproducible unless a student asks otherwise.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(check_seed("rng", rng))
    raise ValueError(f"rng must be a numpy.random.Generator, an int seed or None, got {type(rng).__name__} {rng!r}")


class Layer:
    """Base class: ``forward(x, training=False)``, ``backward(dout) -> dx``, ``params``, ``grads``.

    ``params`` and ``grads`` are dicts of arrays by name ("w", "b"); a layer
    without weights keeps them empty. ``forward`` stores what ``backward``
    needs; ``backward`` uses the most recent ``forward``. Calling the layer,
    ``layer(x)``, is ``layer.forward(x)`` in test mode.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self._cache = None

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x, training=False)

    def num_params(self):
        """Number of trainable numbers in this layer."""
        return int(sum(p.size for p in self.params.values()))

    def _need_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward was called before forward")
        return self._cache

    def __repr__(self):
        return f"{type(self).__name__}()"


class Flatten(Layer):
    """``(N, d1, d2, ...) -> (N, d1*d2*...)``, keeping the sample axis (C, H, W order for images)."""

    def forward(self, x, training=False):
        x = as_array("x", x)
        if x.ndim < 2:
            raise ValueError(f"Flatten expects a batch (N, ...) with at least 2 axes, got shape {x.shape}")
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)  # (N, C*H*W)

    def backward(self, dout):
        return np.reshape(dout, self._need_cache())  # (N, C, H, W)


class Reshape(Layer):
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

    def forward(self, x, training=False):
        x = as_array("x", x)
        if x.ndim < 1:
            raise ValueError("Reshape expects a batch (N, ...), got a scalar")
        per_sample = int(np.prod(x.shape[1:]))
        if per_sample != int(np.prod(self.shape)):
            raise ValueError(f"Reshape to {self.shape} needs {int(np.prod(self.shape))} values per sample, "
                             f"got x of shape {x.shape} ({per_sample} per sample)")
        self._cache = x.shape
        return x.reshape((x.shape[0],) + self.shape)  # (N, *shape)

    def backward(self, dout):
        return np.reshape(dout, self._need_cache())  # the input's shape

    def __repr__(self):
        return f"Reshape({self.shape})"
