"""PyTorch twins of cnnlib networks, losses and optimisers, for the benchmarks (PyTorch on the CPU, one thread).

``torch_twin(net)`` walks a cnnlib ``Sequential`` layer by layer and builds the same network from
``torch.nn`` modules with the same weights (a ``Dense`` weight ``(D, M)`` becomes ``Linear``'s
``(M, D)``; a per-position conv bias ``(K, H', W')`` is a module of its own). ``TorchTrainer``
runs one epoch the way ``cnnlib.train.fit`` does: batches in order, forward, loss, backward,
optimiser step, and the running loss and accuracy that ``fit`` records.
"""

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from cnnlib.losses import binary_cross_entropy, mean_squared_error, one_hot, softmax_cross_entropy


class PositionBias(nn.Module):
    """One bias per output value, ``b: (K, H', W')``, added to ``x: (N, K, H', W')`` (seed 004's conv layer)."""

    def __init__(self, b):
        super().__init__()
        self.b = nn.Parameter(torch.from_numpy(np.array(b)))

    def forward(self, x):
        return x + self.b


def _param(a):
    return nn.Parameter(torch.from_numpy(np.array(a)))


def _conv(layer):
    kh, kw = layer.kernel_size
    conv = nn.Conv2d(layer.in_channels, layer.out_channels, (kh, kw), stride=layer.stride, padding=layer.padding,
                     bias=layer.bias == "kernel")
    conv.weight = _param(layer.params["w"])  # (K, C, KH, KW), the same layout
    if layer.bias == "kernel":
        conv.bias = _param(layer.params["b"])
    if layer.bias == "position":
        return [conv, PositionBias(layer.params["b"])]
    return [conv]


def _dense(layer):
    linear = nn.Linear(layer.in_features, layer.out_features, bias=layer.has_bias)
    linear.weight = _param(layer.params["w"].T)  # (M, D)
    if layer.has_bias:
        linear.bias = _param(layer.params["b"])
    return [linear]


def _reshape(layer):
    if len(layer.shape) != 1:
        raise ValueError(f"only a Reshape to one axis (a flatten) has a twin, got {layer.shape}")
    return [nn.Flatten()]


_TWINS = {
    "Conv2D": _conv,
    "Dense": _dense,
    "MaxPool2D": lambda layer: [nn.MaxPool2d(layer.size, layer.stride)],
    "AvgPool2D": lambda layer: [nn.AvgPool2d(layer.size, layer.stride)],
    "Dropout": lambda layer: [nn.Dropout(layer.p)],
    "Flatten": lambda layer: [nn.Flatten()],
    "Reshape": _reshape,
    "Tanh": lambda layer: [nn.Tanh()],
    "Sigmoid": lambda layer: [nn.Sigmoid()],
    "ReLU": lambda layer: [nn.ReLU()],
}


def torch_twin(net):
    """A ``torch.nn.Sequential`` computing what the cnnlib ``Sequential`` ``net`` computes, from its weights.

    Its attribute ``twin_params`` maps each of ``net.named_parameters()``' names to the torch
    parameter holding it, as ``(parameter, transposed)``.
    """
    modules = []
    for layer in net.layers:
        modules += _TWINS[type(layer).__name__](layer)
    model = nn.Sequential(*modules)
    torch_params = list(model.parameters())  # in layer order, weight before bias, as cnnlib names them
    names = list(net.named_parameters())
    if len(torch_params) != len(names):
        raise ValueError(f"the twin has {len(torch_params)} parameter arrays, the network {len(names)}")
    model.twin_params = {name: (p, ".Dense." in name and name.endswith(".w")) for name, p in zip(names, torch_params)}
    return model


def torch_loss(name, num_classes=10):
    """``loss(out, y) -> scalar tensor`` for a ``cnnlib.train.fit`` loss name (y: integer labels)."""
    if name == "softmax_cross_entropy":
        return F.cross_entropy
    if name == "mean_squared_error":
        return lambda out, y: F.mse_loss(out, F.one_hot(y, num_classes).to(out.dtype))
    if name == "binary_cross_entropy":
        return lambda out, y: F.binary_cross_entropy(out, F.one_hot(y, num_classes).to(out.dtype))
    raise ValueError(f"no PyTorch twin for the loss {name!r}")


def torch_optimizer(optimizer, params):
    """``torch.optim.SGD`` doing what cnnlib's ``SGD(lr)`` or ``Momentum(lr, momentum)`` does."""
    momentum = getattr(optimizer, "momentum", 0.0)  # torch's rule: v = momentum * v + g; p -= lr * v
    return torch.optim.SGD(params, lr=optimizer.lr, momentum=momentum)


class TorchTrainer:
    """One epoch of ``model`` in batches, as ``cnnlib.train.fit(..., shuffle=False)`` trains."""

    def __init__(self, model, loss_name, optimizer, x, y, batch_size, drop_last=False):
        self.model, self.loss = model, torch_loss(loss_name)
        self.optimizer = torch_optimizer(optimizer, model.parameters())
        self.x, self.y = torch.from_numpy(x), torch.from_numpy(y.astype(np.int64))
        n = x.shape[0]
        steps = n // batch_size if drop_last else -(-n // batch_size)
        self.slices = [slice(s * batch_size, min((s + 1) * batch_size, n)) for s in range(steps)]

    def epoch(self):
        """Train one epoch; return (mean loss, accuracy) over the batches, as fit's record."""
        self.model.train()
        total, correct, seen = 0.0, 0, 0
        for sl in self.slices:
            xb, yb = self.x[sl], self.y[sl]
            self.optimizer.zero_grad(set_to_none=True)
            out = self.model(xb)
            loss = self.loss(out, yb)
            loss.backward()
            self.optimizer.step()
            total += loss.item() * out.shape[0]
            correct += int((out.argmax(dim=1) == yb).sum())
            seen += out.shape[0]
        return total / seen, correct / seen


def gradients_agree(net, model, loss_name, x, y, tol):
    """True when cnnlib's ``net`` and its twin ``model`` give the same outputs on ``x`` and, fed the
    same output gradient (cnnlib's loss ``loss_name`` on labels ``y``), the same parameter gradients.

    Test mode (no dropout) on both sides, so the two networks compute the same function.
    """
    out = net.forward(x, training=False)
    if loss_name == "softmax_cross_entropy":
        _, dout = softmax_cross_entropy(out, y)
    else:
        loss_fn = mean_squared_error if loss_name == "mean_squared_error" else binary_cross_entropy
        _, dout = loss_fn(out, one_hot(y, out.shape[1], dtype=out.dtype))
    net.backward(dout)
    model.eval()
    model.zero_grad(set_to_none=True)
    t_out = model(torch.from_numpy(x))
    t_out.backward(torch.from_numpy(dout))
    pairs = [(out, t_out.detach().numpy())]
    for name, g in net.named_gradients().items():
        p, transposed = model.twin_params[name]
        pairs.append((g, p.grad.numpy().T if transposed else p.grad.numpy()))
    return all(a.shape == b.shape and np.allclose(a, b, rtol=tol, atol=tol * (float(np.abs(b).max()) or 1.0))
               for a, b in pairs)
