"""Sequential end to end, SGD, summary, and saving/loading weights."""

import numpy as np
import pytest

from cnnlib.gradcheck import numerical_gradient, rel_error
from cnnlib.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU, Tanh, forward_through, layer_outputs
from cnnlib.losses import softmax_cross_entropy
from cnnlib.optimizers import SGD
from cnnlib.sequential import Sequential
from cnnlib.weights_file import load_weights, save_weights


def small_cnn(seed=0, dtype=np.float64, kernels=3):
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, kernels, 3, rng=rng, dtype=dtype), Tanh(), MaxPool2D(2), Flatten(),
                       Dense(kernels * 3 * 3, 4, rng=rng, dtype=dtype)], input_shape=(1, 8, 8))


def test_sequential_conv_pool_dense_gradients_end_to_end():
    net = small_cnn()
    for layer in net.layers:  # non-zero biases
        if "b" in layer.params:
            layer.params["b"] = np.random.default_rng(9).standard_normal(layer.params["b"].shape)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 1, 8, 8))
    y = np.array([0, 3, 1])

    def loss_of(_):
        return softmax_cross_entropy(net.forward(x), y)[0]

    _, dlogits = softmax_cross_entropy(net.forward(x, training=True), y)
    dx = net.backward(dlogits)
    grads = {k: g.copy() for k, g in net.named_gradients().items()}
    assert rel_error(dx, numerical_gradient(loss_of, x)) < 1e-6
    assert set(grads) == {"0.Conv2D.w", "0.Conv2D.b", "4.Dense.w", "4.Dense.b"}
    for name, p in net.named_parameters().items():
        assert rel_error(grads[name], numerical_gradient(loss_of, p)) < 1e-6, name


def test_first_conv_without_input_grad_gives_the_same_weight_gradients():
    x = np.random.default_rng(2).standard_normal((3, 1, 8, 8))
    nets = [small_cnn(), small_cnn()]
    nets[1].layers[0].input_grad = False  # the images need no gradient
    results = []
    for net in nets:
        net.backward(np.ones_like(net.forward(x, training=True)))
        results.append({k: g.copy() for k, g in net.named_gradients().items()})
    assert nets[1].backward(np.ones((3, 4))) is None
    for name, g in results[0].items():
        np.testing.assert_array_equal(results[1][name], g)


def test_sgd_step_moves_every_parameter_against_its_gradient():
    net = small_cnn()
    x = np.random.default_rng(2).standard_normal((2, 1, 8, 8))
    net.backward(np.ones_like(net.forward(x, training=True)))
    before = {k: p.copy() for k, p in net.named_parameters().items()}
    grads = {k: g.copy() for k, g in net.named_gradients().items()}
    SGD(lr=0.1).step(net)
    for k, p in net.named_parameters().items():
        assert np.allclose(p, before[k] - 0.1 * grads[k])
    with pytest.raises(ValueError, match="lr must be a finite number > 0, got 0"):
        SGD(0)


def test_summary_lists_output_shapes_and_parameter_counts():
    net = Sequential([Conv2D(1, 8, 3), MaxPool2D(2), Flatten(), Dense(13 * 13 * 8, 10)])
    text = net.summary((1, 28, 28))
    assert "(8, 26, 26)" in text and "(8, 13, 13)" in text and "(1352,)" in text
    assert "80" in text and "13,530" in text
    assert text.splitlines()[-1] == "total parameters: 13,610"
    assert net.num_params() == 13_610
    with pytest.raises(ValueError, match="input shape"):
        net.summary()


def test_sequential_rejects_non_layers():
    with pytest.raises(ValueError, match="layer 1"):
        Sequential([ReLU(), "relu"])


def test_save_then_load_gives_the_same_predictions(tmp_path):
    x = np.random.default_rng(3).standard_normal((5, 1, 8, 8))
    trained, fresh = small_cnn(seed=1), small_cnn(seed=2)
    assert not np.allclose(trained.forward(x), fresh.forward(x))
    path = save_weights(trained, tmp_path / "net")
    assert path.endswith("net.npz")
    load_weights(fresh, path)
    assert np.array_equal(trained.forward(x), fresh.forward(x))


def test_loading_into_another_architecture_names_the_layer(tmp_path):
    path = save_weights(small_cnn(kernels=3), tmp_path / "w.npz")
    wider = small_cnn(kernels=4)
    before = wider.named_parameters()["0.Conv2D.w"].copy()
    with pytest.raises(ValueError, match=r"layer 0 \(Conv2D\) 'w' has shape \(3, 1, 3, 3\) in the file "
                                         r"but \(4, 1, 3, 3\)"):
        load_weights(wider, path)
    assert np.array_equal(wider.named_parameters()["0.Conv2D.w"], before)  # nothing changed
    other = Sequential([Flatten(), Dense(64, 4), ReLU(), Dense(4, 4)])
    with pytest.raises(ValueError, match=r"layer 1 \(Dense\).*lacks"):
        load_weights(other, path)


def test_forward_to_and_layer_outputs_run_the_layers_in_test_mode():
    rng = np.random.default_rng(3)
    net = Sequential([Conv2D(1, 2, 3, rng=rng, dtype=np.float64), ReLU(), Dropout(0.5, rng=rng), Flatten(),
                      Dense(2 * 4 * 4, 3, rng=rng, dtype=np.float64)])
    x = rng.normal(size=(2, 1, 6, 6))
    outputs = list(layer_outputs(net.layers, x))
    assert [o.shape for o in outputs] == [(2, 2, 4, 4)] * 3 + [(2, 32), (2, 3)]
    np.testing.assert_array_equal(outputs[2], outputs[1])  # test mode: dropout passes everything
    np.testing.assert_array_equal(net.forward_to(x, 1), outputs[1])
    np.testing.assert_array_equal(net.forward_to(x, 4), net(x))
    assert forward_through([], x) is x
    with pytest.raises(ValueError, match=r"index must be an int in 0\.\.4 \(there are 5 layers\), got 5"):
        net.forward_to(x, 5)
