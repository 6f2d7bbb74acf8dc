"""The convolutional layer ``Conv2D``: a thin wrapper over ``cnnlib.conv.conv2d_forward/backward``.

Shapes: images ``(N, C, H, W)``, kernels ``(K, C, KH, KW)``, output ``(N, K, H', W')`` with
``H' = (H + 2*padding - KH) // stride + 1``; ``padding="same"`` keeps ``H' = H``.
"""

import numpy as np

from cnnlib._checks import (
    as_generator,
    check_choice,
    check_float_dtype,
    check_kernel_size,
    check_nonnegative_int,
    check_positive_int,
    check_sizes,
)
from cnnlib.conv import _conv2d_backward, _conv2d_forward, conv_output_size
from cnnlib.layers.base import Layer
from cnnlib.layers.initializers import initial_weights


def same_padding(kernel_size, stride):
    """The padding that keeps the image size, ``(KH - 1) // 2``, for ``padding="same"``.

    Only square odd kernels with stride 1 have one: a 3x3 kernel needs one row and column of
    zeros on every side, a 5x5 two, a 1x1 none. An even kernel would need one row more on one
    side than on the other (Keras and PyTorch put it at the bottom and right), which ``conv2d_forward``'s
    single ``padding`` cannot say; with stride 2 "same" would mean ``ceil(H / 2)``, not H.
    Both raise ValueError: give the padding as an int instead.
    """
    kh, kw = kernel_size
    if kh != kw or kh % 2 == 0:
        raise ValueError(f"padding='same' needs a square kernel of odd size (1, 3, 5, ...), got {kh}x{kw}; "
                         f"an even kernel would need more zeros on one side than on the other: give padding "
                         f"as an int instead")
    if stride != 1:
        raise ValueError(f"padding='same' keeps the image size only with stride 1, got stride={stride}; "
                         f"give padding as an int, e.g. padding={(kh - 1) // 2}")
    return (kh - 1) // 2


class Conv2D(Layer):
    """Convolutional layer (a correlation, like every framework's): ``(N, C, H, W) -> (N, K, H', W')``.

    in_channels: C; out_channels: K; kernel_size: int or (KH, KW); stride: int.
    padding: an int (zeros added on every side), or ``"same"``: ``(KH - 1) // 2`` on every
        side, so the output keeps the input's height and width (square odd kernels and
        stride 1 only: see ``same_padding``).
    bias:
      * ``"kernel"`` (default): one bias per kernel, ``b: (K,)``. This is what Keras and
        PyTorch do: a kernel looks for the same pattern everywhere, so it gets one
        threshold everywhere, and the layer works for any image size.
      * ``"position"``: one bias per output value, ``b: (K, H', W')``, as in seed 004's
        ``Convolutional`` layer (its ``biases`` have the output's full shape). It needs
        ``input_shape=(C, H, W)`` to know ``H', W'``, accepts only that image size, and
        adds ``K*H'*W'`` parameters instead of ``K`` (4,056 instead of 6 for 6 kernels of
        3x3 on 28x28): the layer then no longer shares *all* its weights across positions.
      * ``None``: no bias (the kernel nets of seeds 000-003 and 002 have none).
    rng: Generator for the initial kernels (biases start at zero).
    init: the initialiser's name, from ``cnnlib.layers.initializers.INITIALIZERS``:
        "glorot_uniform" (default), "glorot_normal", "he_normal", "he_uniform".
    input_grad: False for a network's first layer, whose input (the images) needs no
        gradient: ``backward`` then skips dx (about half of its work) and returns None.
        The ``cnnlib.nets`` builders set it on their first layer.
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0, bias="kernel",
                 input_shape=None, rng=None, dtype=np.float32, input_grad=True, init="glorot_uniform"):
        super().__init__()
        check_choice("input_grad", input_grad, (True, False))
        self.input_grad = bool(input_grad)
        self._columns = None  # the last training forward pass's columns, for backward (cnnlib.im2col)
        self.in_channels = check_positive_int("in_channels", in_channels)
        self.out_channels = check_positive_int("out_channels", out_channels)
        self.kernel_size = check_kernel_size(kernel_size)
        self.stride = check_positive_int("stride", stride)
        self.same = isinstance(padding, str)
        if self.same:
            if padding != "same":
                raise ValueError(f"padding must be a non-negative integer, got {padding!r} (or the string 'same')")
            self.padding = same_padding(self.kernel_size, self.stride)
        else:
            self.padding = check_nonnegative_int("padding", padding)
        check_choice("bias", bias, ("kernel", "position", None))
        dtype = check_float_dtype("dtype", dtype)
        self.bias = bias
        self.input_shape = None if input_shape is None else check_sizes("input_shape", input_shape)
        kh, kw = self.kernel_size
        k, c = self.out_channels, self.in_channels
        self.init = init
        self.params["w"] = initial_weights(init, as_generator(rng), (k, c, kh, kw), c * kh * kw, k * kh * kw, dtype)
        if bias == "kernel":
            self.params["b"] = np.zeros(k, dtype=dtype)
        elif bias == "position":
            if self.input_shape is None or len(self.input_shape) != 3:
                raise ValueError(f"bias='position' needs input_shape=(C, H, W), got input_shape={input_shape!r}")
            if self.input_shape[0] != c:
                raise ValueError(f"input_shape {self.input_shape} has {self.input_shape[0]} channels, "
                                 f"expected in_channels={c}")
            h_out = conv_output_size(self.input_shape[1], kh, self.stride, self.padding)
            w_out = conv_output_size(self.input_shape[2], kw, self.stride, self.padding)
            self.params["b"] = np.zeros((k, h_out, w_out), dtype=dtype)

    def forward(self, x, training=False):
        """x: (N, C, H, W) -> out: (N, K, H', W')."""
        if self.bias == "position" and tuple(np.shape(x)[1:]) != self.input_shape:
            raise ValueError(f"this Conv2D has one bias per output position and was built for images of "
                             f"shape (N, {', '.join(map(str, self.input_shape))}), got x of shape {np.shape(x)}")
        # in training, the forward pass keeps its columns (cnnlib.im2col) for the backward pass
        out, self._cache, self._columns = _conv2d_forward(x, self.params["w"], self.params.get("b"), self.stride,
                                                          self.padding, keep=training is True)
        return out

    def backward(self, dout):
        """dout: (N, K, H', W') -> dx: (N, C, H, W) (None if input_grad=False); fills grads["w"]
        (K, C, KH, KW) and grads["b"]."""
        dx, dw, db = _conv2d_backward(dout, self._need_cache(), self.input_grad, self._columns)
        self.grads["w"] = dw
        if self.bias is not None:
            self.grads["b"] = db  # (K,) or (K, H', W'), like params["b"]
        return dx

    def clear_cache(self):
        super().clear_cache()
        self._columns = None

    def __repr__(self):
        kh, kw = self.kernel_size
        padding = ", padding='same'" if self.same else (f", padding={self.padding}" if self.padding else "")
        extra = (f", stride={self.stride}" if self.stride != 1 else "") + padding
        return f"Conv2D({self.in_channels}->{self.out_channels}, {kh}x{kw}{extra}, bias={self.bias!r})"
