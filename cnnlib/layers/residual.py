"""A residual block: two 3x3 convolutions with batch normalisation, and an identity shortcut.

    x ─┬─► Conv2D 3x3 'same' ─► BatchNorm2D ─► ReLU ─► Conv2D 3x3 'same' ─► BatchNorm2D ─► (+) ─► ReLU ─► out
       │                                                                                    ▲
       └──────────────────────────── identity: x itself ────────────────────────────────────┘

    (N, C, H, W) -> (N, C, H, W)

The block learns a *correction* ``F(x)`` added to its input, ``out = relu(x + F(x))``: with ``F = 0`` it
passes ``x`` on unchanged, so a stack of blocks starts close to the identity. Backward, the gradient
reaches ``x`` twice: through ``F`` and, unchanged, through the shortcut — a path on which nothing can make it
vanish (He et al., 2016, "Deep residual learning"). The convolutions have no bias: the batch
normalisation after each subtracts the mean anyway, and its ``beta`` is the bias.
"""

import numpy as np

from cnnlib._checks import as_float_array, as_generator, check_positive_int
from cnnlib.layers.activations import ReLU
from cnnlib.layers.base import Layer
from cnnlib.layers.convolution import Conv2D
from cnnlib.layers.normalization import BatchNorm2D


class ResidualBlock(Layer):
    """``out = relu(x + bn2(conv2(relu(bn1(conv1(x))))))``: ``(N, C, H, W) -> (N, C, H, W)``.

    channels: C (in and out: the shortcut adds x itself, so they must agree).
    kernel_size: odd (3 by default); 'same' padding keeps H and W.
    rng, dtype, init: for both convolutions (He-normal by default: they feed ReLUs).
    momentum, eps: for both batch normalisations (see ``cnnlib.layers.normalization``).

    ``params``, ``grads`` and ``buffers`` are named after the part they belong to, e.g.
    ``"conv1.w"``, ``"bn2.gamma"``, ``"bn1.running_mean"``; ``params`` and ``buffers`` hold the parts'
    own arrays (the same objects), so optimisers and ``load_weights``, which change them in place,
    change the parts. ``parts`` lists the parts by name, in the order the forward pass runs them.
    """

    def __init__(self, channels, *, kernel_size=3, rng=None, dtype=np.float32, init="he_normal", momentum=0.9,
                 eps=1e-5):
        super().__init__()
        self.channels = check_positive_int("channels", channels)
        rng = as_generator(rng)
        conv = {"kernel_size": kernel_size, "padding": "same", "bias": None, "dtype": dtype, "init": init}
        norm = {"momentum": momentum, "eps": eps, "dtype": dtype}
        self.parts = {"conv1": Conv2D(channels, channels, rng=rng, **conv), "bn1": BatchNorm2D(channels, **norm),
                      "relu1": ReLU(),
                      "conv2": Conv2D(channels, channels, rng=rng, **conv), "bn2": BatchNorm2D(channels, **norm)}
        self.relu_out = ReLU()
        self.params = {f"{name}.{key}": p for name, part in self.parts.items() for key, p in part.params.items()}
        self.buffers = {f"{name}.{key}": b for name, part in self.parts.items() for key, b in part.buffers.items()}

    def forward(self, x, training=False):
        """x: (N, C, H, W) -> out: (N, C, H, W)."""
        x = as_float_array("x", x)
        if x.ndim != 4 or x.shape[1] != self.channels:
            raise ValueError(f"ResidualBlock({self.channels}) expects maps (N, {self.channels}, H, W), "
                             f"got x of shape {x.shape}")
        h = x
        for part in self.parts.values():
            h = part.forward(h, training=training)  # the branch F(x)
        self._cache = True
        return self.relu_out.forward(x + h, training=training)

    def backward(self, dout):
        """dout: (N, C, H, W) -> dx: (N, C, H, W): the branch's gradient plus the shortcut's (dout
        through the last ReLU, unchanged); fills ``grads`` for both convolutions and normalisations."""
        self._need_cache()
        d_sum = self.relu_out.backward(dout)  # gradient of the loss w.r.t. x + F(x)
        d_branch = d_sum
        for part in reversed(self.parts.values()):
            d_branch = part.backward(d_branch)
        self.grads = {f"{name}.{key}": g for name, part in self.parts.items() for key, g in part.grads.items()}
        return d_branch + d_sum  # through F, and through the identity

    def clear_cache(self):
        """Forget what the last ``forward`` kept, in this block and in each of its parts."""
        super().clear_cache()
        self.relu_out.clear_cache()
        for part in self.parts.values():
            part.clear_cache()

    def __repr__(self):
        kh, kw = self.parts["conv1"].kernel_size
        return f"ResidualBlock({self.channels}, {kh}x{kw})"
