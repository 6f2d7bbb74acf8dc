"""A network as a list of layers: ``Sequential``.

    net = Sequential([Conv2D(1, 8, 3, rng=rng), MaxPool2D(2), Flatten(), Dense(8 * 13 * 13, 10, rng=rng)])
    logits = net.forward(x, training=True)       # x: (N, 1, 28, 28) -> logits: (N, 10)
    loss, dlogits = softmax_cross_entropy(logits, y)
    net.backward(dlogits)                        # fills every layer's grads
    SGD(lr=0.01).step(net)                       # (cnnlib.optimizers) w -= lr * dw for every parameter
    print(net.summary((1, 28, 28)))              # output shapes and parameter counts
    net.forward_to(x, 2)                         # the output of layer 2, in test mode

A "network" for the optimisers, ``cnnlib.weights_file`` (save_weights/load_weights) and ``cnnlib.train``
is anything with ``forward(x, training)``, ``backward(dout)``,
``named_parameters()`` and ``named_gradients()`` (dicts of arrays with the same
keys), and optionally ``named_buffers()`` (arrays that are not trained but belong
with the weights, e.g. batch normalisation's running statistics); ``Sequential`` is
one, ``cnnlib.nets.faithful_kernel_net.FaithfulKernelNet`` (the source notebooks'
hand-written kernel net) is another.
"""

import numpy as np

from cnnlib._checks import check_choice, check_index, check_sizes
from cnnlib.layers.base import forward_known, forward_through


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
        """x: the first layer's input, e.g. (N, C, H, W) -> the last layer's output, e.g. (N, 10).

        A layer whose input is known to hold no NaN or inf (e.g. Tanh's output, |values| <= 1) does not
        check it again; the first layer checks ``x``.
        """
        check_choice("training", training, (True, False))  # "no" would be true: dropout on, batch statistics
        bound = None  # nothing is known about x yet (see forward_known)
        for layer in self.layers:
            x, bound = forward_known(layer, x, training, bound)
        return x

    def forward_to(self, x, index):
        """The output of layer ``index`` (0-based) for input ``x``, in test mode (no dropout)."""
        index = check_index("index", index, len(self.layers), "layers")
        return forward_through(self.layers[:index + 1], x)

    def __call__(self, x):
        return self.forward(x, training=False)

    def backward(self, dout):
        """dout: gradient of the loss w.r.t. the output -> gradient w.r.t. the input; fills every layer's grads."""
        for layer in reversed(self.layers):
            dout = layer.backward(dout)
        return dout

    def clear_caches(self):
        """Forget what every layer kept for its backward pass (``Layer.clear_cache``): after ``evaluate`` a
        layer may hold a whole batch of its inputs. The weights and running statistics stay."""
        for layer in self.layers:
            layer.clear_cache()

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

    def named_buffers(self):
        """{"<index>.<LayerClass>.<name>": array} for every buffer (not trained, e.g. ``"2.BatchNorm2D.running_mean"``),
        in layer order (the arrays, not copies); {} when no layer has any."""
        return {f"{i}.{type(layer).__name__}.{name}": b
                for i, layer in enumerate(self.layers) for name, b in getattr(layer, "buffers", {}).items()}

    def num_params(self):
        """Total number of trainable numbers (buffers not included)."""
        return int(sum(p.size for p in self.named_parameters().values()))

    def summary(self, input_shape=None):
        """A table of the layers with their output shapes and parameter counts, as a string.

        input_shape: per-sample input shape such as (1, 28, 28); defaults to the
        one given to the constructor. Output shapes come from one test-mode
        forward pass of a zero image. A network with buffers (batch normalisation's
        running statistics) gets a column and a total of its non-trainable numbers.
        """
        input_shape = self.input_shape if input_shape is None else check_sizes("input_shape", input_shape)
        if input_shape is None:
            raise ValueError("summary needs the per-sample input shape, e.g. summary((1, 28, 28)), "
                             "or Sequential(layers, input_shape=...)")
        params = list(self.named_parameters().values())
        dtype = params[0].dtype if params else np.float64
        x = np.zeros((1,) + input_shape, dtype=dtype)
        num_buffers = sum(b.size for b in self.named_buffers().values())
        rows = [("#", "layer", "output shape", "parameters", "non-trainable")]
        rows.append(("", "input", str(input_shape), "", ""))
        for i, layer in enumerate(self.layers):
            x = layer.forward(x, training=False)
            count = sum(p.size for p in layer.params.values())
            fixed = sum(b.size for b in getattr(layer, "buffers", {}).values())
            rows.append((str(i), repr(layer), str(tuple(x.shape[1:])), f"{count:,}", f"{fixed:,}"))
        columns = 5 if num_buffers else 4
        widths = [max(len(r[c]) for r in rows) for c in range(columns)]
        aligns = [">", "<", "<", ">", ">"]
        lines = ["  ".join(f"{r[c]:{aligns[c]}{widths[c]}}" for c in range(columns)).rstrip() for r in rows]
        rule = "-" * max(len(line) for line in lines)
        totals = [f"total parameters: {self.num_params():,}"]
        if num_buffers:
            totals.append(f"non-trainable (running statistics): {num_buffers:,}")
        return "\n".join([lines[0], rule, *lines[1:], rule, *totals])

    def __repr__(self):
        inner = ",\n".join(f"  {layer!r}" for layer in self.layers)
        return f"Sequential([\n{inner}\n])"
