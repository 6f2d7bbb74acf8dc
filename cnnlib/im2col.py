"""The conv layer's windows as the columns of a matrix (im2col), and the way back (col2im).

``conv2d_forward`` computes the layer as matrix products::

    out  =  w as (K, C*KH*KW)  @  cols (C*KH*KW, output positions)

Row ``(c, i, j)`` of ``cols`` holds, for each output position, the input value that kernel entry
``w[:, c, i, j]`` multiplies there. ``col2im`` goes the other way for the gradient: it adds each
entry of ``dcols = w.T @ dout`` onto the input position it came from (overlapping windows add
up). Both work a chunk of images at a time (about ``CHUNK_BYTES`` of columns), so that
a chunk's columns stay in the CPU cache while they are multiplied. Two layouts:

* ``ImageColumns``: ``cols: (n, C*KH*KW, H'*W')``, one product per image, whose result is
  already ``out: (n, K, H', W')``. Best when the columns are few (``C*KH*KW`` not far above
  ``K``, e.g. a first layer on grey images): nothing but the columns is copied.
* ``WideColumns`` (stride 1): ``cols: (C*KH*KW, n*Hp*Wp)``, one product for the whole chunk.
  The batch is first copied channels first and zero-padded, ``(C, N, Hp, Wp)``, and a column is
  taken at *every* position of the padded images, the valid ``H' x W'`` ones and the rest: a row
  of ``cols`` is then one contiguous run of the flat buffer, shifted by ``i*Wp + j`` (a fast
  copy), and col2im is ``KH*KW`` contiguous additions. The columns past ``H'`` and ``W'`` (18%
  more for 13x13 images, 8% for 28x28) are dropped from the result and get a zero gradient.
  Best when ``C*KH*KW`` is well above ``K``: copying the columns is then the work.

The backward pass needs the same columns as the forward pass. ``keep_columns()`` makes the forward
keep them (``conv2d_forward`` does so when they fit in ``KEEP_BYTES``), so that the backward multiplies
the very same matrices instead of copying them again: the results are the same to the last bit.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

#: Bytes of columns per chunk of images (2 MiB, measured best among 256 KiB .. 8 MiB on the course's
#: shapes), so that a chunk stays in the CPU cache while it is multiplied.
CHUNK_BYTES = 1 << 21
#: At most this many bytes of columns are kept from the forward pass for the backward pass (a training
#: batch's; a large test-mode batch keeps none, so evaluating many images holds no extra memory).
KEEP_BYTES = 1 << 23


def _strided(base, offset, shape, strides):
    """The view of ``base`` with ``shape`` and byte ``strides`` from element ``offset`` on (of its flat data).

    A C-contiguous ``base`` gets the view straight from the ndarray constructor, which costs a small
    part of ``as_strided`` (that matters for batch-1 layers); the view is writeable like ``base``.
    """
    if base.flags.c_contiguous:
        return np.ndarray(shape, base.dtype, buffer=base, offset=offset * base.itemsize, strides=strides)
    if offset:
        raise ValueError("an offset needs a C-contiguous base")
    return as_strided(base, shape, strides)  # e.g. a batch x that is itself a strided view


def conv_columns(x, w_shape, stride, padding, dtype):
    """The layout for ``x: (N, C, H, W)`` and kernels ``w_shape = (K, C, KH, KW)``, in ``dtype``.

    Wide columns copy ``C*KH*KW`` runs per image fast but must trim and pad ``K`` maps per image:
    they are chosen when the columns clearly outnumber the maps (``C*KH*KW > 2*K``); in between
    both take about as long, and the image layout copies less memory.
    """
    k, c, kh, kw = w_shape
    layout = WideColumns if stride == 1 and c * kh * kw > 2 * k else ImageColumns
    return layout(x, (kh, kw), stride, padding, dtype)


class _Layout:
    """What both layouts share: the sizes, and the chunks of images."""

    def __init__(self, x, kernel_size, stride, padding, dtype, wide):
        self.image_shape = n, c, h, w = x.shape
        self.kh, self.kw = kernel_size
        self.stride, self.padding, self.dtype = stride, padding, dtype
        self.hp, self.wp = h + 2 * padding, w + 2 * padding
        self.h_out = (self.hp - self.kh) // stride + 1
        self.w_out = (self.wp - self.kw) // stride + 1
        self.image = self.hp * self.wp if wide else self.h_out * self.w_out  # columns per image
        self.image_bytes = np.dtype(dtype).itemsize * c * self.kh * self.kw * self.image  # columns of one image
        step = max(1, CHUNK_BYTES // self.image_bytes)
        self.chunks = [(s, min(s + step, n)) for s in range(0, n, step)]  # (start, stop) image ranges
        self.kept = None  # {start: the chunk's columns} once keep_columns() is called

    def keep_columns(self):
        """Keep each chunk's columns from the forward pass for the backward pass, if they fit in KEEP_BYTES;
        return whether they do."""
        if self.image_shape[0] * self.image_bytes <= KEEP_BYTES:
            self.kept = {}
        return self.kept is not None

    def _columns(self, start, stop):
        """The columns of images start..stop-1: the ones kept by the forward pass, or a new copy."""
        cols = None if self.kept is None else self.kept.get(start)
        if cols is None:
            cols = self._copy_columns(start, stop)
            if self.kept is not None:
                self.kept[start] = cols
        return cols

    def start_backward(self):
        """Forget the gradient sums of an earlier backward pass (a kept layout can serve several)."""
        self.grad_buffer = None

    def _offsets(self):
        return ((i, j) for i in range(self.kh) for j in range(self.kw))


class ImageColumns(_Layout):
    """cols: (n, C*KH*KW, H'*W') for images start..stop-1; products one image at a time."""

    def __init__(self, x, kernel_size, stride, padding, dtype):
        super().__init__(x, kernel_size, stride, padding, dtype, wide=False)
        p = padding
        self.padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x  # (N, C, Hp, Wp)
        self.grad_buffer = None  # the gradient with respect to padded, summed by col2im

    def _window(self, padded, i, j, start, stop):
        """(n, C, H', W') view of the inputs kernel entry (i, j) meets, images start..stop-1."""
        s = self.stride
        return padded[start:stop, :, i:i + s * (self.h_out - 1) + 1:s, j:j + s * (self.w_out - 1) + 1:s]

    def _copy_columns(self, start, stop):
        """The columns of images start..stop-1: one strided view of every window, copied once."""
        padded, s = self.padded[start:stop], self.stride
        n, c = padded.shape[:2]
        sn, sc, sh, sw = padded.strides
        windows = _strided(padded, 0, (n, c, self.kh, self.kw, self.h_out, self.w_out),
                           (sn, sc, sh, sw, s * sh, s * sw))  # (n, C, KH, KW, H', W'), read only
        cols = np.empty(windows.shape, self.dtype)
        np.copyto(cols, windows)  # the one copy (in the layer's dtype)
        return cols.reshape(n, c * self.kh * self.kw, -1)  # (n, C*KH*KW, H'*W')

    def forward(self, w_rows, start, stop, out):
        """out: (n, K, H', W') <- w_rows (K, C*KH*KW) @ cols, image by image."""
        np.matmul(w_rows, self._columns(start, stop), out=out.reshape(stop - start, w_rows.shape[0], -1))

    def backward(self, w_rows, dout, start, stop, need_dx):
        """dout: (n, K, H', W') -> this chunk's dw (K, C*KH*KW) and db (K,); col2im when need_dx."""
        rows = dout.reshape(stop - start, w_rows.shape[0], -1)  # (n, K, H'*W')
        dw = np.matmul(rows, self._columns(start, stop).transpose(0, 2, 1)).sum(axis=0)  # (K, C*KH*KW)
        db = (rows @ np.ones(rows.shape[2], self.dtype)).sum(axis=0)  # (K,)
        if need_dx:
            if self.grad_buffer is None:
                self.grad_buffer = np.zeros((*self.image_shape[:2], self.hp, self.wp), self.dtype)
            dcols = (w_rows.T @ rows).reshape(stop - start, -1, self.kh, self.kw, self.h_out, self.w_out)
            for i, j in self._offsets():
                # rows i, i+stride, ... and columns j, j+stride, ... of every window
                self._window(self.grad_buffer, i, j, start, stop)[...] += dcols[:, :, i, j]
        return dw, db

    def gradient(self):
        """dx: (N, C, H, W), the col2im sums without the padding (a new array)."""
        h, w, p = *self.image_shape[2:], self.padding
        if self.grad_buffer is None:  # no images
            return np.zeros(self.image_shape, self.dtype)
        return np.ascontiguousarray(self.grad_buffer[:, :, p:p + h, p:p + w])


class WideColumns(_Layout):
    """cols: (C*KH*KW, n*Hp*Wp) for images start..stop-1 (stride 1); one product per chunk."""

    def __init__(self, x, kernel_size, stride, padding, dtype):
        if stride != 1:
            raise ValueError(f"wide columns need stride 1, got stride {stride}")
        super().__init__(x, kernel_size, stride, padding, dtype, wide=True)
        n, c, h, w = x.shape
        # the last image's windows read up to (KH - 1) rows and KW - 1 values past its end: a zero tail
        self.tail = (self.kh - 1) * self.wp + self.kw - 1
        self.flat, padded = self._buffer(zeros=padding > 0)
        padded[:, :, padding:padding + h, padding:padding + w] = x.transpose(1, 0, 2, 3)
        self.grad_buffer = None  # flat's gradient, summed by col2im

    def _buffer(self, zeros):
        """flat: (C, N*Hp*Wp + tail) and its (C, N, Hp, Wp) view; zeros=False zeroes only the tail."""
        n, c = self.image_shape[:2]
        size = n * self.image
        flat = (np.zeros if zeros else np.empty)((c, size + self.tail), self.dtype)
        flat[:, size:] = 0
        return flat, flat[:, :size].reshape(c, n, self.hp, self.wp)

    def _runs(self, flat, start, stop):
        """(C, KH, KW, n*Hp*Wp) view: for kernel entry (i, j), the inputs it meets at every position of
        images start..stop-1, one contiguous run starting i rows and j columns further on."""
        sc, item = flat.strides  # flat is C-contiguous: it is ours
        return _strided(flat, start * self.image, (flat.shape[0], self.kh, self.kw, (stop - start) * self.image),
                        (sc, self.wp * item, item, item))

    def _copy_columns(self, start, stop):
        """(C*KH*KW, n*Hp*Wp): the columns of images start..stop-1, a copy of the runs."""
        runs = self._runs(self.flat, start, stop)
        return runs.reshape(runs.shape[0] * self.kh * self.kw, -1)

    def forward(self, w_rows, start, stop, out):
        """out: (n, K, H', W') <- w_rows (K, C*KH*KW) @ cols, the positions past H' and W' dropped."""
        maps = (w_rows @ self._columns(start, stop)).reshape(-1, stop - start, self.hp, self.wp)  # (K, n, Hp, Wp)
        np.copyto(out, maps[:, :, :self.h_out, :self.w_out].transpose(1, 0, 2, 3))

    def backward(self, w_rows, dout, start, stop, need_dx):
        """dout: (n, K, H', W') -> this chunk's dw (K, C*KH*KW) and db (K,); col2im when need_dx."""
        k = w_rows.shape[0]
        rows = np.zeros((k, stop - start, self.hp, self.wp), self.dtype)  # no gradient past H' and W'
        rows[:, :, :self.h_out, :self.w_out] = dout.transpose(1, 0, 2, 3)
        rows = rows.reshape(k, -1)  # (K, n*Hp*Wp)
        dw = rows @ self._columns(start, stop).T  # (K, C*KH*KW)
        db = rows @ np.ones(rows.shape[1], self.dtype)  # (K,)
        if need_dx:
            if self.grad_buffer is None:
                self.grad_buffer = self._buffer(zeros=True)[0]
            dcols = (w_rows.T @ rows).reshape(-1, self.kh, self.kw, rows.shape[1])  # (C, KH, KW, n*Hp*Wp)
            runs = self._runs(self.grad_buffer, start, stop)
            for i, j in self._offsets():  # one contiguous run per channel: overlapping windows add up
                runs[:, i, j] += dcols[:, i, j]
        return dw, db

    def gradient(self):
        """dx: (N, C, H, W), the col2im sums without the padding (a new array)."""
        (n, c, h, w), p = self.image_shape, self.padding
        if self.grad_buffer is None:  # no images
            return np.zeros(self.image_shape, self.dtype)
        padded = self.grad_buffer[:, :n * self.image].reshape(c, n, self.hp, self.wp)
        return np.ascontiguousarray(padded[:, :, p:p + h, p:p + w].transpose(1, 0, 2, 3))
