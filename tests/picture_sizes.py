"""How big a widget's picture and its parts appear in JupyterLab at 1280x720, in screen pixels.

JupyterLab's output area is then about ``OUTPUT_WIDTH`` CSS pixels wide: a wider PNG is scaled down
to fit, a narrower one is shown 1:1. Shared by the widget and drawing-demo tests.
"""

import io

import PIL.Image
import pytest

OUTPUT_WIDTH = 1050


def screen_scale(widget):
    """What JupyterLab's output area at 1280x720 does to the widget's PNG: 1, or less if it is wider."""
    width, height = PIL.Image.open(io.BytesIO(widget.picture.value)).size
    fig = widget.fig
    assert (width, height) == (int(fig.get_figwidth() * fig.dpi), int(fig.get_figheight() * fig.dpi))
    return min(1.0, OUTPUT_WIDTH / width)


def shown_px(ax, cells, scale):
    """Screen pixels of ``cells`` data cells across ``ax``: its drawn box (figure size x dpi, aspect
    applied at the last drawing) over its x range, times the scale of the output area."""
    box = ax.get_window_extent()  # pixels
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert box.width / abs(x1 - x0) == pytest.approx(box.height / abs(y1 - y0), rel=0.02)  # square cells
    return cells * box.width / abs(x1 - x0) * scale


def tile_sides_px(widget, mosaic):
    """The shown side of one tile of a Mosaic: the smaller of its height and width, in screen pixels."""
    return shown_px(mosaic.ax, min(mosaic.tile_shape), screen_scale(widget))
