"""What a forward pass keeps for its backward pass: caches that say what they are.

The convention, for every forward/backward pair of ``cnnlib`` (follow it for a new pair):

1. **A named cache type per family**, a ``typing.NamedTuple`` called ``<Family>Cache``, defined in
   the module of the pair and registered with the forwards that build it::

       @cache_of("conv2d_forward", "conv2d_forward_naive")
       class ConvCache(NamedTuple):
           x: np.ndarray
           w: np.ndarray
           b: Optional[np.ndarray]
           stride: int
           padding: int

   The forward returns ``out, ConvCache(x, w, b, stride, padding)``. A named tuple unpacks,
   indexes and compares like the plain tuple it replaced, so ``x, w, b, stride, padding = cache``
   still works, and its repr names its fields.
2. **The backward checks the cache first**, before anything else touches it::

       cache = check_cache("conv2d_backward", cache, ConvCache)

   Another family's cache raises a ValueError that names the backward, the forward(s) it needs
   the cache of, and the forward the cache came from: "conv2d_backward needs the cache that
   conv2d_forward or conv2d_forward_naive returned (a ConvCache), got the cache of
   maxpool2d_forward (a MaxPoolCache)". A plain tuple with the right number of fields (a cache
   built by hand, as some exercises do) is accepted when every field has its annotated kind
   (array, int, tuple, dtype, bool, str; ``Optional[...]`` also allows None); anything else
   is refused with the same kind of message.
3. **Elementwise pairs keep one array** (activations: the output or the input; dropout: the
   mask, None after a test-mode pass), as notebooks 03, 05 and 06 use it. Their backward calls
   ``check_array_cache`` instead, which refuses named caches (naming their forward) and
   anything that is not a float array. Two elementwise caches of the same shape cannot be
   told apart: an array does not record which forward made it.

Covered: conv2d_backward(_naive) (ConvCache), maxpool2d_backward (MaxPoolCache),
avgpool2d_backward (AvgPoolCache), global_avgpool_backward (GlobalAvgPoolCache),
pool_kernels_backward (PoolKernelsCache), dense_backward (DenseCache), batchnorm_backward(_naive)
(BatchNormCache); tanh_backward, sigmoid_backward, relu_backward, softmax_backward, dropout_backward
(array caches). Layers without a functional pair (``ResidualBlock``: its parts' caches) check
``dout`` in their ``backward`` and refuse a backward before any forward (``Layer._need_cache``).
"""

import typing

import numpy as np

#: Every registered cache type -> the names of the forwards that build it.
_FORWARDS = {}


def cache_of(*forwards):
    """Class decorator: register a NamedTuple cache type as built by ``forwards`` (function names)."""

    def register(cache_type):
        _FORWARDS[cache_type] = forwards
        return cache_type

    return register


def _a(name):
    """'a ConvCache', 'an AvgPoolCache'."""
    return f"{'an' if name[0].lower() in 'aeiou' else 'a'} {name}"


def _from_which(cache_type):
    """'the cache that conv2d_forward or conv2d_forward_naive returned (a ConvCache)'."""
    forwards = _FORWARDS.get(cache_type)
    if not forwards:
        return _a(cache_type.__name__)
    return f"the cache that {' or '.join(forwards)} returned ({_a(cache_type.__name__)})"


def describe(cache):
    """What a cache-like object is, in a few words, for a message."""
    kind = type(cache)
    if kind in _FORWARDS:
        return f"the cache of {' or '.join(_FORWARDS[kind])} ({_a(kind.__name__)})"
    if cache is None or hasattr(cache, "_fields"):
        return "None" if cache is None else _a(kind.__name__)
    if isinstance(cache, np.ndarray):
        return f"an array of shape {cache.shape} and dtype {cache.dtype}"
    if isinstance(cache, (tuple, list)):
        return f"{_a(kind.__name__)} of {len(cache)} item(s)"
    return f"{_a(kind.__name__)} {cache!r:.60}"


#: How a field's annotated kind reads in a message.
_KIND_NAMES = {np.ndarray: "an array", int: "an int", tuple: "a tuple (a shape)", np.dtype: "a numpy dtype",
               str: "a str", bool: "a bool", type(None): "None"}


def _kind_name(kind):
    if typing.get_origin(kind) is typing.Union:
        return " or ".join(_kind_name(k) for k in typing.get_args(kind))
    return _KIND_NAMES.get(kind, _a(getattr(kind, "__name__", str(kind))))


def _fits(value, kind):
    """Whether ``value`` is of the annotated ``kind`` (np.ndarray, int, tuple, np.dtype, bool, str, Optional)."""
    if typing.get_origin(kind) is typing.Union:
        return any(_fits(value, k) for k in typing.get_args(kind))
    if kind is type(None):
        return value is None
    if kind is int:
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if kind is np.dtype:
        return isinstance(value, np.dtype)
    return isinstance(value, kind)


def check_cache(backward, cache, cache_type):
    """Return ``cache`` as a ``cache_type`` for the function named ``backward``; raise ValueError naming
    what was passed and which forward's cache it needs (see the module docstring)."""
    if isinstance(cache, cache_type):
        return cache
    hints = typing.get_type_hints(cache_type)
    if type(cache) is tuple and len(cache) == len(cache_type._fields):  # built by hand
        wrong = [f"{name} is {describe(value)} (expected {_kind_name(hints[name])})"
                 for name, value in zip(cache_type._fields, cache) if not _fits(value, hints[name])]
        if not wrong:
            return cache_type._make(cache)
        raise ValueError(f"{backward} needs {_from_which(cache_type)}, with fields {', '.join(cache_type._fields)}; "
                         f"got a tuple whose {'; '.join(wrong)}")
    raise ValueError(f"{backward} needs {_from_which(cache_type)}, got {describe(cache)}")


def check_array_cache(backward, cache, forward, what, allow_none=False):
    """Return ``cache`` if it is the float array an elementwise ``forward`` keeps (``what``: e.g.
    "its output"), or None where ``allow_none`` (dropout after a test-mode pass); raise otherwise."""
    if allow_none and cache is None:
        return cache
    if isinstance(cache, np.ndarray) and cache.dtype.kind == "f":
        return cache
    expected = f"the array that {forward} returned as its cache ({what}" + (", or None" if allow_none else "") + ")"
    raise ValueError(f"{backward} needs {expected}, got {describe(cache)}")
