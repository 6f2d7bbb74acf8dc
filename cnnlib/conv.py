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

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlib._checks import (
    as_array,
    as_float_array,
    check_bias,
    check_finite,
    check_kernel_size,
    check_ndim,
    check_nonempty,
    check_nonnegative_int,
    check_positive_int,
    check_shape,
    check_weights_match,
)


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


def _check_dout(dout, cache):
    """Validate ``dout`` against the forward pass that produced ``cache``."""
    x, w, b, stride, padding = cache
    h_out = conv_output_size(x.shape[2], w.shape[2], stride, padding)
    w_out = conv_output_size(x.shape[3], w.shape[3], stride, padding)
    dout = as_float_array("dout", dout)
    check_shape("dout", dout, (x.shape[0], w.shape[0], h_out, w_out))
    return dout


def _columns(x, kernel_size, stride, padding):
    """The image sections laid out for one matrix product per image (im2col).

    x: (N, C, H, W) -> cols: (N, C*KH*KW, H'*W'), a copy; column p of image n
    holds the window at output position p = i*W' + j, flattened.
    """
    sections = image_sections(x, kernel_size, stride, padding)  # (N, H', W', C, KH, KW)
    n, h_out, w_out, c, kh, kw = sections.shape
    sections = sections.transpose(0, 3, 4, 5, 1, 2)  # (N, C, KH, KW, H', W')
    return sections.reshape(n, c * kh * kw, h_out * w_out)  # (N, C*KH*KW, H'*W')


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Vectorised conv layer: every window at once, then one (batched) matrix product.

    x: (N, C, H, W); w: (K, C, KH, KW); b: (K,) one bias per kernel, (K, H', W') one per
    output position (as source notebook 004's layer), or None.
    Returns out: (N, K, H', W') and cache = (x, w, b, stride, padding).
    For each image n: out[n] = w as (K, C*KH*KW) @ cols[n] as (C*KH*KW, H'*W').
    """
    x, w, b, stride, padding, (h_out, w_out) = _check_conv_inputs(x, w, b, stride, padding)
    dtype = np.result_type(x, w)
    k = w.shape[0]
    cols = _columns(x.astype(dtype, copy=False), w.shape[2:], stride, padding)  # (N, C*KH*KW, H'*W')
    w_rows = w.reshape(k, -1).astype(dtype, copy=False)  # (K, C*KH*KW)
    out = w_rows @ cols  # (N, K, H'*W'), one small product per image
    if b is not None:
        out += b.astype(dtype, copy=False).reshape(k, -1)  # (K, 1) or (K, H'*W'), broadcast over images
    return out.reshape(x.shape[0], k, h_out, w_out), (x, w, b, stride, padding)  # (N, K, H', W')


def conv2d_backward(dout, cache, need_dx=True):
    """Gradients of the conv layer, vectorised.

    dout: (N, K, H', W'); cache from either conv2d forward.
    Returns dx: (N, C, H, W), dw: (K, C, KH, KW), db: b's shape, (K,) or (K, H', W') (None when b was None).
    need_dx=False skips dx and returns None for it (a network's first layer: nothing
    upstream needs the gradient of the images); dw and db are the same either way.
    dw: per image dout[n] (K, H'*W') @ cols[n].T, summed over images.
    dx: per image w.T (C*KH*KW, K) @ dout[n] gives each window's gradient; then
    each of the KH*KW kernel offsets adds its strided slice into the padded
    input (col2im), so overlapping windows add up.
    """
    dout = _check_dout(dout, cache)
    x, w, b, stride, padding = cache
    dtype = np.result_type(x, w)
    k, c, kh, kw = w.shape
    n, _, h, wid = x.shape
    h_out, w_out = dout.shape[2:]

    cols = _columns(x.astype(dtype, copy=False), (kh, kw), stride, padding)  # (N, C*KH*KW, H'*W')
    dout_rows = dout.astype(dtype, copy=False).reshape(n, k, h_out * w_out)  # (N, K, H'*W')
    w_rows = w.reshape(k, c * kh * kw).astype(dtype, copy=False)  # (K, C*KH*KW)

    dw = (dout_rows @ cols.transpose(0, 2, 1)).sum(axis=0)  # (N, K, C*KH*KW) summed -> (K, C*KH*KW)
    db = None if b is None else dout.sum(axis=(0, 2, 3) if b.ndim == 1 else 0).astype(b.dtype, copy=False)
    dw = dw.reshape(w.shape).astype(w.dtype, copy=False)  # (K, C, KH, KW)
    if not need_dx:
        return None, dw, db

    dcols = (w_rows.T @ dout_rows).reshape(n, c, kh, kw, h_out, w_out)  # (N, C, KH, KW, H', W')
    dx_padded = np.zeros((n, c, h + 2 * padding, wid + 2 * padding), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            # kernel offset (i, j) read rows i, i+stride, ... and columns j, j+stride, ...
            dx_padded[:, :, i:i + stride * h_out:stride, j:j + stride * w_out:stride] += dcols[:, :, i, j]
    dx = dx_padded[:, :, padding:padding + h, padding:padding + wid]  # (N, C, H, W)
    return np.ascontiguousarray(dx, dtype=x.dtype), dw, db


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
    return out, (x, w, b, stride, padding)


def conv2d_backward_naive(dout, cache, need_dx=True):
    """Conv layer gradients as plain loops.

    Each output value out[n, k, i, j] = sum(window * w[k]) + b[k] sends back
    dout[n, k, i, j] * window to w[k], dout[n, k, i, j] * w[k] to the window
    of x it read, and dout[n, k, i, j] to b[k].
    Returns dx: (N, C, H, W), dw: (K, C, KH, KW), db: (K,) or None;
    need_dx=False: dx is None (not computed), as in ``conv2d_backward``.
    """
    dout = _check_dout(dout, cache)
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
