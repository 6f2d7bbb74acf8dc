"""Many small maps in one picture: ``Mosaic`` draws K maps as the tiles of one image (one ``imshow``),
much faster to redraw than K axes; ``CellValues`` writes numbers into the cells of a small array.
"""

import math

import numpy as np

from cnnlib.plotting.style import GRAY, TICK_SIZE, VALUE_SIZE, bare_axes, colormap, format_value


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
