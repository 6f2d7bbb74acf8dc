"""Per-layer activation statistics, pictured: does a signal keep its size through a deep network?

    plot_activation_stats({"He normal": stats, ...})        spread of activations and of weight gradients
                                                            per block, one line per setting (log scale)
    plot_activation_histograms({"He normal": stats, ...})   one panel per setting: every block's
                                                            activations as a histogram of log10(value)

``stats`` are ``cnnlib.activation_stats.LayerStatistics``. On a log axis a signal that shrinks by the
same factor in every layer is a straight line going down (vanishing), one that grows is a line going
up (exploding), and a flat line is a signal that keeps its size.
"""

import numpy as np

from cnnlib.plotting.style import LABEL_SIZE, SUPTITLE_SIZE, TICK_SIZE, TITLE_SIZE, new_figure

# One colour per setting, in order (the course's four initialisations first).
SETTING_COLORS = ("tab:blue", "tab:green", "tab:red", "tab:purple", "tab:orange", "tab:brown")


def _check_stats(stats_by_label):
    if not isinstance(stats_by_label, dict) or not stats_by_label:
        raise ValueError("expected a dict {label: LayerStatistics} with at least one entry, "
                         f"got {type(stats_by_label).__name__}")
    for label, stats in stats_by_label.items():
        if not hasattr(stats, "std") or not hasattr(stats, "values"):
            raise ValueError(f"stats[{label!r}] must be a cnnlib.activation_stats.LayerStatistics, "
                             f"got {type(stats).__name__}")
    return stats_by_label


def plot_activation_stats(stats_by_label, title=None, fig=None):
    """Two panels: the standard deviation (solid) and mean (dashed) of every block's activations, and the
    standard deviation of its weight gradients, against the block's depth, one colour per setting, on log
    axes. Returns the Figure."""
    stats_by_label = _check_stats(stats_by_label)
    fig = new_figure((14, 5.2), fig)
    ax_act, ax_grad = fig.subplots(1, 2)
    for (label, stats), color in zip(stats_by_label.items(), SETTING_COLORS):
        blocks = np.arange(1, len(stats.std) + 1)
        for ax, values in ((ax_act, stats.std), (ax_grad, stats.grad_std)):
            positive = np.where(values > 0, values, np.nan)  # an exact 0 has no place on a log axis
            ax.semilogy(blocks, positive, marker="o", markersize=7, linewidth=2.5, color=color, label=label)
        mean = np.where(stats.mean > 0, stats.mean, np.nan)
        ax_act.semilogy(blocks, mean, linestyle="--", linewidth=1.8, color=color)
    for ax, what in ((ax_act, "activations after each ReLU (dashed: mean)"), (ax_grad, "gradients of the weights")):
        ax.set_xlabel("block (conv → ReLU), input side first", fontsize=LABEL_SIZE)
        ax.set_ylabel("standard deviation (log scale)", fontsize=LABEL_SIZE)
        ax.set_title(f"spread of the {what}", fontsize=TITLE_SIZE)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(alpha=0.3, which="major")
    ax_act.legend(fontsize=LABEL_SIZE - 1, loc="best")
    if title:
        fig.suptitle(title, fontsize=SUPTITLE_SIZE)
    fig.tight_layout()
    return fig


def plot_activation_histograms(stats_by_label, title=None, fig=None, bins=60):
    """One panel per setting; in each, one histogram per block (the input side at the top) of
    log10 of its positive activations (ReLU's zeros have no logarithm and are left out).
    A distribution that slides left from block to block is a vanishing signal, one that slides
    right an exploding one. Returns the Figure."""
    stats_by_label = _check_stats(stats_by_label)
    fig = new_figure((14, 6.2), fig)
    axes = np.atleast_1d(fig.subplots(1, len(stats_by_label), sharey=True))
    for ax, (label, stats), color in zip(axes, stats_by_label.items(), SETTING_COLORS):
        logs = [np.log10(v[v > 0]) for v in stats.values]
        finite = np.concatenate([lv[np.isfinite(lv)] for lv in logs]) if logs else np.zeros(0)
        low, high = (np.floor(finite.min()), np.ceil(finite.max())) if finite.size else (-1.0, 1.0)
        edges = np.linspace(low, max(high, low + 1), bins + 1)
        for depth, lv in enumerate(logs):
            counts, _ = np.histogram(lv, bins=edges)
            height = counts / max(counts.max(), 1) * 0.9  # each block's histogram one row high
            ax.fill_between(edges[:-1], -depth, -depth + height, step="post", color=color, alpha=0.75)
        ax.set_yticks(-np.arange(len(logs)), [f"{i + 1}" for i in range(len(logs))])
        ax.set_xlabel("log10(activation)", fontsize=LABEL_SIZE)
        ax.set_title(label, fontsize=TITLE_SIZE)
        ax.tick_params(labelsize=TICK_SIZE)
        ax.grid(alpha=0.3, axis="x")
    axes[0].set_ylabel("block (input side at the top)", fontsize=LABEL_SIZE)
    if title:
        fig.suptitle(title, fontsize=SUPTITLE_SIZE)
    fig.tight_layout()
    return fig
