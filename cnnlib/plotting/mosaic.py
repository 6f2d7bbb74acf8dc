"""Many small maps in one picture: ``Mosaic`` draws K maps as the tiles of one image (one ``imshow``),
much faster to redraw than K axes; ``CellValues`` writes numbers into the cells of a small array.
"""

import math

import numpy as np

from cnnlib.plotting.style import GRAY, MIN_VALUE_SIZE, TICK_SIZE, VALUE_SIZE, bare_axes, colormap, format_value


class CellValues:
    """The numbers written into the cells of a small (h, w) array shown with ``imshow``."""

    def __init__(self, ax, shape, im):
        self.im = im
        size = VALUE_SIZE if max(shape) <= 3 else MIN_VALUE_SIZE  # 3x3: 14 pt, larger: 12 pt
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


# The room around each tile, as a fraction of its side: the gap between tiles, and the band above
# a row of tiles that holds their labels (12-point labels fit it for tiles from about 70 px on).
GAP = 0.12


LABEL_BAND = 0.22


# The band holding the labels is at least this high, in inches: 1.3 lines of 12-point text.
LABEL_ROOM = 1.3 * TICK_SIZE / 72


# Tiles smaller than this many cells a side (e.g. 3x3 kernels) are drawn with each value as a block
# of cells, so that the gaps and the label band can be thinner than one value.
MIN_TILE_CELLS = 12


def tile_spacing(h, w, labels=True):
    """(gap, label band) in array cells for tiles of (h, w) cells: at least one cell each."""
    return max(1, round(GAP * max(h, w))), (max(1, round(LABEL_BAND * h)) if labels else 0)


def mosaic_shape(count, cols, h, w, gap, band):
    """(height, width) in cells of ``count`` tiles of (h, w) cells, ``cols`` per row, ``gap`` cells
    apart, with a band of ``band`` cells above each row."""
    rows = math.ceil(count / cols)
    return rows * (h + gap + band) - gap, cols * (w + gap) - gap


def fit_columns(count, tile_shape, box, gap, band, multiple=1):
    """The number of tiles per row that draws ``count`` tiles of ``tile_shape`` (h, w) cells, ``gap``
    and ``band`` as in ``mosaic_shape``, largest in a box ``box`` = (width, height) (any unit);
    ``multiple``: the columns are a multiple of it (e.g. one kernel's C channels stay on one row).
    On a tie the fewer columns win."""
    box_w, box_h = box
    best, best_scale = multiple, 0.0
    for cols in range(multiple, max(count, multiple) + 1, multiple):
        height, width = mosaic_shape(count, cols, *tile_shape, gap, band)
        scale = min(box_w / width, box_h / height)
        if scale > best_scale * (1 + 1e-9):
            best, best_scale = cols, scale
    return best


def axes_box(ax):
    """(width, height) in inches of the room the figure's layout gives ``ax`` (before its aspect
    ratio shrinks it)."""
    pos = ax.get_position(original=True)
    fig_w, fig_h = ax.figure.get_size_inches()
    return pos.width * fig_w, pos.height * fig_h


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

    maps: (K, H, W); ``labels`` one string per tile (drawn above it), ``cols`` tiles per row
    (default: as many as draw the tiles largest in the room the layout gives ``ax``; ``multiple``:
    a multiple of this many). A new shape is fine: the image, its extent and the labels move to fit.
    """

    def __init__(self, ax, maps, labels=None, cols=None, cmap=GRAY, vmin=None, vmax=None, multiple=1):
        self.ax = ax
        self.cols = cols
        self.multiple = multiple
        self.labels = labels
        # NaN (the gaps between tiles) transparent
        self.im = ax.imshow(np.zeros((1, 1)), cmap=colormap(cmap), vmin=vmin, vmax=vmax, interpolation="nearest")
        self.texts = []
        self.origins = np.zeros((0, 2), dtype=int)
        self.tile_shape = None  # (h, w) in cells of the mosaic: small maps have block x block cells a value
        self.gap = 0
        self.box = axes_box(ax)  # the room the layout gives it, kept: a row centred later may move it
        bare_axes(ax)
        for side in ax.spines.values():
            side.set_visible(False)
        self.update(maps)

    def update(self, maps, labels=None):
        """maps: (K, H, W) -> redraw (labels: K strings, or keep the current ones)."""
        labels = labels if labels is not None else self.labels
        block = -(-MIN_TILE_CELLS // max(maps.shape[1:]))  # ceil: each value as block x block cells
        if block > 1:
            maps = np.repeat(np.repeat(maps, block, axis=1), block, axis=2)
        k, h, w = maps.shape
        gap, band = tile_spacing(h, w, bool(labels))
        cols = self.cols or fit_columns(k, (h, w), self.box, gap, band, self.multiple)
        for _ in range(3 if labels else 0):  # small tiles: a band at least LABEL_ROOM high, as drawn
            height, width = mosaic_shape(k, cols, h, w, gap, band)
            cell_in = min(self.box[0] / width, self.box[1] / height)  # inches per cell
            band = max(band, math.ceil(LABEL_ROOM / cell_in))
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
            # Labels wider than a tile and its gap would run into each other: then only every
            # ``step``-th column is labelled.
            cell_in = min(self.box[0] / width, self.box[1] / height)  # inches per cell, as drawn
            label_in = 0.62 * TICK_SIZE / 72 * max(len(str(lab)) for lab in labels)  # the widest label
            step = max(1, math.ceil(label_in / ((w + gap) * cell_in)))
            for i, (t, (y, x), lab) in enumerate(zip(self.texts, origins, labels)):
                t.set_position((x + (w - 1) / 2, y - 0.5 - band / 2))
                t.set_text(str(lab) if (i % cols) % step == 0 else "")
        self.labels = labels
        self.origins = origins
        self.tile_shape = (h, w)
        self.gap = gap

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
