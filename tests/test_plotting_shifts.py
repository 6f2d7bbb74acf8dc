"""The shift test's picture: one line per network, mean over seeds with the seeds' range (drawn off screen)."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnnlib.plotting import plot_accuracy_against_shift


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_one_line_per_network_at_the_mean_of_its_seeds():
    seeds = np.array([[0.9, 0.8, 0.5], [0.94, 0.82, 0.6]])  # (2 seeds, 3 distances)
    fig = plot_accuracy_against_shift([0, 1, 2], {"dense": [0.9, 0.6, 0.3], "LeNet": seeds}, title="t",
                                      styles={"LeNet": ("tab:blue", "--")})
    ax = fig.axes[0]
    labels = [text.get_text() for text in ax.get_legend().get_texts()]
    assert labels == ["dense", "LeNet", "chance"]
    curves = {c.get_label(): c for c in ax.containers}  # one errorbar container per network
    np.testing.assert_allclose(curves["LeNet"].lines[0].get_ydata(), seeds.mean(axis=0))
    assert curves["LeNet"].lines[0].get_linestyle() == "--" and curves["dense"].lines[0].get_linestyle() == "-"
    assert curves["LeNet"].has_yerr and not curves["dense"].has_yerr
    chance = [line for line in ax.get_lines() if line.get_label() == "chance"][0]
    np.testing.assert_allclose(chance.get_ydata(), [0.1, 0.1])
    assert ax.get_title() == "t" and ax.get_ylim() == (0, 1)
    assert fig.get_figwidth() <= 14 and ax.title.get_fontsize() >= 12
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]


@pytest.mark.parametrize("curves, match", [({}, "non-empty dict"), ([0.9, 0.8], "non-empty dict"),
                                           ({"a": [0.9, 0.8]}, "expected one per distance"),
                                           ({"a": [0.9, np.nan, 0.1]}, "finite"),
                                           ({"a": np.zeros((1, 1, 3))}, r"\(D,\) or \(S, D\)")])
def test_bad_curves_are_refused(curves, match):
    with pytest.raises(ValueError, match=match):
        plot_accuracy_against_shift([0, 1, 2], curves)
