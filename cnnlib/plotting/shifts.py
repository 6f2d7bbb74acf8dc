"""The shift test as a picture: test accuracy against how far the digits were moved (notebooks 09 and 10).

    plot_accuracy_against_shift((0, 1, 2, 3, 4), {"dense": acc_dense, "LeNet": acc_lenet})

Each curve is one network: its accuracies at every distance, one row per seed, drawn as the mean with
a bar from the lowest to the highest seed (no bar for one seed).
"""

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_ndim
from cnnlib.plotting.style import LABEL_SIZE, TICK_SIZE, TITLE_SIZE, new_figure

#: Colours and line styles by position: the first curve grey, then blue, green, ...
_STYLES = [("tab:gray", "-"), ("tab:blue", "-"), ("tab:green", "-"), ("tab:red", "-"), ("tab:purple", "-"),
           ("tab:orange", "-")]


def plot_accuracy_against_shift(distances, curves, title=None, chance=0.1, styles=None, fig=None):
    """distances: (D,) shifts in pixels; curves: {label: accuracies (D,) or (S, D), one row per seed} ->
    Figure with one line per label (the mean over seeds, a bar from the lowest to the highest seed).

    chance: draws a dotted line at this accuracy (None: none). styles: optional {label: (colour,
    line style)}, e.g. a dashed line for an augmented network.
    """
    distances = as_float_array("distances", distances)
    check_ndim("distances", distances, 1, "(D,)")
    if not isinstance(curves, dict) or not curves:
        raise ValueError(f"curves must be a non-empty dict {{label: accuracies}}, got {type(curves).__name__}")
    fig = new_figure((12, 5.5), fig)
    ax = fig.add_subplot(1, 1, 1)
    for k, (label, values) in enumerate(curves.items()):
        values = as_float_array(f"curves[{label!r}]", values)
        values = values[None] if values.ndim == 1 else values  # (S, D)
        check_ndim(f"curves[{label!r}]", values, 2, "(D,) or (S, D)")
        check_finite(f"curves[{label!r}]", values)
        if values.shape[1] != len(distances):
            raise ValueError(f"curves[{label!r}] has {values.shape[1]} accuracies per seed, expected one per "
                             f"distance ({len(distances)})")
        color, style = (styles or {}).get(label, _STYLES[k % len(_STYLES)])
        mean = values.mean(axis=0)
        spread = None if len(values) == 1 else np.stack([mean - values.min(axis=0), values.max(axis=0) - mean])
        ax.errorbar(distances, mean, yerr=spread, color=color, linestyle=style, linewidth=2.5, marker="o",
                    markersize=8, capsize=5, label=label)
    if chance is not None:
        ax.axhline(chance, color="black", linestyle=":", linewidth=1.5, label="chance")
    ax.set_xticks(distances, [f"{d:g}" for d in distances], fontsize=TICK_SIZE)
    ax.tick_params(axis="y", labelsize=TICK_SIZE)
    ax.set_ylim(0, 1)
    ax.set_xlabel("shift of the test digits (pixels)", fontsize=LABEL_SIZE)
    ax.set_ylabel("test accuracy", fontsize=LABEL_SIZE)
    ax.set_title(title or "accuracy against shift", fontsize=TITLE_SIZE)
    ax.grid(alpha=0.3)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: labels[i] == "chance")  # the networks first, in order
    ax.legend([handles[i] for i in order], [labels[i] for i in order], fontsize=TICK_SIZE, loc="lower left")
    fig.tight_layout()
    return fig
