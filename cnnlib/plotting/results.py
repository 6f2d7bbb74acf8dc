"""Pictures of what a trained classifier does: its confusion matrix, its mistakes, one unit's receptive field.

    plot_confusion_matrix(cm)                               cm: (C, C) counts -> Figure
    plot_misclassified(images, y_true, y_pred, probs=None)  images: (M, H, W) or (M, 1, H, W) -> Figure
    plot_receptive_field(image, counts, grad, size)         image, counts, grad: (H, W) -> Figure

Sized for a projector (fonts of 12 pt and more, at most 14 inches wide); digits are drawn
like every picture in ``cnnlib.plotting`` (``GRAY``: ink light on a dark background).
"""

import numpy as np
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from cnnlib._checks import as_array, as_float_array, check_finite, check_ndim, check_positive_int, check_shape
from cnnlib._checks_extra import check_int_labels, check_texts
from cnnlib.plotting.style import (
    DIVERGING,
    GRAY,
    LABEL_SIZE,
    SUPTITLE_SIZE,
    TICK_SIZE,
    TITLE_SIZE,
    add_colorbar,
    bare_axes,
    new_figure,
    symmetric_limits,
)


def plot_confusion_matrix(cm, title=None, class_names=None, fig=None):
    """cm: (C, C) counts, row = true class, column = predicted -> Figure with every count written in.

    The colours show the off-diagonal counts only (the mistakes), so that a handful of
    confusions is not washed out by the hundreds of correct answers on the diagonal.
    """
    cm = as_array("cm", cm)
    if cm.ndim != 2 or cm.shape[0] != cm.shape[1] or cm.shape[0] == 0:
        raise ValueError(f"cm must be a square (C, C) array of counts, got shape {cm.shape}")
    n = cm.shape[0]
    names = [str(i) for i in range(n)] if class_names is None else \
        check_texts("class_names", class_names, n, "row of cm")
    fig = new_figure((9, 8), fig)
    ax = fig.add_subplot(1, 1, 1)
    mistakes = cm.astype(float)
    np.fill_diagonal(mistakes, np.nan)  # NaN cells are drawn transparent
    top = max(float(np.nanmax(mistakes)) if n > 1 else 0.0, 1.0)
    im = ax.imshow(mistakes, cmap="Reds", vmin=0, vmax=top)
    for i in range(n):
        for j in range(n):
            strong = i != j and cm[i, j] > 0.6 * top
            ax.text(j, i, f"{cm[i, j]:d}", ha="center", va="center", fontsize=TICK_SIZE,
                    fontweight="bold" if i == j else "normal", color="white" if strong else "black")
    ax.set_xticks(range(n), names, fontsize=TICK_SIZE)
    ax.set_yticks(range(n), names, fontsize=TICK_SIZE)
    ax.set_xlabel("predicted", fontsize=LABEL_SIZE)
    ax.set_ylabel("true", fontsize=LABEL_SIZE)
    add_colorbar(fig, im, ax, label="mistakes").ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title or f"confusion matrix: {int(np.trace(cm)):,} of {int(cm.sum()):,} right",
                 fontsize=TITLE_SIZE)
    return fig


def plot_misclassified(images, y_true, y_pred, probs=None, cols=8, title=None, fig=None):
    """A gallery of mistakes: images (M, H, W) or (M, 1, H, W); y_true, y_pred: (M,) labels;
    probs: optional (M,) probability the net gave its (wrong) answer -> Figure.

    Each panel's title reads "true 4 → 9" (and the probability when given).
    """
    images = as_float_array("images", images)
    if images.ndim == 4 and images.shape[1] == 1:
        images = images[:, 0]  # (M, 1, H, W) -> (M, H, W)
    check_ndim("images", images, 3, "(M, H, W) or (M, 1, H, W)")
    m = images.shape[0]
    y_true, y_pred = check_int_labels("y_true", y_true), check_int_labels("y_pred", y_pred)
    if y_true.shape != (m,) or y_pred.shape != (m,):
        raise ValueError(f"y_true and y_pred must have shape ({m},), one label per image, "
                         f"got {y_true.shape} and {y_pred.shape}")
    if probs is not None:
        probs = as_float_array("probs", probs)
        check_shape("probs", probs, (m,))
        check_finite("probs", probs)
    if m == 0:
        raise ValueError("no images to show: the gallery needs at least one")
    cols = min(check_positive_int("cols", cols), m)
    rows = -(-m // cols)
    fig = new_figure((min(14, 1.75 * cols), (2.7 if probs is not None else 2.3) * rows + 0.7), fig)
    axes = fig.subplots(rows, cols, squeeze=False)
    for k, ax in enumerate(axes.ravel()):
        if k >= m:
            ax.set_visible(False)
            continue
        ax.imshow(images[k], cmap=GRAY)
        label = f"true {y_true[k]} → {y_pred[k]}"
        if probs is not None:
            label += f"\n(p = {float(probs[k]):.2f})"
        bare_axes(ax)
        ax.set_title(label, fontsize=TICK_SIZE + 1)
    fig.suptitle(title or f"{m} misclassified digits", fontsize=SUPTITLE_SIZE)
    fig.tight_layout()
    return fig


def _box(ax, counts, color):
    rows, cols = np.nonzero(counts)
    ax.add_patch(Rectangle((cols.min() - 0.5, rows.min() - 0.5), cols.max() - cols.min() + 1,
                           rows.max() - rows.min() + 1, fill=False, edgecolor=color, linewidth=3))


def plot_receptive_field(image, counts, grad, size, title=None, fig=None):
    """Three panels for one unit: the image with its receptive field outlined; ``counts`` (H, W), the
    paths from each pixel to the unit (``receptive_field_map``); ``grad`` (H, W), d(unit)/d(pixel)
    through the trained net (``input_gradient``). size: the receptive field's side, for the titles.
    """
    image, counts, grad = (as_float_array(name, a) for name, a in
                           (("image", image), ("counts", counts), ("grad", grad)))
    image = image[0] if image.ndim == 3 and image.shape[0] == 1 else image
    for name, a in (("image", image), ("counts", counts), ("grad", grad)):
        check_ndim(name, a, 2, "(H, W)")
    if not image.shape == counts.shape == grad.shape:
        raise ValueError(f"image, counts and grad must have one shape, got {image.shape}, {counts.shape}, "
                         f"{grad.shape}")
    if not np.any(counts):
        raise ValueError("counts is zero everywhere: no receptive field to draw")
    fig = new_figure((14, 5.2), fig)
    ax_img, ax_cnt, ax_grad = fig.subplots(1, 3)
    ax_img.imshow(image, cmap=GRAY)
    _box(ax_img, counts, "tab:orange")
    bare_axes(ax_img, f"the image; {size}×{size} field")
    im = ax_cnt.imshow(np.where(counts > 0, counts, np.nan), cmap="viridis")
    _box(ax_cnt, counts, "tab:orange")
    bare_axes(ax_cnt, "paths to the unit")
    add_colorbar(fig, im, ax_cnt)
    lo, hi = symmetric_limits(grad)
    im = ax_grad.imshow(grad, cmap=DIVERGING, vmin=lo, vmax=hi)
    _box(ax_grad, counts, "tab:orange")
    bare_axes(ax_grad, "d unit / d pixel, trained net")
    add_colorbar(fig, im, ax_grad)
    for ax in (ax_cnt, ax_grad):
        ax.set_facecolor("0.85")
    fig.suptitle(title or "what one unit of layer 2 sees", fontsize=SUPTITLE_SIZE)
    fig.subplots_adjust(left=0.02, right=0.94, top=0.82, bottom=0.03, wspace=0.25)
    return fig
