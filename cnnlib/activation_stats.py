"""Per-layer statistics of a network at one moment: how large its activations and weight gradients are.

    stats = layer_statistics(net, x, y)      # one training-mode pass over a batch, on a copy of net
    stats.std[i], stats.grad_std[i]          # block i: its activations' spread, its kernels' gradient spread

A *block* ends at each ReLU: ``Conv2D -> ReLU`` or ``Conv2D -> BatchNorm2D -> ReLU`` (and
``Dense -> ReLU``). For block i the statistics are

* ``mean[i]``, ``std[i]``: the mean and standard deviation of the ReLU's outputs over the whole
  batch (all samples, channels and positions): what the next layer receives;
* ``grad_std[i]``: the standard deviation of the loss's gradient with respect to the block's
  weights (its Conv2D's or Dense's ``w``), from one backward pass of the batch's mean loss;
* ``values[i]``: the ReLU's outputs, flattened, for histograms.

The pass runs in training mode (batch normalisation with the batch's own statistics, as in
training) on a deep copy of ``net``: neither its weights nor its running statistics change.
"""

import copy
from dataclasses import dataclass

import numpy as np

from cnnlib._checks import check_network, check_samples
from cnnlib.evaluate import float_dtype, loss_function
from cnnlib.layers import ReLU


@dataclass
class LayerStatistics:
    """names: ("block 1", ...); mean, std, grad_std: (B,) floats; values: B flat arrays (see the module)."""

    names: tuple
    mean: np.ndarray
    std: np.ndarray
    grad_std: np.ndarray
    values: tuple


def layer_statistics(net, x, y, loss="softmax_cross_entropy", num_classes=10):
    """Statistics of every block of ``net`` (a Sequential) for the batch x: (N, ...), y: (N,).

    loss: as in ``cnnlib.train.fit``. Returns a ``LayerStatistics``; a network without ReLU layers
    has no blocks and raises ValueError.
    """
    check_network(net, ("forward", "backward"))
    x, y = check_samples("x", x, y, num_classes)
    layers = getattr(net, "layers", None)
    if not layers or not any(isinstance(layer, ReLU) for layer in layers):
        raise ValueError(f"layer_statistics needs a Sequential with ReLU layers (a block ends at each ReLU), "
                         f"got {type(net).__name__}")
    work = copy.deepcopy(net)
    loss_fn, targets = loss_function(loss, y, num_classes, float_dtype(x))
    outputs, weighted, h = [], [], x
    for layer in work.layers:
        h = layer.forward(h, training=True)
        if "w" in layer.params:
            weighted.append(layer)  # the last layer with weights before each ReLU owns the block
        if isinstance(layer, ReLU):
            outputs.append((h, weighted[-1] if weighted else None))
    work.backward(loss_fn(h, targets)[1])
    values = tuple(np.asarray(out, dtype=np.float64).ravel() for out, _ in outputs)
    grad_std = [float(np.std(owner.grads["w"])) if owner is not None else np.nan for _, owner in outputs]
    return LayerStatistics(names=tuple(f"block {i + 1}" for i in range(len(outputs))),
                           mean=np.array([v.mean() for v in values]), std=np.array([v.std() for v in values]),
                           grad_std=np.array(grad_std), values=values)
