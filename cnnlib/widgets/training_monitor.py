"""A live training monitor: loss and accuracy curves redrawn while ``fit`` runs."""

import time

import ipywidgets as widgets

from cnnlib._checks import check_number
from cnnlib.plotting.render import FastRedraw, offscreen_figure
from cnnlib.plotting.training import TrainingCurvesView, curves_from
from cnnlib.widgets.base import DPI, big_label, projector_style


class TrainingMonitor(widgets.VBox):
    """A callback for ``cnnlib.train.fit`` that draws the loss and accuracy curves as they grow.

        monitor = TrainingMonitor()
        monitor                                   # display it (last expression of a cell)
        history = fit(net, x, y, ..., callback=monitor)

    Every call ``monitor(record)`` stores the record (a dict with "epoch", "loss",
    "train_accuracy", "test_loss", "test_accuracy" and, from ``fit``, "num_epochs" and
    "steps_per_epoch"). The picture is redrawn at most every ``min_interval_s`` seconds, so
    that drawing does not slow training down, and always for the last record of a run
    (step == num_epochs * steps_per_epoch) and on ``redraw()``. Nothing is printed.
    ``.records`` holds every record; ``.picture`` (an ``ipywidgets.Image``) the latest drawing;
    ``.status`` one line about the last record. One monitor per training run (or ``reset()``).
    """

    def __init__(self, title=None, min_interval_s=0.25):
        self.title = title
        self.min_interval_s = check_number("min_interval_s", min_interval_s, 0)
        self.picture = widgets.Image(format="png", layout=widgets.Layout(max_width="100%", height="auto"))
        self.status = big_label()
        super().__init__(children=[self.status, self.picture])
        projector_style(self)
        self.reset()

    def reset(self):
        """Forget every record and show empty axes."""
        self.records = []
        self.num_redraws = 0
        self._last_draw = -float("inf")
        self.fig = offscreen_figure((14, 4.8), dpi=DPI)
        self.view = TrainingCurvesView(self.fig, title=self.title)
        self.fast = FastRedraw(self.fig, self.view.dynamic, self.view.slow)
        self.redraw()

    def __call__(self, record):
        if not isinstance(record, dict) or "epoch" not in record or "loss" not in record:
            raise ValueError(f"a TrainingMonitor record must be a dict with at least 'epoch' and 'loss' (as fit "
                             f"passes it), got {type(record).__name__} {record!r:.80}")
        self.records.append(dict(record))
        if self.view.num_epochs is None and record.get("num_epochs"):
            self.view.num_epochs = record["num_epochs"]
        total = record.get("num_epochs", 0) * record.get("steps_per_epoch", 0)
        last = total and record.get("step") == total
        if last or time.monotonic() - self._last_draw >= self.min_interval_s:
            self.redraw()

    def redraw(self):
        """Draw every record so far."""
        curves = curves_from(self.records)
        self.view.update(curves)
        self.picture.value = self.fast.png(self.view.slow_key, self.view.static_key)
        self.num_redraws += 1
        self._last_draw = time.monotonic()
        n = len(self.records)
        self.status.value = ("<span style='font-size:18px'>waiting for the first record</span>" if not n else
                             f"<span style='font-size:18px'>{n} record{'s' if n != 1 else ''}: "
                             f"{self.view.suptitle.get_text()}</span>")

    def __repr__(self):
        return "TrainingMonitor()"  # the text/plain nbval compares: the same on every run
