"""Correlation and convolution of one 2-D image with one 2-D kernel (notebooks 01 and 04).

    image:  (H, W)
    kernel: (KH, KW)
    out:    "valid" (H-KH+1, W-KW+1), "full" (H+KH-1, W+KW-1), "same" (H, W)

``correlate2d`` slides the kernel as it is, which is what every deep-learning
"convolution" layer computes (``cnnlib.conv``); ``convolve2d`` is the textbook
convolution (the kernel rotated by 180 degrees). Both give the same numbers as
``scipy.signal.correlate2d``/``convolve2d``; bool and integer inputs are computed in float64.
"""

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlib._checks import as_float_array, check_choice, check_finite, check_ndim, check_nonempty


def _check_image_kernel(image, kernel, mode):
    """Validate a 2-D image and kernel; return them as float arrays (bool/integer -> float64)."""
    image = as_float_array("image", image)
    kernel = as_float_array("kernel", kernel)
    check_ndim("image", image, 2, "(H, W)")
    check_ndim("kernel", kernel, 2, "(KH, KW)")
    check_choice("mode", mode, ("valid", "full", "same"))
    check_nonempty("image", image, "(image is (H, W))")
    check_nonempty("kernel", kernel, "(kernel is (KH, KW))")
    check_finite("image", image)
    check_finite("kernel", kernel)
    if mode == "valid" and (kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]):
        raise ValueError(
            f"mode 'valid' needs a kernel no larger than the image, "
            f"got kernel {kernel.shape} and image {image.shape}"
        )
    return image, kernel


def _correlate_valid(image, kernel):
    """Valid correlation of 2-D arrays: (H, W) and (KH, KW) -> (H-KH+1, W-KW+1)."""
    windows = sliding_window_view(image, kernel.shape)  # (H', W', KH, KW), a view
    return np.tensordot(windows, kernel, axes=([2, 3], [0, 1]))  # (H', W')


def _correlate(image, kernel, mode, same_offset):
    kh, kw = kernel.shape
    if mode == "valid":
        return _correlate_valid(image, kernel)
    full = _correlate_valid(np.pad(image, ((kh - 1, kh - 1), (kw - 1, kw - 1))), kernel)
    if mode == "full":
        return full  # (H+KH-1, W+KW-1)
    top, left = same_offset(kh), same_offset(kw)
    h, w = image.shape
    return full[top:top + h, left:left + w].copy()  # (H, W), centred like scipy


def correlate2d(image, kernel, mode="valid"):
    """Slide ``kernel`` over ``image`` and sum the products (no rotation).

    image: (H, W); kernel: (KH, KW). Output shape by mode:
    "valid" (H-KH+1, W-KW+1), "full" (H+KH-1, W+KW-1), "same" (H, W).
    Same numbers as ``scipy.signal.correlate2d(image, kernel, mode)``,
    including where "same" centres an even-sized kernel (the window's centre is
    its element ``KH // 2``).
    """
    image, kernel = _check_image_kernel(image, kernel, mode)
    return _correlate(image, kernel, mode, same_offset=lambda k: k // 2)


def convolve2d(image, kernel, mode="valid"):
    """Convolution: correlation with the kernel rotated by 180 degrees.

    image: (H, W); kernel: (KH, KW); output shapes as in ``correlate2d``.
    Same numbers as ``scipy.signal.convolve2d(image, kernel, mode)``
    (for "same" the rotated kernel's centre is its element ``(KH - 1) // 2``).
    """
    image, kernel = _check_image_kernel(image, kernel, mode)
    return _correlate(image, kernel[::-1, ::-1], mode, same_offset=lambda k: (k - 1) // 2)
