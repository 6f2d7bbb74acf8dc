"""Tests for cnnlib.data: the bundled MNIST subset, the Keras source (without network), helpers."""

import hashlib
import subprocess
import sys
import textwrap
import types
import urllib.error
from pathlib import Path

import numpy as np
import pytest

from cnnlib import data
from cnnlib.data import BUNDLED_MNIST_SHA256, MNISTDownloadError, course_source, describe_source, load_mnist, to_float

REPO = Path(__file__).resolve().parents[1]

# Runs first in the subprocess tests: any attempt to reach the network fails, as on an offline machine.
BLOCK_NETWORK = textwrap.dedent(
    """
    import socket
    def _no_network(*args, **kwargs):
        raise OSError("network disabled by the test")
    socket.getaddrinfo = _no_network
    socket.create_connection = _no_network
    socket.socket.connect = _no_network
    """
)


def run_python(code, env_extra=None, timeout=120):
    """Run ``code`` in a fresh interpreter (this venv); return the CompletedProcess."""
    import os

    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, env=env, cwd=REPO
    )


# ---------------------------------------------------------------- bundled source


def test_bundled_shapes_dtypes_and_balance():
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=None, n_test=None)
    assert x_train.shape == (1000, 28, 28) and x_train.dtype == np.uint8
    assert x_test.shape == (4000, 28, 28) and x_test.dtype == np.uint8
    assert y_train.shape == (1000,) and y_train.dtype == np.uint8
    assert y_test.shape == (4000,) and y_test.dtype == np.uint8
    assert np.array_equal(np.bincount(y_train, minlength=10), np.full(10, 100))
    assert np.array_equal(np.bincount(y_test, minlength=10), np.full(10, 400))
    # Real digits: ink and background both present, full 0..255 range, roughly MNIST's mean intensity (~33).
    assert x_train.min() == 0 and x_train.max() == 255
    assert 20 < x_test.mean() < 45
    # No image appears twice, and train and test share none.
    flat = np.concatenate([x_train, x_test]).reshape(5000, -1)  # (N, 28, 28) -> (N, 784)
    assert len(np.unique(flat, axis=0)) == 5000


def test_default_arguments_give_1000_train_and_all_test():
    (x_train, y_train), (x_test, y_test) = load_mnist()
    assert x_train.shape == (1000, 28, 28) and y_train.shape == (1000,)
    assert x_test.shape == (4000, 28, 28) and y_test.shape == (4000,)


def test_loading_is_deterministic_and_returns_copies():
    (x1, y1), (xt1, yt1) = load_mnist()
    x1[:] = 0  # changing what we got must not change the next load
    y1[:] = 0
    (x2, y2), (xt2, yt2) = load_mnist()
    (x3, y3), (xt3, yt3) = load_mnist()
    assert np.array_equal(x2, x3) and np.array_equal(y2, y3)
    assert np.array_equal(xt1, xt2) and np.array_equal(yt1, yt2)
    assert x2.any() and len(np.unique(y2)) == 10


def test_first_n_are_a_prefix():
    (x_small, y_small), (xt_small, yt_small) = load_mnist(n_train=37, n_test=123)
    (x_all, y_all), (xt_all, yt_all) = load_mnist(n_train=None, n_test=None)
    assert x_small.shape == (37, 28, 28) and xt_small.shape == (123, 28, 28)
    assert np.array_equal(x_small, x_all[:37]) and np.array_equal(y_small, y_all[:37])
    assert np.array_equal(xt_small, xt_all[:123]) and np.array_equal(yt_small, yt_all[:123])


@pytest.mark.parametrize("split", [0, 1])
def test_every_prefix_is_class_balanced(split):
    y = load_mnist(n_train=None, n_test=None)[split][1]
    counts = np.cumsum(np.eye(10, dtype=int)[y], axis=0)  # (N, 10): class counts of each prefix
    n = np.arange(1, len(y) + 1)[:, None]  # (N, 1)
    assert np.all(counts >= n // 10) and np.all(counts <= -(-n // 10))
    # ...and the order is not simply 0, 1, ..., 9 repeated.
    assert not np.array_equal(y[:20], np.tile(np.arange(10), 2))


def test_shipped_file_matches_recorded_checksum():
    assert hashlib.sha256(data.BUNDLED_MNIST_PATH.read_bytes()).hexdigest() == BUNDLED_MNIST_SHA256


def _copy_bundled(tmp_path, change):
    raw = bytearray(data.BUNDLED_MNIST_PATH.read_bytes())
    path = tmp_path / "mnist_subset.npz"
    path.write_bytes(bytes(change(raw)))
    return path


def _flip_one_byte(raw):
    raw[len(raw) // 2] ^= 0x01
    return raw


@pytest.mark.parametrize("change", [_flip_one_byte, lambda raw: raw[:-1000]], ids=["corrupted", "truncated"])
def test_checksum_catches_changed_file(tmp_path, monkeypatch, change):
    load_mnist()  # fill the in-process cache first: it must not hide the damaged file
    path = _copy_bundled(tmp_path, change)
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    monkeypatch.setattr(data, "BUNDLED_MNIST_PATH", path)
    with pytest.raises(ValueError) as info:
        load_mnist()
    message = str(info.value)
    assert BUNDLED_MNIST_SHA256 in message and actual in message and str(path) in message


def test_intact_copy_elsewhere_loads(tmp_path, monkeypatch):
    path = _copy_bundled(tmp_path, lambda raw: raw)
    monkeypatch.setattr(data, "BUNDLED_MNIST_PATH", path)
    (x_train, y_train), _ = load_mnist(n_train=10)
    assert x_train.shape == (10, 28, 28) and sorted(y_train.tolist()) == list(range(10))


def test_missing_file_is_a_clear_error(tmp_path, monkeypatch):
    path = tmp_path / "nothing_here.npz"
    monkeypatch.setattr(data, "BUNDLED_MNIST_PATH", path)
    with pytest.raises(ValueError, match="not found"):
        load_mnist()


# ---------------------------------------------------------------- argument checks


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        ({"n_train": 1001}, "1000"),
        ({"n_test": 4001}, "4000"),
        ({"n_train": 0}, "1000"),
        ({"n_train": -5}, "1000"),
        ({"n_train": 2.5}, "1000"),
        ({"n_train": "100"}, "1000"),
        ({"n_train": True}, "1000"),
        ({"n_train": 60001, "source": "keras"}, "60000"),
        ({"n_test": 10001, "source": "keras"}, "10000"),
    ],
)
def test_bad_counts_name_the_maximum(kwargs, expected):
    with pytest.raises(ValueError, match=expected):
        load_mnist(**kwargs)


def test_numpy_integer_counts_are_accepted():
    (x_train, _), (x_test, _) = load_mnist(n_train=np.int64(20), n_test=np.int32(30))
    assert x_train.shape == (20, 28, 28) and x_test.shape == (30, 28, 28)


@pytest.mark.parametrize("func", [lambda s: load_mnist(source=s), describe_source])
def test_unknown_source_lists_valid_ones(func):
    with pytest.raises(ValueError) as info:
        func("tfds")
    message = str(info.value)
    assert "'tfds'" in message and "'bundled'" in message and "'keras'" in message


# ---------------------------------------------------------------- keras source (never the real network)


def _fake_keras(monkeypatch, load_data):
    """Put a stand-in ``keras`` package with ``keras.datasets.mnist.load_data`` into sys.modules."""
    keras = types.ModuleType("keras")
    keras.datasets = types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=load_data))
    monkeypatch.setitem(sys.modules, "keras", keras)


def _url_failure():
    # What keras' get_file raises when a download fails: a plain Exception wrapping the URLError.
    try:
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")
    except urllib.error.URLError as err:
        raise Exception(f"URL fetch failure on https://example.invalid/mnist.npz: None -- {err.reason}") from err


@pytest.mark.parametrize(
    "failure",
    [_url_failure, lambda: (_ for _ in ()).throw(OSError("Network is unreachable"))],
    ids=["keras-url-fetch-failure", "oserror"],
)
def test_keras_without_network_raises_clear_error(monkeypatch, failure):
    _fake_keras(monkeypatch, failure)
    with pytest.raises(MNISTDownloadError) as info:
        load_mnist(source="keras")
    assert isinstance(info.value, RuntimeError)
    message = str(info.value)
    assert "network" in message and "source='bundled'" in message and "offline" in message
    assert info.value.__cause__ is not None


def test_keras_source_takes_prefixes_and_defaults_backend_to_jax(monkeypatch):
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, size=(60000, 28, 28), dtype=np.uint8)
    y_train = rng.integers(0, 10, size=60000).astype(np.uint8)
    x_test = rng.integers(0, 256, size=(10000, 28, 28), dtype=np.uint8)
    y_test = rng.integers(0, 10, size=10000).astype(np.uint8)
    _fake_keras(monkeypatch, lambda: ((x_train, y_train), (x_test, y_test)))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)

    (xa, ya), (xb, yb) = load_mnist(n_train=500, n_test=None, source="keras")

    import os

    assert os.environ["KERAS_BACKEND"] == "jax"
    assert np.array_equal(xa, x_train[:500]) and np.array_equal(ya, y_train[:500])
    assert np.array_equal(xb, x_test) and np.array_equal(yb, y_test)
    assert xa.dtype == np.uint8 and ya.dtype == np.uint8


def test_keras_backend_already_chosen_is_kept(monkeypatch):
    _fake_keras(monkeypatch, _url_failure)
    monkeypatch.setenv("KERAS_BACKEND", "numpy")
    with pytest.raises(MNISTDownloadError):
        load_mnist(source="keras")
    import os

    assert os.environ["KERAS_BACKEND"] == "numpy"


def test_real_keras_offline_raises_clear_error(tmp_path):
    # Real keras, an empty cache dir and a blocked network: the download fails, and we must say so clearly.
    code = BLOCK_NETWORK + textwrap.dedent(
        """
        from cnnlib.data import MNISTDownloadError, load_mnist
        try:
            load_mnist(source="keras")
        except MNISTDownloadError as err:
            print("CLEAR ERROR:", err)
        else:
            raise SystemExit("expected MNISTDownloadError")
        """
    )
    result = run_python(code, env_extra={"KERAS_HOME": str(tmp_path / "keras_home")})
    assert result.returncode == 0, result.stderr
    assert "CLEAR ERROR:" in result.stdout and "source='bundled'" in result.stdout


# ---------------------------------------------------------------- course_source / describe_source


def test_course_source_reads_environment(monkeypatch):
    monkeypatch.delenv("CNNLIB_MNIST_SOURCE", raising=False)
    assert course_source() == "bundled"
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "")
    assert course_source() == "bundled"
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "keras")
    assert course_source() == "keras"
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", " Keras ")
    assert course_source() == "keras"
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "bundled")
    assert course_source() == "bundled"


def test_course_source_rejects_bad_value(monkeypatch):
    monkeypatch.setenv("CNNLIB_MNIST_SOURCE", "full")
    with pytest.raises(ValueError) as info:
        course_source()
    message = str(info.value)
    assert "CNNLIB_MNIST_SOURCE" in message and "'full'" in message and "'keras'" in message


def test_describe_source_is_one_line():
    bundled = describe_source("bundled")
    keras = describe_source("keras")
    assert "\n" not in bundled and "\n" not in keras
    assert "bundled" in bundled and "1,000 train / 4,000 test" in bundled and "offline" in bundled
    assert "keras" in keras and "60,000" in keras


# ---------------------------------------------------------------- to_float


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_to_float_ranges_shape_and_dtype(dtype):
    x = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)  # (1, 2, 2)
    out = to_float(x, dtype=dtype)
    assert out.shape == (1, 1, 2, 2) and out.dtype == dtype
    assert np.allclose(out[0, 0], [[0.0, 1.0], [0.2, 0.4]])
    centred = to_float(x, center=True, dtype=dtype)
    assert centred.dtype == dtype
    assert np.allclose(centred[0, 0], [[-0.5, 0.5], [-0.3, -0.1]])


def test_to_float_on_mnist():
    (x_train, _), _ = load_mnist(n_train=100)
    out = to_float(x_train)
    assert out.shape == (100, 1, 28, 28) and out.dtype == np.float32
    assert out.min() == 0.0 and out.max() == 1.0
    centred = to_float(x_train, center=True)
    assert centred.min() == -0.5 and centred.max() == 0.5
    assert x_train.dtype == np.uint8  # input untouched


@pytest.mark.parametrize(
    "x, kwargs, match",
    [
        (np.zeros((28, 28), np.uint8), {}, "shape"),
        (np.zeros((2, 1, 28, 28), np.uint8), {}, "shape"),
        (np.full((1, 2, 2), 300.0), {}, "0..255"),
        (np.full((1, 2, 2), -1.0), {}, "0..255"),
        (np.zeros((1, 2, 2), np.uint8), {"dtype": np.int32}, "a float dtype"),
    ],
)
def test_to_float_rejects_bad_input(x, kwargs, match):
    with pytest.raises(ValueError, match=match):
        to_float(x, **kwargs)


# ---------------------------------------------------------------- import hygiene and offline use


def test_import_does_not_import_keras_and_bundled_works_offline():
    code = BLOCK_NETWORK + textwrap.dedent(
        """
        import sys
        import cnnlib.data
        assert "keras" not in sys.modules and "jax" not in sys.modules, "importing cnnlib.data imported keras/jax"
        (x, y), (xt, yt) = cnnlib.data.load_mnist()
        assert "keras" not in sys.modules, "the bundled source imported keras"
        print(x.shape, xt.shape)
        """
    )
    result = run_python(code)
    assert result.returncode == 0, result.stderr
    assert "(1000, 28, 28) (4000, 28, 28)" in result.stdout
