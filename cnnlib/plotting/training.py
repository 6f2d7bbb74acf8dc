"""Training curves: loss and accuracy against epochs, train and test on the same axes.

    plot_training_curves(history)    a cnnlib.train.History, a dict of lists, or a list of
                                     records (dicts with "epoch", "loss", "train_accuracy",
                                     "test_loss", "test_accuracy") -> Figure

``TrainingCurvesView`` keeps the figure and redraws it with more points; the
``TrainingMonitor`` widget uses it while a network trains. Missing test values (NaN, when
the test split was not evaluated at a record) are left out of the test curves.
"""

import math

import numpy as np

from cnnlib.plotting.style import LABEL_SIZE, SUPTITLE_SIZE, TICK_SIZE, TITLE_SIZE, new_figure

CURVE_KEYS = ("epoch", "loss", "train_accuracy", "test_loss", "test_accuracy")


def curves_from(history):
    """The curves as a dict of float arrays (keys ``CURVE_KEYS``) from a History, a dict of lists
    or a list of record dicts; keys other than "epoch" and "loss" may be missing (then NaN)."""
    if hasattr(history, "as_dict"):
        history = history.as_dict()
    if isinstance(history, (list, tuple)):
        other = next((r for r in history if not isinstance(r, dict)), None)
        if other is not None:
            raise ValueError(f"history as a list must hold records (dicts with 'epoch' and 'loss', as fit passes "
                             f"them to a callback), got a list holding {type(other).__name__} {other!r:.40}; for "
                             f"one list of losses pass a dict: {{'epoch': [1, 2, ...], 'loss': losses}}")
        history = {key: [r.get(key, math.nan) for r in history] for key in CURVE_KEYS}
    if not isinstance(history, dict) or "epoch" not in history or "loss" not in history:
        raise ValueError("history must be a cnnlib.train.History, a dict of lists or a list of records "
                         f"with at least 'epoch' and 'loss', got {type(history).__name__}")
    n = len(history["epoch"])
    curves = {}
    for key in CURVE_KEYS:
        try:
            values = np.asarray(history.get(key, [math.nan] * n), dtype=float)
        except (TypeError, ValueError):
            raise ValueError(f"history[{key!r}] must hold numbers, got {history[key]!r:.80}") from None
        if values.shape != (n,):
            raise ValueError(f"history[{key!r}] must have one value per record ({n}), got shape {values.shape}")
        curves[key] = values
    return curves


class TrainingCurvesView:
    """Loss (left) and accuracy (right) against epochs; ``update(curves)`` redraws with new points.

    num_epochs: fixes the x axis to 0..num_epochs so it does not jump while training (None:
    follow the data). The loss axis only ever grows (losses mostly fall), so while training
    the axes stay put and only the curves change: ``dynamic`` lists those artists and
    ``static_key`` the axis limits, for ``cnnlib.plotting.render.FastRedraw``.
    """

    def __init__(self, fig, num_epochs=None, title=None):
        self.fig = fig
        self.num_epochs = num_epochs
        self.title = title
        self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.16, top=0.8, wspace=0.22)
        style = {"train": dict(color="tab:blue", linewidth=2.5), "test": dict(color="tab:orange", linewidth=2.5)}
        self.lines = {}
        for ax, what in ((self.ax_loss, "loss"), (self.ax_acc, "accuracy")):
            for split in ("train", "test"):
                (self.lines[split, what],) = ax.plot([], [], marker="o", markersize=4, label=split, **style[split])
            ax.set_xlabel("epoch", fontsize=LABEL_SIZE)
            ax.set_ylabel(what, fontsize=LABEL_SIZE)
            ax.set_title(what, fontsize=TITLE_SIZE)
            ax.tick_params(labelsize=TICK_SIZE)
            ax.grid(True, alpha=0.3)
        self.legends = [ax.legend(fontsize=LABEL_SIZE, loc=loc)
                        for ax, loc in ((self.ax_loss, "upper right"), (self.ax_acc, "lower right"))]
        self.ax_acc.set_ylim(0, 1.02)
        self.loss_top = 0.0
        self.suptitle = fig.suptitle(title or "", fontsize=SUPTITLE_SIZE)
        self.dynamic = [*self.lines.values(), *self.legends, self.suptitle]
        self.slow = []

    def update(self, curves):
        """curves: dict of arrays from ``curves_from``."""
        epoch = curves["epoch"]
        for (split, what), line in self.lines.items():
            key = f"{split}_accuracy" if what == "accuracy" else ("loss" if split == "train" else "test_loss")
            keep = np.isfinite(curves[key])
            line.set_data(epoch[keep], curves[key][keep])
        right = self.num_epochs if self.num_epochs else max(1.0, float(epoch.max()) if epoch.size else 1.0)
        for ax in (self.ax_loss, self.ax_acc):
            ax.set_xlim(0, right * 1.02)
        losses = np.concatenate([curves["loss"], curves["test_loss"]])
        losses = losses[np.isfinite(losses)]
        if losses.size:
            self.loss_top = max(self.loss_top, float(losses.max()) * 1.08)
            self.ax_loss.set_ylim(0, self.loss_top or 1.0)
        self.suptitle.set_text(self.title or _summary(curves))
        self.slow_key = None
        self.static_key = (right, self.loss_top)


def _summary(curves):
    """"epoch 3: loss 0.412, train accuracy 0.874, test accuracy 0.861" for the last record."""
    if not curves["epoch"].size:
        return "waiting for the first record"
    parts = [f"epoch {curves['epoch'][-1]:g}: loss {curves['loss'][-1]:.3f}"]
    for key, name in (("train_accuracy", "train accuracy"), ("test_accuracy", "test accuracy")):
        values = curves[key][np.isfinite(curves[key])]
        if values.size:
            parts.append(f"{name} {values[-1]:.3f}")
    return ", ".join(parts)


def plot_training_curves(history, title=None, fig=None):
    """Loss and accuracy curves, train and test (where measured) against epochs.

    history: ``cnnlib.train.History``, a dict of lists, or a list of records. Returns the Figure.
    """
    curves = curves_from(history)
    if not curves["epoch"].size:
        raise ValueError("history has no records yet; expected at least one (fit records one per epoch)")
    fig = new_figure((14, 4.8), fig)
    TrainingCurvesView(fig, title=title).update(curves)
    return fig
