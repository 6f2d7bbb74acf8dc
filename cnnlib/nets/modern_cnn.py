"""Notebook 14's modern small CNN: 'same'-padded conv + batch-norm + ReLU blocks, a residual block, global average
pooling.

    net = build_modern_cnn(rng=0)            # float64 by default: training runs that agree across CPUs
    print(net.summary())                     # 6,114 trainable parameters (and 112 running statistics)

    Conv2D(1->8, 3x3, 'same') -> BatchNorm2D -> ReLU -> MaxPool2D(2)      (1, 28, 28) -> (8, 28, 28) -> (8, 14, 14)
    Conv2D(8->16, 3x3, 'same') -> BatchNorm2D -> ReLU -> MaxPool2D(2)     -> (16, 14, 14) -> (16, 7, 7)
    ResidualBlock(16): two 3x3 'same' convs with BN, identity shortcut    -> (16, 7, 7)
    GlobalAvgPool2D -> Dense(16 -> 10)                                    -> (16,) -> (10,) logits

The same two stages of convolution and pooling as notebook 08's LeNet, with today's parts: 'same' padding
(the maps keep their size, so the border pixels are read as often as the others), batch normalisation
after every convolution (which then needs no bias), He-normal initial weights (they feed ReLUs), a
residual block at 7x7, and global average pooling instead of a dense layer over every position. It has
about as many weights as LeNet (5,258) but no weight tied to one position of the image.
"""

import numpy as np

from cnnlib._checks import as_generator, check_float_dtype, check_positive_int
from cnnlib.layers import BatchNorm2D, Conv2D, Dense, GlobalAvgPool2D, MaxPool2D, ReLU, ResidualBlock
from cnnlib.sequential import Sequential

MODERN_CHANNELS = (8, 16)


def build_modern_cnn(rng=0, *, channels=MODERN_CHANNELS, dtype=np.float64):
    """The modern small CNN above, for ``(N, 1, 28, 28)`` inputs -> ``(N, 10)`` logits.

    rng: Generator or int seed for the He-normal kernels and the dense layer's Glorot-uniform weights.
    channels: (C1, C2), the kernels of the two stages (the residual block keeps C2).
    The first Conv2D skips the image gradient (``input_grad=False``), as the course's builders do.
    """
    rng = as_generator(rng)
    if not isinstance(channels, (tuple, list)) or len(channels) != 2:
        raise ValueError(f"channels must be a pair (C1, C2), got {channels!r}")
    c1, c2 = (check_positive_int("channels", c) for c in channels)
    dtype = check_float_dtype("dtype", dtype)
    conv = {"padding": "same", "bias": None, "rng": rng, "dtype": dtype, "init": "he_normal"}
    return Sequential([Conv2D(1, c1, 3, input_grad=False, **conv), BatchNorm2D(c1, dtype=dtype), ReLU(), MaxPool2D(2),
                       Conv2D(c1, c2, 3, **conv), BatchNorm2D(c2, dtype=dtype), ReLU(), MaxPool2D(2),
                       ResidualBlock(c2, rng=rng, dtype=dtype), GlobalAvgPool2D(), Dense(c2, 10, rng=rng, dtype=dtype)],
                      input_shape=(1, 28, 28))
