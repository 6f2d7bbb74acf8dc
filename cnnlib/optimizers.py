"""Optimisers: plain SGD, SGD with momentum, and Adam.

Each has one method, ``step(net)`` reads
``net.named_gradients()`` (filled by the last ``backward``) and updates every array of
``net.named_parameters()`` in place, so either can be passed to
``cnnlib.train.fit(..., optimizer=...)``::

    opt = Adam(lr=0.001)
    history = fit(net, x, y, num_epochs=10, batch_size=32, optimizer=opt)

Momentum and Adam keep one state array per parameter (same shape and dtype),
keyed by the parameter's name; ``reset()`` forgets it. One optimiser belongs to one
network: a step that meets different names or shapes raises ValueError.

Update rules, for a parameter ``p`` with gradient ``g`` at step ``t = 1, 2, ...``:

* ``Momentum``: ``v = momentum * v + g``; ``p -= lr * v`` (``v`` starts at 0). A gradient
  that keeps its sign builds up speed, up to ``1 / (1 - momentum)`` times the plain step.
* ``Adam``: ``m = b1 * m + (1 - b1) * g``; ``s = b2 * s + (1 - b2) * g**2``;
  ``m_hat = m / (1 - b1**t)``; ``s_hat = s / (1 - b2**t)``;
  ``p -= lr * m_hat / (sqrt(s_hat) + eps)``. Each number gets its own step size: about
  ``lr`` in the direction of its recent gradients, whatever their scale.
"""

import numpy as np

from cnnlib._checks import check_number


def check_trainable(net, who):
    """Return ``net.named_parameters()``; raise unless ``net`` is a network with named_parameters() and
    named_gradients() and at least one parameter (``who``, e.g. "SGD.step", goes in the message).

    A network without parameters (a Sequential of pooling, Flatten and activations only) has
    nothing to train: stepping or fitting it would do nothing and report success.
    """
    if not (callable(getattr(net, "named_gradients", None)) and callable(getattr(net, "named_parameters", None))):
        raise ValueError(f"{who} needs a network with named_parameters() and named_gradients() "
                         f"(e.g. a Sequential), got {type(net).__name__} {net!r:.60}")
    params = net.named_parameters()
    if not params:
        raise ValueError(f"{who} needs a network with parameters to train, got {type(net).__name__} with none "
                         f"(named_parameters() is empty: add a Conv2D or Dense layer)")
    return params


class SGD:
    """Plain stochastic gradient descent: ``p -= lr * grad`` for every parameter, in place.

    lr: learning rate (> 0). ``step(net)`` reads ``net.named_gradients()``
    from the last ``backward`` and updates ``net.named_parameters()``.
    """

    def __init__(self, lr):
        self.lr = check_number("learning rate lr", lr, 0, low_open=True)

    def step(self, net):
        params = check_trainable(net, "SGD.step")
        grads = net.named_gradients()
        for name, p in params.items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(f"gradient for {name} has shape {g.shape}, parameter has {p.shape}")
            p -= self.lr * g  # in place; a float64 gradient is rounded into a float32 parameter

    def __repr__(self):
        return f"SGD(lr={self.lr:g})"


def _check_rate(name, value):
    return check_number(name, value, 0, low_open=True)


def _check_fraction(name, value):
    return check_number(name, value, 0, 1, high_open=True)


class _StatefulOptimizer:
    """Shared bookkeeping: the state arrays per parameter name, and the shape checks."""

    state_names = ()

    def __init__(self):
        self.state = {}  # parameter name -> {state name: array of the parameter's shape and dtype}
        self.t = 0  # steps taken

    def reset(self):
        """Forget the state (velocities, moments) and the step count."""
        self.state = {}
        self.t = 0

    def _pairs(self, net):
        """(name, parameter, gradient, state dict) for every parameter, after checking shapes and names."""
        params = check_trainable(net, f"{type(self).__name__}.step")
        grads = net.named_gradients()
        if self.state and set(self.state) != set(params):
            raise ValueError(f"this optimiser was used with parameters {sorted(self.state)}, "
                             f"now it got {sorted(params)}: use one optimiser per network (or reset())")
        pairs = []
        for name, p in params.items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(f"gradient for {name} has shape {g.shape}, parameter has {p.shape}")
            if name not in self.state:
                self.state[name] = {s: np.zeros(p.shape, dtype=p.dtype) for s in self.state_names}
            elif self.state[name][self.state_names[0]].shape != p.shape:
                raise ValueError(f"parameter {name} has shape {p.shape}, but the optimiser's state has "
                                 f"{self.state[name][self.state_names[0]].shape}: use one optimiser per network")
            pairs.append((name, p, g, self.state[name]))
        return pairs


class Momentum(_StatefulOptimizer):
    """SGD with momentum: ``v = momentum * v + g``, ``p -= lr * v``, in place.

    lr: learning rate (> 0); momentum: in [0, 1) (0 is plain SGD).
    """

    state_names = ("velocity",)

    def __init__(self, lr, momentum=0.9):
        super().__init__()
        self.lr = _check_rate("learning rate lr", lr)
        self.momentum = _check_fraction("momentum", momentum)

    def step(self, net):
        pairs = self._pairs(net)  # checked before the step counts
        self.t += 1
        for _, p, g, state in pairs:
            v = state["velocity"]
            v *= self.momentum
            v += g
            p -= self.lr * v

    def __repr__(self):
        return f"Momentum(lr={self.lr:g}, momentum={self.momentum:g})"


class Adam(_StatefulOptimizer):
    """Adam (Kingma & Ba, 2015) with bias-corrected moments, in place.

    lr: step size (> 0); beta1, beta2: decay of the first and second moment, in [0, 1);
    eps: added to the root of the second moment (> 0), keeps the division finite.
    """

    state_names = ("m", "s")

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__()
        self.lr = _check_rate("learning rate lr", lr)
        self.beta1 = _check_fraction("beta1", beta1)
        self.beta2 = _check_fraction("beta2", beta2)
        self.eps = _check_rate("eps", eps)

    def step(self, net):
        pairs = self._pairs(net)  # checked before the step counts
        self.t += 1
        correction1 = 1.0 - self.beta1 ** self.t
        correction2 = 1.0 - self.beta2 ** self.t
        for _, p, g, state in pairs:
            m, s = state["m"], state["s"]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            s *= self.beta2
            s += (1.0 - self.beta2) * (g * g)
            m_hat = m / correction1
            s_hat = s / correction2
            p -= self.lr * m_hat / (np.sqrt(s_hat) + self.eps)

    def __repr__(self):
        return f"Adam(lr={self.lr:g}, beta1={self.beta1:g}, beta2={self.beta2:g}, eps={self.eps:g})"
