"""Learning-rate schedules (values worked out by hand), fit(schedule=) setting the rate per step, and the finder."""

import math

import numpy as np
import pytest

from cnnlib.layers import Dense, Flatten
from cnnlib.lr_finder import find_lr
from cnnlib.optimizers import SGD, Momentum
from cnnlib.schedules import CosineDecay, ExponentialRange, OneCycle, StepDecay, values
from cnnlib.sequential import Sequential
from cnnlib.train import fit
from cnnlib.weights_file import network_state


def test_step_decay_drops_every_few_steps():
    schedule = StepDecay(0.1, every=3, factor=0.5)
    np.testing.assert_allclose(values(schedule, 7), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025], rtol=1e-15)


def test_cosine_decay_halfway_and_at_the_end():
    schedule = CosineDecay(0.2, total_steps=10, final_lr=0.02)
    assert schedule(0) == pytest.approx(0.2) and schedule(5) == pytest.approx(0.11)  # halfway: the mean
    assert schedule(10) == pytest.approx(0.02) and schedule(25) == pytest.approx(0.02)  # then it stays


def test_one_cycle_climbs_to_its_peak_then_falls_to_its_floor():
    schedule = OneCycle(max_lr=1.0, total_steps=101, warmup=0.2, div=10, final_div=100)
    lrs = values(schedule, 101)
    assert lrs[0] == pytest.approx(0.1) and lrs[20] == pytest.approx(1.0) and lrs[100] == pytest.approx(0.01)
    assert lrs[10] == pytest.approx(0.55)  # half-way up a half cosine: the mean of 0.1 and 1
    assert lrs[60] == pytest.approx((1.0 + 0.01) / 2)  # half-way down
    assert np.all(np.diff(lrs[:21]) > 0) and np.all(np.diff(lrs[20:]) < 0)
    assert schedule(500) == pytest.approx(0.01)


def test_exponential_range_multiplies_by_the_same_factor_every_step():
    lrs = values(ExponentialRange(1e-4, 1.0, num_steps=5), 5)
    np.testing.assert_allclose(lrs, [1e-4, 1e-3, 1e-2, 1e-1, 1.0], rtol=1e-12)


@pytest.mark.parametrize("make, message", [
    (lambda: StepDecay(0.1, every=0), r"every must be a positive integer"),
    (lambda: StepDecay(0.1, every=2, factor=1.5), r"factor must be a finite number in \(0, 1\]"),
    (lambda: CosineDecay(0.1, 10, final_lr=0.2), r"final_lr must be a finite number in \[0, 0.1\]"),
    (lambda: OneCycle(-1, 10), r"max_lr must be a finite number > 0"),
    (lambda: OneCycle(1, 10, warmup=1.0), r"warmup must be a finite number in \(0, 1\)"),
    (lambda: ExponentialRange(1.0, 0.1, 10), r"end must be a finite number > 1"),
    (lambda: ExponentialRange(0.1, 1.0, 1), r"num_steps must be at least 2"),
    (lambda: StepDecay(0.1, 2)(-1), r"step must be a non-negative integer, got -1"),
])
def test_bad_settings_get_a_clear_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def toy(n=48, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 1, 3, 3))
    return x, (x[:, 0, 1, 1] > 0).astype(int) + 2 * (x[:, 0, 0, 0] > 0)


def toy_net(seed=0):
    return Sequential([Flatten(), Dense(9, 4, rng=seed, dtype=np.float64)])


class SpySGD(SGD):
    """SGD that remembers the rate of every step."""

    def __init__(self, lr):
        super().__init__(lr)
        self.seen = []

    def step(self, net):
        self.seen.append(self.lr)
        super().step(net)


def test_fit_sets_the_rate_before_every_step_and_records_it():
    x, y = toy()
    schedule = StepDecay(0.4, every=5, factor=0.5)
    opt = SpySGD(1.0)
    history = fit(toy_net(), x, y, num_epochs=3, batch_size=8, optimizer=opt, schedule=schedule, progress=None)
    np.testing.assert_allclose(opt.seen, values(schedule, 18))  # 6 batches per epoch, steps 0..17
    assert history.lr == [schedule(5), schedule(11), schedule(17)]  # the rate of each record's last step
    plain = fit(toy_net(), x, y, num_epochs=2, batch_size=8, optimizer=Momentum(0.05), progress=None)
    assert plain.lr == [0.05, 0.05]


def test_fit_refuses_a_schedule_it_cannot_follow():
    x, y = toy()

    class NoRate:
        def step(self, net):
            pass

    with pytest.raises(ValueError, match=r"schedule= sets the optimizer's lr before every step, but NoRate has no"):
        fit(toy_net(), x, y, optimizer=NoRate(), schedule=StepDecay(0.1, 2), progress=None)
    with pytest.raises(ValueError, match=r"schedule must be a callable taking the step number"):
        fit(toy_net(), x, y, schedule=0.1, progress=None)
    with pytest.raises(ValueError, match=r"the schedule's learning rate at step 0 must be a finite number > 0, got -1"):
        fit(toy_net(), x, y, schedule=lambda step: -1, progress=None)


def test_the_finder_sweeps_a_copy_and_stops_when_the_loss_runs_away():
    x, y = toy(n=64)
    net = toy_net()
    before = {k: p.copy() for k, p in network_state(net).items()}
    result = find_lr(net, x, y, start_lr=1e-3, end_lr=1e4, num_steps=80, batch_size=8, rng=0)
    for k, p in network_state(net).items():  # the network itself never trained
        np.testing.assert_array_equal(p, before[k])
    assert result.diverged and len(result.lr) < 80  # at rates near 1e4 the loss of this toy explodes
    np.testing.assert_allclose(result.lr, values(ExponentialRange(1e-3, 1e4, 80), len(result.lr)), rtol=1e-12)
    best = int(np.argmin(result.smoothed))
    assert result.best_lr == result.lr[best] and result.suggested_lr == pytest.approx(result.lr[best] / 10)
    assert result.smoothed[0] == pytest.approx(result.loss[0])  # bias-corrected: the first value is the loss
    assert result.smoothed[-1] > 4 * result.smoothed.min()
    assert 1e-3 < result.suggested_lr < 10  # the toy trains well between about 0.01 and 10


def test_a_gentle_sweep_runs_to_the_end():
    x, y = toy(n=64)
    result = find_lr(toy_net(), x, y, start_lr=1e-4, end_lr=1e-2, num_steps=20, batch_size=16, rng=0)
    assert not result.diverged and len(result.lr) == 20 and math.isclose(result.lr[-1], 1e-2)
    with pytest.raises(ValueError, match=r"end_lr must be a finite number > 0.1, got 0.01"):
        find_lr(toy_net(), x, y, start_lr=0.1, end_lr=0.01)


def test_pictures_of_the_finder_and_of_schedules():
    import matplotlib.pyplot as plt

    from cnnlib.plotting import plot_lr_finder, plot_schedules

    x, y = toy(n=64)
    result = find_lr(toy_net(), x, y, start_lr=1e-3, end_lr=1e4, num_steps=80, batch_size=8, rng=0)
    fig = plot_lr_finder(result)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and "stopped when the loss ran away" in ax.get_title()
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), result.smoothed)
    assert ax.lines[3].get_xdata()[0] == result.suggested_lr  # the dashed line at the suggestion
    plt.close(fig)
    fig = plot_schedules({"cosine": CosineDecay(0.1, 50), "one cycle": OneCycle(0.1, 50)}, 50)
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), values(OneCycle(0.1, 50), 50))
    plt.close(fig)
    with pytest.raises(ValueError, match=r"result must be a cnnlib.lr_finder.LRFinderResult"):
        plot_lr_finder(x)
