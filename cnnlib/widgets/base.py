"""The base of cnnlib's widgets: a VBox of controls above one picture rendered off screen.

The picture is a matplotlib figure outside pyplot, drawn by the Agg renderer and shown as
PNG bytes in an ``ipywidgets.Image``: no ipympl, no pyplot figure left open, nothing printed.
"""

import ipywidgets as widgets
import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_nonempty
from cnnlib.plotting.render import FastRedraw, offscreen_figure

# Pixels per inch of the rendered pictures: sharp on a projector, quick to draw. At 72 dpi a point
# is a pixel, so 12-point text is 12 pixels high; the pictures are cnnlib.plotting.style.WIDGET_WIDTH wide.
DPI = 72


# Controls' descriptions get the room they need.
BIG = {"description_width": "initial"}


# Larger text and handles inside every cnnlib widget (a projector at the back of a room): the
# ipywidgets CSS variables, set on the widget's own class so nothing else on the page changes.
PROJECTOR_CSS = ("<style>.cnnlib-widget { --jp-widgets-font-size: 16px; --jp-widgets-inline-height: 34px; "
                 "--jp-widgets-slider-handle-size: 20px; --jp-widgets-slider-track-thickness: 6px; }</style>")


def projector_style(box):
    """Mark ``box`` (a VBox) for the projector CSS and add the (invisible) style element to it."""
    box.add_class("cnnlib-widget")
    box.children = (widgets.HTML(PROJECTOR_CSS, layout=widgets.Layout(display="none")),) + tuple(box.children)


def big_label():
    """An HTML widget for one line of large text (e.g. the current sum)."""
    return widgets.HTML(layout=widgets.Layout(margin="4px 0 4px 8px"))


class PictureWidget(widgets.VBox):
    """Controls above one off-screen figure shown as a PNG.

    Subclasses build ``self.view`` (a ``*Figure`` object from ``cnnlib.plotting*`` with
    ``fits``/``update``/``dynamic``) through ``show_state``, which redraws only what changed.
    ``repr`` is short and the same on every run: it is the text/plain that nbval compares.
    """

    def __init__(self, controls, figsize):
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.figsize = figsize
        self.fig = None
        self.view = None
        self.redraw = None
        super().__init__(children=list(controls) + [self.picture])
        projector_style(self)

    def show_state(self, state, build, **update_kwargs):
        """Show ``state``: update the current view if it fits, else ``build(fig, state)`` a new one."""
        if self.view is None or not self.view.fits(state):
            self.fig = offscreen_figure(self.figsize, dpi=DPI)
            self.view = build(self.fig, state, **update_kwargs)
            self.redraw = FastRedraw(self.fig, self.view.dynamic, self.view.slow)
        else:
            self.view.update(state, **update_kwargs)
        self.picture.value = self.redraw.png(self.view.slow_key, self.view.static_key)

    def __repr__(self):
        return f"{type(self).__name__}({self.describe()})"

    def describe(self):
        """A short, deterministic description for ``repr``."""
        return ""


def as_images(images, name="images"):
    """Network inputs as floats (N, C, H, W); (N, H, W) is read as C = 1. Integer pixels
    (e.g. uint8 0..255) are refused: pass what the network sees, e.g. ``to_float(x)``."""
    images = np.asarray(images)
    if images.dtype.kind in "biu":
        raise ValueError(f"{name} are {images.dtype} pixels; pass them as the network sees them, "
                         f"e.g. cnnlib.data.to_float({name}) (floats in [0, 1])")
    images = as_float_array(name, images)
    if images.ndim == 3:
        images = images[:, None]  # (N, H, W) -> (N, 1, H, W)
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(f"{name} must be (N, C, H, W) or (N, H, W) with N >= 1, got shape {images.shape}")
    check_nonempty(name, images, "(N, C, H, W)")
    check_finite(name, images)
    return images


def index_slider(description, last, value=0):
    """A slider for an index 0..last (e.g. which image or which kernel), disabled when there is only one."""
    return widgets.IntSlider(value=value, min=0, max=last, description=description, style=BIG,
                             disabled=last == 0, layout=widgets.Layout(width="380px"))
