"""Momentum and Adam: first steps equal the update rules worked by hand, a convex loss falls, bad settings fail."""

import math

import numpy as np
import pytest

from cnnlib.evaluate import evaluate_loss
from cnnlib.layers import Dense
from cnnlib.optimizers import SGD, Adam, Momentum
from cnnlib.sequential import Sequential
from cnnlib.train import fit


class FixedGradients:
    """A stand-in network: one parameter, and the gradients we choose for each step."""

    def __init__(self, p):
        self.p = np.array(p, dtype=np.float64)
        self.g = np.zeros_like(self.p)

    def named_parameters(self):
        return {"p": self.p}

    def named_gradients(self):
        return {"p": self.g}


class Quadratic(FixedGradients):
    """f(p) = 0.5 p.A.p - b.p with A symmetric positive definite: convex, minimum at A^-1 b."""

    def __init__(self, a, b, p0):
        super().__init__(p0)
        self.a, self.b = np.asarray(a, float), np.asarray(b, float)

    def loss(self):
        return 0.5 * self.p @ self.a @ self.p - self.b @ self.p

    def compute_gradient(self):
        self.g[...] = self.a @ self.p - self.b


def test_momentum_first_steps_by_hand():
    net = FixedGradients([1.0])
    opt = Momentum(lr=0.1, momentum=0.9)
    net.g[...] = 0.5
    opt.step(net)  # v = 0.5, p = 1 - 0.1 * 0.5
    assert net.p[0] == pytest.approx(0.95, abs=1e-15)
    opt.step(net)  # v = 0.9 * 0.5 + 0.5 = 0.95, p = 0.95 - 0.095
    assert net.p[0] == pytest.approx(0.855, abs=1e-15)
    net.g[...] = -1.0
    opt.step(net)  # v = 0.9 * 0.95 - 1 = -0.145, p = 0.855 + 0.0145
    assert net.p[0] == pytest.approx(0.8695, abs=1e-15)


def test_adam_first_steps_by_hand():
    net = FixedGradients([1.0, -2.0])
    opt = Adam(lr=0.1)
    net.g[...] = [0.5, -4.0]
    opt.step(net)
    # Step 1: m_hat = g and s_hat = g**2, so each number moves by lr * g / (|g| + eps): lr against its sign.
    assert net.p == pytest.approx([1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 4.0 / (4.0 + 1e-8)], abs=1e-15)
    assert net.p == pytest.approx([0.9, -1.9], abs=1e-8)
    net.g[...] = [-0.25, -4.0]
    opt.step(net)
    # Step 2 for the first number, worked out: m = 0.9*0.05 + 0.1*(-0.25) = 0.02,
    # s = 0.999*0.00025 + 0.001*0.0625 = 0.00031225; m_hat = 0.02/0.19, s_hat = 0.00031225/0.001999.
    step = 0.1 * (0.02 / 0.19) / (math.sqrt(0.00031225 / 0.001999) + 1e-8)
    assert step == pytest.approx(0.0266338, abs=1e-6)
    assert net.p[0] == pytest.approx(0.9 - step, abs=1e-8)  # m > 0: the number moves down
    # The second number saw the same gradient twice: m_hat = g, s_hat = g**2, again a step of lr.
    assert net.p[1] == pytest.approx(-1.8, abs=1e-8)
    assert opt.t == 2


def test_zero_momentum_is_plain_sgd():
    a, b = FixedGradients([1.0, 2.0]), FixedGradients([1.0, 2.0])
    opt_a, opt_b = Momentum(lr=0.05, momentum=0.0), SGD(lr=0.05)
    for g in ([0.3, -0.1], [1.0, 2.0], [-0.5, 0.0]):
        a.g[...] = b.g[...] = g
        opt_a.step(a)
        opt_b.step(b)
    np.testing.assert_array_equal(a.p, b.p)


@pytest.mark.parametrize("make", [lambda: Momentum(lr=0.02, momentum=0.9), lambda: Adam(lr=0.01)])
def test_a_convex_loss_falls_to_its_minimum(make):
    a = np.array([[10.0, 2.0], [2.0, 1.0]])  # eigenvalues about 10.4 and 0.6: a long narrow valley
    b = np.array([1.0, -1.0])
    net = Quadratic(a, b, [3.0, 3.0])
    best = Quadratic(a, b, np.linalg.solve(a, b)).loss()
    opt = make()
    start = net.loss()
    losses = []
    for _ in range(4000):
        net.compute_gradient()
        opt.step(net)
        losses.append(net.loss())
    assert losses[10] < start and losses[100] < losses[10]
    assert net.loss() - best < 1e-6 * (start - best)
    np.testing.assert_allclose(net.p, np.linalg.solve(a, b), atol=1e-3)


def test_momentum_gets_further_than_sgd_in_a_narrow_valley():
    a, b = np.diag([1.0, 0.01]), np.zeros(2)
    plain, heavy = Quadratic(a, b, [1.0, 1.0]), Quadratic(a, b, [1.0, 1.0])
    sgd, momentum = SGD(lr=0.5), Momentum(lr=0.5, momentum=0.9)
    for _ in range(100):
        for net, opt in ((plain, sgd), (heavy, momentum)):
            net.compute_gradient()
            opt.step(net)
    assert heavy.loss() < 0.1 * plain.loss()


@pytest.mark.parametrize("opt", [Momentum(lr=0.05), Adam(lr=0.01)])
def test_fit_with_an_optimiser_lowers_a_real_networks_loss(opt):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 1, 2, 2)).astype(np.float32)
    y = (x.reshape(64, 4).sum(axis=1) > 0).astype(int)  # linearly separable
    from cnnlib.layers import Flatten
    net = Sequential([Flatten(), Dense(4, 2, rng=rng)])
    before = evaluate_loss(net, x, y, num_classes=2)
    fit(net, x, y, num_epochs=20, batch_size=8, optimizer=opt, rng=1, progress=None, num_classes=2)
    assert evaluate_loss(net, x, y, num_classes=2) < 0.5 * before
    assert all(p.dtype == np.float32 for p in net.named_parameters().values())  # state follows the dtype
    assert all(s.dtype == np.float32 for st in opt.state.values() for s in st.values())


@pytest.mark.parametrize("make, message", [
    (lambda: Momentum(lr=0), "lr"), (lambda: Momentum(lr=-0.1), "lr"), (lambda: Momentum(lr=float("nan")), "lr"),
    (lambda: Momentum(lr=0.1, momentum=1.0), "momentum"), (lambda: Momentum(lr=0.1, momentum=-0.5), "momentum"),
    (lambda: Adam(lr=0), "lr"), (lambda: Adam(lr=float("inf")), "lr"), (lambda: Adam(beta1=1.0), "beta1"),
    (lambda: Adam(beta2=-0.1), "beta2"), (lambda: Adam(eps=0), "eps"),
])
def test_bad_hyperparameters_raise(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("make", [lambda: Momentum(lr=0.1), lambda: Adam()])
def test_one_optimiser_per_network(make):
    opt = make()
    opt.step(FixedGradients([1.0, 2.0]))
    with pytest.raises(ValueError, match="shape"):
        opt.step(FixedGradients([1.0, 2.0, 3.0]))  # same name, another shape
    other = Sequential([Dense(2, 2)])
    other.forward(np.ones((1, 2)), training=True)
    other.backward(np.ones((1, 2), dtype=np.float32))
    with pytest.raises(ValueError, match="one optimiser per network"):
        opt.step(other)
    opt.reset()
    opt.step(other)  # after reset it starts afresh
    assert opt.t == 1


def test_gradient_of_the_wrong_shape_raises():
    net = FixedGradients([1.0, 2.0])
    net.g = np.zeros(3)
    with pytest.raises(ValueError, match="gradient for p has shape"):
        Adam().step(net)


def test_repr_names_the_settings():
    assert repr(Momentum(lr=0.01, momentum=0.9)) == "Momentum(lr=0.01, momentum=0.9)"
    assert "lr=0.001" in repr(Adam())
