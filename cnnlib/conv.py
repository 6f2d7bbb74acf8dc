"""The convolutional layer's forward and backward passes on batches of images.

Conventions (the same in every cnnlib module)::

    x:   (N, C, H, W)      a batch of N images with C channels
    w:   (K, C, KH, KW)    K kernels, each spanning all C channels
    b:   (K,) or None      one bias per kernel
    out: (N, K, H', W')    H' = (H + 2*padding - KH) // stride + 1, same for W'

Like every deep-learning library, the "convolution" layer computes a
*correlation*: the kernel is not rotated (``cnnlib.correlation`` has both for
one 2-D image: ``correlate2d`` and the textbook ``convolve2d``).

Two twins with identical signatures compute the layer:
``conv2d_forward_naive``/``conv2d_backward_naive`` are plain loops that read
like the maths; ``conv2d_forward``/``conv2d_backward`` gather every window with
``image_sections`` and do one (batched) matrix product per result. Their caches are the
same tuple ``(x, w, b, stride, padding)``, so either backward accepts either
forward's cache.

dtypes: float32 and float64 are kept. ``out`` has the common dtype of ``x`` and
``w`` (``numpy.result_type``); ``dx``, ``dw`` and ``db`` have the dtypes of
``x``, ``w`` and ``b``. Integer inputs (e.g. uint8 images) are turned into float64.
"""

from typing import NamedTuple, Optional

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlib._checks import (
    as_array,
    as_float_array,
    check_bias,
    check_choice,
    check_finite,
    check_kernel_size,
    check_ndim,
    check_nonempty,
    check_nonnegative_int,
    check_positive_int,
    check_shape,
    check_weights_match,
)
from cnnlib.caches import cache_of, check_cache
from cnnlib.im2col import conv_columns


@cache_of("conv2d_forward", "conv2d_forward_naive")
class ConvCache(NamedTuple):
    """What the conv layer's backward needs: the (float) inputs and the geometry."""

    x: np.ndarray  # (N, C, H, W)
    w: np.ndarray  # (K, C, KH, KW)
    b: Optional[np.ndarray]  # (K,), (K, H', W') or None
    stride: int
    padding: int


def conv_output_size(size, kernel_size, stride=1, padding=0):
    """Output length along one axis: ``(size + 2*padding - kernel_size) // stride + 1``.

    Raises ValueError if the kernel is larger than the padded input, or if
    stride/kernel_size are not positive or padding is negative.
    """
    size = check_positive_int("input size", size)
    kernel_size = check_positive_int("kernel size", kernel_size)
    stride = check_positive_int("stride", stride)
    padding = check_nonnegative_int("padding", padding)
    padded = size + 2 * padding
    if kernel_size > padded:
        raise ValueError(
            f"kernel size {kernel_size} is larger than the padded input: "
            f"{size} + 2*{padding} = {padded}; expected kernel size <= {padded}"
        )
    return (padded - kernel_size) // stride + 1


def image_sections(x, kernel_size, stride=1, padding=0):
    """All KH x KW windows of a batch, one per output position.

    x: (N, C, H, W); kernel_size: int or (KH, KW).
    Returns sections: (N, H', W', C, KH, KW) with
    ``sections[n, i, j] == x_padded[n, :, i*stride:i*stride+KH, j*stride:j*stride+KW]``.
    The result is a read-only strided view (of the zero-padded copy of ``x``
    when padding > 0): nothing is copied, so do not write to it.
    """
    x = as_array("x", x)
    check_ndim("x", x, 4, "(N, C, H, W)")
    kh, kw = check_kernel_size(kernel_size)
    stride = check_positive_int("stride", stride)
    padding = check_nonnegative_int("padding", padding)
    conv_output_size(x.shape[2], kh, stride, padding)  # validates the sizes
    conv_output_size(x.shape[3], kw, stride, padding)
    if padding:
        x = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))  # (N, C, H+2P-KH+1, W+2P-KW+1, KH, KW)
    windows = windows[:, :, ::stride, ::stride]  # (N, C, H', W', KH, KW)
    return windows.transpose(0, 2, 3, 1, 4, 5)  # (N, H', W', C, KH, KW)


def _check_conv_inputs(x, w, b, stride, padding):
    """Validate the conv layer's inputs; return them (as float arrays) and (H', W')."""
    x = as_float_array("x", x)
    w = as_float_array("w", w)
    check_ndim("x", x, 4, "(N, C, H, W)")
    check_ndim("w", w, 4, "(K, C, KH, KW)")
    check_nonempty("w", w, "(w is (K, C, KH, KW))")
    check_nonempty("x", x, "(x is (N, C, H, W))", from_axis=1)  # N = 0 (no images) gives an empty output
    check_weights_match(x, w, 1, "channels", "(K, C, KH, KW)", "C")
    stride = check_positive_int("stride", stride)
    padding = check_nonnegative_int("padding", padding)
    h_out = conv_output_size(x.shape[2], w.shape[2], stride, padding)
    w_out = conv_output_size(x.shape[3], w.shape[3], stride, padding)
    if b is not None and np.ndim(b) == 3:  # one bias per output position
        b = as_float_array("b", b)
        if b.shape != (w.shape[0], h_out, w_out):
            raise ValueError(f"a bias per output position must have shape (K, H', W') = "
                             f"{(w.shape[0], h_out, w_out)}, got shape {b.shape}")
        check_finite("b", b)
    else:
        b = check_bias(b, w.shape[0], "kernel (or (K, H', W'): one per output position)")
    check_finite("x", x)
    check_finite("w", w)
    return x, w, b, stride, padding, (h_out, w_out)


def _check_dout(backward, dout, cache, need_dx):
    """Check ``cache`` (a ``ConvCache``) for the function ``backward``, ``dout`` against the forward pass
    that produced it (its sizes were checked there) and the flag ``need_dx``; return dout and the cache."""
    cache = check_cache(backward, cache, ConvCache)
    check_choice("need_dx", need_dx, (True, False))
    x, w, b, stride, padding = cache
    h_out = (x.shape[2] + 2 * padding - w.shape[2]) // stride + 1
    w_out = (x.shape[3] + 2 * padding - w.shape[3]) // stride + 1
    dout = as_float_array("dout", dout)
    check_shape("dout", dout, (x.shape[0], w.shape[0], h_out, w_out))
    return dout, cache


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Vectorised conv layer: the windows as the columns of a matrix (im2col), then matrix products.

    x: (N, C, H, W); w: (K, C, KH, KW); b: (K,) one bias per kernel, (K, H', W') one per
    output position (as source notebook 004's layer), or None.
    Returns out: (N, K, H', W') and cache = ConvCache(x, w, b, stride, padding).
    out = w as (K, C*KH*KW) @ cols (C*KH*KW, output positions), a chunk of images at a
    time so that their columns stay in the CPU cache (``cnnlib.im2col``).
    """
    out, cache, _ = _conv2d_forward(x, w, b, stride, padding, keep=False)
    return out, cache


def _conv2d_forward(x, w, b, stride, padding, keep):
    """``conv2d_forward``, and with keep=True (``Conv2D`` in training) the columns for ``_conv2d_backward``:
    returns (out, cache, the layout holding them, or None where they exceed ``cnnlib.im2col.KEEP_BYTES``)."""
    x, w, b, stride, padding, (h_out, w_out) = _check_conv_inputs(x, w, b, stride, padding)
    dtype = np.result_type(x, w)
    k = w.shape[0]
    layout = conv_columns(x, w.shape, stride, padding, dtype)
    kept = keep and layout.keep_columns()
    w_rows = w.reshape(k, -1).astype(dtype, copy=False)  # (K, C*KH*KW)
    bias = None if b is None else b.astype(dtype, copy=False).reshape((k, 1, 1) if b.ndim == 1 else b.shape)
    out = np.empty((x.shape[0], k, h_out, w_out), dtype)
    for start, stop in layout.chunks:
        layout.forward(w_rows, start, stop, out[start:stop])  # (n, K, H', W')
        if bias is not None:
            out[start:stop] += bias  # (K, 1, 1) or (K, H', W'), broadcast over images
    return out, ConvCache(x, w, b, stride, padding), (layout if kept else None)


def conv2d_backward(dout, cache, need_dx=True):
    """Gradients of the conv layer, vectorised.

    dout: (N, K, H', W'); cache from either conv2d forward.
    Returns dx: (N, C, H, W), dw: (K, C, KH, KW), db: b's shape, (K,) or (K, H', W') (None when b was None).
    need_dx=False skips dx and returns None for it (a network's first layer: nothing
    upstream needs the gradient of the images); dw and db are the same either way.
    With the columns of ``conv2d_forward``, chunk by chunk: dw += dout @ cols.T;
    dcols = w.T (C*KH*KW, K) @ dout is each window's gradient, and col2im adds each of its
    entries onto the input position it came from, so overlapping windows add up.
    """
    return _conv2d_backward(dout, cache, need_dx, None)


def _conv2d_backward(dout, cache, need_dx, layout):
    """``conv2d_backward``, with the columns ``_conv2d_forward`` kept in ``layout`` for this cache (or None):
    the same products of the same matrices, without copying the columns again."""
    dout, cache = _check_dout("conv2d_backward", dout, cache, need_dx)
    x, w, b, stride, padding = cache
    dtype = np.result_type(x, w)
    k = w.shape[0]
    if layout is None:
        layout = conv_columns(x, w.shape, stride, padding, dtype)
    layout.start_backward()
    w_rows = w.reshape(k, -1).astype(dtype, copy=False)  # (K, C*KH*KW)
    dout = dout.astype(dtype, copy=False)
    dw, db = np.zeros(w_rows.shape, dtype), np.zeros(k, dtype)
    for start, stop in layout.chunks:
        dw_part, db_part = layout.backward(w_rows, dout[start:stop], start, stop, need_dx)
        dw += dw_part
        db += db_part
    dw = dw.reshape(w.shape).astype(w.dtype, copy=False)  # (K, C, KH, KW)
    if b is not None:  # (K,), or (K, H', W') for a bias per output position
        db = (db if b.ndim == 1 else dout.sum(axis=0)).astype(b.dtype, copy=False)
    else:
        db = None
    if not need_dx:
        return None, dw, db
    return layout.gradient().astype(x.dtype, copy=False), dw, db



# What the Conv2D layer calls instead (with the columns it kept): an exercise that switches conv2d_forward or
# conv2d_backward off (cnnlib.exercises) switches these off too.
conv2d_forward.private_twins = (_conv2d_forward,)
conv2d_backward.private_twins = (_conv2d_backward,)

def conv2d_forward_naive(x, w, b=None, stride=1, padding=0):
    """Conv layer as plain loops: out[n, k, i, j] = sum(window * w[k]) + b[k].

    Same signature, result and cache as ``conv2d_forward``; slow, but it is
    the definition the vectorised version is tested against.
    """
    x, w, b, stride, padding, (h_out, w_out) = _check_conv_inputs(x, w, b, stride, padding)
    n_images, k_kernels, kh, kw = x.shape[0], w.shape[0], w.shape[2], w.shape[3]
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    out = np.zeros((n_images, k_kernels, h_out, w_out), dtype=np.result_type(x, w))
    for n in range(n_images):
        for k in range(k_kernels):
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * stride, j * stride
                    window = x_padded[n, :, top:top + kh, left:left + kw]  # (C, KH, KW)
                    out[n, k, i, j] = np.sum(window * w[k])
                    if b is not None:
                        out[n, k, i, j] += b[k] if b.ndim == 1 else b[k, i, j]
    return out, ConvCache(x, w, b, stride, padding)


def conv2d_backward_naive(dout, cache, need_dx=True):
    """Conv layer gradients as plain loops.

    Each output value out[n, k, i, j] = sum(window * w[k]) + b[k] sends back
    dout[n, k, i, j] * window to w[k], dout[n, k, i, j] * w[k] to the window
    of x it read, and dout[n, k, i, j] to b[k].
    Returns dx: (N, C, H, W), dw: (K, C, KH, KW), db: (K,) or None;
    need_dx=False: dx is None (not computed), as in ``conv2d_backward``.
    """
    dout, cache = _check_dout("conv2d_backward_naive", dout, cache, need_dx)
    x, w, b, stride, padding = cache
    n_images, k_kernels, h_out, w_out = dout.shape
    kh, kw = w.shape[2], w.shape[3]
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dx_padded = np.zeros_like(x_padded)
    dw = np.zeros_like(w)
    db = None if b is None else np.zeros_like(b)
    for n in range(n_images):
        for k in range(k_kernels):
            for i in range(h_out):
                for j in range(w_out):
                    top, left = i * stride, j * stride
                    window = x_padded[n, :, top:top + kh, left:left + kw]  # (C, KH, KW)
                    dw[k] += dout[n, k, i, j] * window
                    if need_dx:
                        dx_padded[n, :, top:top + kh, left:left + kw] += dout[n, k, i, j] * w[k]
                    if b is not None:
                        db[(k,) if b.ndim == 1 else (k, i, j)] += dout[n, k, i, j]
    if not need_dx:
        return None, dw, db
    dx = dx_padded[:, :, padding:padding + x.shape[2], padding:padding + x.shape[3]]  # (N, C, H, W)
    return dx.copy(), dw, db
