"""The look every picture shares: font sizes for a projector, colour maps, colour limits, bare axes, colour bars.

Signed values (kernels, feature maps) use a diverging colour map centred on 0, so white
always means 0, red positive and blue negative; images use ``GRAY`` (ink light on dark).
"""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

# Font sizes in points, chosen to stay readable on a projector.
SUPTITLE_SIZE = 18


TITLE_SIZE = 16


LABEL_SIZE = 14


TICK_SIZE = 12


VALUE_SIZE = 14  # numbers written into the cells of small arrays (3x3)


MIN_VALUE_SIZE = 12  # ... and of larger ones: never smaller, so that they stay readable


DIVERGING = "RdBu_r"  # signed values: blue < 0 < red, white = 0


SEQUENTIAL = "viridis"  # values >= 0


GRAY = "gray"  # images


# Arrays up to this many cells per side get their values written into the cells.
MAX_ANNOTATED_SIDE = 7

# The width of every widget picture, in inches: 1044 pixels at the widgets' 72 dpi (cnnlib.widgets.base.DPI),
# which JupyterLab's output area at 1280x720 (about 1050 CSS pixels) shows 1:1, without scaling it down.
WIDGET_WIDTH = 14.5


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


def add_colorbar(fig, im, ax, label=None, pad=0.03, width=0.045):
    """A colour bar right beside ``ax`` (``pad``: the gap, ``width``: its width, both as fractions of
    the axes' width; it follows the axes' box) with readable tick labels."""
    cbar = fig.colorbar(im, cax=ax.inset_axes([1 + pad, 0.0, width, 1.0]))
    cbar.ax.tick_params(labelsize=TICK_SIZE)
    if label:
        cbar.set_label(label, fontsize=LABEL_SIZE)
    return cbar


def narrow_bar(ax, pad_in=0.25, width_in=0.16):
    """``add_colorbar`` keywords for a bar ``width_in`` inches wide, ``pad_in`` inches beside ``ax`` as
    drawn now (its aspect ratio applied): for wide axes such as a mosaic, where fractions of the
    axes' width make a fat bar far away."""
    ax.apply_aspect()
    axes_width = ax.get_position().width * ax.figure.get_figwidth()
    return {"pad": pad_in / axes_width, "width": width_in / axes_width}


# Inches right of a panel taken by its colour bar and the bar's tick labels.
BAR_ROOM = 0.8


def center_row(axes, right_in=0.0):
    """Move ``axes`` (a row of panels, each drawn with its aspect ratio) sideways together so that the
    row sits in the middle of the figure; ``right_in``: inches right of the last panel that belong to
    the row (its colour bar and tick labels). The panels keep their sizes and the gaps between them."""
    fig = axes[0].figure
    for ax in axes:
        ax.apply_aspect()
    boxes = [ax.get_position() for ax in axes]
    x0, x1 = min(b.x0 for b in boxes), max(b.x1 for b in boxes) + right_in / fig.get_figwidth()
    shift = (1 - (x1 - x0)) / 2 - x0
    for ax, box in zip(axes, boxes):
        ax.set_position(box.translated(shift, 0))
