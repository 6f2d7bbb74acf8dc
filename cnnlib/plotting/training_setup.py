"""One training set-up of the deep net, pictured: its activations at the start, and its first steps of training.

    state = training_setup_state(stats, run, init="He normal", batch_norm=True, lr=0.03)
    plot_training_setup(state, limits)       activation spread per block | training loss per step

``stats`` is the ``cnnlib.activation_stats.LayerStatistics`` of the freshly built network, ``run`` the
``cnnlib.nets.deep_net.DeepNetRun`` of its short training. ``TrainingSetupView`` keeps the figure and
only changes the bars, the curve and the texts, for the ``training_setup_explorer`` widget; ``limits``
(from ``setup_limits``) keep the axes the same for every set-up, so that moving a control compares
like with like.
"""

import math
from dataclasses import dataclass

import numpy as np

from cnnlib.plotting.style import LABEL_SIZE, SUPTITLE_SIZE, TICK_SIZE, TITLE_SIZE, WIDGET_WIDTH, new_figure

# The figure's size in inches: 410 pixels high at the widgets' 72 dpi.
SETUP_SIZE = (WIDGET_WIDTH, 5.7)


# The loss axis ends here: a loss above it (a diverging run) is drawn at the top edge.
LOSS_TOP = 4.0


@dataclass(frozen=True)
class TrainingSetupState:
    """init (its label), batch_norm, lr: the set-up; std, mean: (B,) activation statistics per block
    at the start; steps, losses: (R,) the run's records; val_accuracy (NaN if it diverged); diverged_at:
    the step at which its weights overflowed, or None; total_steps: the run's planned length."""

    init: str
    batch_norm: bool
    lr: float
    std: np.ndarray
    mean: np.ndarray
    steps: np.ndarray
    losses: np.ndarray
    val_accuracy: float
    diverged_at: object
    total_steps: int


def training_setup_state(stats, run, init, batch_norm, lr, total_steps=None):
    """The numbers ``TrainingSetupView`` shows for one set-up (see ``TrainingSetupState``)."""
    if not hasattr(stats, "std") or not hasattr(run, "history"):
        raise ValueError(f"expected a LayerStatistics and a DeepNetRun, got {type(stats).__name__} and "
                         f"{type(run).__name__}")
    steps = np.asarray(run.history.step, dtype=float)
    total = total_steps if total_steps is not None else int(steps[-1]) if steps.size else 1
    return TrainingSetupState(init=init, batch_norm=bool(batch_norm), lr=float(lr), std=np.asarray(stats.std),
                              mean=np.asarray(stats.mean), steps=steps,
                              losses=np.asarray(run.history.loss, dtype=float), val_accuracy=run.val_accuracy,
                              diverged_at=run.diverged_at, total_steps=int(total))


def setup_limits(states):
    """Axis limits shared by ``states``: the activation axis from the smallest to the largest spread
    (log scale, whole powers of ten) and the step axis to the longest run."""
    stds = np.concatenate([s.std[s.std > 0] for s in states])
    low = 10.0 ** math.floor(np.log10(stds.min())) if stds.size else 1e-3
    high = 10.0 ** math.ceil(np.log10(stds.max())) if stds.size else 10.0
    return {"std": (low, max(high, low * 10)), "steps": max(s.total_steps for s in states)}


def setup_caption(state):
    """The two lines that say what ``state`` shows: the set-up ('He normal, batch norm on, lr 0.03') and
    what happened (the activation spread from the first block to the last, and the run's outcome)."""
    return (f"{state.init}, batch norm {'on' if state.batch_norm else 'off'}, lr {state.lr:g}",
            f"activation spread from {state.std[0]:.2g} (block 1) to {state.std[-1]:.2g} (block {len(state.std)});"
            f"   {_outcome(state)}")


def _outcome(state):
    """'loss 2.31 → 0.82 after 50 steps; validation accuracy 0.76' (or how it diverged)."""
    if state.diverged_at is not None:
        return f"the weights overflowed at step {state.diverged_at}: diverged"
    if not state.losses.size:
        return "no record"
    first, last = state.losses[0], state.losses[-1]
    fmt = (lambda v: f"{v:.3g}") if max(first, last) < 1e4 else (lambda v: f"{v:.1e}")
    return (f"loss {fmt(first)} → {fmt(last)} after {int(state.steps[-1])} steps; "
            f"validation accuracy {state.val_accuracy:.2f}")


class TrainingSetupView:
    """Activation spread (bars) and mean (dots) per block, log scale | the training loss per record (a line).

    captions: False leaves out the two lines of ``setup_caption`` above the panels (the widget shows
    them as HTML above its picture: text is what takes longest to draw).
    """

    def __init__(self, fig, state, limits=None, captions=True):
        self.fig = fig
        self.num_blocks = len(state.std)
        limits = limits or setup_limits([state])
        ax_act, ax_loss = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
        fig.subplots_adjust(left=0.07, right=0.98, bottom=0.15, top=0.8 if captions else 0.9, wspace=0.22)
        blocks = np.arange(1, self.num_blocks + 1)
        self.bars = ax_act.bar(blocks, np.ones(self.num_blocks), color="tab:blue", width=0.7, label="std")
        (self.means,) = ax_act.plot(blocks, np.ones(self.num_blocks), linestyle="none", marker="o", markersize=9,
                                    color="black", label="mean")
        ax_act.set_yscale("log")
        ax_act.set_ylim(*limits["std"])
        ax_act.axhline(1.0, color="gray", linewidth=1, linestyle="--", zorder=0.6)  # under the bars, as in a blit
        ax_act.set_xticks(blocks)
        ax_act.set_xlabel("block (conv → ReLU), input side first", fontsize=LABEL_SIZE)
        ax_act.set_ylabel("activations (log scale)", fontsize=LABEL_SIZE)
        legend = ax_act.legend(fontsize=TICK_SIZE, loc="upper right", ncol=2)
        ax_act.set_title("at the start, before any training", fontsize=TITLE_SIZE)
        (self.line,) = ax_loss.plot([], [], marker="o", markersize=3, linewidth=2.5, color="tab:red")
        (self.cross,) = ax_loss.plot([], [], marker="X", markersize=16, color="black", linestyle="none")
        ax_loss.axhline(math.log(10), color="gray", linewidth=1, linestyle="--", zorder=0.6)
        ax_loss.text(0.99, math.log(10), "chance: ln 10 ", ha="right", va="bottom", fontsize=TICK_SIZE,
                     color="gray", transform=ax_loss.get_yaxis_transform(), zorder=0.6)
        ax_loss.set_xlim(0, limits["steps"] * 1.02)
        ax_loss.set_ylim(0, LOSS_TOP)
        ax_loss.set_xlabel("training step", fontsize=LABEL_SIZE)
        ax_loss.set_ylabel("training loss", fontsize=LABEL_SIZE)
        ax_loss.set_title("the first steps of training", fontsize=TITLE_SIZE)
        for ax in (ax_act, ax_loss):
            ax.tick_params(labelsize=TICK_SIZE)
            ax.set_axisbelow(True)  # grid lines under the bars and the curve (which a blit draws last)
            ax.grid(alpha=0.3, axis="y")
        self.captions = [fig.suptitle("", fontsize=SUPTITLE_SIZE),
                         fig.text(0.5, 0.855, "", ha="center", fontsize=LABEL_SIZE)] if captions else []
        # the legend is redrawn too: a blit draws the bars last, and the legend must stay on top of them
        self.dynamic = [*self.bars, self.means, legend, self.line, self.cross, *self.captions]
        self.slow = []
        self.slow_key = None
        self.static_key = (tuple(limits["std"]), limits["steps"])
        self.update(state)

    def fits(self, state):
        """True for a network with the same number of blocks."""
        return len(state.std) == self.num_blocks

    def update(self, state, limits=None, captions=None):
        """Show ``state``; the axes keep the limits and captions the view was built with (the keywords
        are ignored)."""
        low = self.bars[0].axes.get_ylim()[0]
        for bar, value in zip(self.bars, state.std):
            bar.set_height(max(value, low * 1.0001))  # an exact 0 shows as an empty column
        self.means.set_ydata(np.where(state.mean > 0, state.mean, np.nan))
        losses = np.minimum(state.losses, LOSS_TOP)  # a diverging loss runs along the top edge
        self.line.set_data(state.steps, losses)
        self.cross.set_data(([state.diverged_at], [LOSS_TOP * 0.97]) if state.diverged_at is not None else ([], []))
        for artist, text in zip(self.captions, setup_caption(state)):
            artist.set_text(text)


def plot_training_setup(state, limits=None, fig=None):
    """Draw one set-up (``TrainingSetupState``): its activation spread per block at the start and its
    training loss over the first steps. Returns the Figure."""
    fig = new_figure(SETUP_SIZE, fig)
    TrainingSetupView(fig, state, limits)
    return fig
