"""The base of cnnlib's widgets: a VBox of controls above one picture rendered off screen.

The picture is a matplotlib figure outside pyplot, drawn by the Agg renderer and shown as
PNG bytes in an ``ipywidgets.Image``: no ipympl, no pyplot figure left open, nothing printed.
"""

import ipywidgets as widgets

from cnnlib.plotting import FastRedraw, offscreen_figure

# Pixels per inch of the rendered pictures: sharp on a projector, quick to draw.
DPI = 72
# Large text for the controls' descriptions (a projector at the back of a room).
BIG = {"description_width": "initial", "font_size": "16px"}


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

    def show_state(self, state, build, **update_kwargs):
        """Show ``state``: update the current view if it fits, else ``build(fig, state)`` a new one."""
        if self.view is None or not self.view.fits(state):
            self.fig = offscreen_figure(self.figsize, dpi=DPI)
            self.view = build(self.fig, state, **update_kwargs)
            self.redraw = FastRedraw(self.fig, self.view.dynamic)
        else:
            self.view.update(state, **update_kwargs)
        self.picture.value = self.redraw.png(self.view.background_key)

    def __repr__(self):
        return f"{type(self).__name__}({self.describe()})"

    def describe(self):
        """A short, deterministic description for ``repr``."""
        return ""
