"""A network with batch normalisation: its running statistics are buffers, listed by ``summary``, saved and loaded
with the weights (all or nothing), and kept from the best epoch by early stopping."""

import numpy as np
import pytest

from cnnlib.early_stopping import fit_early_stopping
from cnnlib.evaluate import predict
from cnnlib.layers import BatchNorm1D, BatchNorm2D, Conv2D, Dense, Flatten, ReLU
from cnnlib.optimizers import Momentum
from cnnlib.sequential import Sequential
from cnnlib.weights_file import load_weights, network_state, save_weights


def bn_net(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, 3, 3, padding="same", bias=None, rng=rng, dtype=np.float64),
                       BatchNorm2D(3, dtype=np.float64), ReLU(), Flatten(),
                       Dense(3 * 6 * 6, 5, rng=rng, dtype=np.float64), BatchNorm1D(5, dtype=np.float64)],
                      input_shape=(1, 6, 6))


def images(n=20, seed=1):
    rng = np.random.default_rng(seed)
    return rng.random((n, 1, 6, 6)), rng.integers(0, 5, n)


def trained(seed=0):
    net = bn_net(seed)
    x, _ = images()
    for _ in range(3):
        net.forward(x, training=True)  # moves the running statistics away from 0 and 1
    return net


def test_buffers_are_named_like_parameters_and_never_trained():
    net = trained()
    assert list(net.named_buffers()) == ["1.BatchNorm2D.running_mean", "1.BatchNorm2D.running_var",
                                         "5.BatchNorm1D.running_mean", "5.BatchNorm1D.running_var"]
    assert net.named_buffers()["1.BatchNorm2D.running_mean"] is net.layers[1].buffers["running_mean"]
    assert not set(net.named_buffers()) & set(net.named_parameters())
    assert set(network_state(net)) == set(net.named_buffers()) | set(net.named_parameters())
    assert net.num_params() == 27 + 6 + 108 * 5 + 5 + 10  # trainable only


def test_summary_lists_the_non_trainable_numbers():
    text = trained().summary()
    lines = text.splitlines()
    assert lines[0].split() == ["#", "layer", "output", "shape", "parameters", "non-trainable"]
    assert lines[4].split()[-2:] == ["6", "6"]  # BatchNorm2D(3): gamma, beta | running mean, var
    assert text.endswith("total parameters: 588\nnon-trainable (running statistics): 16")


def test_save_and_load_keep_the_running_statistics(tmp_path):
    x, _ = images(seed=2)
    net = trained()
    save_weights(net, tmp_path / "bn")
    other = bn_net(seed=5)
    assert not np.allclose(other.forward(x), net.forward(x))
    load_weights(other, tmp_path / "bn")
    np.testing.assert_array_equal(other.forward(x), net.forward(x))  # test mode: the running statistics
    for key, b in net.named_buffers().items():
        np.testing.assert_array_equal(other.named_buffers()[key], b)


def test_a_file_without_the_running_statistics_changes_nothing(tmp_path):
    net = trained()
    path = save_weights(net, tmp_path / "bn")
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if "running_var" not in k}
    np.savez(tmp_path / "no_var.npz", **arrays)
    other = bn_net(seed=5)
    before = {k: p.copy() for k, p in network_state(other).items()}
    with pytest.raises(ValueError, match=r"the file lacks: layer 1 \(BatchNorm2D\) 'running_var'"):
        load_weights(other, tmp_path / "no_var")
    for k, p in network_state(other).items():
        np.testing.assert_array_equal(p, before[k])


def test_a_running_statistic_that_overflowed_is_not_saved(tmp_path):
    net = trained()
    net.layers[1].buffers["running_var"][0] = np.inf
    with pytest.raises(ValueError, match=r"cannot save layer 1 \(BatchNorm2D\) 'running_var'.*1 NaN/inf"):
        save_weights(net, tmp_path / "bn")
    assert not (tmp_path / "bn.npz").exists()


def test_early_stopping_keeps_the_running_statistics_of_the_best_epoch():
    rng = np.random.default_rng(3)
    x, y = rng.random((40, 1, 6, 6)), rng.integers(0, 5, 40)
    x_val, y_val = rng.random((20, 1, 6, 6)), rng.integers(0, 5, 20)
    net = bn_net()
    snapshots = []

    def remember(record):
        snapshots.append({k: b.copy() for k, b in net.named_buffers().items()})

    result = fit_early_stopping(net, x, y, x_val, y_val, max_epochs=8, patience=3, batch_size=10,
                                optimizer=Momentum(0.05), callback=remember, progress=None)
    assert result.best_epoch < len(snapshots)  # the last epoch trained is not the one kept
    for key, b in net.named_buffers().items():
        np.testing.assert_array_equal(b, snapshots[result.best_epoch - 1][key])
    assert np.mean(predict(net, x_val) == y_val) == result.best_val_accuracy
