"""Small pictures of kernels, maps and images, plus the style and helpers every picture shares.

Each picture is a plain function that returns a matplotlib ``Figure``; the widgets in
``cnnlib.widgets`` only wire sliders to these functions. Pictures are sized and lettered
for a projector: large fonts, a title on every panel, a colour bar wherever the values matter.
Signed values (kernels, feature maps) use a diverging colour map centred on 0, so white
always means 0, red positive and blue negative.

Functions (shapes follow the library's convention, see ``cnnlib.conv``)::

    plot_kernels(w)                         w: (K, C, KH, KW) or (K, KH, KW) -> Figure
    plot_maps(maps)                         maps: (K, H, W) -> Figure, one tile per map
    plot_image(image)                       image: (H, W) or (C, H, W) -> Figure

``Mosaic`` draws K maps as tiles of one image (one ``imshow``), which is much faster to
redraw than K separate axes; ``tile_maps`` builds that image. How widgets render figures
(off screen, Agg, blitting) is in ``cnnlib.plotting_render``.

The widgets' pictures: the convolution stepper in ``cnnlib.plotting_stepper``, one kernel's
map in ``cnnlib.plotting_kernels``, a layer's channels in ``cnnlib.plotting_feature_maps``, pooling in
``cnnlib.plotting_pooling``, training curves in ``cnnlib.plotting_training``.
"""

import math

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_ndim, check_nonempty

# Font sizes in points, chosen to stay readable on a projector.
SUPTITLE_SIZE = 18
TITLE_SIZE = 16
LABEL_SIZE = 14
TICK_SIZE = 12
VALUE_SIZE = 14  # numbers written into the cells of small arrays

DIVERGING = "RdBu_r"  # signed values: blue < 0 < red, white = 0
SEQUENTIAL = "viridis"  # values >= 0
GRAY = "gray"  # images

# Arrays up to this many cells per side get their values written into the cells.
MAX_ANNOTATED_SIDE = 7


def new_figure(figsize, fig=None):
    """Return ``fig`` cleared, or a new pyplot figure of ``figsize`` inches (shown by ``plt.show()``)."""
    if fig is None:
        return plt.figure(figsize=figsize)
    fig.clear()
    return fig


TRANSPARENT = (1.0, 1.0, 1.0, 0.0)


def colormap(name, bad=TRANSPARENT):
    """The colour map ``name`` with NaN cells drawn in ``bad`` (default: transparent)."""
    return matplotlib.colormaps[name].with_extremes(bad=bad)


def set_scale(im, cmap, vmin, vmax):
    """Give the image ``im`` the colour map named ``cmap`` (NaN transparent) and limits
    (vmin, vmax); the colour map is only replaced when its name changes."""
    if im.get_cmap().name != cmap:
        im.set_cmap(colormap(cmap))
    if im.get_clim() != (vmin, vmax):
        im.set_clim(vmin, vmax)


def symmetric_limits(*arrays):
    """``(-m, m)`` with ``m`` the largest absolute finite value (1 if everything is 0)."""
    m = max((float(np.nanmax(np.abs(a))) for a in arrays if np.size(a)), default=0.0)
    m = m if np.isfinite(m) and m > 0 else 1.0
    return -m, m


def color_limits(*arrays):
    """Colour map and limits for values: diverging and centred on 0 if any is negative."""
    lo = min(float(np.nanmin(a)) for a in arrays)
    if lo < 0:
        return (DIVERGING,) + symmetric_limits(*arrays)
    hi = max(float(np.nanmax(a)) for a in arrays)
    return SEQUENTIAL, 0.0, (hi if hi > 0 else 1.0)


def format_value(v, integers=False):
    """Short text for one cell: ``3`` for integer data, two significant digits otherwise."""
    v = float(v)
    if abs(v) < 0.005:
        return "0"  # also for -0.0 and for rounding noise such as -1e-17
    if integers or abs(v) >= 10:
        return f"{v:.0f}"
    return f"{v:.2g}"


def bare_axes(ax, title=None):
    """Hide ticks (pictures of arrays) and set a large title."""
    ax.set_xticks([])
    ax.set_yticks([])
    if title is not None:
        ax.set_title(title, fontsize=TITLE_SIZE)


def add_colorbar(fig, im, ax, label=None, pad=0.03):
    """A colour bar right beside ``ax`` (``pad``: the gap, as a fraction of its width; it follows the
    axes' box) with readable tick labels."""
    cbar = fig.colorbar(im, cax=ax.inset_axes([1 + pad, 0.0, 0.045, 1.0]))
    cbar.ax.tick_params(labelsize=TICK_SIZE)
    if label:
        cbar.set_label(label, fontsize=LABEL_SIZE)
    return cbar


class CellValues:
    """The numbers written into the cells of a small (h, w) array shown with ``imshow``."""

    def __init__(self, ax, shape, im):
        self.im = im
        size = VALUE_SIZE - 2 * max(0, (max(shape) - 3) // 2)  # 3x3: 14 pt, 5x5: 12 pt, 7x7: 10 pt
        self.texts = [[ax.text(j, i, "", ha="center", va="center", fontsize=size)
                       for j in range(shape[1])] for i in range(shape[0])]

    def update(self, values, integers=False):
        """values: (h, w); text colour follows the cell's brightness."""
        rgba = self.im.cmap(self.im.norm(values))  # (h, w, 4)
        luminance = rgba[..., :3] @ np.array([0.299, 0.587, 0.114])  # (h, w)
        for i, row in enumerate(self.texts):
            for j, text in enumerate(row):
                text.set_text(format_value(values[i, j], integers))
                text.set_color("black" if luminance[i, j] > 0.5 else "white")


def grid_shape(count, max_cols=8):
    """(rows, cols) of a near-square grid with at most ``max_cols`` columns."""
    cols = min(max_cols, math.ceil(math.sqrt(count)))
    return math.ceil(count / cols), cols


def tile_maps(maps, cols, gap=1, label_band=0):
    """Lay K maps out as tiles of one image, NaN between them.

    maps: (K, H, W); ``cols`` tiles per row; ``gap`` empty pixels between tiles and
    ``label_band`` empty rows above each row of tiles (room for a label).
    Returns (mosaic (rows*(H+gap+label_band)-gap, cols*(W+gap)-gap), origins (K, 2)) where
    ``origins[k]`` is the (row, col) pixel of tile k's top-left corner.
    """
    k, h, w = maps.shape
    rows = math.ceil(k / cols)
    step_y, step_x = h + gap + label_band, w + gap
    mosaic = np.full((rows * step_y - gap, cols * step_x - gap), np.nan)
    origins = np.zeros((k, 2), dtype=int)
    for i in range(k):
        y = (i // cols) * step_y + label_band
        x = (i % cols) * step_x
        mosaic[y:y + h, x:x + w] = maps[i]
        origins[i] = y, x
    return mosaic, origins


class Mosaic:
    """K maps drawn as labelled tiles in one axes; ``update`` swaps in new maps.

    maps: (K, H, W); ``labels`` one string per tile (drawn above it), ``cols`` tiles per row.
    A new shape is fine: the image, its extent and the labels move to fit.
    """

    def __init__(self, ax, maps, labels=None, cols=None, cmap=GRAY, vmin=None, vmax=None):
        self.ax = ax
        self.cols = cols
        self.labels = labels
        # NaN (the gaps between tiles) transparent
        self.im = ax.imshow(np.zeros((1, 1)), cmap=colormap(cmap), vmin=vmin, vmax=vmax, interpolation="nearest")
        self.texts = []
        self.origins = np.zeros((0, 2), dtype=int)
        self.tile_shape = None
        bare_axes(ax)
        for side in ax.spines.values():
            side.set_visible(False)
        self.update(maps)

    def update(self, maps, labels=None):
        """maps: (K, H, W) -> redraw (labels: K strings, or keep the current ones)."""
        k, h, w = maps.shape
        labels = labels if labels is not None else self.labels
        cols = self.cols or grid_shape(k)[1]
        gap = max(1, round(0.12 * max(h, w)))
        band = max(1, round(0.3 * h)) if labels else 0
        mosaic, origins = tile_maps(maps, cols, gap=gap, label_band=band)
        self.im.set_data(mosaic)
        height, width = mosaic.shape
        self.im.set_extent((-0.5, width - 0.5, height - 0.5, -0.5))
        self.ax.set_xlim(-0.5, width - 0.5)
        self.ax.set_ylim(height - 0.5, -0.5)
        if labels:
            if len(self.texts) != k:
                for t in self.texts:
                    t.remove()
                self.texts = [self.ax.text(0, 0, "", ha="center", va="center", fontsize=TICK_SIZE)
                              for _ in range(k)]
            for t, (y, x), lab in zip(self.texts, origins, labels):
                t.set_position((x + (w - 1) / 2, y - 0.5 - band / 2))
                t.set_text(str(lab))
        self.labels = labels
        self.origins = origins
        self.tile_shape = (h, w)

    def tile_box(self, first, last=None):
        """(x, y, width, height) around tiles ``first..last`` of one row, in data coordinates."""
        last = first if last is None else last
        (y, x), x_end = self.origins[first], self.origins[last][1]
        h, w = self.tile_shape
        return x - 0.5, y - 0.5, x_end + w - x, h


def show_array(im, a):
    """Put the 2-D array ``a`` into the image ``im``; a new shape gets a new extent and axes limits."""
    if im.get_array().shape != a.shape:
        im.set_extent((-0.5, a.shape[1] - 0.5, a.shape[0] - 0.5, -0.5))
        im.axes.set_xlim(-0.5, a.shape[1] - 0.5)
        im.axes.set_ylim(a.shape[0] - 0.5, -0.5)
    im.set_data(a)


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

