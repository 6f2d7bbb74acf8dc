"""Every layer: the ``Layer`` interface, the shape-only layers and the layers with weights.

Every layer has the same small interface::

    out = layer.forward(x, training=False)   # keeps what backward needs
    dx = layer.backward(dout)                # dout: gradient of the loss w.r.t. out
    layer.params["w"], layer.grads["w"]      # arrays by name ({} for layers without weights)

``backward`` returns the gradient with respect to the layer's input and fills
``grads`` with one array per entry of ``params`` (same names, same shapes).
The maths lives in ``cnnlib.conv``, ``cnnlib.pool``, ``cnnlib.dense``,
``cnnlib.activations`` and ``cnnlib.dropout``; a layer only stores the cache
between the two passes, so a notebook can derive a function first and then
use the class without learning anything twice.

Shapes follow the course convention: images ``(N, C, H, W)``, kernels
``(K, C, KH, KW)``, conv output ``(N, K, H', W')`` with
``H' = (H + 2*padding - KH) // stride + 1``, dense inputs ``(N, D)``.

Initialisation: layers with weights draw them from ``rng`` (a
``numpy.random.Generator``; an int is used as a seed, None means seed 0, so
building a layer is always reproducible). The default is Glorot-uniform
weights and zero biases, as Keras does; ``cnnlib.nets`` overwrites
``params`` with each seed notebook's own initialisation. Parameters are
float32 unless ``dtype`` says otherwise (use float64 for gradient checks).
"""

import numpy as np

from cnnlib._checks import (
    as_array,
    as_generator,
    check_choice,
    check_float_dtype,
    check_kernel_size,
    check_nonnegative_int,
    check_positive_int,
    check_sizes,
)
from cnnlib.activations import (
    relu_backward,
    relu_forward,
    sigmoid_backward,
    sigmoid_forward,
    tanh_backward,
    tanh_forward,
)
from cnnlib.conv import conv2d_backward, conv2d_forward, conv_output_size
from cnnlib.dense import dense_backward, dense_forward
from cnnlib.dropout import check_drop_probability, dropout_backward, dropout_forward
from cnnlib.pool import avgpool2d_backward, avgpool2d_forward, maxpool2d_backward, maxpool2d_forward


def layer_outputs(layers, x):
    """Yield the output of each layer in turn for the input ``x``, in test mode (no dropout)."""
    for layer in layers:
        x = layer.forward(x, training=False)
        yield x


def forward_through(layers, x):
    """``x`` through ``layers`` in test mode: the last layer's output (``x`` itself for no layers)."""
    out = x
    for out in layer_outputs(layers, x):  # noqa: B007 (only the last output is kept)
        pass
    return out


class Layer:
    """Base class: ``forward(x, training=False)``, ``backward(dout) -> dx``, ``params``, ``grads``.

    ``params`` and ``grads`` are dicts of arrays by name ("w", "b"); a layer
    without weights keeps them empty. ``forward`` stores what ``backward``
    needs; ``backward`` uses the most recent ``forward``. Calling the layer,
    ``layer(x)``, is ``layer.forward(x)`` in test mode.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self._cache = None

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def __call__(self, x):
        return self.forward(x, training=False)

    def num_params(self):
        """Number of trainable numbers in this layer."""
        return int(sum(p.size for p in self.params.values()))

    def _need_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward was called before forward")
        return self._cache

    def __repr__(self):
        return f"{type(self).__name__}()"


class Flatten(Layer):
    """``(N, d1, d2, ...) -> (N, d1*d2*...)``, keeping the sample axis (C, H, W order for images)."""

    def forward(self, x, training=False):
        x = as_array("x", x)
        if x.ndim < 2:
            raise ValueError(f"Flatten expects a batch (N, ...) with at least 2 axes, got shape {x.shape}")
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)  # (N, C*H*W)

    def backward(self, dout):
        return np.reshape(dout, self._need_cache())  # (N, C, H, W)


class Reshape(Layer):
    """``(N, ...) -> (N, *shape)``: each sample gets ``shape`` (same number of values).

    Seed 004 reshapes its conv maps to a column before its dense layer;
    ``Reshape((6 * 26 * 26,))`` does that for a whole batch.
    """

    def __init__(self, shape):
        super().__init__()
        if isinstance(shape, (int, np.integer)):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)) or not shape:
            raise ValueError(f"Reshape shape must be an int or a tuple of positive ints, got {shape!r}")
        self.shape = tuple(check_positive_int(f"every size in the Reshape shape {tuple(shape)}", s) for s in shape)

    def forward(self, x, training=False):
        x = as_array("x", x)
        if x.ndim < 1:
            raise ValueError("Reshape expects a batch (N, ...), got a scalar")
        per_sample = int(np.prod(x.shape[1:]))
        if per_sample != int(np.prod(self.shape)):
            raise ValueError(f"Reshape to {self.shape} needs {int(np.prod(self.shape))} values per sample, "
                             f"got x of shape {x.shape} ({per_sample} per sample)")
        self._cache = x.shape
        return x.reshape((x.shape[0],) + self.shape)  # (N, *shape)

    def backward(self, dout):
        return np.reshape(dout, self._need_cache())  # the input's shape

    def __repr__(self):
        return f"Reshape({self.shape})"


__all__ = ["Layer", "Conv2D", "MaxPool2D", "AvgPool2D", "Dense", "Dropout", "Flatten", "Reshape",
           "Tanh", "Sigmoid", "ReLU", "glorot_uniform"]


def glorot_uniform(rng, shape, fan_in, fan_out, dtype=np.float32):
    """Weights drawn from U(-limit, limit) with ``limit = sqrt(6 / (fan_in + fan_out))`` (Keras' default)."""
    dtype = check_float_dtype("dtype", dtype)
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


class Conv2D(Layer):
    """Convolutional layer (a correlation, like every framework's): ``(N, C, H, W) -> (N, K, H', W')``.

    in_channels: C; out_channels: K; kernel_size: int or (KH, KW); stride, padding: ints.
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
    rng: Generator for the Glorot-uniform kernels (biases start at zero).
    input_grad: False for a network's first layer, whose input (the images) needs no
        gradient: ``backward`` then skips dx (about half of its work) and returns None.
        The ``cnnlib.nets`` builders set it on their first layer.
    """

    def __init__(self, in_channels, out_channels, kernel_size, *, stride=1, padding=0, bias="kernel",
                 input_shape=None, rng=None, dtype=np.float32, input_grad=True):
        super().__init__()
        self.input_grad = bool(input_grad)
        self.in_channels = check_positive_int("in_channels", in_channels)
        self.out_channels = check_positive_int("out_channels", out_channels)
        self.kernel_size = check_kernel_size(kernel_size)
        self.stride = check_positive_int("stride", stride)
        self.padding = check_nonnegative_int("padding", padding)
        check_choice("bias", bias, ("kernel", "position", None))
        dtype = check_float_dtype("dtype", dtype)
        self.bias = bias
        self.input_shape = None if input_shape is None else check_sizes("input_shape", input_shape)
        kh, kw = self.kernel_size
        k, c = self.out_channels, self.in_channels
        self.params["w"] = glorot_uniform(as_generator(rng), (k, c, kh, kw), c * kh * kw, k * kh * kw, dtype)
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
        out, self._cache = conv2d_forward(x, self.params["w"], self.params.get("b"), self.stride, self.padding)
        return out

    def backward(self, dout):
        """dout: (N, K, H', W') -> dx: (N, C, H, W) (None if input_grad=False); fills grads["w"]
        (K, C, KH, KW) and grads["b"]."""
        dx, dw, db = conv2d_backward(dout, self._need_cache(), need_dx=self.input_grad)
        self.grads["w"] = dw
        if self.bias is not None:
            self.grads["b"] = db  # (K,) or (K, H', W'), like params["b"]
        return dx

    def __repr__(self):
        kh, kw = self.kernel_size
        extra = (f", stride={self.stride}" if self.stride != 1 else "") + \
            (f", padding={self.padding}" if self.padding else "")
        return f"Conv2D({self.in_channels}->{self.out_channels}, {kh}x{kw}{extra}, bias={self.bias!r})"


class _Pool2D(Layer):
    """Spatial pooling over ``size x size`` windows: ``(N, C, H, W) -> (N, C, H', W')``.

    stride defaults to size; trailing rows/columns that do not fill a window are
    dropped. Subclasses name their forward/backward functions from ``cnnlib.pool``.
    """

    pool_forward = pool_backward = None  # set by each subclass (as staticmethods)

    def __init__(self, size=2, stride=None):
        super().__init__()
        self.size = check_positive_int("size", size)
        self.stride = self.size if stride is None else check_positive_int("stride", stride)

    def forward(self, x, training=False):
        out, self._cache = self.pool_forward(x, self.size, self.stride)
        return out

    def backward(self, dout):
        return self.pool_backward(dout, self._need_cache())

    def __repr__(self):
        return f"{type(self).__name__}(size={self.size}, stride={self.stride})"


class MaxPool2D(_Pool2D):
    """Max pooling over ``size x size`` windows: ``(N, C, H, W) -> (N, C, H', W')``.

    stride defaults to size; trailing rows/columns that do not fill a window are
    dropped. backward routes each gradient to the (first) maximum of its window.
    """

    pool_forward = staticmethod(maxpool2d_forward)
    pool_backward = staticmethod(maxpool2d_backward)


class AvgPool2D(_Pool2D):
    """Average pooling over ``size x size`` windows: ``(N, C, H, W) -> (N, C, H', W')``."""

    pool_forward = staticmethod(avgpool2d_forward)
    pool_backward = staticmethod(avgpool2d_backward)


class Dense(Layer):
    """Fully connected layer: ``x: (N, D) -> out = x @ w + b: (N, M)``.

    w: (D, M), b: (M,) (``bias=False``: no bias). rng: Generator for Glorot-uniform weights.
    """

    def __init__(self, in_features, out_features, *, bias=True, rng=None, dtype=np.float32):
        super().__init__()
        self.in_features = check_positive_int("in_features", in_features)
        self.out_features = check_positive_int("out_features", out_features)
        check_choice("bias", bias, (True, False))
        dtype = check_float_dtype("dtype", dtype)
        d, m = self.in_features, self.out_features
        self.params["w"] = glorot_uniform(as_generator(rng), (d, m), d, m, dtype)
        self.has_bias = bool(bias)
        if self.has_bias:
            self.params["b"] = np.zeros(m, dtype=dtype)

    def forward(self, x, training=False):
        """x: (N, D) -> out: (N, M)."""
        b = self.params["b"] if self.has_bias else None
        out, self._cache = dense_forward(x, self.params["w"], b)
        return out

    def backward(self, dout):
        """dout: (N, M) -> dx: (N, D); fills grads["w"] (D, M) and grads["b"] (M,)."""
        dx, dw, db = dense_backward(dout, self._need_cache())
        self.grads["w"] = dw
        if self.has_bias:
            self.grads["b"] = db
        return dx

    def __repr__(self):
        return f"Dense({self.in_features}->{self.out_features}, bias={self.has_bias})"


class Dropout(Layer):
    """Inverted dropout: in training each value is zeroed with probability ``p`` and the
    kept ones are scaled by ``1/(1-p)`` (p=0.5: the seed's mask x 2); at test time it is
    the identity. rng: Generator for the masks (int = seed; None = seed 0).
    """

    def __init__(self, p=0.5, rng=None):
        super().__init__()
        self.p = float(check_drop_probability(p))
        self.rng = as_generator(rng)

    def forward(self, x, training=False):
        out, mask = dropout_forward(x, self.p, self.rng, training=training)
        self._cache = (mask,)  # mask is None after a test-mode forward
        return out

    def backward(self, dout):
        """dout -> dout * mask; after a test-mode forward (no mask) the identity."""
        (mask,) = self._need_cache()
        return dropout_backward(dout, mask)

    def __repr__(self):
        return f"Dropout(p={self.p})"


class _Activation(Layer):
    """Elementwise activation: any shape in, same shape out."""

    _forward = _backward = None

    def forward(self, x, training=False):
        out, self._cache = type(self)._forward(x)
        return out

    def backward(self, dout):
        return type(self)._backward(dout, self._need_cache())

    def __repr__(self):
        return f"{type(self).__name__}()"


class Tanh(_Activation):
    """``tanh(x)``, elementwise; backward multiplies by ``1 - tanh(x)**2``."""

    _forward, _backward = staticmethod(tanh_forward), staticmethod(tanh_backward)


class Sigmoid(_Activation):
    """``1 / (1 + exp(-x))``, elementwise; backward multiplies by ``s * (1 - s)``."""

    _forward, _backward = staticmethod(sigmoid_forward), staticmethod(sigmoid_backward)


class ReLU(_Activation):
    """``max(x, 0)``, elementwise; backward passes the gradient where ``x > 0``."""

    _forward, _backward = staticmethod(relu_forward), staticmethod(relu_backward)
