"""Spatial pooling layers, ``MaxPool2D``, ``AvgPool2D`` and ``GlobalAvgPool2D``: wrappers over ``cnnlib.pool``.

``MaxPool2D`` and ``AvgPool2D`` take ``(N, C, H, W) -> (N, C, H', W')`` over ``size x size`` windows,
with ``H' = (H - size) // stride + 1``; stride defaults to size, and trailing rows/columns that do
not fill a window are dropped. ``GlobalAvgPool2D`` averages each whole map: ``(N, C, H, W) -> (N, C)``.
None has weights.
"""

from cnnlib._checks import check_positive_int
from cnnlib.layers.base import Layer
from cnnlib.pool import (
    avgpool2d_backward,
    avgpool2d_forward,
    global_avgpool_backward,
    global_avgpool_forward,
    maxpool2d_backward,
    maxpool2d_forward,
)


class _Pool2D(Layer):
    """Spatial pooling over ``size x size`` windows: ``(N, C, H, W) -> (N, C, H', W')``.

    Subclasses name their forward/backward functions from ``cnnlib.pool``.
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


class GlobalAvgPool2D(Layer):
    """Global average pooling: the mean of each map, ``(N, C, H, W) -> (N, C)``; no weights.

    It replaces ``Flatten`` before a network's last dense layer: the dense layer then reads one
    number per map, wherever in the map its pattern was found.
    """

    def forward(self, x, training=False):
        out, self._cache = global_avgpool_forward(x)
        return out

    def backward(self, dout):
        return global_avgpool_backward(dout, self._need_cache())
