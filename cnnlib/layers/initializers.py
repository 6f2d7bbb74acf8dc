"""Initial weights for the layers with weights.

Layers draw their weights from ``rng`` (a ``numpy.random.Generator``; an int is used as a seed,
None means seed 0, so building a layer is always reproducible). The default is Glorot-uniform
weights and zero biases, as Keras does; ``cnnlib.nets`` overwrites ``params`` with each seed
notebook's own initialisation.
"""

import numpy as np

from cnnlib._checks import check_float_dtype


def glorot_uniform(rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights drawn from U(-limit, limit) with ``limit = sqrt(6 / (fan_in + fan_out))`` (Keras' default)."""
    dtype = check_float_dtype("dtype", dtype)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)
