"""The basic panels: kernels as a grid, a row of arrays side by side, a gallery of digits; each returns a
matplotlib ``Figure``.

    plot_kernels(w)                         w: (K, C, KH, KW) or (K, KH, KW) or a Conv2D -> Figure
    plot_panels(panels)                     a row of ``Panel``s (or a list of rows) -> Figure
    plot_digits(images, titles)             images: (M, H, W) or (M, 1, H, W) -> Figure, one small panel each

A ``Panel`` is one 2-D array with a title and the way to colour it: ``kind="image"`` (grey, ink light on
dark), ``"signed"`` (diverging, white = 0, red > 0 > blue) or ``"count"`` (sequential, from 0)::

    plot_panels([Panel(digit, "8×8 image", "image"),
                 Panel(kernel, "3×3 kernel", limit=2, annotate=True),
                 Panel(feature_map, "6×6 feature map", limit=6)], suptitle="...")

Panels given the same ``limit`` share a colour scale; ``fig.axes[i]`` is panel ``i`` (row by row), for
adding arrows or boxes afterwards.
"""

import math
import numbers
from dataclasses import dataclass

import numpy as np
from matplotlib.ticker import MaxNLocator

from cnnlib._checks import as_float_array, check_choice, check_finite, check_ndim, check_nonempty, check_positive_int
from cnnlib._checks_extra import check_texts
from cnnlib.plotting.mosaic import CellValues, Mosaic, grid_shape
from cnnlib.plotting.style import (
    DIVERGING,
    GRAY,
    LABEL_SIZE,
    MAX_ANNOTATED_SIDE,
    SEQUENTIAL,
    SUPTITLE_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    add_colorbar,
    bare_axes,
    colormap,
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


PANEL_KINDS = ("image", "signed", "count")

# Arrays up to this many cells per side get a tick at every row and column when ``indices=True``.
MAX_INDEXED_SIDE = 10


@dataclass(frozen=True, eq=False)
class Panel:
    """One panel of ``plot_panels``: a 2-D array, its title and how to colour it.

    values: (H, W) array of finite numbers (kept as a read-only float copy).
    kind: ``"image"``   grey (``GRAY``, ink light on dark), from min(0, smallest value) to ``limit``;
          ``"signed"``  diverging (``DIVERGING``) from ``-limit`` to ``limit``: white = 0, red > 0, blue < 0;
          ``"count"``   sequential (``SEQUENTIAL``) from 0 to ``limit``; the values must be >= 0.
    limit: a number > 0; default: the largest absolute value (1 if all are 0). Give several panels
        the same limit to put them on one colour scale.
    annotate: write each value into its cell (arrays of at most ``MAX_ANNOTATED_SIDE`` cells per side).
    label: text beside the colour bar; colorbar: False draws none (e.g. on all but the last of a
        row of panels sharing one limit).
    indices: number the rows and columns, with the axes labelled "row" and "column".
    """

    values: np.ndarray
    title: str = ""
    kind: str = "signed"
    limit: float | None = None
    annotate: bool = False
    label: str | None = None
    colorbar: bool = True
    indices: bool = False

    def __post_init__(self):
        values = as_float_array("Panel values", self.values)
        check_ndim("Panel values", values, 2, "(H, W)")
        check_nonempty("Panel values", values, "(values is (H, W))")
        check_finite("Panel values", values)
        values = values.copy()  # the panel keeps what it was given, even if the caller's array changes
        values.setflags(write=False)
        object.__setattr__(self, "values", values)
        check_choice("Panel kind", self.kind, PANEL_KINDS)
        if not isinstance(self.title, str):
            raise ValueError(f"Panel title must be a string, got {type(self.title).__name__} {self.title!r}")
        if self.limit is not None and (not isinstance(self.limit, numbers.Real) or isinstance(self.limit, bool)
                                       or not np.isfinite(self.limit) or self.limit <= 0):
            raise ValueError(f"Panel limit must be a finite number > 0 (or None for the largest absolute "
                             f"value), got {self.limit!r}")
        if self.kind == "count" and values.min() < 0:
            raise ValueError(f"a count panel needs values >= 0, got a smallest value of {values.min():g}; "
                             f"use kind='signed' for values of both signs")
        if self.annotate and max(values.shape) > MAX_ANNOTATED_SIDE:
            raise ValueError(f"annotate=True writes a number into every cell, which stays readable up to "
                             f"{MAX_ANNOTATED_SIDE}×{MAX_ANNOTATED_SIDE}; got values of shape {values.shape}")

    def scale(self):
        """(colour map name, vmin, vmax) for this panel."""
        top = float(np.abs(self.values).max())
        if self.kind == "signed":
            limit = self.limit if self.limit is not None else symmetric_limits(self.values)[1]
            return DIVERGING, -float(limit), float(limit)
        if self.kind == "count":
            return SEQUENTIAL, 0.0, float(self.limit if self.limit is not None else (top if top > 0 else 1.0))
        low = min(0.0, float(self.values.min()))
        high = float(self.limit) if self.limit is not None else float(self.values.max())
        return GRAY, low, (high if high > low else low + 1.0)


def as_panel_rows(panels):
    """``panels``: a list of Panels (one row), or a list of lists of Panels -> a list of rows of Panels."""
    expected = "a non-empty list of Panel (one row) or a list of non-empty lists of Panel (rows)"
    if not isinstance(panels, (list, tuple)) or not panels:
        what = f"an empty {type(panels).__name__}" if isinstance(panels, (list, tuple)) else type(panels).__name__
        raise ValueError(f"panels must be {expected}, got {what}")
    if any(isinstance(p, Panel) for p in panels):  # one row
        for i, p in enumerate(panels):
            if not isinstance(p, Panel):
                raise ValueError(f"panels must be {expected}; item {i} is a {type(p).__name__}, not a Panel")
        return [list(panels)]
    rows = []
    for i, row in enumerate(panels):
        if not isinstance(row, (list, tuple)) or not row:
            what = "an empty list" if isinstance(row, (list, tuple)) else f"a {type(row).__name__}"
            raise ValueError(f"panels must be {expected}; item {i} is {what}")
        for j, p in enumerate(row):
            if not isinstance(p, Panel):
                raise ValueError(f"panels must be {expected}; panels[{i}][{j}] is a {type(p).__name__}")
        rows.append(list(row))
    return rows


def draw_panel(fig, ax, panel, title_size=TITLE_SIZE):
    """Draw one Panel into ``ax`` (image, title, optional numbers, indices and colour bar); return the image."""
    cmap, vmin, vmax = panel.scale()
    im = ax.imshow(panel.values, cmap=colormap(cmap), vmin=vmin, vmax=vmax, interpolation="nearest")
    bare_axes(ax)
    ax.set_title(panel.title, fontsize=title_size)
    if panel.indices:
        h, w = panel.values.shape
        if max(h, w) <= MAX_INDEXED_SIDE:
            ax.set_xticks(range(w))
            ax.set_yticks(range(h))
        else:
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(labelsize=TICK_SIZE)
        ax.set_xlabel("column", fontsize=LABEL_SIZE)
        ax.set_ylabel("row", fontsize=LABEL_SIZE)
    if panel.annotate:
        integers = bool(np.all(panel.values == np.round(panel.values)))
        CellValues(ax, panel.values.shape, im).update(panel.values, integers)
    if panel.colorbar:
        cbar = add_colorbar(fig, im, ax, panel.label)
        if panel.kind == "count":
            cbar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    return im


def plot_panels(panels, suptitle=None, same_cell_size=False, fig=None):
    """Arrays side by side, each with its own title, colours and colour bar.

    panels: a list of ``Panel`` (one row), or a list of rows (lists of ``Panel``) for a grid; a
    shorter row leaves its last places empty. same_cell_size: True makes the columns as wide as
    their arrays, so that every cell is drawn the same size and an 8×8 image looks bigger than its
    6×6 map. Returns the Figure; ``fig.axes[i]`` is panel ``i``, counted row by row.
    """
    rows = as_panel_rows(panels)
    if suptitle is not None and not isinstance(suptitle, str):
        raise ValueError(f"suptitle must be a string or None, got {type(suptitle).__name__} {suptitle!r}")
    ncols = max(len(row) for row in rows)
    ratios = None
    width = min(14.0, 2.0 + 4.2 * ncols)
    if same_cell_size:
        ratios = [max(row[j].values.shape[1] for row in rows if j < len(row)) for j in range(ncols)]
        bars = max(sum(p.colorbar for p in row) for row in rows)
        cell = (width - 1.0 * bars - 0.3 * ncols) / sum(ratios)  # inches per array cell, across the widest row
        heights = [min(7.0, cell * max(p.values.shape[0] for p in row)) + 0.7 for row in rows]
    else:
        heights = [min(4.2, 0.85 * width / ncols) + 0.7] * len(rows)
    height = sum(heights) + (0.6 if suptitle else 0.1)
    fig = new_figure((round(width, 1), round(height, 1)), fig)
    fig.set_layout_engine("constrained", wspace=0.04, hspace=0.06)
    grid = fig.add_gridspec(len(rows), ncols, width_ratios=ratios, height_ratios=heights)
    title_size = TITLE_SIZE if ncols <= 4 else TICK_SIZE + 1
    for i, row in enumerate(rows):
        for j, panel in enumerate(row):
            draw_panel(fig, fig.add_subplot(grid[i, j]), panel, title_size)
    if suptitle:
        fig.suptitle(suptitle, fontsize=SUPTITLE_SIZE)
    return fig


def plot_digits(images, titles=None, cols=10, suptitle=None, fig=None):
    """A gallery of digits in grey (ink light on dark), all on one grey scale, ``cols`` per row.

    images: (M, H, W) or (M, 1, H, W); titles: M short strings (e.g. "label 5") or None.
    Returns the Figure (one axes per digit, in order).
    """
    images = as_float_array("images", images)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]  # (M, 1, H, W) -> (M, H, W)
    check_ndim("images", images, 3, "(M, H, W) or (M, 1, H, W)")
    check_nonempty("images", images, "(images is (M, H, W))")
    check_finite("images", images)
    m = images.shape[0]
    if titles is not None:
        titles = check_texts("titles", titles, m, "image")
    cols = min(check_positive_int("cols", cols), m)
    rows = math.ceil(m / cols)
    height = (1.65 if titles else 1.45) * rows + (0.7 if suptitle else 0.1)
    fig = new_figure((round(min(14.0, 1.4 * cols), 1), round(height, 1)), fig)
    fig.set_layout_engine("constrained")
    low, high = min(0.0, float(images.min())), float(images.max())
    high = high if high > low else low + 1.0
    for k, image in enumerate(images):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.imshow(image, cmap=GRAY, vmin=low, vmax=high, interpolation="nearest")
        bare_axes(ax)
        if titles:
            ax.set_title(titles[k], fontsize=TICK_SIZE)
    if suptitle:
        fig.suptitle(suptitle, fontsize=SUPTITLE_SIZE)
    return fig
