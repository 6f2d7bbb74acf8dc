"""More shared validators, beside ``cnnlib._checks`` (which holds the array and number checks and
stays under 300 lines): dtypes of a given kind, tuples of a fixed number of sizes, integer labels
of any range. The same rule as there: a ``ValueError`` that names the argument, says what it got
and what was expected, before any work is done.
"""

import numpy as np

from cnnlib._checks import as_array, check_ndim, check_sizes

#: dtype kinds by what they hold, for ``check_dtype``.
REAL_KINDS = "biuf"  # bool, signed and unsigned integers, floats
FLOAT_KINDS = "f"


def check_dtype(name, dtype, kinds, expected):
    """Return ``numpy.dtype(dtype)``; raise unless its kind is one of ``kinds`` (e.g. ``REAL_KINDS``).

    ``expected`` says it in words, e.g. "a float dtype such as numpy.float32". Text, object,
    complex, structured and unreadable dtypes are refused with what numpy made of them.
    """
    try:
        dt = np.dtype(dtype)
    except (TypeError, ValueError):
        dt = None
    if dt is None or dt.kind not in kinds:
        got = f"{dtype!r}, which is not a numpy dtype" if dt is None else f"{dtype!r} (numpy reads it as {dt})"
        raise ValueError(f"{name} must be {expected}, got {got}")
    return dt


def check_size_tuple(name, sizes, length, example):
    """Return ``sizes`` as a tuple of ``length`` positive ints; ``example`` (e.g. "(C, H, W)") says what they are."""
    sizes = check_sizes(name, sizes, example)
    if len(sizes) != length:
        raise ValueError(f"{name} must be {length} positive ints {example}, got {sizes!r} ({len(sizes)} of them)")
    return sizes


def check_int_labels(name, y):
    """Return ``y`` as a 1-D array of integer labels (any values; an empty list is no labels);
    ``name`` goes in the messages."""
    y = as_array(name, y)
    check_ndim(name, y, 1, "(N,) of integer labels")
    if y.size == 0:
        return y.astype(np.intp)
    if y.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integer labels, got dtype {y.dtype}")
    return y


def check_texts(name, texts, count, per):
    """Return ``texts`` (a list, tuple or 1-D array of ``count`` entries, one ``per`` thing, e.g. "image")
    as a list of str."""
    if not isinstance(texts, (list, tuple, np.ndarray)) or (isinstance(texts, np.ndarray) and texts.ndim != 1):
        raise ValueError(f"{name} must be a list of {count} entries, one per {per}, got "
                         f"{type(texts).__name__} {texts!r:.60}")
    if len(texts) != count:
        raise ValueError(f"{name} must have {count} entries, one per {per}, got {len(texts)}")
    return [str(t) for t in texts]
