"""The conv layer's windows as the columns of a matrix (im2col), and the way back (col2im).

``conv2d_forward`` computes the layer as matrix products::

    out  =  w as (K, C*KH*KW)  @  cols (C*KH*KW, output positions)

Row ``(c, i, j)`` of ``cols`` holds, for each output position, the input value that kernel entry
``w[:, c, i, j]`` multiplies there. ``col2im`` goes the other way for the gradient: it adds each
entry of ``dcols = w.T @ dout`` onto the input position it came from (overlapping windows add
up). Both work a chunk of images at a time (about ``CHUNK_ELEMENTS`` column entries), so that
a chunk's columns stay in the CPU cache while they are multiplied. Two layouts:

* ``ImageColumns``: ``cols: (n, C*KH*KW, H'*W')``, one product per image, whose result is
  already ``out: (n, K, H', W')``. Best when the columns are few (``C*KH*KW`` not above ``K``,
  e.g. a first layer on grey images): nothing but the columns is copied.
* ``WideColumns`` (stride 1): ``cols: (C*KH*KW, n*H'*Wp)``, one product for the whole chunk.
  The batch is first copied channels first and zero-padded, ``(C, N, Hp, Wp)``; a row of
  ``cols`` for one image is then one contiguous run of ``H'*Wp`` values (a fast copy): the
  ``H'`` output rows at the full padded width ``Wp``. Each output row so gets ``KW - 1``
  columns too many, which are trimmed from the result (their values are never used) and get a
  zero gradient. Best when ``C*KH*KW`` is larger than ``K``: copying the columns is the work.
"""

import numpy as np
from numpy.lib.stride_tricks import as_strided

#: Column entries per chunk of images (2**20: 4 MB in float32), so that a chunk stays in cache.
CHUNK_ELEMENTS = 1 << 20


def conv_columns(x, w_shape, stride, padding, dtype):
    """The layout for ``x: (N, C, H, W)`` and kernels ``w_shape = (K, C, KH, KW)``, in ``dtype``."""
    k, c, kh, kw = w_shape
    layout = WideColumns if stride == 1 and c * kh * kw > k else ImageColumns
    return layout(x, (kh, kw), stride, padding, dtype)


class _Layout:
    """What both layouts share: the sizes, and the chunks of images."""

    def __init__(self, x, kernel_size, stride, padding, dtype, width):
        self.image_shape = n, c, h, w = x.shape
        self.kh, self.kw = kernel_size
        self.stride, self.padding, self.dtype = stride, padding, dtype
        self.hp, self.wp = h + 2 * padding, w + 2 * padding
        self.h_out = (self.hp - self.kh) // stride + 1
        self.w_out = (self.wp - self.kw) // stride + 1
        self.width = width(self)  # columns per output row
        step = max(1, CHUNK_ELEMENTS // (c * self.kh * self.kw * self.h_out * self.width))
        self.chunks = [(s, min(s + step, n)) for s in range(0, n, step)]  # (start, stop) image ranges

    def _offsets(self):
        return ((i, j) for i in range(self.kh) for j in range(self.kw))


class ImageColumns(_Layout):
    """cols: (n, C*KH*KW, H'*W') for images start..stop-1; products one image at a time."""

    def __init__(self, x, kernel_size, stride, padding, dtype):
        super().__init__(x, kernel_size, stride, padding, dtype, width=lambda layout: layout.w_out)
        p = padding
        self.padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p))) if p else x  # (N, C, Hp, Wp)
        self.grad_padded = None

    def _window(self, padded, i, j, start, stop):
        """(n, C, H', W') view of the inputs kernel entry (i, j) meets, images start..stop-1."""
        s = self.stride
        return padded[start:stop, :, i:i + s * (self.h_out - 1) + 1:s, j:j + s * (self.w_out - 1) + 1:s]

    def _cols(self, start, stop):
        """The columns of images start..stop-1: one strided view of every window, copied once."""
        padded, s = self.padded[start:stop], self.stride
        n, c = padded.shape[:2]
        sn, sc, sh, sw = padded.strides
        windows = as_strided(padded, (n, c, self.kh, self.kw, self.h_out, self.w_out),
                             (sn, sc, sh, sw, s * sh, s * sw), writeable=False)  # (n, C, KH, KW, H', W')
        cols = np.empty(windows.shape, self.dtype)
        np.copyto(cols, windows)  # the one copy (in the layer's dtype)
        return cols.reshape(n, c * self.kh * self.kw, -1)  # (n, C*KH*KW, H'*W')

    def forward(self, w_rows, start, stop, out):
        """out: (n, K, H', W') <- w_rows (K, C*KH*KW) @ cols, image by image."""
        np.matmul(w_rows, self._cols(start, stop), out=out.reshape(stop - start, w_rows.shape[0], -1))

    def backward(self, w_rows, dout, start, stop, need_dx):
        """dout: (n, K, H', W') -> this chunk's dw (K, C*KH*KW) and db (K,); col2im when need_dx."""
        rows = dout.reshape(stop - start, w_rows.shape[0], -1)  # (n, K, H'*W')
        dw = np.matmul(rows, self._cols(start, stop).transpose(0, 2, 1)).sum(axis=0)  # (K, C*KH*KW)
        db = (rows @ np.ones(rows.shape[2], self.dtype)).sum(axis=0)  # (K,)
        if need_dx:
            if self.grad_padded is None:
                self.grad_padded = np.zeros((*self.image_shape[:2], self.hp, self.wp), self.dtype)
            dcols = (w_rows.T @ rows).reshape(stop - start, -1, self.kh, self.kw, self.h_out, self.w_out)
            for i, j in self._offsets():
                # rows i, i+stride, ... and columns j, j+stride, ... of every window
                self._window(self.grad_padded, i, j, start, stop)[...] += dcols[:, :, i, j]
        return dw, db

    def gradient(self):
        """dx: (N, C, H, W), the col2im sums without the padding (a new array)."""
        h, w, p = *self.image_shape[2:], self.padding
        if self.grad_padded is None:  # no images
            return np.zeros(self.image_shape, self.dtype)
        return np.ascontiguousarray(self.grad_padded[:, :, p:p + h, p:p + w])


class WideColumns(_Layout):
    """cols: (C*KH*KW, n*H'*Wp) for images start..stop-1 (stride 1); one product per chunk."""

    def __init__(self, x, kernel_size, stride, padding, dtype):
        if stride != 1:
            raise ValueError(f"wide columns need stride 1, got stride {stride}")
        super().__init__(x, kernel_size, stride, padding, dtype, width=lambda layout: layout.wp)
        n, c, h, w = x.shape
        # the last image's last output row reads KW - 1 values past its end: a zero tail
        self.tail = (self.kh - 1) * self.wp + self.kw - 1
        self.flat, padded = self._buffer(zeros=padding > 0)
        padded[:, :, padding:padding + h, padding:padding + w] = x.transpose(1, 0, 2, 3)
        self.grad_flat = None

    def _buffer(self, zeros):
        """flat: (C, N*Hp*Wp + tail) and its (C, N, Hp, Wp) view; zeros=False zeroes only the tail."""
        n, c = self.image_shape[:2]
        size = n * self.hp * self.wp
        flat = (np.zeros if zeros else np.empty)((c, size + self.tail), self.dtype)
        flat[:, size:] = 0
        return flat, flat[:, :size].reshape(c, n, self.hp, self.wp)

    def _window(self, flat, i, j, start, stop):
        """(C, n, H', Wp) view of the inputs kernel entry (i, j) meets: a run of H'*Wp values per image."""
        c, n, image = flat.shape[0], stop - start, self.hp * self.wp
        first = start * image + i * self.wp + j
        run = flat[:, first:first + n * image].reshape(c, n, image)[:, :, :self.h_out * self.wp]
        return run.reshape(c, n, self.h_out, self.wp)

    def _cols(self, start, stop):
        """The columns of images start..stop-1: one strided view of every run, copied once."""
        c, n, image = self.image_shape[1], stop - start, self.hp * self.wp
        sc, item = self.flat.strides
        runs = as_strided(self.flat[:, start * image:], (c, self.kh, self.kw, n, self.h_out * self.wp),
                          (sc, self.wp * item, item, image * item, item), writeable=False)  # (C, KH, KW, n, H'*Wp)
        return runs.reshape(c * self.kh * self.kw, -1)  # (C*KH*KW, n*H'*Wp), a copy

    def forward(self, w_rows, start, stop, out):
        """out: (n, K, H', W') <- w_rows (K, C*KH*KW) @ cols, the extra columns trimmed."""
        rows = w_rows @ self._cols(start, stop)  # (K, n*H'*Wp)
        maps = rows.reshape(-1, stop - start, self.h_out, self.wp)[..., :self.w_out]  # (K, n, H', W')
        np.copyto(out, maps.transpose(1, 0, 2, 3))

    def backward(self, w_rows, dout, start, stop, need_dx):
        """dout: (n, K, H', W') -> this chunk's dw (K, C*KH*KW) and db (K,); col2im when need_dx."""
        k = w_rows.shape[0]
        rows = np.empty((k, stop - start, self.h_out, self.wp), self.dtype)
        rows[..., :self.w_out] = dout.transpose(1, 0, 2, 3)
        rows[..., self.w_out:] = 0  # the extra columns: no gradient
        rows = rows.reshape(k, -1)  # (K, n*H'*Wp)
        dw = rows @ self._cols(start, stop).T  # (K, C*KH*KW)
        db = rows @ np.ones(rows.shape[1], self.dtype)  # (K,)
        if need_dx:
            if self.grad_flat is None:
                self.grad_flat = self._buffer(zeros=True)[0]
            dcols = (w_rows.T @ rows).reshape(-1, self.kh, self.kw, stop - start, self.h_out, self.wp)
            for i, j in self._offsets():
                self._window(self.grad_flat, i, j, start, stop)[...] += dcols[:, i, j]
        return dw, db

    def gradient(self):
        """dx: (N, C, H, W), the col2im sums without the padding (a new array)."""
        (n, c, h, w), p = self.image_shape, self.padding
        if self.grad_flat is None:  # no images
            return np.zeros(self.image_shape, self.dtype)
        padded = self.grad_flat[:, :n * self.hp * self.wp].reshape(c, n, self.hp, self.wp)
        return np.ascontiguousarray(padded[:, :, p:p + h, p:p + w].transpose(1, 0, 2, 3))
