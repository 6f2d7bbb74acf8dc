"""Draw a digit and watch the networks think: a canvas (ipycanvas), the 28x28 input, live predictions.

``draw_a_digit({"LeNet + shifts": TrainedNet(lenet), "kernel net": TrainedNet(kernel_net)})``
shows a canvas to draw on with the mouse or a finger, Undo and Clear buttons, a "centre like MNIST"
check box, and next to them the drawing as the networks see it: with the box ticked (the default)
prepared as MNIST's digits were (``cnnlib.handwriting.mnist_preprocess``: cropped, scaled to 20
pixels, centred by mass in 28x28); without it only shrunk to 28x28 (``shrink_to_frame``), so the
digit stays where, and as large as, it was drawn. Each time a stroke ends (or the box changes), every
network's feature maps (each stage with image-shaped output) and its class probabilities are redrawn
below. ``TrainedNet`` (from ``cnnlib.plotting.draw_a_digit``) says whether a network was trained on
images centred on [-0.5, 0.5] (the pooling net of notebook 05) rather than [0, 1].

The picture is a plain figure (``cnnlib.plotting.draw_a_digit``: a ``DrawingView`` of a
``drawing_state``): tests and ``bench/draw_a_digit.py`` draw it without a browser. Callbacks never
print; the strokes travel from the browser to the kernel as ipycanvas mouse/touch events, and the
canvas is painted from the kernel.
"""

import io

import ipywidgets as widgets
import numpy as np
import PIL.Image
from ipycanvas import Canvas, hold_canvas

from cnnlib.handwriting import FRAME, has_ink, mnist_preprocess, shrink_to_frame, strokes_to_image
from cnnlib.plotting.draw_a_digit import DrawingView, check_nets, describe_prediction, drawing_figsize, drawing_state
from cnnlib.widgets.base import PictureWidget, big_label


def input_png(x, scale=5):
    """The 28x28 input as a PNG, each pixel a scale x scale block (no smoothing)."""
    img = PIL.Image.fromarray(np.round(255 * np.clip(x, 0, 1)).astype(np.uint8))
    buf = io.BytesIO()
    img.resize((x.shape[1] * scale, x.shape[0] * scale), PIL.Image.NEAREST).save(buf, format="png")
    return buf.getvalue()


class DrawingDemo(PictureWidget):
    """A canvas with Undo/Clear and "centre like MNIST", the 28x28 input next to it, every network's maps and
    probabilities below.

    ``strokes`` holds what was drawn: a list of strokes, each a list of (x, y) canvas points.
    ``add_stroke(points)``, ``undo()`` and ``clear()`` do what the mouse and the buttons do;
    ``center_box.value`` is the check box (True: MNIST's recipe; False: the drawing only shrunk).
    """

    def __init__(self, nets, canvas_size=280, line_width=None, center=True):
        self.nets = check_nets(nets)
        if not isinstance(center, bool):
            raise ValueError(f"center must be True (prepare the drawing as MNIST's digits were) or False (only "
                             f"shrink it to 28x28), got {center!r}")
        if isinstance(canvas_size, bool) or not isinstance(canvas_size, (int, np.integer)) or canvas_size < 56:
            raise ValueError(f"canvas_size must be an int >= 56 (pixels), got {canvas_size!r}")
        self.size = int(canvas_size)
        self.line_width = self.size / 14 if line_width is None else line_width
        strokes_to_image([], self.size, self.line_width)  # checks line_width
        self.strokes, self.current = [], None
        self.canvas = Canvas(width=self.size, height=self.size,
                             layout=widgets.Layout(width=f"{self.size}px", height=f"{self.size}px"))
        self.canvas.add_class("cnnlib-drawing-canvas")
        self.undo_button = widgets.Button(description="Undo", icon="undo")
        self.clear_button = widgets.Button(description="Clear", icon="trash")
        self.center_box = widgets.Checkbox(value=center, description="centre like MNIST", indent=False,
                                           layout=widgets.Layout(width="auto", margin="4px 0 0 4px"))
        self.input_view = widgets.Image(format="png", layout=widgets.Layout(width="140px", height="140px"))
        self.status = big_label()
        self.status.add_class("cnnlib-drawing-prediction")
        left = widgets.VBox([self.canvas, widgets.HBox([self.undo_button, self.clear_button]), self.center_box])
        right = widgets.VBox([widgets.HTML("<b>what the networks see</b> (28×28)"), self.input_view, self.status],
                             layout=widgets.Layout(margin="0 0 0 16px"))
        super().__init__([widgets.HBox([left, right])], figsize=drawing_figsize(len(nets)))
        self.undo_button.on_click(lambda _: self.undo())
        self.clear_button.on_click(lambda _: self.clear())
        self.center_box.observe(lambda _: self.update_prediction(), names="value")
        self.canvas.on_mouse_down(self._start)
        self.canvas.on_mouse_move(self._move)
        self.canvas.on_mouse_up(self._end)
        self.canvas.on_mouse_out(self._end)
        self.canvas.on_touch_start(lambda touches: self._start(*touches[0]))
        self.canvas.on_touch_move(lambda touches: self._move(*touches[0]))
        self.canvas.on_touch_end(lambda touches: self._end(None, None))
        self.canvas.on_touch_cancel(lambda touches: self._end(None, None))
        self.canvas.on_client_ready(self.paint)
        self.paint()
        self.update_prediction()

    # ------------------------------------------------------------------ the canvas
    def _pen(self):
        self.canvas.stroke_style = "white"
        self.canvas.fill_style = "white"
        self.canvas.line_width = self.line_width
        self.canvas.line_cap = "round"
        self.canvas.line_join = "round"

    def paint(self):
        """Paint every stroke again on a black canvas (after undo/clear, or for a new browser view)."""
        with hold_canvas():
            self.canvas.clear()
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, self.size, self.size)
            self._pen()
            for stroke in self.strokes:
                self._paint_stroke(stroke)

    def _paint_stroke(self, points):
        if len(points) == 1:
            self.canvas.fill_circle(points[0][0], points[0][1], self.line_width / 2)
        else:
            self.canvas.stroke_lines(points)

    def _start(self, x, y):
        self.current = [(float(x), float(y))]
        self._pen()
        self.canvas.fill_circle(x, y, self.line_width / 2)

    def _move(self, x, y):
        if self.current is None:
            return
        (x0, y0), point = self.current[-1], (float(x), float(y))
        if point != (x0, y0):
            self.current.append(point)
            self.canvas.stroke_line(x0, y0, *point)

    def _end(self, x, y):
        """Mouse up / out, touch end: the stroke is done; predict."""
        if self.current is None:
            return
        if x is not None and (float(x), float(y)) != self.current[-1]:
            self.current.append((float(x), float(y)))
        stroke, self.current = self.current, None
        self.strokes.append(stroke)
        self.update_prediction()

    # ------------------------------------------------------------------ what the buttons and a stroke do
    def add_stroke(self, points):
        """Add a stroke of (x, y) canvas points, paint it and predict (as drawing it with the mouse does)."""
        points = [(float(x), float(y)) for x, y in points]
        strokes_to_image([points], self.size, self.line_width)  # checks the points
        self.strokes.append(points)
        self._pen()
        self._paint_stroke(points)
        self.update_prediction()

    def undo(self):
        """Remove the last stroke."""
        if self.strokes:
            self.strokes.pop()
            self.paint()
            self.update_prediction()

    def clear(self):
        """Remove every stroke."""
        self.strokes, self.current = [], None
        self.paint()
        self.update_prediction()

    def image(self):
        """The drawing as the networks see it: (28, 28) in [0, 1] (zeros for an empty canvas), prepared as
        MNIST's digits were if the "centre like MNIST" box is ticked, else only shrunk."""
        drawing = strokes_to_image(self.strokes, self.size, self.line_width)
        if not has_ink(drawing):
            return np.zeros((FRAME, FRAME))
        return mnist_preprocess(drawing) if self.center_box.value else shrink_to_frame(drawing)

    def update_prediction(self):
        """Preprocess the drawing, run every network, show the answers, the input, then the maps and bars.

        The big picture goes last: once the browser shows it, the other parts are up to date too.
        """
        x = self.image()
        self.state = drawing_state(self.nets, x, drawn=bool(self.strokes))
        if self.strokes:
            self.status.value = "<br>".join(describe_prediction(r) for r in self.state.responses)
        else:
            self.status.value = "draw a digit"
        self.input_view.value = input_png(x)
        self.show_state(self.state, DrawingView)

    def describe(self):
        n = len(self.strokes)
        centring = "" if self.center_box.value else "; not centred"
        return f"{', '.join(self.nets)}; {n} stroke{'' if n == 1 else 's'}{centring}"


def draw_a_digit(nets, canvas_size=280, line_width=None, center=True):
    """A ``DrawingDemo``: nets = {name: TrainedNet(net, centered)}; canvas_size in pixels; center: whether the
    "centre like MNIST" box starts ticked."""
    return DrawingDemo(nets, canvas_size, line_width, center)
