"""The basic panels: kernels as a grid, K maps as tiles, one image; each returns a matplotlib ``Figure``.

    plot_kernels(w)                         w: (K, C, KH, KW) or (K, KH, KW) or a Conv2D -> Figure
    plot_maps(maps)                         maps: (K, H, W) -> Figure, one tile per map
    plot_image(image)                       image: (H, W) or (C, H, W) -> Figure
"""

import math

from cnnlib._checks import as_float_array, check_finite, check_ndim, check_nonempty
from cnnlib.plotting.mosaic import Mosaic, grid_shape
from cnnlib.plotting.style import (
    DIVERGING,
    GRAY,
    TITLE_SIZE,
    add_colorbar,
    bare_axes,
    color_limits,
    new_figure,
    symmetric_limits,
)


def as_kernels(w):
    """Kernels as a float array (K, C, KH, KW); (K, KH, KW) is read as C = 1."""
    w = as_float_array("kernels w", getattr(w, "params", {}).get("w", w))
    if w.ndim == 3:
        w = w[:, None]  # (K, KH, KW) -> (K, 1, KH, KW)
    check_ndim("kernels w", w, 4, "(K, C, KH, KW) or (K, KH, KW)")
    check_nonempty("kernels w", w, "(w is (K, C, KH, KW))")
    check_finite("kernels w", w)
    return w


def kernel_tiles(w):
    """Kernels (K, C, KH, KW) as tiles: (K*C, KH, KW), labels and tiles per row.

    One channel: a near-square grid labelled ``0..K-1``. Several channels: one row per
    kernel, one column per input channel, labelled ``k,c``.
    """
    k, c, kh, kw = w.shape
    tiles = w.reshape(k * c, kh, kw)  # (K*C, KH, KW)
    if c == 1:
        return tiles, [str(i) for i in range(k)], grid_shape(k)[1]
    return tiles, [f"{i},{j}" for i in range(k) for j in range(c)], c


def plot_kernels(w, title=None, fig=None):
    """The kernels as a grid with one shared colour scale centred on 0.

    w: (K, C, KH, KW) or (K, KH, KW) array, or a layer with ``params["w"]`` (e.g. ``Conv2D``).
    Returns the Figure (one axes of tiles and a colour bar).
    """
    w = as_kernels(w)
    tiles, labels, cols = kernel_tiles(w)
    rows = math.ceil(len(tiles) / cols)
    fig = new_figure((min(2.5 + 1.3 * cols, 14), 1.2 + 1.4 * rows), fig)
    ax = fig.add_subplot()
    vmin, vmax = symmetric_limits(w)
    mosaic = Mosaic(ax, tiles, labels, cols, cmap=DIVERGING, vmin=vmin, vmax=vmax)
    add_colorbar(fig, mosaic.im, ax, "weight")
    k, c, kh, kw = w.shape
    ax.set_title(title or f"{k} kernels of {c}×{kh}×{kw}" + (" (kernel, channel)" if c > 1 else ""),
                 fontsize=TITLE_SIZE)
    return fig


def plot_maps(maps, title=None, labels=None, fig=None):
    """K maps as tiles with one shared colour scale (diverging and centred on 0 if any is negative).

    maps: (K, H, W). Returns the Figure.
    """
    maps = as_float_array("maps", maps)
    check_ndim("maps", maps, 3, "(K, H, W)")
    check_nonempty("maps", maps, "(maps is (K, H, W))")
    check_finite("maps", maps)
    rows, cols = grid_shape(len(maps))
    fig = new_figure((min(3 + 2.2 * cols, 15), 1.5 + 2.2 * rows), fig)
    ax = fig.add_subplot()
    cmap, vmin, vmax = color_limits(maps)
    labels = labels if labels is not None else [str(i) for i in range(len(maps))]
    mosaic = Mosaic(ax, maps, labels, cols, cmap=cmap, vmin=vmin, vmax=vmax)
    add_colorbar(fig, mosaic.im, ax)
    ax.set_title(title or f"{maps.shape[0]} maps of {maps.shape[1]}×{maps.shape[2]}", fontsize=TITLE_SIZE)
    return fig


def plot_image(image, title=None, fig=None):
    """One image in grey, with a colour bar: image (H, W), or (C, H, W) showing channel 0."""
    image = as_float_array("image", image)
    if image.ndim == 3:
        check_nonempty("image", image, "(image is (C, H, W))")
        image = image[0]
    check_ndim("image", image, 2, "(H, W) or (C, H, W)")
    check_nonempty("image", image, "(image is (H, W))")
    check_finite("image", image)
    fig = new_figure((5, 4.5), fig)
    ax = fig.add_subplot()
    im = ax.imshow(image, cmap=GRAY, interpolation="nearest")
    add_colorbar(fig, im, ax, "value")
    bare_axes(ax, title or f"image {image.shape[0]}×{image.shape[1]}")
    return fig
