"""Rendering figures for widgets: off screen, by Agg, redrawing only what changed.

    fig = offscreen_figure((15, 4.8))            # outside pyplot: plt.show() never shows it
    png = figure_to_png(fig)                      # the whole figure, as PNG bytes
    fast = FastRedraw(fig, dynamic, slow)         # blitting: a background drawn once,
    png = fast.png(slow_key, static_key)          # then only the changing artists

The widgets in ``cnnlib.widgets`` put these PNG bytes into an ``ipywidgets.Image``, so they
need neither ipympl nor an interactive backend, and leave no pyplot figure open.
"""

import io

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.image import AxesImage


def offscreen_figure(figsize, dpi=72):
    """A Figure outside pyplot (never shown by ``plt.show()``, freed when dropped), drawn by Agg."""
    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    return fig


def figure_to_png(fig, dpi=None):
    """Render ``fig`` with Agg and return the PNG bytes (fast, lightly compressed)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi or fig.dpi, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


class FastRedraw:
    """Redraw only the artists that change, over a background drawn once (Agg blitting).

    ``dynamic`` artists change at every redraw, ``slow`` ones only when ``slow_key`` changes (e.g.
    a colour bar whose limits are in the key). Both are marked animated, so a full draw of
    ``fig`` (its canvas must be Agg, see ``offscreen_figure``) leaves them out; that picture is
    kept as the background. ``png(slow_key)`` pastes it back, draws the slow artists (kept as a
    second background until ``slow_key`` changes) and the dynamic ones on top. A new ``static_key``
    draws the whole background again (e.g. when a colour bar in it gets new limits).
    Use it for figures made only for a widget: ``savefig`` of such a figure still draws everything.
    """

    def __init__(self, fig, dynamic, slow=()):
        self.fig = fig
        self.slow, self.dynamic = _with_frames(slow), _with_frames(dynamic)
        for a in self.slow + self.dynamic:
            a.set_animated(True)
        self.background = self.middle = self.slow_key = self.static_key = None

    def png(self, slow_key=None, static_key=None):
        """PNG bytes of the whole figure with the artists' current data."""
        canvas = self.fig.canvas
        if self.background is None or static_key != self.static_key:
            canvas.draw()  # everything but the animated artists
            self.background, self.static_key, self.middle = canvas.copy_from_bbox(self.fig.bbox), static_key, None
        renderer = canvas.get_renderer()
        if self.middle is None or slow_key != self.slow_key:
            canvas.restore_region(self.background)
            _draw(self.slow, renderer)
            self.middle, self.slow_key = canvas.copy_from_bbox(self.fig.bbox), slow_key
        else:
            canvas.restore_region(self.middle)
        _draw(self.dynamic, renderer)
        rgba = np.asarray(canvas.buffer_rgba())  # (height, width, 4)
        buf = io.BytesIO()
        PIL.Image.fromarray(rgba[..., :3]).save(buf, format="png", compress_level=1)
        return buf.getvalue()


def _with_frames(artists):
    """The artists plus the frames (spines) of the axes whose images they hold, in drawing order,
    so a frame is drawn on top of its image as in a full drawing."""
    spines = [sp for ax in dict.fromkeys(a.axes for a in artists if isinstance(a, AxesImage))
              for sp in ax.spines.values() if sp.get_visible()]
    return sorted(list(artists) + spines, key=lambda a: a.get_zorder())


def _draw(artists, renderer):
    for a in artists:
        if a.axes is not None and a.axes.get_aspect() != "auto":
            a.axes.apply_aspect()  # an image of a new shape resizes its axes box
        a.draw(renderer)
