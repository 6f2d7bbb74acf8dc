"""The ``Layer`` interface, running a list of layers in test mode, and ``Sequential``'s step.

Every layer has the same small interface::

    out = layer.forward(x, training=False)   # keeps what backward needs
    dx = layer.backward(dout)                # dout: gradient of the loss w.r.t. out
    layer.params["w"], layer.grads["w"]      # arrays by name ({} for layers without weights)
    layer.buffers["running_mean"]            # state that is not trained (batch normalisation's statistics)

``backward`` returns the gradient with respect to the layer's input and fills
``grads`` with one array per entry of ``params`` (same names, same shapes). ``buffers`` hold
numbers a layer updates itself in training mode and uses in test mode; optimisers never touch
them, but ``save_weights``/``load_weights`` keep them with the weights.
"""


def layer_outputs(layers, x):
    """Yield the output of each layer in turn for the input ``x``, in test mode (no dropout)."""
    for layer in layers:
        x = layer.forward(x, training=False)
        yield x


def forward_through(layers, x):
    """``x`` through ``layers`` in test mode: the last layer's output (``x`` itself for no layers)."""
    out = x
    for out in layer_outputs(layers, x):  # noqa: B007 (only the last output is kept)
        pass
    return out


def forward_known(layer, x, training, bound):
    """One step of ``Sequential.forward``: ``layer``'s output for ``x``, and what is known about that output.

    bound: what is known about ``x``: None (nothing), or a number >= every |value| (``math.inf``: finite,
    of unknown size). Returns (out, bound of out). The library's layers write their forward pass as
    ``_forward(x, training, x_finite)``, which skips the check for NaN and inf when ``x_finite`` is true
    (the check is a pass over x), and say in ``_output_bound`` what their output is known to be. Any
    other layer (one written with ``forward`` alone, such as a student's subclass of ``Tanh``) is called
    as it is, and nothing is assumed about its output.
    """
    defining = next(cls for cls in type(layer).__mro__ if "forward" in vars(cls))
    if "_forward" in vars(defining):  # forward is the library's, written beside _forward
        return layer._forward(x, training, bound is not None), layer._output_bound(bound, training)
    return layer.forward(x, training=training), None


class Layer:
    """Base class: ``forward(x, training=False)``, ``backward(dout) -> dx``, ``params``, ``grads``.

    ``params`` and ``grads`` are dicts of arrays by name ("w", "b"); a layer
    without weights keeps them empty. ``buffers``: arrays that are not trained (e.g.
    running statistics), updated in place by the layer itself; empty for most layers.
    ``forward`` stores what ``backward`` needs; ``backward`` uses the most recent
    ``forward``. Calling the layer, ``layer(x)``, is ``layer.forward(x)`` in test mode.
    """

    def __init__(self):
        self.params = {}
        self.grads = {}
        self.buffers = {}
        self._cache = None

    def forward(self, x, training=False):
        raise NotImplementedError

    def backward(self, dout):
        raise NotImplementedError

    def _output_bound(self, bound, training):
        """What is known about the output of the last ``_forward``, given ``bound`` for its input (both as in
        ``forward_known``; an input with bound None was checked by the layer, if it checks). By default
        nothing: a layer with weights can overflow, whatever its input."""
        return None

    def __call__(self, x):
        return self.forward(x, training=False)

    def clear_cache(self):
        """Forget what the last ``forward`` kept for ``backward`` (it can hold a whole batch: a network kept
        only to be measured or reused need not hold its last one)."""
        self._cache = None

    def num_params(self):
        """Number of trainable numbers in this layer."""
        return int(sum(p.size for p in self.params.values()))

    def _need_cache(self):
        if self._cache is None:
            raise RuntimeError(f"{type(self).__name__}.backward was called before forward")
        return self._cache

    def __repr__(self):
        return f"{type(self).__name__}()"
