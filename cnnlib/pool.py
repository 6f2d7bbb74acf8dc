"""Pooling: spatially (max / average over windows, or the average of a whole map) and across kernels
(sum / mean / max of K maps).

Spatial pooling of ``x: (N, C, H, W)`` with a ``size x size`` window moved by
``stride`` (default: ``size``) gives ``out: (N, C, H', W')`` with
``H' = (H - size) // stride + 1``: rows and columns that do not fill a last
window are dropped (floor mode). Windows may overlap (stride < size); the
backward passes then add up the gradient from every window an input is in.

Ties in max pooling: if several elements of a window share the maximum, the
WHOLE gradient of that window goes to the first of them in row-major order
(top row first, left to right), as ``numpy.argmax`` picks it. The same rule
holds across kernels in ``pool_kernels_*`` with mode "max": the lowest kernel
index wins. (Splitting the gradient among tied elements would be just as
valid a subgradient; we pick one rule and test it.)
"""

from typing import NamedTuple, Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlib._checks import (
    as_float_array,
    check_choice,
    check_finite,
    check_ndim,
    check_nonempty,
    check_positive_int,
    check_shape,
)
from cnnlib.caches import cache_of, check_cache
from cnnlib.conv import conv_output_size


@cache_of("maxpool2d_forward")
class MaxPoolCache(NamedTuple):
    x_shape: tuple  # (N, C, H, W)
    dtype: np.dtype
    size: int
    stride: int
    argmax: np.ndarray  # (N, C, H', W'): the row-major index of each window's first maximum


@cache_of("avgpool2d_forward")
class AvgPoolCache(NamedTuple):
    x_shape: tuple  # (N, C, H, W)
    dtype: np.dtype
    size: int
    stride: int


@cache_of("global_avgpool_forward")
class GlobalAvgPoolCache(NamedTuple):
    x_shape: tuple  # (N, C, H, W)
    dtype: np.dtype


@cache_of("pool_kernels_forward")
class PoolKernelsCache(NamedTuple):
    mode: str
    maps_shape: tuple  # (N, K, H, W)
    dtype: np.dtype
    argmax: Optional[np.ndarray]  # (N, 1, H, W) for "max", else None


def _check_pool_input(x, size, stride):
    """Validate; return (x as a float array, size, stride, H', W')."""
    x = as_float_array("x", x)
    check_ndim("x", x, 4, "(N, C, H, W)")
    check_nonempty("x", x, "(x is (N, C, H, W))", from_axis=1)
    check_finite("x", x)
    size = check_positive_int("size", size)
    stride = size if stride is None else check_positive_int("stride", stride)
    h_out = conv_output_size(x.shape[2], size, stride)  # raises if the window is larger than H
    w_out = conv_output_size(x.shape[3], size, stride)
    return x, size, stride, h_out, w_out


def _mean(a, **kwargs):
    """``a.mean(**kwargs)``, without overflow: the mean of finite numbers is finite, but their sum can pass the
    largest float (3.4e38 in float32); then the mean is taken of ``a`` scaled by a power of two (exactly)."""
    with np.errstate(over="ignore"):
        out = a.mean(**kwargs)
    if np.isfinite(out).all():
        return out
    e = int(np.frexp(np.max(np.abs(a)))[1])
    return np.ldexp(np.ldexp(a, -e).mean(**kwargs), e)


def _windows(x, size, stride):
    """Validate and return (x, stride, windows: (N, C, H', W', size, size) view)."""
    x, size, stride, _, _ = _check_pool_input(x, size, stride)
    windows = sliding_window_view(x, (size, size), axis=(2, 3))  # (N, C, H-size+1, W-size+1, size, size)
    return x, size, stride, windows[:, :, ::stride, ::stride]  # (N, C, H', W', size, size)


def _offset_view(a, i, j, stride, h_out, w_out):
    """The (N, C, H', W') strided view of ``a`` that window offset (i, j) covers in every window."""
    return a[:, :, i:i + stride * (h_out - 1) + 1:stride, j:j + stride * (w_out - 1) + 1:stride]


def _add_window_gradients(dx, size, stride, grad_at):
    """col2im for pooling: for each window offset (i, j), add ``grad_at(i, j)``
    (shape (N, C, H', W')) into the inputs that offset covers in every window."""
    h_out, w_out = grad_at(0, 0).shape[2:]
    for i in range(size):
        for j in range(size):
            _offset_view(dx, i, j, stride, h_out, w_out)[...] += grad_at(i, j)
    return dx


def _maxpool_tiled(x, size, h_out, w_out):
    """Max pooling with stride == size (windows side by side): (out, argmax), no window copies.

    The size*size offsets of the windows are visited in row-major order on strided views; an
    offset becomes the argmax only where it is strictly greater than the running maximum, so a
    tie keeps the first maximum. Every step is branch-free (compare, maximum, multiply), which
    matters: with random data, masked copies mispredict a branch per value.
    """
    out = _offset_view(x, 0, 0, size, h_out, w_out).copy()  # (N, C, H', W')
    index = np.uint8 if size * size <= 256 else np.intp
    argmax = np.zeros(out.shape, index)
    greater, offset = np.empty(out.shape, bool), np.empty(out.shape, index)
    for t in range(1, size * size):
        values = _offset_view(x, t // size, t % size, size, h_out, w_out)
        np.greater(values, out, out=greater)
        np.maximum(out, values, out=out)
        np.multiply(greater, index(t), out=offset)  # t where greater, else 0
        np.maximum(argmax, offset, out=argmax)  # offsets grow with t: the last greater one wins
    return out, argmax


def maxpool2d_forward(x, size=2, stride=None):
    """Max pooling. x: (N, C, H, W) -> out: (N, C, H', W'), H' = (H - size) // stride + 1.

    cache = MaxPoolCache(x.shape, x.dtype, size, stride, argmax) where argmax: (N, C, H', W')
    is the row-major index (0 .. size*size - 1) of each window's first maximum.
    Windows side by side (stride == size, the usual case) are compared offset by offset on
    strided views; overlapping or spaced windows are gathered into one array first.
    """
    x, size, stride, h_out, w_out = _check_pool_input(x, size, stride)
    if stride == size:
        out, argmax = _maxpool_tiled(x, size, h_out, w_out)
        return out, MaxPoolCache(x.shape, x.dtype, size, stride, argmax)
    _, _, _, windows = _windows(x, size, stride)
    n, c = windows.shape[:2]
    flat = windows.reshape(n, c, h_out, w_out, size * size)  # (N, C, H', W', size*size), a copy
    argmax = flat.argmax(axis=-1)  # (N, C, H', W'); first maximum on ties
    out = np.take_along_axis(flat, argmax[..., None], axis=-1)[..., 0]  # (N, C, H', W')
    return out, MaxPoolCache(x.shape, x.dtype, size, stride, argmax)


def maxpool2d_backward(dout, cache):
    """Route each window's gradient to its (first) maximum.

    dout: (N, C, H', W'); returns dx: (N, C, H, W) in x's dtype. An input
    that is the maximum of several overlapping windows gets the sum.
    """
    x_shape, dtype, size, stride, argmax = check_cache("maxpool2d_backward", cache, MaxPoolCache)
    dout = as_float_array("dout", dout)
    check_shape("dout", dout, argmax.shape)
    dout = dout.astype(dtype, copy=False)
    if stride == size:  # every input is in one window at most: each offset writes its own positions
        h_out, w_out = argmax.shape[2:]
        dx = np.empty(x_shape, dtype=dtype)
        dx[:, :, h_out * size:] = 0  # rows and columns that fill no window (floor mode)
        dx[:, :, :, w_out * size:] = 0
        hit = np.empty(argmax.shape, bool)
        for t in range(size * size):
            np.equal(argmax, t, out=hit)
            np.multiply(dout, hit, out=_offset_view(dx, t // size, t % size, size, h_out, w_out))  # branch-free
        return dx
    dx = np.zeros(x_shape, dtype=dtype)
    return _add_window_gradients(dx, size, stride, lambda i, j: dout * (argmax == i * size + j))


def avgpool2d_forward(x, size=2, stride=None):
    """Average pooling. x: (N, C, H, W) -> out: (N, C, H', W'), H' = (H - size) // stride + 1.

    cache = AvgPoolCache(x.shape, x.dtype, size, stride).
    """
    x, size, stride, windows = _windows(x, size, stride)
    return _mean(windows, axis=(4, 5)), AvgPoolCache(x.shape, x.dtype, size, stride)


def avgpool2d_backward(dout, cache):
    """Spread each window's gradient equally over its size*size inputs.

    dout: (N, C, H', W'); returns dx: (N, C, H, W) in x's dtype.
    """
    x_shape, dtype, size, stride = check_cache("avgpool2d_backward", cache, AvgPoolCache)
    dout = as_float_array("dout", dout)
    h_out = conv_output_size(x_shape[2], size, stride)
    w_out = conv_output_size(x_shape[3], size, stride)
    check_shape("dout", dout, (*x_shape[:2], h_out, w_out))
    dout = dout.astype(dtype, copy=False)
    dx = np.zeros(x_shape, dtype=dtype)
    share = dout / (size * size)  # (N, C, H', W')
    return _add_window_gradients(dx, size, stride, lambda i, j: share)


def global_avgpool_forward(x):
    """Global average pooling: the mean of every map. x: (N, C, H, W) -> out: (N, C).

    Where a pattern sits in the map does not change the mean, so a network that ends with it
    answers the same for a pattern anywhere in the map (notebook 09 measures how nearly).
    cache = GlobalAvgPoolCache(x.shape, x.dtype).
    """
    x = as_float_array("x", x)
    check_ndim("x", x, 4, "(N, C, H, W)")
    check_nonempty("x", x, "(x is (N, C, H, W))", from_axis=1)
    check_finite("x", x)
    return _mean(x, axis=(2, 3)), GlobalAvgPoolCache(x.shape, x.dtype)


def global_avgpool_backward(dout, cache):
    """Spread each map's gradient equally over its H*W positions: dout: (N, C) -> dx: (N, C, H, W)."""
    x_shape, dtype = check_cache("global_avgpool_backward", cache, GlobalAvgPoolCache)
    dout = as_float_array("dout", dout)
    check_shape("dout", dout, x_shape[:2])
    share = dout.astype(dtype, copy=False) / (x_shape[2] * x_shape[3])  # (N, C)
    return np.broadcast_to(share[:, :, None, None], x_shape).copy()  # (N, C, H, W)


POOL_KERNEL_MODES = ("sum", "mean", "max")


def pool_kernels_forward(maps, mode):
    """Combine the K feature maps of each image into one.

    maps: (N, K, H, W) -> out: (N, 1, H, W), the sum, mean or max over K.
    cache = PoolKernelsCache(mode, maps.shape, maps.dtype, argmax) with argmax: (N, 1, H, W) the winning
    kernel for "max" (lowest index on ties), None otherwise.
    """
    check_choice("mode", mode, POOL_KERNEL_MODES)
    maps = as_float_array("maps", maps)
    check_ndim("maps", maps, 4, "(N, K, H, W)")
    check_nonempty("maps", maps, "(maps is (N, K, H, W))", from_axis=1)
    check_finite("maps", maps)
    argmax = None
    if mode == "sum":
        out = maps.sum(axis=1, keepdims=True)  # (N, 1, H, W)
    elif mode == "mean":
        out = _mean(maps, axis=1, keepdims=True)  # (N, 1, H, W)
    else:
        argmax = maps.argmax(axis=1)[:, None]  # (N, 1, H, W)
        out = np.take_along_axis(maps, argmax, axis=1)  # (N, 1, H, W)
    return out, PoolKernelsCache(mode, maps.shape, maps.dtype, argmax)


def pool_kernels_backward(dout, cache):
    """Gradient of ``pool_kernels_forward``: dout (N, 1, H, W) -> dmaps (N, K, H, W).

    "sum": every map gets dout; "mean": dout / K; "max": only the winning map.
    """
    mode, maps_shape, dtype, argmax = check_cache("pool_kernels_backward", cache, PoolKernelsCache)
    dout = as_float_array("dout", dout)
    n, k, h, w = maps_shape
    check_shape("dout", dout, (n, 1, h, w))
    dout = dout.astype(dtype, copy=False)
    if mode == "sum":
        return np.repeat(dout, k, axis=1)  # (N, K, H, W)
    if mode == "mean":
        return np.repeat(dout / k, k, axis=1)  # (N, K, H, W)
    dmaps = np.zeros(maps_shape, dtype=dtype)
    np.put_along_axis(dmaps, argmax, dout, axis=1)
    return dmaps
