"""The seeds' networks: the faithful kernel net pinned to the seed's arithmetic, the builders and trainers."""

import numpy as np
import pytest

from cnnlib.conv import image_sections
from cnnlib.data import load_mnist, prepare_images
from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.losses import softmax_cross_entropy
from cnnlib.nets import NETWORK_NAMES, NETWORKS, NetworkEntry, default_epochs, network_entry, prepare_for, train_network
from cnnlib.nets.dense_net import build_dense_net
from cnnlib.nets.faithful_kernel_net import KERNEL_NET_SLIPS, FaithfulKernelNet
from cnnlib.nets.kernel_net import build_kernel_net, train_kernel_net
from cnnlib.nets.layered_net import build_layered_net
from cnnlib.nets.pooling_net import build_pooling_net
from cnnlib.optimizers import SGD
from cnnlib.train import History, TrainingRun, fit


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_faithful_forward_matches_explicit_loops_with_the_seeds_windows():
    net = FaithfulKernelNet(seed=1, image_size=6)
    x = np.random.default_rng(0).random((2, 1, 6, 6))
    kernels, w = net.params["kernels"], net.params["w"]
    hidden = np.zeros((2, net.hidden_size))
    for n in range(2):
        units = []
        for row in range(6 - 3):  # the seed's range(28 - 3): one position short of a valid correlation
            for col in range(6 - 3):
                window = x[n, 0, row:row + 3, col:col + 3].reshape(9)
                units.extend(np.tanh(window @ kernels[:, k]) for k in range(16))
        hidden[n] = units
    assert net.hidden_size == 3 * 3 * 16
    assert np.allclose(net.forward(x), hidden @ w, rtol=1e-12, atol=1e-12)


def test_hidden_sizes_and_the_seeds_first_draws():
    faithful, corrected = FaithfulKernelNet(1), build_kernel_net(1)
    assert faithful.hidden_size == 25 * 25 * 16 == 10_000
    assert FaithfulKernelNet(1, fixes=("windows",)).hidden_size == 26 * 26 * 16 == 10_816
    assert corrected.num_params() == 144 + 10_816 * 10
    assert "total parameters: 108,304" in corrected.summary()
    state = np.random.RandomState(1)
    assert np.array_equal(faithful.params["kernels"], 0.02 * state.random_sample((9, 16)) - 0.01)
    assert np.array_equal(faithful.params["w"], 0.2 * state.random_sample((10_000, 10)) - 0.1)


def test_faithful_training_step_is_the_seeds_update():
    """One batch through FaithfulKernelNet + SGD(2/B) equals the seed's formulas, slips included."""
    batch = 4
    net = FaithfulKernelNet(seed=2, image_size=6)
    x = np.random.default_rng(1).random((batch, 1, 6, 6))
    y = np.array([3, 1, 0, 9])
    kernels, w = net.params["kernels"].copy(), net.params["w"].copy()
    mask = np.random.RandomState(5).randint(2, size=(batch, net.hidden_size))
    net.random_state = np.random.RandomState(5)

    _, dlogits = softmax_cross_entropy(net.forward(x, training=True), y)
    net.backward(dlogits)
    SGD(lr=2 / batch).step(net)

    flat = np.concatenate([x[:, :, r:r + 3, c:c + 3].reshape(batch, 1, 9) for r in range(3) for c in range(3)],
                          axis=1).reshape(-1, 9)  # (N*9, 9), window-major like the seed
    layer_1 = np.tanh((flat @ kernels).reshape(batch, -1)) * mask * 2
    labels = np.eye(10)[y]
    delta_2 = (labels - softmax(layer_1 @ w)) / (batch * batch)
    delta_1 = delta_2 @ w.T * (1 - layer_1 ** 2) * mask
    assert np.allclose(net.params["w"], w + 2 * layer_1.T @ delta_2, atol=1e-14)
    assert np.allclose(net.params["kernels"], kernels - 2 * flat.T @ delta_1.reshape(-1, 16), atol=1e-14)


def test_all_fixes_give_the_true_gradient():
    net = FaithfulKernelNet(seed=3, fixes=KERNEL_NET_SLIPS, image_size=5)
    x = np.random.default_rng(2).random((3, 1, 5, 5))
    dlogits = np.random.default_rng(3).standard_normal((3, 10))
    _replayed(net, x)
    net.backward(dlogits)
    grads = {k: g.copy() for k, g in net.grads.items()}
    for name in ("kernels", "w"):
        numerical = numerical_gradient(lambda _: _replayed(net, x), net.params[name], dlogits)
        assert rel_error(grads[name], numerical) < 1e-6, name
    only_sign_bug = FaithfulKernelNet(seed=3, fixes=("windows", "derivative"), image_size=5)
    _replayed(only_sign_bug, x)
    only_sign_bug.backward(dlogits)
    assert np.allclose(only_sign_bug.grads["kernels"], -grads["kernels"])  # ascent on the kernels


def _replayed(net, x):
    """A training-mode forward pass that always draws the same dropout mask."""
    net.random_state = np.random.RandomState(8)
    return net.forward(x, training=True)


def test_corrected_net_equals_the_seed_net_with_every_fix():
    x = prepare_images(load_mnist(n_train=5)[0][0], dtype=np.float64)
    corrected = build_kernel_net(4, dtype=np.float64)
    seed_fixed = FaithfulKernelNet(4, fixes=KERNEL_NET_SLIPS)
    assert np.allclose(corrected.forward(x), seed_fixed.forward(x), rtol=1e-10, atol=1e-12)
    assert np.array_equal(corrected.layers[0].params["w"], seed_fixed.conv_weights())


def test_builders_match_the_seeds_architectures():
    pooling = build_pooling_net(0)
    assert pooling.num_params() == 8 * 9 + 1352 * 10 + 10
    assert 0.05 < np.std(pooling.layers[0].params["w"]) < 0.2  # randn / 9
    layered = build_layered_net(0)
    assert layered.layers[0].params["b"].shape == (6, 26, 26)
    assert layered.num_params() == (54 + 4056) + (4056 * 100 + 100) + (100 * 10 + 10)
    assert 0.9 < np.std(layered.layers[3].params["w"]) < 1.1  # standard normal like the seed
    scaled = build_layered_net(0, init="scaled")
    assert np.std(scaled.layers[3].params["w"]) == pytest.approx(1 / np.sqrt(4056), rel=0.05)
    assert not scaled.layers[0].params["b"].any()
    with pytest.raises(ValueError, match="init"):
        build_layered_net(0, init="he")
    dense = build_dense_net(0)
    assert dense.num_params() == 784 * 40 + 40 + 40 * 10 + 10
    assert np.all(np.abs(dense.layers[1].params["w"]) <= 0.1)


def test_prepare_images():
    raw = np.full((2, 28, 28), 255, dtype=np.uint8)
    assert prepare_images(raw).shape == (2, 1, 28, 28) and prepare_images(raw).max() == 1
    assert prepare_for("pooling", raw).max() == 0.5
    assert prepare_for("kernel-faithful", raw).dtype == np.float64
    with pytest.raises(ValueError, match=r"\(N, 28, 28\)"):
        prepare_images(np.zeros((2, 784)))


@pytest.fixture(scope="module")
def mnist_small():
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=256, n_test=100)
    return x_train, y_train, x_test, y_test


@pytest.mark.parametrize("name", NETWORK_NAMES)
def test_every_network_trains_by_name(name, mnist_small):
    x_train, y_train, x_test, y_test = mnist_small
    n = 256 if name.startswith("kernel") else 40  # per-image nets: a short epoch
    records = []
    net, history = train_network(name, x_train[:n], y_train[:n], x_test, y_test, num_epochs=2,
                                 callback=records.append, progress=None)
    assert len(history) == 2 and len(records) == 2
    assert all(0 <= a <= 1 for a in history.test_accuracy)
    assert np.isfinite(history.loss).all()
    assert default_epochs(name) >= 3
    assert net.forward(prepare_for(name, x_test[:3])).shape == (3, 10)


def test_kernel_net_runs_are_reproducible(mnist_small):
    x_train, y_train, x_test, y_test = mnist_small
    runs = [train_kernel_net(x_train[:128], y_train[:128], x_test, y_test, iterations=2, faithful=faithful,
                             progress=None)[1]
            for faithful in (False, False, True, True)]
    assert runs[0].as_dict() == runs[1].as_dict() and runs[2].as_dict() == runs[3].as_dict()
    with pytest.raises(ValueError, match="unknown network"):
        train_network("lenet", x_train, y_train)
    with pytest.raises(ValueError, match="unknown fix"):
        FaithfulKernelNet(fixes=("bias",))


def test_builders_skip_the_image_gradient_in_their_first_conv():
    for net in (build_kernel_net(), build_pooling_net(), build_layered_net()):
        assert net.layers[0].input_grad is False
        x = np.zeros((2, 1, 28, 28), np.float32)
        assert net.backward(np.ones_like(net.forward(x, training=True))) is None


def test_faithful_window_rows_are_the_seeds_image_sections():
    x = np.random.default_rng(0).random((3, 1, 7, 7))
    for fixes, p in [((), 4), (("windows",), 5)]:  # the seed's range(7 - 3), and all 7 - 3 + 1 positions
        rows = FaithfulKernelNet(seed=1, image_size=7, fixes=fixes).windows(x, np.float32)
        assert rows.shape == (3 * p * p, 9) and rows.dtype == np.float32
        sections = image_sections(x, 3)[:, :p, :p]  # (3, p, p, 1, 3, 3)
        np.testing.assert_array_equal(rows, sections.reshape(-1, 9).astype(np.float32))
        np.testing.assert_array_equal(rows[1], x[0, 0, 0:3, 1:4].ravel().astype(np.float32))  # window-major


def test_faithful_test_mode_in_float32_predicts_like_float64():
    x = prepare_images(load_mnist(n_train=50)[0][0], dtype=np.float64)
    net = build_kernel_net(5, faithful=True)
    assert net.eval_dtype == np.float32 and net.params["w"].dtype == np.float64
    logits32 = net.forward(x)
    net.eval_dtype = np.dtype(np.float64)
    logits64 = net.forward(x)
    assert logits32.dtype == np.float32 and logits64.dtype == np.float64
    np.testing.assert_allclose(logits32, logits64, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(logits32.argmax(axis=1), logits64.argmax(axis=1))


def test_the_registry_names_each_networks_trainer_and_settings():
    assert NETWORK_NAMES == tuple(NETWORKS) == ("dense", "kernel", "kernel-faithful", "pooling", "layered")
    assert all(isinstance(entry, NetworkEntry) for entry in NETWORKS.values())
    assert network_entry("kernel").passes_keyword == "iterations" and default_epochs("kernel") == 300
    assert network_entry("pooling").centered and not network_entry("dense").centered
    with pytest.raises(ValueError, match=r"unknown network 'lenet'; expected one of dense, kernel"):
        network_entry("lenet")


def test_a_trainer_returns_a_training_run_that_unpacks_like_a_pair():
    (x, y), _ = load_mnist(n_train=64, n_test=1)
    run = train_network("dense", x, y, num_epochs=1)
    assert isinstance(run, TrainingRun) and isinstance(run.history, History) and len(run.history) == 1
    net, history = run
    assert net is run.net and history is run.history


def test_the_faithful_run_in_float32_follows_float64_through_its_first_collapse():
    """Notebook 03 trains the replica in float32: the seed's float64 gives the same test predictions at the top
    of the first climb (iteration 14) and at the bottom of the first collapse (iteration 22)."""
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000)
    predictions = {}
    for dtype in (np.float64, np.float32):
        net = build_kernel_net(faithful=True, dtype=dtype)
        x, x_eval = prepare_images(x_train, dtype=dtype), prepare_images(x_test[:1000], dtype=dtype)

        def keep(record, net=net, x_eval=x_eval, dtype=dtype):
            if record["epoch"] in (14, 22):
                predictions[dtype, record["epoch"]] = net.forward(x_eval).argmax(axis=1)

        fit(net, x, y_train, num_epochs=22, batch_size=128, optimizer=SGD(2 / 128), shuffle=False, drop_last=True,
            callback=keep, progress=None)
    assert np.mean(predictions[np.float32, 14] == y_test[:1000]) > 0.3  # the climb
    assert np.mean(predictions[np.float32, 22] == y_test[:1000]) < 0.05  # the collapse: worse than chance
    for iteration in (14, 22):
        np.testing.assert_array_equal(predictions[np.float32, iteration], predictions[np.float64, iteration])
