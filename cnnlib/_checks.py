"""Shared input validators for the public functions of ``cnnlib``.

Every public entry point checks its inputs with these helpers, so a student
gets one kind of error everywhere: a ``ValueError`` that says what it got and
what it expected, before a wrong shape can reach a silent broadcast.
"""

import inspect
import numbers

import numpy as np

from cnnlib.errors import NonFiniteError


def as_array(name, a):
    """``np.asarray(a)``, with a message naming ``name`` when ``a`` cannot be an array (ragged lists)."""
    if isinstance(a, np.ndarray):
        return a
    try:
        return np.asarray(a)
    except (ValueError, TypeError) as err:
        raise ValueError(f"{name} must be an array (equal-length rows), got a {type(a).__name__} "
                         f"numpy cannot turn into one: {err}") from None


def as_float_array(name, a):
    """Return ``a`` as a float ndarray.

    float32 and float64 arrays are returned unchanged (no copy), so they keep
    their dtype; bool, integer and other float arrays become float64.
    Complex, string and object arrays raise ValueError.
    """
    a = as_array(name, a)
    if a.dtype == np.float32 or a.dtype == np.float64:
        return a
    if a.dtype.kind in "biuf":
        return a.astype(np.float64)
    raise ValueError(f"{name} must be an array of real numbers (bool, integer or float), got dtype {a.dtype}")


def check_nonempty(name, a, layout="", from_axis=0):
    """Raise if an axis of ``a`` (from ``from_axis`` on) has length 0.

    ``layout`` such as ``"(N, C, H, W)"`` goes in the message; ``from_axis=1`` allows N = 0
    (an empty batch gives an empty result, which is not a wrong answer).
    """
    for axis in range(from_axis, a.ndim):
        if a.shape[axis] == 0:
            raise ValueError(f"{name} is empty: shape {a.shape} has length 0 on axis {axis}; expected "
                             f"at least one value there {layout}".rstrip())


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
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {a.shape} and {b.shape}")


def check_weights_match(x, w, w_axis, what, layout, symbol):
    """Raise unless ``x.shape[1] == w.shape[w_axis]``: the weights read as many ``what`` as x has.

    ``layout`` (e.g. ``"(K, C, KH, KW)"``) and ``symbol`` (e.g. ``"C"``) go in the message.
    """
    if x.shape[1] != w.shape[w_axis]:
        raise ValueError(f"x has {x.shape[1]} {what} (shape {x.shape}) but w expects {w.shape[w_axis]} "
                         f"(shape {w.shape}); w must be {layout} with {symbol} = x.shape[1]")


def check_bias(b, length, per):
    """Return ``b`` as a finite float array of shape ``(length,)``, or None when b is None;
    ``per`` says what each bias belongs to (e.g. ``"kernel"``), for the message."""
    if b is None:
        return None
    b = as_float_array("b", b)
    if b.shape != (length,):
        raise ValueError(f"b must have shape ({length},), one bias per {per}, got shape {b.shape}")
    check_finite("b", b)
    return b


def check_finite(name, a):
    """Raise ``NonFiniteError`` (a ValueError) if ``a`` contains NaN or inf.

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
        raise NonFiniteError(f"{name} must contain only finite numbers, got {bad} NaN/inf value(s) "
                             f"in an array of shape {a.shape}")


def _is_int(v):
    if type(v) is int:  # the usual case, without the slower check against the numbers ABC
        return True
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
    """Raise unless ``v`` is one of ``choices`` (an array never is: ``in`` would compare it elementwise)."""
    if isinstance(v, np.ndarray) or v not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {v!r}")


def check_labels(y, num_classes, n=None):
    """Validate integer class labels and return them as an ``intp`` array of shape (N,).

    y: (N,) integers in ``[0, num_classes)``; ``n`` (optional) is the expected N,
    e.g. the number of rows of the logits.
    """
    num_classes = check_positive_int("num_classes", num_classes)
    y = as_array("labels y", y)
    check_ndim("labels y", y, 1, "(N,) of class indices")
    if y.dtype.kind not in "iu":
        raise ValueError(f"labels y must be integers, got dtype {y.dtype}")
    if n is not None and y.shape[0] != n:
        raise ValueError(f"labels y must have length {n} (one per row of logits), got length {y.shape[0]}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        bad = y[(y < 0) | (y >= num_classes)]
        raise ValueError(f"labels y must lie in [0, {num_classes - 1}] for {num_classes} classes, "
                         f"got {bad.size} label(s) outside, e.g. {int(bad[0])}")
    return y.astype(np.intp, copy=False)


def check_batch(name, x):
    """Return ``x`` as an array: a batch ``(N, ...)`` (N may be 0) of finite real numbers; ``name`` in messages."""
    x = as_array(name, x)
    if x.ndim < 2:
        got = f"shape {x.shape}" if x.ndim else f"a scalar {x.item()!r}"
        raise ValueError(f"{name} must be a batch (N, ...), got {got}")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers (bool, integer or float), got dtype {x.dtype}")
    if x.dtype.kind == "f":
        check_finite(name, x)
    return x


def check_samples(name, x, y, num_classes):
    """Return ``(x, y)``: x a non-empty ``check_batch``, y ``(N,)`` labels in ``[0, num_classes)``.
    ``name`` ("x", "x_train", "x_test") goes in the messages."""
    x = check_batch(name, x)
    if x.shape[0] == 0:
        raise ValueError(f"{name} has 0 samples (shape {x.shape}); expected at least one")
    return x, check_labels(y, num_classes, x.shape[0])


def check_network(net, methods):
    """Raise unless ``net`` has every method in ``methods`` (training needs forward, backward,
    named_parameters and named_gradients; evaluation only forward)."""
    missing = [m for m in methods if not callable(getattr(net, m, None))]
    if missing:
        raise ValueError(f"net must be a network with {', '.join(methods)} (e.g. a Sequential), "
                         f"got {type(net).__name__} without {', '.join(missing)}")


# --------------------------------------------------------------------------- scalars and settings

def check_number(name, v, low=None, high=None, low_open=False, high_open=False):
    """Return ``float(v)``; raise unless ``v`` is a finite real number (not a bool) in the given range.

    low/high: bounds (None: unbounded); ``*_open=True`` excludes the bound itself.
    """
    ok = isinstance(v, numbers.Real) and not isinstance(v, bool) and np.isfinite(v)
    if ok and low is not None:
        ok = v > low if low_open else v >= low
    if ok and high is not None:
        ok = v < high if high_open else v <= high
    if not ok:
        if low is not None and high is not None:
            where = f" in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
        elif low is not None:
            where = f" {'>' if low_open else '>='} {low}"
        else:
            where = "" if high is None else f" {'<' if high_open else '<='} {high}"
        raise ValueError(f"{name} must be a finite number{where}, got {v!r}")
    return float(v)


def check_float_dtype(name, dtype):
    """Return ``np.dtype(dtype)``; raise unless it is float32 or float64.

    An integer dtype would round every small weight to 0; float16 is too coarse for training.
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt not in (np.float32, np.float64):
        got = dt if dt is not None else repr(dtype)
        raise ValueError(f"{name} must be numpy.float32 or numpy.float64, got {got}"
                         + (" (integer weights would all round to 0)" if dt is not None and dt.kind in "biu" else ""))
    return dt


SEED_LIMIT = 2 ** 32


def check_seed(name, v):
    """Return ``int(v)``; raise unless ``v`` is an int seed in 0 .. 2**32 - 1 (what every numpy generator takes)."""
    if not _is_int(v) or not 0 <= v < SEED_LIMIT:
        raise ValueError(f"{name} must be an int seed in 0..{SEED_LIMIT - 1} (2**32 - 1), got {v!r}")
    return int(v)


def check_index(name, i, count, what=None, *, why=None):
    """Return ``int(i)``; raise unless ``i`` is an int in 0 .. count - 1.

    The message explains the range with ``why`` (e.g. "an output of 5×5"), or else as
    "there are {count} {what}" (``what``: e.g. "images").
    """
    if not _is_int(i) or not 0 <= i < count:
        why = why or f"there are {count} {what}"
        raise ValueError(f"{name} must be an int in 0..{count - 1} ({why}), got {i!r}")
    return int(i)


def check_callable(name, v, what, num_args=None):
    """Raise unless ``v`` is callable (with ``num_args`` positional arguments, when given and its
    signature can be read); ``what`` says how it is called, e.g. ``"taking one record"``."""
    if not callable(v):
        raise ValueError(f"{name} must be a callable {what}, got {type(v).__name__} {v!r}")
    if num_args is not None:
        try:
            signature = inspect.signature(v)
        except (TypeError, ValueError):  # some builtins have no readable signature: trust them
            return v
        try:
            signature.bind(*range(num_args))
        except TypeError:
            raise ValueError(f"{name} must be a callable {what}, got {getattr(v, '__name__', v)!r} with signature "
                             f"{signature}, which cannot take {num_args} argument(s)") from None
    return v


def check_sizes(name, shape, example="(C, H, W)"):
    """Return ``shape`` as a tuple of positive ints (a per-sample shape such as ``example``)."""
    if not isinstance(shape, (tuple, list)) or not shape:
        raise ValueError(f"{name} must be a tuple of positive ints such as {example}, got {shape!r}")
    for size in shape:
        check_positive_int(f"every size in {name} {tuple(shape)}", size)
    return tuple(shape)


def as_generator(rng):
    """A ``numpy.random.Generator`` from ``rng``: a Generator (used as is), an int seed, or None (seed 0).

    None gives seed 0 rather than fresh entropy, so that building a layer or a
    network is reproducible unless a student asks otherwise.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        return np.random.default_rng(0)
    if not _is_int(rng) or not 0 <= rng < SEED_LIMIT:
        raise ValueError(f"rng must be an int seed in 0..{SEED_LIMIT - 1} (2**32 - 1) or a numpy.random.Generator "
                         f"(None: seed 0), got {rng!r} ({type(rng).__name__})")
    return np.random.default_rng(int(rng))
