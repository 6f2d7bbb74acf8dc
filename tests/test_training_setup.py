"""Notebook 12's deep net, its per-layer statistics, short runs that may diverge, their pictures and the widget."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from test_plotting import decode  # noqa: E402
from test_widgets import assert_silent, assert_texts_readable  # noqa: E402

from cnnlib.activation_stats import layer_statistics  # noqa: E402
from cnnlib.errors import NonFiniteError  # noqa: E402
from cnnlib.layers import BatchNorm2D, Conv2D, ReLU  # noqa: E402
from cnnlib.losses import softmax_cross_entropy  # noqa: E402
from cnnlib.nets.deep_net import build_deep_net, train_deep_net  # noqa: E402
from cnnlib.plotting.activation_stats import plot_activation_histograms, plot_activation_stats  # noqa: E402
from cnnlib.plotting.render import FastRedraw, figure_to_png, offscreen_figure  # noqa: E402
from cnnlib.plotting.training_setup import SETUP_SIZE, TrainingSetupView, setup_limits, training_setup_state  # noqa: E402
from cnnlib.weights_file import network_state  # noqa: E402
from cnnlib.widgets.training_setup import training_setup_explorer  # noqa: E402

RNG = np.random.default_rng(0)
X = RNG.random((48, 1, 28, 28))
Y = RNG.integers(0, 10, 48)


def test_the_deep_net_has_eight_convolutions_and_batch_norm_only_when_asked():
    plain, normed = build_deep_net(), build_deep_net(batch_norm=True)
    convs = [layer for layer in plain.layers if isinstance(layer, Conv2D)]
    assert len(convs) == 8 and [c.stride for c in convs] == [2, 2] + [1] * 6
    assert plain.forward(X[:2]).shape == (2, 10) and not plain.named_buffers()
    assert [type(layer) for layer in normed.layers[:3]] == [Conv2D, BatchNorm2D, ReLU]
    assert all(c.bias is None for c in normed.layers if isinstance(c, Conv2D))  # beta takes the bias's place
    assert normed.num_params() == plain.num_params() - 8 * 8 + 8 * 2 * 8  # no conv biases, gamma and beta
    w = build_deep_net(0.01).layers[2].params["w"]
    assert abs(w.std() / 0.01 - 1) < 0.1
    he = build_deep_net("he_normal", channels=32).layers[2].params["w"]
    assert abs(he.std() / np.sqrt(2 / (32 * 9)) - 1) < 0.05
    with pytest.raises(ValueError, match=r"init must be one of 'glorot_uniform'.*or a standard deviation > 0"):
        build_deep_net("he")
    with pytest.raises(ValueError, match=r"must be a finite number > 0"):
        build_deep_net(-1.0)
    with pytest.raises(ValueError, match=r"depth must be at least 2"):
        build_deep_net(depth=1)


def test_layer_statistics_are_those_of_each_relu_output_and_change_nothing():
    net = build_deep_net(batch_norm=True, depth=4)
    before = {k: p.copy() for k, p in network_state(net).items()}
    stats = layer_statistics(net, X[:16], Y[:16])
    for k, p in network_state(net).items():
        np.testing.assert_array_equal(p, before[k])  # a copy was measured: running statistics unchanged too
    assert stats.names == ("block 1", "block 2", "block 3", "block 4")
    h, outputs = X[:16], []
    for layer in net.layers:
        h = layer.forward(h, training=True)
        if isinstance(layer, ReLU):
            outputs.append(h)
    for out, mean, std, values in zip(outputs, stats.mean, stats.std, stats.values):
        assert mean == pytest.approx(out.mean()) and std == pytest.approx(out.std())
        np.testing.assert_array_equal(values, out.ravel())
    net.backward(softmax_cross_entropy(h, Y[:16])[1])
    convs = [layer for layer in net.layers if isinstance(layer, Conv2D)]
    np.testing.assert_allclose(stats.grad_std, [c.grads["w"].std() for c in convs], rtol=1e-12)
    with pytest.raises(ValueError, match=r"needs a Sequential with ReLU layers"):
        layer_statistics(build_deep_net().layers[0], X[:2], Y[:2])


def test_small_weights_vanish_he_keeps_the_spread_and_large_weights_explode():
    spread = {init: layer_statistics(build_deep_net(init), X[:16], Y[:16]).std for init in (0.01, "he_normal", 1.0)}
    assert spread[0.01][-1] < 1e-8 * spread[0.01][0]
    assert 0.1 < spread["he_normal"][-1] / spread["he_normal"][0] < 1
    assert spread[1.0][-1] > 1e3 * spread[1.0][0]


def test_a_run_that_overflows_says_where_instead_of_raising():
    run = train_deep_net(X, Y, X[:8], Y[:8], init=1.0, lr=0.3, num_epochs=2, batch_size=8, record_every=1)
    assert run.diverged_at is not None and np.isnan(run.val_accuracy)
    assert len(run.history) == run.diverged_at - 1  # every step before the one that overflowed is recorded
    good = train_deep_net(X, Y, X[:8], Y[:8], init="he_normal", batch_norm=True, lr=0.01, batch_size=16)
    assert good.diverged_at is None and good.history.step == [1, 2, 3] and 0 <= good.val_accuracy <= 1
    bad = X.copy()
    bad[0, 0, 0, 0] = np.nan
    with pytest.raises(NonFiniteError):  # not a divergence: the images themselves are not finite
        train_deep_net(bad, Y, X[:8], Y[:8])


def grid():
    stats, runs = {}, {}
    for label, init in (("small", 0.01), ("He", "he_normal")):
        for bn in (False, True):
            stats[label, bn] = layer_statistics(build_deep_net(init, batch_norm=bn, depth=3), X[:8], Y[:8])
            for lr in (0.01, 0.1):
                runs[label, bn, lr] = train_deep_net(X[:32], Y[:32], X[:8], Y[:8], init=init, batch_norm=bn, lr=lr,
                                                     batch_size=8, record_every=1)
    return stats, runs


STATS, RUNS = grid()


def test_pictures_of_the_statistics():
    fig = plot_activation_stats({"small": STATS["small", False], "He": STATS["He", False]}, title="four blocks")
    ax_act, ax_grad = fig.axes
    assert ax_act.get_yscale() == "log" and [line.get_label() for line in ax_act.lines[::2]] == ["small", "He"]
    np.testing.assert_allclose(ax_act.lines[2].get_ydata(), STATS["He", False].std)
    np.testing.assert_allclose(ax_act.lines[3].get_ydata(), STATS["He", False].mean)  # dashed: the mean
    assert "gradients" in ax_grad.get_title() and fig._suptitle.get_text() == "four blocks"
    plt.close(fig)
    fig = plot_activation_histograms({"small": STATS["small", False], "He": STATS["He", False]})
    assert [ax.get_title() for ax in fig.axes] == ["small", "He"]
    assert len(fig.axes[0].collections) == 3  # one histogram per block
    plt.close(fig)
    with pytest.raises(ValueError, match=r"expected a dict \{label: LayerStatistics\}"):
        plot_activation_stats([STATS["He", False]])


def test_the_explorer_shows_the_chosen_run(capsys):
    explorer = training_setup_explorer(RUNS, STATS)
    assert repr(explorer) == "TrainingSetupExplorer(2 initialisations × 2 batch-norm settings × 2 learning rates)"
    pictures = set()
    for label, bn, lr in [("He", True, 0.1), ("small", False, 0.01), ("He", False, 0.1)]:
        explorer.init.value, explorer.batch_norm.value, explorer.lr.value = label, bn, lr
        run, state = RUNS[label, bn, lr], explorer.state
        np.testing.assert_array_equal(state.losses, run.history.loss)
        np.testing.assert_array_equal(state.std, STATS[label, bn].std)
        heights = [bar.get_height() for bar in explorer.view.bars]
        np.testing.assert_allclose(heights, np.maximum(STATS[label, bn].std, heights), rtol=1e-3)
        np.testing.assert_allclose(explorer.view.means.get_ydata(), STATS[label, bn].mean)
        assert f"{label}, batch norm {'on' if bn else 'off'}, lr {lr:g}" in explorer.caption.value
        pictures.add(bytes(explorer.picture.value))
    assert len(pictures) == 3
    assert_texts_readable(explorer)
    assert_silent(capsys)
    with pytest.raises(ValueError, match=r"missing \('He', True, 0.1\)"):
        training_setup_explorer({k: v for k, v in RUNS.items() if k != ("He", True, 0.1)}, STATS)


def test_the_explorers_redraw_shows_what_a_full_drawing_shows():
    states = [training_setup_state(STATS[k[:2]], RUNS[k], *k, total_steps=4) for k in
              (("He", True, 0.01), ("small", False, 0.1), ("He", False, 0.1))]
    limits = setup_limits(states)
    fig = offscreen_figure(SETUP_SIZE)
    view = TrainingSetupView(fig, states[0], limits)
    fast = FastRedraw(fig, view.dynamic, view.slow)
    for state in states:
        view.update(state)
        png = fast.png(view.slow_key, view.static_key)
    fresh = offscreen_figure(SETUP_SIZE)
    TrainingSetupView(fresh, states[-1], limits)
    assert (np.abs(decode(png) - decode(figure_to_png(fresh))).max(axis=2) > 8).sum() == 0
