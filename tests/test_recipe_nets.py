"""The shared recipe of notebook 08 (recipe_split, train_with_recipe) and the networks trained with it:
the fair dense net and the GAP-head CNN (LeNet's own tests are in test_lenet.py)."""

import numpy as np
import pytest

from cnnlib.early_stopping import fit_early_stopping
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import Dropout, GlobalAvgPool2D
from cnnlib.nets.fair_dense_net import FAIR_DENSE_HIDDEN, build_fair_dense_net
from cnnlib.nets.gap_net import GAP_LR, build_gap_net
from cnnlib.nets.lenet import LENET_LR, build_lenet
from cnnlib.nets.recipe import RECIPE_DROPOUT, recipe_split, train_with_recipe
from cnnlib.optimizers import Momentum
from cnnlib.splits import stratified_split


def test_fair_dense_net_shape_weights_and_dropout():
    net = build_fair_dense_net(0)
    assert net.num_params() == 784 * FAIR_DENSE_HIDDEN + FAIR_DENSE_HIDDEN + FAIR_DENSE_HIDDEN * 10 + 10
    assert build_fair_dense_net(0, hidden=7).num_params() == 5575
    assert net.forward(np.zeros((3, 1, 28, 28))).shape == (3, 10)
    dropouts = [layer for layer in net.layers if isinstance(layer, Dropout)]
    assert len(dropouts) == 1 and dropouts[0].p == RECIPE_DROPOUT and net.layers[-2] is dropouts[0]
    assert not any(isinstance(layer, Dropout) for layer in build_fair_dense_net(0, dropout=0).layers)
    assert all(p.dtype == np.float64 for p in net.named_parameters().values())
    for key, p in build_fair_dense_net(4).named_parameters().items():
        np.testing.assert_array_equal(p, build_fair_dense_net(4).named_parameters()[key])
    with pytest.raises(ValueError, match="hidden"):
        build_fair_dense_net(0, hidden=0)


def test_lenet_and_the_gap_net_put_dropout_in_the_same_place():
    for net in (build_lenet(0), build_gap_net(0)):
        assert isinstance(net.layers[-2], Dropout) and net.layers[-2].p == RECIPE_DROPOUT


def test_gap_net_shapes_weights_and_head():
    net = build_gap_net(0)
    assert net.num_params() == (8 * 9 + 8) + (16 * 8 * 9 + 16) + (32 * 16 * 9 + 32) + (32 * 10 + 10)
    x = np.random.default_rng(0).random((2, 1, 28, 28))
    assert net.forward(x).shape == (2, 10)
    gap_index = next(i for i, layer in enumerate(net.layers) if isinstance(layer, GlobalAvgPool2D))
    assert net.forward_to(x, gap_index).shape == (2, 32)
    assert net.forward_to(x, gap_index - 1).shape == (2, 32, 3, 3)
    assert build_gap_net(0, channels=(4, 6, 12), dropout=0).num_params() == 40 + 222 + 660 + 130
    assert GAP_LR == LENET_LR


def test_gap_net_gradient_through_every_layer():
    net = build_gap_net(1, channels=(2, 3, 4), dropout=0)
    x = np.random.default_rng(2).random((2, 1, 28, 28))
    dout = np.random.default_rng(3).standard_normal((2, 10))
    net.forward(x, training=True)
    net.backward(dout)
    grads = {k: g.copy() for k, g in net.named_gradients().items()}
    for key in ("0.Conv2D.w", "6.Conv2D.w", "9.Dense.w"):
        p = net.named_parameters()[key]
        numeric = numerical_gradient(lambda _: net.forward(x), p, dout)
        assert rel_error(grads[key], numeric) < 1e-6, key


def test_recipe_split_is_the_stratified_seed_0_split():
    y = np.repeat(np.arange(10), 30)
    x = np.arange(300)[:, None]
    x_fit, y_fit, x_val, y_val = recipe_split(x, y)
    fit_idx, val_idx = stratified_split(y, val_fraction=0.2, rng=0)
    np.testing.assert_array_equal(x_fit[:, 0], fit_idx)
    np.testing.assert_array_equal(x_val[:, 0], val_idx)
    assert np.bincount(y_val).tolist() == [6] * 10 and len(y_fit) == 240


def test_train_with_recipe_is_fit_early_stopping_with_the_recipe():
    rng = np.random.default_rng(0)
    x, y = rng.random((64, 1, 28, 28)), rng.integers(0, 10, 64)
    nets = [build_fair_dense_net(3, hidden=8), build_fair_dense_net(3, hidden=8)]
    ours = train_with_recipe(nets[0], x[:48], y[:48], x[48:], y[48:], lr=0.05, rng=4, max_epochs=3, patience=2)
    theirs = fit_early_stopping(nets[1], x[:48], y[:48], x[48:], y[48:], max_epochs=3, patience=2, batch_size=16,
                                optimizer=Momentum(0.05, 0.9), loss="softmax_cross_entropy", rng=4, progress=None)
    assert ours.history.as_dict() == theirs.history.as_dict() and ours.best_epoch == theirs.best_epoch
    for key, p in nets[0].named_parameters().items():
        np.testing.assert_array_equal(p, nets[1].named_parameters()[key])
