"""The learning-rate finder and learning-rate schedules, pictured.

    plot_lr_finder(result)                     the loss of every step against its rate (log axis), raw and
                                               smoothed, with the lowest smoothed loss and the suggestion
    plot_schedules({"cosine": s, ...}, 500)    the rate of every step of a run, one line per schedule

``result`` is a ``cnnlib.lr_finder.LRFinderResult``; a schedule is any callable ``step -> lr``
(``cnnlib.schedules``).
"""

import numpy as np

from cnnlib.plotting.activation_stats import SETTING_COLORS
from cnnlib.plotting.style import LABEL_SIZE, TICK_SIZE, TITLE_SIZE, new_figure
from cnnlib.schedules import values


def plot_lr_finder(result, title=None, fig=None):
    """Loss against learning rate for one finder run (log rate axis). Returns the Figure."""
    if not hasattr(result, "smoothed") or not hasattr(result, "suggested_lr"):
        raise ValueError(f"result must be a cnnlib.lr_finder.LRFinderResult, got {type(result).__name__}")
    fig = new_figure((12, 5.2), fig)
    ax = fig.subplots()
    ax.semilogx(result.lr, result.loss, color="tab:gray", alpha=0.5, linewidth=1.5, label="loss of each batch")
    ax.semilogx(result.lr, result.smoothed, color="tab:blue", linewidth=3, label="smoothed")
    best = int(np.argmin(result.smoothed))
    ax.plot(result.best_lr, result.smoothed[best], marker="o", markersize=12, color="tab:blue",
            label=f"lowest smoothed loss, lr {result.best_lr:.2g}")
    ax.axvline(result.suggested_lr, color="tab:red", linewidth=2.5, linestyle="--",
               label=f"suggestion: a tenth of that, {result.suggested_lr:.2g}")
    finite = result.loss[np.isfinite(result.loss)]
    top = min(float(finite.max()), 2.5 * float(result.smoothed[0])) if finite.size else 1.0
    ax.set_ylim(0, top * 1.05)  # the run's last steps shoot up: keep the interesting part readable
    ax.set_xlabel("learning rate (log scale)", fontsize=LABEL_SIZE)
    ax.set_ylabel("training loss", fontsize=LABEL_SIZE)
    ax.set_title(title or f"learning-rate finder: {len(result.lr)} steps"
                 + (", stopped when the loss ran away" if result.diverged else ""), fontsize=TITLE_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=LABEL_SIZE - 1, loc="upper left")
    fig.tight_layout()
    return fig


def plot_schedules(schedules, num_steps, title=None, fig=None):
    """The rate of each of ``num_steps`` steps under every schedule of ``schedules`` ({label: schedule}).
    Returns the Figure."""
    if not isinstance(schedules, dict) or not schedules:
        raise ValueError(f"schedules must be a dict {{label: schedule}} with at least one entry, "
                         f"got {type(schedules).__name__}")
    fig = new_figure((12, 4.8), fig)
    ax = fig.subplots()
    steps = np.arange(num_steps)
    for (label, schedule), color in zip(schedules.items(), SETTING_COLORS):
        ax.plot(steps, values(schedule, num_steps), linewidth=3, color=color, label=label)
    ax.set_xlabel("training step", fontsize=LABEL_SIZE)
    ax.set_ylabel("learning rate", fontsize=LABEL_SIZE)
    ax.set_title(title or f"learning-rate schedules over {num_steps} steps", fontsize=TITLE_SIZE)
    ax.tick_params(labelsize=TICK_SIZE)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=LABEL_SIZE - 1, loc="upper right")
    fig.tight_layout()
    return fig
