"""A network as a list of layers, plain SGD, and saving/loading weights.

    net = Sequential([Conv2D(1, 8, 3, rng=rng), MaxPool2D(2), Flatten(), Dense(8 * 13 * 13, 10, rng=rng)])
    logits = net.forward(x, training=True)       # x: (N, 1, 28, 28) -> logits: (N, 10)
    loss, dlogits = softmax_cross_entropy(logits, y)
    net.backward(dlogits)                        # fills every layer's grads
    SGD(lr=0.01).step(net)                       # w -= lr * dw for every parameter
    print(net.summary((1, 28, 28)))              # output shapes and parameter counts

A "network" for ``SGD``, ``save_weights``/``load_weights`` and ``cnnlib.train``
is anything with ``forward(x, training)``, ``backward(dout)``,
``named_parameters()`` and ``named_gradients()`` (dicts of arrays with the same
keys); ``Sequential`` is one, the seed's hand-written kernel net in
``cnnlib.kernel_net`` is another.
"""

import numpy as np

from cnnlib._checks import check_number, check_sizes
from cnnlib.weights import load_weights, save_weights  # noqa: F401 (part of this module's interface)


class Sequential:
    """Layers applied one after another.

    layers: list of ``cnnlib.layers`` objects; input_shape: optional per-sample
    shape, e.g. ``(1, 28, 28)``, used by ``summary()``.
    Parameters are named ``"<index>.<LayerClass>.<name>"``, e.g. ``"0.Conv2D.w"``.
    """

    def __init__(self, layers, input_shape=None):
        if not isinstance(layers, (list, tuple)):
            raise ValueError(f"layers must be a list of cnnlib layers, got {type(layers).__name__} {layers!r:.60}")
        self.layers = list(layers)
        for i, layer in enumerate(self.layers):
            if not (hasattr(layer, "forward") and hasattr(layer, "backward") and hasattr(layer, "params")):
                raise ValueError(f"layer {i} must be a cnnlib layer (forward, backward, params), "
                                 f"got {type(layer).__name__}")
        self.input_shape = None if input_shape is None else check_sizes("input_shape", input_shape)

    def forward(self, x, training=False):
        """x: the first layer's input, e.g. (N, C, H, W) -> the last layer's output, e.g. (N, 10)."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def __call__(self, x):
        return self.forward(x, training=False)

    def backward(self, dout):
        """dout: gradient of the loss w.r.t. the output -> gradient w.r.t. the input; fills every layer's grads."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def named_parameters(self):
        """{"<index>.<LayerClass>.<name>": array} for every parameter, in layer order (the arrays, not copies)."""
        return {f"{i}.{type(layer).__name__}.{name}": p
                for i, layer in enumerate(self.layers) for name, p in layer.params.items()}

    def named_gradients(self):
        """Same keys as ``named_parameters()``: the gradients of the last ``backward``."""
        grads = {}
        for i, layer in enumerate(self.layers):
            for name in layer.params:
                if name not in layer.grads:
                    raise RuntimeError(f"layer {i} ({type(layer).__name__}) has no gradient for {name!r}: "
                                       "call backward before reading gradients")
                grads[f"{i}.{type(layer).__name__}.{name}"] = layer.grads[name]
        return grads

    def num_params(self):
        """Total number of trainable numbers."""
        return int(sum(p.size for p in self.named_parameters().values()))

    def summary(self, input_shape=None):
        """A table of the layers with their output shapes and parameter counts, as a string.

        input_shape: per-sample input shape such as (1, 28, 28); defaults to the
        one given to the constructor. Output shapes come from one test-mode
        forward pass of a zero image.
        """
        input_shape = self.input_shape if input_shape is None else check_sizes("input_shape", input_shape)
        if input_shape is None:
            raise ValueError("summary needs the per-sample input shape, e.g. summary((1, 28, 28)), "
                             "or Sequential(layers, input_shape=...)")
        params = list(self.named_parameters().values())
        dtype = params[0].dtype if params else np.float64
        x = np.zeros((1,) + input_shape, dtype=dtype)
        rows = [("#", "layer", "output shape", "parameters")]
        rows.append(("", "input", str(input_shape), ""))
        for i, layer in enumerate(self.layers):
            x = layer.forward(x, training=False)
            count = sum(p.size for p in layer.params.values())
            rows.append((str(i), repr(layer), str(tuple(x.shape[1:])), f"{count:,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(4)]
        lines = [f"{r[0]:>{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]:>{widths[3]}}".rstrip()
                 for r in rows]
        rule = "-" * max(len(line) for line in lines)
        return "\n".join([lines[0], rule, *lines[1:], rule, f"total parameters: {self.num_params():,}"])

    def __repr__(self):
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner}\n])"


class SGD:
    """Plain stochastic gradient descent: ``p -= lr * grad`` for every parameter, in place.

    lr: learning rate (> 0). ``step(net)`` reads ``net.named_gradients()``
    from the last ``backward`` and updates ``net.named_parameters()``.
    """

    def __init__(self, lr):
        self.lr = check_number("learning rate lr", lr, 0, low_open=True)

    def step(self, net):
        if not (callable(getattr(net, "named_gradients", None)) and callable(getattr(net, "named_parameters", None))):
            raise ValueError(f"SGD.step needs a network with named_parameters() and named_gradients() "
                             f"(e.g. a Sequential), got {type(net).__name__}")
        grads = net.named_gradients()
        for name, p in net.named_parameters().items():
            g = grads[name]
            if g.shape != p.shape:
                raise ValueError(f"gradient for {name} has shape {g.shape}, parameter has {p.shape}")
            p -= self.lr * g  # in place; a float64 gradient is rounded into a float32 parameter

    def __repr__(self):
        return f"SGD(lr={self.lr:g})"
