"""cnnlib: the numpy library behind the hands-on CNN course.

Import what you use from its modules, by name::

    from cnnlib.conv import conv2d_forward, conv2d_backward
    from cnnlib.data import load_mnist

Arrays follow one convention everywhere: images are NCHW ``(N, C, H, W)``,
kernels are ``(K, C, KH, KW)`` and a conv output is ``(N, K, H', W')`` with
``H' = (H + 2*padding - KH) // stride + 1``.
"""

__version__ = "0.1.0"
