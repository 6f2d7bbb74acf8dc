"""The training loop: loss falls, runs are reproducible, history/callbacks/evaluation behave."""

import io
import math
import sys

import numpy as np
import pytest

from cnnlib.evaluate import evaluate, evaluate_loss, predict
from cnnlib.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, Sigmoid
from cnnlib.optimizers import SGD
from cnnlib.progress import resolve_progress
from cnnlib.sequential import Sequential
from cnnlib.train import History, TestSplit, fit


def toy_data(n=96, seed=0):
    """Images whose class (0..3) is which quadrant is bright: learnable in a few epochs."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 4, n)
    x = rng.random((n, 1, 8, 8)).astype(np.float32) * 0.3
    for i, label in enumerate(y):
        r, c = divmod(int(label), 2)
        x[i, 0, 4 * r:4 * r + 4, 4 * c:4 * c + 4] += 1
    return x, y


def toy_net(seed=0, out=4, sigmoid=False):
    rng = np.random.default_rng(seed)
    layers = [Conv2D(1, 4, 3, rng=rng), ReLU(), MaxPool2D(2), Flatten(), Dropout(0.25, rng=rng),
              Dense(4 * 3 * 3, out, rng=rng)]
    return Sequential(layers + ([Sigmoid()] if sigmoid else []))


def test_loss_falls_and_two_runs_with_one_seed_are_identical():
    x, y = toy_data()
    runs = []
    for _ in range(2):
        net = toy_net(seed=3)
        history = fit(net, x, y, num_epochs=8, batch_size=16, optimizer=SGD(0.5), rng=5, test=(x[:32], y[:32]),
                      progress=None)
        runs.append((net, history))
    (net_a, hist_a), (net_b, hist_b) = runs
    assert hist_a.loss[-1] < 0.5 * hist_a.loss[0]
    assert hist_a.test_accuracy[-1] > 0.9
    assert hist_a.as_dict() == hist_b.as_dict()  # bitwise: floats compared with ==
    for (ka, pa), (kb, pb) in zip(net_a.named_parameters().items(), net_b.named_parameters().items()):
        assert ka == kb and np.array_equal(pa, pb)
    net_c = toy_net(seed=3)
    fit(net_c, x, y, num_epochs=8, batch_size=16, optimizer=SGD(0.5), rng=6, progress=None)  # another shuffle
    assert not np.array_equal(net_c.named_parameters()["5.Dense.w"], net_a.named_parameters()["5.Dense.w"])


@pytest.mark.parametrize("loss", ["binary_cross_entropy", "mean_squared_error"])
def test_one_hot_losses_train(loss):
    x, y = toy_data()
    history = fit(toy_net(sigmoid=True), x, y, num_epochs=10, batch_size=8, optimizer=SGD(2.0), loss=loss,
                  num_classes=4, progress=None)
    assert history.loss[-1] < 0.7 * history.loss[0]
    assert history.train_accuracy[-1] > history.train_accuracy[0]


def test_history_records_and_callbacks():
    x, y = toy_data(n=50)
    records = []
    history = fit(toy_net(), x, y, num_epochs=3, batch_size=16, test=TestSplit(x, y, every=2),
                  callback=records.append, progress=None)
    assert isinstance(history, History) and len(history) == 3
    assert history.epoch == [1, 2, 3] and history.step == [4, 8, 12]  # 50 images: 3 full batches + 2
    assert math.isnan(history.test_accuracy[0]) and not math.isnan(history.test_accuracy[1])
    assert not math.isnan(history.test_accuracy[2])  # the last record is always evaluated
    assert [r["epoch"] for r in records] == [1, 2, 3]
    assert set(records[0]) == {"epoch", "step", "loss", "train_accuracy", "test_loss", "test_accuracy", "lr",
                               "num_epochs", "steps_per_epoch"}
    assert records[-1]["test_accuracy"] == history.test_accuracy[-1]


def test_drop_last_without_shuffle_like_the_seed():
    x, y = toy_data(n=50)
    seen = []

    class Spy(Sequential):
        def forward(self, xb, training=False):
            if training:
                seen.append(xb.copy())
            return super().forward(xb, training)

    net = Spy(toy_net().layers)
    history = fit(net, x, y, num_epochs=2, batch_size=16, shuffle=False, drop_last=True, progress=None)
    assert history.step == [3, 6]
    assert len(seen) == 6 and all(len(b) == 16 for b in seen)
    assert np.array_equal(np.concatenate(seen[:3]), x[:48])  # in order, the last 2 images never used


def test_record_every_batches():
    x, y = toy_data(n=40)
    history = fit(toy_net(), x, y, num_epochs=2, batch_size=1, record_every=10, progress=None)
    assert history.step == [10, 20, 30, 40, 50, 60, 70, 80]
    assert history.epoch[:2] == [0.25, 0.5]


def test_evaluate_in_batches_matches_one_pass():
    x, y = toy_data(n=70)
    net = toy_net()
    whole = np.mean(np.argmax(net.forward(x), axis=1) == y)
    assert evaluate(net, x, y, batch_size=16) == pytest.approx(whole)
    assert np.array_equal(predict(net, x, batch_size=7), np.argmax(net.forward(x), axis=1))
    assert evaluate_loss(net, x, y, batch_size=9) == pytest.approx(evaluate_loss(net, x, y, batch_size=70))


def test_training_prints_nothing(capsys):
    x, y = toy_data(n=20)
    fit(toy_net(), x, y, num_epochs=1, progress="auto")  # not a terminal under pytest: silent
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_tqdm_progress_goes_to_stderr(capsys):
    x, y = toy_data(n=20)
    fit(toy_net(), x, y, num_epochs=2, batch_size=10, progress="tqdm")
    captured = capsys.readouterr()
    assert captured.out == "" and "4/4" in captured.err


def test_bad_arguments_raise_value_error():
    x, y = toy_data(n=20)
    net = toy_net()
    with pytest.raises(ValueError, match="length 20"):
        fit(net, x, y[:10], progress=None)
    with pytest.raises(ValueError, match="the test split needs both x and y"):
        fit(net, x, y, test=(x, None), progress=None)
    with pytest.raises(ValueError, match="loss must be one of"):
        fit(net, x, y, loss="hinge", progress=None)
    with pytest.raises(ValueError, match="num_epochs"):
        fit(net, x, y, num_epochs=0, progress=None)
    with pytest.raises(ValueError, match="progress"):
        fit(net, x, y, progress="loud")
    with pytest.raises(ValueError, match="leaves no batch"):
        fit(net, x, y, batch_size=32, drop_last=True, progress=None)


def test_progress_modes_outside_a_notebook(monkeypatch):
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    assert resolve_progress("auto") is None
    assert resolve_progress("bar") == "tqdm" and resolve_progress(True) == "tqdm"
    assert resolve_progress(None) is None and resolve_progress(False) is None
