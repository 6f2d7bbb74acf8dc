"""The gradient checker cannot mislead; image preparation and MNIST loading refuse bad input.

numerical_gradient: a dout of another shape than f(x) (never broadcast), a step h that is not a
finite number > 0, non-finite x or dout, f returning NaN; float32 x is computed in float64.
to_float: every non-real dtype, NaN/inf, out-of-range pixels, non-float target dtypes.
load_mnist(source="keras"): a server that accepts the connection and never answers fails after
``timeout`` seconds with a message, tested offline against a local socket.
"""

import re
import socket
import sys
import threading
import time
import types
import urllib.request

import numpy as np
import pytest

from cnnlib.conv import conv2d_forward
from cnnlib.data import MNISTDownloadError, load_mnist, to_float
from cnnlib.dense import dense_forward
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import Dense

X = np.random.default_rng(0).standard_normal((3, 4))


def f_matrix(v):
    return v @ np.ones((4, 2))  # (3, 2)


WRONG_DOUTS = [np.ones(2), np.ones((2,)), np.ones((3,)), np.ones((1, 2)), np.ones((3, 1)), np.ones((2, 3)),
               np.ones((3, 2, 1)), np.ones(()), np.ones((6,))]


@pytest.mark.parametrize("dout", WRONG_DOUTS, ids=lambda d: str(d.shape))
def test_a_dout_of_another_shape_is_never_broadcast(dout):
    expected = rf"dout must have the shape of f\(x\) \(no broadcasting\), got dout of shape " \
               rf"{re.escape(str(dout.shape))} and f\(x\) of shape \(3, 2\)"
    with pytest.raises(ValueError, match=expected):
        numerical_gradient(f_matrix, X.copy(), dout)


def test_dout_none_needs_a_scalar_loss():
    with pytest.raises(ValueError, match=r"dout is None, so f must return a scalar loss, got f\(x\) of shape \(3, 2\)"):
        numerical_gradient(f_matrix, X.copy())


@pytest.mark.parametrize("h", [0, 0.0, -1e-5, np.nan, np.inf, -np.inf, "1e-5", None, True, 1j])
def test_the_step_must_be_a_finite_positive_number(h):
    with pytest.raises(ValueError, match=rf"step h must be a finite number > 0, got {re.escape(repr(h))}"):
        numerical_gradient(f_matrix, X.copy(), np.ones((3, 2)), h=h)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("where", ["x", "dout"])
def test_non_finite_x_or_dout_is_refused(dtype, bad, where):
    x, dout = X.astype(dtype), np.ones((3, 2))
    (x if where == "x" else dout)[1, 1] = bad
    with pytest.raises(ValueError, match=rf"{where} must contain only finite numbers, got 1 NaN/inf value\(s\)"):
        numerical_gradient(f_matrix, x, dout)


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_f_returning_nan_is_refused(bad):
    with pytest.raises(ValueError, match=r"f returned NaN or inf at x\[0, 0\] \+/- h"):
        numerical_gradient(lambda v: v * bad, X.copy(), np.ones((3, 4)))


@pytest.mark.parametrize("x", [np.array([1, 2]), [1.0, 2.0], 1.5, np.array([1 + 0j])], ids=str)
def test_x_must_be_a_float_array(x):
    with pytest.raises(ValueError, match=r"x must be a float numpy array \(it is changed in place\), got"):
        numerical_gradient(lambda v: v, x)


@pytest.mark.parametrize("f", [None, 3, "conv2d_forward"])
def test_f_must_be_callable(f):
    with pytest.raises(ValueError, match=r"f must be a callable of x returning an array or a scalar"):
        numerical_gradient(f, X.copy())


def test_float32_input_is_computed_in_float64():
    rng = np.random.default_rng(1)
    x32 = rng.standard_normal((2, 1, 6, 6)).astype(np.float32)
    w = rng.standard_normal((3, 1, 3, 3))
    dout = rng.standard_normal((2, 3, 4, 4))
    num = numerical_gradient(lambda v: conv2d_forward(v, w)[0], x32, dout)
    exact = numerical_gradient(lambda v: conv2d_forward(v, w)[0], x32.astype(np.float64), dout)
    assert num.dtype == np.float64
    assert rel_error(num, exact) < 1e-9  # the float64 answer, not float32 rounding noise
    x_before = x32.copy()
    numerical_gradient(lambda v: conv2d_forward(v, w)[0], x32, dout)
    assert np.array_equal(x32, x_before)  # float32 x is never changed


def test_float32_weights_read_from_elsewhere_are_refused_not_reported_as_zero():
    layer = Dense(4, 2)  # float32 parameters
    x = np.ones((3, 4))
    with pytest.raises(ValueError, match=r"the numerical gradient is 0 everywhere: a float32 x is passed to f as "
                                         r"a float64 copy, and f seems to ignore its argument"):
        numerical_gradient(lambda _: layer.forward(x), layer.params["w"], np.ones((3, 2)))


def test_float64_in_place_use_still_works():
    w = np.random.default_rng(2).standard_normal((4, 2))
    x = np.ones((3, 4))
    dout = np.ones((3, 2))
    num = numerical_gradient(lambda _: dense_forward(x, w, None)[0], w, dout)
    assert rel_error(num, x.T @ dout) < 1e-8


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("which", ["a", "b"])
def test_rel_error_refuses_nan_and_inf(bad, which):
    good, broken = np.ones(3), np.array([1.0, bad, 1.0])
    a, b = (broken, good) if which == "a" else (good, broken)
    with pytest.raises(ValueError, match=rf"{which} must contain only finite numbers, got 1 NaN/inf value\(s\)"):
        rel_error(a, b)


def test_a_read_only_float64_x_is_refused():
    x = np.broadcast_to(np.ones(1), (3,))
    with pytest.raises(ValueError, match=r"x is read-only, but a float64 x is changed in place"):
        numerical_gradient(lambda v: v.sum(), x)


@pytest.mark.parametrize("center", ["yes", None, 2])
def test_to_float_center_must_be_true_or_false(center):
    with pytest.raises(ValueError, match=rf"center must be one of True, False, got {re.escape(repr(center))}"):
        to_float(np.zeros((1, 2, 2), np.uint8), center=center)


# --------------------------------------------------------------------------- to_float

@pytest.mark.parametrize("dtype", [np.complex64, np.complex128, np.dtype("<U2"), np.dtype(object)], ids=str)
def test_to_float_refuses_non_real_pixels(dtype):
    x = np.zeros((2, 3, 3), dtype=dtype) if dtype is not object else np.full((2, 3, 3), None, dtype=object)
    with pytest.raises(ValueError, match=r"to_float's images must hold pixel values 0\.\.255 \(integers or floats\), "
                                         r"got dtype " + re.escape(str(x.dtype))):
        to_float(x)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("index", [(0, 0, 0), (1, 2, 1), (-1, -1, -1)])
def test_to_float_refuses_nan_and_inf(dtype, bad, index):
    x = np.full((2, 3, 3), 7, dtype=dtype)
    x[index] = bad
    with pytest.raises(ValueError, match=r"to_float's images must contain only finite numbers, got 1 NaN/inf"):
        to_float(x)


@pytest.mark.parametrize("low, high", [(-1, 3), (0, 256), (-300, 10), (0, 1e6)])
def test_to_float_refuses_pixels_outside_0_255(low, high):
    with pytest.raises(ValueError, match=r"to_float expects pixel values in 0\.\.255, got values in"):
        to_float(np.array([[[low, high]]], dtype=float))


@pytest.mark.parametrize("dtype", [int, np.uint8, bool, np.complex64, "banana"])
def test_to_float_needs_a_floating_dtype(dtype):
    with pytest.raises(ValueError, match=r"to_float's dtype must be a float dtype such as numpy.float32"):
        to_float(np.zeros((1, 2, 2), np.uint8), dtype=dtype)


@pytest.mark.parametrize("shape", [(28, 28), (1, 1, 28, 28), (5,)])
def test_to_float_needs_n_h_w(shape):
    with pytest.raises(ValueError, match=r"to_float's images must be a 3-D array \(N, H, W\)"):
        to_float(np.zeros(shape, np.uint8))


# --------------------------------------------------------------------------- load_mnist through a silent network

@pytest.mark.parametrize("timeout", [0, -1, np.nan, np.inf, "30", None, True])
def test_the_timeout_must_be_a_positive_number(timeout):
    with pytest.raises(ValueError, match=r"timeout \(seconds\) must be a finite number > 0, got"):
        load_mnist(source="keras", timeout=timeout)


@pytest.fixture
def silent_server():
    """A local socket that accepts connections and never sends a byte."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)
    accepted = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


def test_a_server_that_never_answers_times_out_with_a_message(monkeypatch, silent_server):
    host, port = silent_server

    def load_data():  # what keras.datasets.mnist.load_data does: an HTTP download through urllib
        with urllib.request.urlopen(f"http://{host}:{port}/mnist.npz") as response:
            return response.read()

    keras = types.ModuleType("keras")
    keras.datasets = types.SimpleNamespace(mnist=types.SimpleNamespace(load_data=load_data))
    monkeypatch.setitem(sys.modules, "keras", keras)
    start = time.monotonic()
    with pytest.raises(MNISTDownloadError, match=r"could not download full MNIST through Keras: the server did "
                                                 r"not answer within 0\.5 s \(timeout=0\.5\); use source='bundled'"):
        load_mnist(source="keras", timeout=0.5)
    assert time.monotonic() - start < 10  # it did not hang
    assert socket.getdefaulttimeout() is None  # the process-wide default is restored
