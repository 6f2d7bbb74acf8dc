"""Initial weights for the layers with weights, chosen by name: ``Conv2D(..., init="he_normal")``.

Layers draw their weights from ``rng`` (a ``numpy.random.Generator``; an int is used as a seed,
None means seed 0, so building a layer is always reproducible). The default is Glorot-uniform
weights and zero biases, as Keras does; ``cnnlib.nets`` overwrites ``params`` with each seed
notebook's own initialisation.

Every initialiser has the signature ``init(rng, shape, fan_in, fan_out, dtype)``. For a dense
layer ``w: (D, M)`` the fans are ``D`` and ``M``; for a conv layer ``w: (K, C, KH, KW)`` they are
``C*KH*KW`` (the numbers one output adds up) and ``K*KH*KW`` (the outputs one input reaches).

=================  ========================================  ==========================================
name               distribution                              keeps steady (forward pass)
=================  ========================================  ==========================================
``glorot_uniform`` U(-a, a), a = sqrt(6 / (fan_in + fan_out)) tanh / linear layers (variance 2/(in+out))
``glorot_normal``  N(0, 2 / (fan_in + fan_out))              the same, drawn from a normal
``he_normal``      N(0, 2 / fan_in)                          ReLU layers: ReLU halves the mean square
``he_uniform``     U(-a, a), a = sqrt(6 / fan_in)            the same, drawn uniformly
=================  ========================================  ==========================================

Both uniform limits give the variance of the normal beside them (a uniform on (-a, a) has
variance a²/3). The normals here are plain normals, as in He et al. (2015) and PyTorch's
``kaiming_normal_``; Keras draws ``HeNormal`` and ``GlorotNormal`` from a normal truncated at two
standard deviations (rescaled to the same standard deviation).
"""

import numpy as np

from cnnlib._checks import check_choice, check_float_dtype


def glorot_uniform(rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights drawn from U(-limit, limit) with ``limit = sqrt(6 / (fan_in + fan_out))`` (Keras' default)."""
    dtype = check_float_dtype("dtype", dtype)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights drawn from N(0, std²) with ``std = sqrt(2 / (fan_in + fan_out))``."""
    dtype = check_float_dtype("dtype", dtype)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / (fan_in + fan_out))).astype(dtype)


def he_normal(rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights drawn from N(0, std²) with ``std = sqrt(2 / fan_in)`` (He et al., 2015); fan_out is unused."""
    dtype = check_float_dtype("dtype", dtype)
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype)


def he_uniform(rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights drawn from U(-limit, limit) with ``limit = sqrt(6 / fan_in)``: variance ``2 / fan_in``."""
    dtype = check_float_dtype("dtype", dtype)
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


#: The initialisers by the name layers take as ``init=``.
INITIALIZERS = {"glorot_uniform": glorot_uniform, "glorot_normal": glorot_normal,
                "he_normal": he_normal, "he_uniform": he_uniform}


def initial_weights(init, rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights of ``shape`` from the initialiser named ``init`` (a key of ``INITIALIZERS``)."""
    check_choice("init", init, tuple(INITIALIZERS))
    return INITIALIZERS[init](rng, shape, fan_in, fan_out, dtype)
