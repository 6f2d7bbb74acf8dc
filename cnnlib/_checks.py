"""Shared input validators for the public functions of ``cnnlib``.

Every public entry point checks its inputs with these helpers, so a student
gets one kind of error everywhere: a ``ValueError`` that says what it got and
what it expected, before a wrong shape can reach a silent broadcast.
"""

import numbers

import numpy as np


def as_float_array(name, a):
    """Return ``a`` as a float ndarray.

    float32 and float64 arrays are returned unchanged (no copy), so they keep
    their dtype; bool, integer and other float arrays become float64.
    """
    a = np.asarray(a)
    if a.dtype == np.float32 or a.dtype == np.float64:
        return a
    if a.dtype.kind in "biuf":
        return a.astype(np.float64)
    raise ValueError(f"{name} must be an array of numbers, got dtype {a.dtype}")


def check_ndim(name, a, ndim, layout=""):
    """Raise unless ``a.ndim == ndim``; ``layout`` such as ``"(N, C, H, W)"`` goes in the message."""
    if a.ndim != ndim:
        expected = f"a {ndim}-D array {layout}".rstrip()
        raise ValueError(f"{name} must be {expected}, got shape {a.shape} ({a.ndim}-D)")


def check_shape(name, a, shape):
    """Raise unless ``a.shape == shape`` exactly (no broadcasting)."""
    if tuple(a.shape) != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got shape {a.shape}")


def check_same_shape(name_a, a, name_b, b):
    """Raise unless ``a`` and ``b`` have the same shape (no broadcasting)."""
    if a.shape != b.shape:
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}"
        )


def check_weights_match(x, w, w_axis, what, layout, symbol):
    """Raise unless ``x.shape[1] == w.shape[w_axis]``: the weights read as many ``what`` as x has.

    ``layout`` (e.g. ``"(K, C, KH, KW)"``) and ``symbol`` (e.g. ``"C"``) go in the message.
    """
    if x.shape[1] != w.shape[w_axis]:
        raise ValueError(
            f"x has {x.shape[1]} {what} (shape {x.shape}) but w expects {w.shape[w_axis]} "
            f"(shape {w.shape}); w must be {layout} with {symbol} = x.shape[1]"
        )


def check_bias(b, length, per):
    """Return ``b`` as a float array of shape ``(length,)``, or None when b is None.

    ``per`` says what each bias belongs to (e.g. ``"kernel"``), for the message.
    """
    if b is None:
        return None
    b = as_float_array("b", b)
    if b.shape != (length,):
        raise ValueError(f"b must have shape ({length},), one bias per {per}, got shape {b.shape}")
    return b


def check_finite(name, a):
    """Raise if ``a`` contains NaN or inf.

    Fast path (it runs on every forward pass): for a contiguous float array one BLAS dot
    product ``sum(a * a)`` is finite exactly when no value is NaN or inf, unless the squares
    overflow; only when it is not finite is every value checked, so finite huge values
    still pass and the message counts the bad values.
    """
    if a.dtype.kind == "f" and a.flags.c_contiguous and np.isfinite(np.vdot(a, a)):
        return
    finite = np.isfinite(a)
    if not finite.all():
        bad = a.size - int(finite.sum())
        raise ValueError(
            f"{name} must contain only finite numbers, got {bad} NaN/inf value(s) "
            f"in an array of shape {a.shape}"
        )


def _is_int(v):
    return isinstance(v, numbers.Integral) and not isinstance(v, bool)


def check_positive_int(name, v):
    """Return ``int(v)``; raise unless ``v`` is an integer >= 1."""
    if not _is_int(v) or v < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def check_nonnegative_int(name, v):
    """Return ``int(v)``; raise unless ``v`` is an integer >= 0."""
    if not _is_int(v) or v < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {v!r}")
    return int(v)


def check_kernel_size(kernel_size):
    """Return ``(KH, KW)`` from an int or a pair of positive ints."""
    if _is_int(kernel_size):
        kernel_size = (kernel_size, kernel_size)
    if not isinstance(kernel_size, (tuple, list)) or len(kernel_size) != 2:
        raise ValueError(f"kernel_size must be an int or a pair (KH, KW), got {kernel_size!r}")
    return (check_positive_int("kernel height", kernel_size[0]),
            check_positive_int("kernel width", kernel_size[1]))


def check_choice(name, v, choices):
    """Raise unless ``v`` is one of ``choices``."""
    if v not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {v!r}")


def check_labels(y, num_classes, n=None):
    """Validate integer class labels and return them as an ``intp`` array of shape (N,).

    y: (N,) integers in ``[0, num_classes)``; ``n`` (optional) is the expected N,
    e.g. the number of rows of the logits.
    """
    num_classes = check_positive_int("num_classes", num_classes)
    y = np.asarray(y)
    check_ndim("labels y", y, 1, "(N,) of class indices")
    if y.dtype.kind not in "iu":
        raise ValueError(f"labels y must be integers, got dtype {y.dtype}")
    if n is not None and y.shape[0] != n:
        raise ValueError(f"labels y must have length {n} (one per row of logits), got length {y.shape[0]}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        bad = y[(y < 0) | (y >= num_classes)]
        raise ValueError(
            f"labels y must lie in [0, {num_classes - 1}] for {num_classes} classes, "
            f"got {bad.size} label(s) outside, e.g. {int(bad[0])}"
        )
    return y.astype(np.intp, copy=False)
