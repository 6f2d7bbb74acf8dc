"""Saliency pictured: each image next to its occlusion map and its gradient map (``cnnlib.saliency``).
"""

import numpy as np


def plot_saliency(images, occlusions, gradients, titles=None, fig=None):
    """One row per image: the image | its occlusion map | its gradient saliency.

    images, occlusions, gradients: sequences of (H, W) arrays (one of each per row); titles:
    one string per row (e.g. "7, predicted 7 (0.98)"). Both maps use a diverging scale centred on
    0 (red: evidence for the class, blue: against), each with its own limits. Returns the Figure.
    """
    from cnnlib.plotting.style import DIVERGING, GRAY, add_colorbar, bare_axes, new_figure, symmetric_limits

    images, occlusions, gradients = list(images), list(occlusions), list(gradients)
    if not images or not len(images) == len(occlusions) == len(gradients):
        raise ValueError(f"images, occlusions and gradients must be non-empty and of the same length, got "
                         f"{len(images)}, {len(occlusions)} and {len(gradients)}")
    titles = [""] * len(images) if titles is None else list(titles)
    fig = new_figure((11, 3.4 * len(images)), fig)
    axes = fig.subplots(len(images), 3, squeeze=False)
    for row, (image, occ, grad, title) in enumerate(zip(images, occlusions, gradients, titles)):
        axes[row, 0].imshow(np.asarray(image), cmap=GRAY, interpolation="nearest")
        bare_axes(axes[row, 0], title)
        panels = ((axes[row, 1], occ, "occlusion: drop in p"), (axes[row, 2], grad, "gradient of the score"))
        for ax, values, what in panels:
            lo, hi = symmetric_limits(values)
            im = ax.imshow(np.asarray(values), cmap=DIVERGING, vmin=lo, vmax=hi, interpolation="nearest")
            bare_axes(ax, what)
            add_colorbar(fig, im, ax)
    fig.subplots_adjust(left=0.02, right=0.92, wspace=0.35, hspace=0.3)
    return fig
