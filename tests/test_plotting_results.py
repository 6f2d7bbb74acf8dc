"""The result pictures: confusion matrix, misclassified gallery, receptive field (drawn off screen by Agg)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnlib.metrics import confusion_matrix
from cnnlib.nets.lenet import build_lenet
from cnnlib.plotting import plot_confusion_matrix, plot_misclassified, plot_receptive_field
from cnnlib.receptive_field import input_gradient, receptive_field_map


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_confusion_matrix_writes_every_count():
    cm = confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], num_classes=3)
    fig = plot_confusion_matrix(cm)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == 9 and texts.count("0") == 4 and texts.count("1") == 5
    assert "3 of 5 right" in ax.get_title()
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true"
    assert fig.get_figwidth() <= 14 and ax.title.get_fontsize() >= 12


@pytest.mark.parametrize("cm, message", [(np.zeros((2, 3)), "square"), (np.zeros(4), "square")])
def test_confusion_matrix_rejects_bad_shapes(cm, message):
    with pytest.raises(ValueError, match=message):
        plot_confusion_matrix(cm)
    with pytest.raises(ValueError, match="class_names"):
        plot_confusion_matrix(np.eye(3, dtype=int), class_names=["a", "b"])


def test_misclassified_gallery_titles_say_true_and_predicted():
    images = np.random.default_rng(0).random((5, 1, 28, 28))
    fig = plot_misclassified(images, [3, 5, 7, 8, 9], [8, 3, 1, 3, 4], probs=[0.9, 0.5, 0.6, 0.7, 0.8], cols=4)
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 5
    assert visible[0].get_title() == "true 3 → 8\n(p = 0.90)"
    assert fig.get_figwidth() <= 14
    assert all(ax.title.get_fontsize() >= 12 for ax in visible)


def test_misclassified_gallery_rejects_mismatched_labels():
    with pytest.raises(ValueError, match="one label per image"):
        plot_misclassified(np.zeros((3, 28, 28)), [1, 2], [2, 1])
    with pytest.raises(ValueError, match="at least one"):
        plot_misclassified(np.zeros((0, 28, 28)), [], [])
    with pytest.raises(ValueError, match="probs"):
        plot_misclassified(np.zeros((2, 28, 28)), [1, 2], [2, 1], probs=[0.5])


def test_receptive_field_picture_outlines_the_field():
    layers = build_lenet(0).layers[:5]
    x = np.random.default_rng(0).random((1, 1, 28, 28))
    counts = receptive_field_map(layers, (1, 28, 28), (0, 5, 5))
    grad = input_gradient(layers, x, (0, 5, 5))
    fig = plot_receptive_field(x[0, 0], counts, grad, 8)
    boxes = [p for ax in fig.axes for p in ax.patches]
    assert len(boxes) == 3
    assert (boxes[0].get_x(), boxes[0].get_y(), boxes[0].get_width(), boxes[0].get_height()) == (9.5, 9.5, 8, 8)
    assert "8×8" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="one shape"):
        plot_receptive_field(x[0, 0], counts[:-1], grad, 8)
    with pytest.raises(ValueError, match="zero everywhere"):
        plot_receptive_field(x[0, 0], np.zeros_like(counts), grad, 8)
