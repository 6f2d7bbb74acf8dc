"""Which units a dropout mask keeps: ``rng.random(shape, dtype=np.float32) >= p``, in fewer passes.

``draw_keep(rng, shape, p)`` returns exactly that boolean array and leaves ``rng`` in exactly the
state that call leaves it in, so a seed gives the same masks either way. For numpy's default bit
generator (PCG64) it reads the same random bits without turning them into floats first:

* a float32 draw is ``u = (r >> 8) * 2**-24`` for the next 32 random bits ``r`` (its top 24 bits);
  so ``u >= p`` exactly when ``r >= ceil(p * 2**24) * 2**8``, a comparison of integers;
* PCG64 makes 64 bits at a time and hands them out 32 at a time, the low half first and the high
  half kept for the next request (``has_uint32``/``uinteger`` in its state): ``random_raw`` gives
  the 64-bit words, whose low and high halves are, in memory, the 32-bit words in that order.

Half the generator calls and no float arrays: about 1.5 times faster than the float draws for a
dropout mask. Other bit generators take the plain path. The first call checks, on small draws
with a fresh generator, that this numpy draws float32 numbers that way; otherwise every call takes
the plain path.
"""

import math

import numpy as np

_FAST_PATH_WORKS = None  # unknown until the first call; then whether draw_keep may read raw bits


def _plain_keep(rng, shape, p):
    return rng.random(shape, dtype=np.float32) >= np.float32(p)


def _raw_keep(rng, shape, p):
    """``_plain_keep`` from PCG64's raw 64-bit words (see the module docstring)."""
    bits = rng.bit_generator
    state = bits.state
    n = math.prod(shape)
    lead = min(state["has_uint32"], n)  # a 32-bit word kept from the previous request comes first
    count = (n - lead + 1) // 2  # new 64-bit words
    words = bits.random_raw(count).view(np.uint32)  # (2 * count,): low half, high half, low half, ...
    threshold = math.ceil(float(np.float32(p)) * 2**24) << 8  # r >= threshold  <=>  (r >> 8) * 2**-24 >= p
    if threshold > 0xFFFFFFFF:  # p rounds to 1.0 in float32: no draw reaches it
        keep = np.zeros(n, bool)
    elif lead:
        keep = np.empty(n, bool)
        keep[0] = state["uinteger"] >= threshold
        np.greater_equal(words[:n - 1], np.uint32(threshold), out=keep[1:])
    else:
        keep = np.greater_equal(words[:n], np.uint32(threshold))
    if lead or count:  # as rng.random leaves it: an odd count keeps the last word's high half for later
        state["state"] = bits.state["state"]
        state["has_uint32"] = (n - lead) % 2
        if count:
            state["uinteger"] = int(words[-1])
        bits.state = state
    return keep.reshape(shape)


def _fast_path_works():
    """Whether ``_raw_keep`` equals ``_plain_keep`` in this numpy: masks and generator states, with and
    without a kept 32-bit word, odd and even sizes (checked once, on fresh generators)."""
    plain, raw = np.random.Generator(np.random.PCG64(20240)), np.random.Generator(np.random.PCG64(20240))
    for shape, p in [((3,), 0.5), ((2, 3), 0.3), ((1,), 0.9), ((5,), 0.5), ((4,), 1e-9), ((2,), 0.0)]:
        if not np.array_equal(_plain_keep(plain, shape, p), _raw_keep(raw, shape, p)):
            return False
        if plain.bit_generator.state != raw.bit_generator.state:
            return False
    return True


def draw_keep(rng, shape, p):
    """keep: boolean array of ``shape``, True where a float32 uniform draw ``u ~ U[0, 1)`` satisfies ``u >= p``.

    Exactly ``rng.random(shape, dtype=np.float32) >= np.float32(p)``, and ``rng`` ends in the same state.
    rng: numpy.random.Generator; p: a number in [0, 1) (the caller checks both).
    """
    global _FAST_PATH_WORKS
    if type(rng.bit_generator) is not np.random.PCG64:
        return _plain_keep(rng, shape, p)
    if _FAST_PATH_WORKS is None:
        _FAST_PATH_WORKS = _fast_path_works()
    return _raw_keep(rng, shape, p) if _FAST_PATH_WORKS else _plain_keep(rng, shape, p)
