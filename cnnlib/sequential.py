"""A network as a list of layers, and saving/loading its weights.

    net = Sequential([Conv2D(1, 8, 3, rng=rng), MaxPool2D(2), Flatten(), Dense(8 * 13 * 13, 10, rng=rng)])
    logits = net.forward(x, training=True)       # x: (N, 1, 28, 28) -> logits: (N, 10)
    loss, dlogits = softmax_cross_entropy(logits, y)
    net.backward(dlogits)                        # fills every layer's grads
    SGD(lr=0.01).step(net)                       # (cnnlib.optimizers) w -= lr * dw for every parameter
    print(net.summary((1, 28, 28)))              # output shapes and parameter counts
    net.forward_to(x, 2)                         # the output of layer 2, in test mode
    path = save_weights(net, "mine")             # writes mine.npz (".npz" is added when missing)
    load_weights(net, "mine")                    # reads mine.npz: the same rule for the name

A "network" for the optimisers, ``save_weights``/``load_weights`` and ``cnnlib.train``
is anything with ``forward(x, training)``, ``backward(dout)``,
``named_parameters()`` and ``named_gradients()`` (dicts of arrays with the same
keys), and optionally ``named_buffers()`` (arrays that are not trained but belong
with the weights, e.g. batch normalisation's running statistics); ``Sequential`` is
one, ``cnnlib.nets.faithful_kernel_net.FaithfulKernelNet`` (the source notebooks'
hand-written kernel net) is another.

``save_weights`` writes to a temporary file in the same folder and renames it over the
target only once it is complete (``cnnlib.atomic_write``), so an interrupted save (Ctrl-C, a full
disk, a killed kernel) leaves the previous file as it was; the temporary file a killed save
leaves behind is removed by the next save or load of that name. ``load_weights`` reads and checks
everything first (architecture, names, shapes, finite numbers) and changes ``net`` only when
all of it fits.
"""

import os
import zipfile
import zlib

import numpy as np

from cnnlib._checks import check_choice, check_index, check_sizes
from cnnlib.atomic_write import remove_stale_temporaries, write_atomically
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


_ARCH_KEY = "__architecture__"


def _architecture(net):
    return repr(net)


def network_state(net):
    """Every array that makes up a trained ``net``: ``named_parameters()`` and, where the network has them,
    ``named_buffers()`` (e.g. batch normalisation's running statistics), in one dict of the arrays themselves."""
    if not callable(getattr(net, "named_parameters", None)):
        raise ValueError(f"net must be a network with named_parameters() (a Sequential or a cnnlib kernel net), "
                         f"got {type(net).__name__}")
    buffers = net.named_buffers() if callable(getattr(net, "named_buffers", None)) else {}
    return {**net.named_parameters(), **buffers}


def all_finite(net):
    """True when every array of ``network_state(net)`` (weights and running statistics) is finite: False after a
    step so large that some weight overflowed to inf or NaN."""
    return all(bool(np.isfinite(a).all()) for a in network_state(net).values())


def weights_path(path):
    """The file ``save_weights``/``load_weights`` use for ``path``: ``path`` with ".npz" added when missing."""
    try:
        path = os.fspath(path)
    except TypeError:
        raise ValueError(f"path must be a file name (str or os.PathLike), got {type(path).__name__} {path!r}") from None
    if not isinstance(path, str):
        path = os.fsdecode(path)
    if not path.strip():
        raise ValueError(f"path must name a file, got {path!r}")
    if path.endswith(".npy"):
        raise ValueError(f"path {path!r} names a .npy file, which holds one array (numpy.save), not a network's "
                         f"weights; save_weights and load_weights use .npz files: pass {path[:-4]!r}")
    return path if path.endswith(".npz") else path + ".npz"


def check_save_path(path):
    """Return ``weights_path(path)`` if a file can be written there, else raise ValueError saying why.

    Checks that the folder exists and is writable and that the target is not a folder; nothing is written.
    """
    path = weights_path(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise ValueError(f"cannot save weights to {path}: it is a folder; expected a file name such as "
                         f"{os.path.join(path, 'weights.npz')}")
    if not os.path.isdir(folder):
        raise ValueError(f"cannot save weights to {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"cannot save weights to {path}: the folder {folder} is not writable")
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise ValueError(f"cannot save weights to {path}: the file exists and is read-only")
    return path


def _count_bad(a):
    return int(a.size - np.count_nonzero(np.isfinite(a)))


def save_weights(net, path):
    """Write every parameter of ``net`` to a ``.npz`` file (keys as in ``named_parameters()``), and its
    buffers (``named_buffers()``: batch normalisation's running statistics), which test mode needs.

    ".npz" is appended to ``path`` if missing (as numpy does, and as ``load_weights`` expects);
    returns the path written. The file is written completely under a temporary name in the
    same folder, then renamed over ``path``: an interrupted save never damages an older file.
    Raises ValueError (and writes nothing) for a path that cannot be written or a parameter
    that holds NaN or inf.
    """
    params = network_state(net)
    path = check_save_path(path)
    for key, p in params.items():
        bad = _count_bad(np.asarray(p))
        if bad:
            raise ValueError(f"cannot save {_describe_key(key)}: it holds {bad} NaN/inf value(s) (did training "
                             f"diverge?); expected finite weights. Nothing was written to {path}")
    arrays = dict(params)
    arrays[_ARCH_KEY] = np.array(_architecture(net))
    remove_stale_temporaries(path)  # what earlier saves of this name, killed midway, left behind
    return write_atomically(path, lambda f: np.savez(f, **arrays), what="weights")


def _read(path):
    """{key: array} and the recorded architecture; one ValueError for anything that is not our format."""
    if os.path.isdir(path):
        raise ValueError(f"cannot load weights from {path}: it is a folder, expected a .npz file")
    if not os.path.exists(path):
        raise FileNotFoundError(f"no weights file {path} (save_weights and load_weights both add '.npz' "
                                f"to a name without it)")
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array (.npy), not a set of named weights")
        with data:
            arrays = {key: data[key] for key in data.files}
    except (ValueError, OSError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as err:
        size = os.path.getsize(path)
        raise ValueError(f"cannot load weights from {path} ({size:,} bytes): it is not a complete weights file "
                         f"written by save_weights (empty, truncated or another kind of file; "
                         f"{type(err).__name__}: {err})") from None
    if _ARCH_KEY not in arrays or arrays[_ARCH_KEY].dtype.kind != "U" or arrays[_ARCH_KEY].ndim != 0:
        raise ValueError(f"cannot load weights from {path}: it has no recorded architecture, so it was not "
                         f"written by save_weights; expected a file from cnnlib.sequential.save_weights")
    return arrays, str(arrays.pop(_ARCH_KEY))


def load_weights(net, path):
    """Copy the weights saved by ``save_weights`` into ``net`` (in place, keeping ``net``'s dtypes).

    ``path`` gets ".npz" when it lacks it, as in ``save_weights``. Everything is checked before
    anything changes: the file must be a complete ``save_weights`` file, hold exactly this
    network's parameters with the same shapes, as finite floats, and record the same
    architecture (``repr(net)``: layer types, sizes and activations). Otherwise a ValueError
    names the layer and what differs, and ``net`` is left as it was. Buffers (running
    statistics) are part of "everything": a file without them does not load into a network with them.
    """
    params = network_state(net)
    given, path = path, weights_path(path)
    if not os.path.exists(path) and os.path.isfile(given):  # e.g. "w.pt": load_weights would read w.pt.npz
        raise ValueError(f"cannot load weights from {os.fspath(given)}: it is not a .npz file, and {path} (the name "
                         f"save_weights would have written) does not exist; expected a file from save_weights")
    remove_stale_temporaries(path)
    saved, saved_arch = _read(path)
    hint = f"\nthe file was saved from:\n{saved_arch}\nthis network is:\n{_architecture(net)}"
    missing = [k for k in params if k not in saved]
    extra = [k for k in saved if k not in params]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"this network has parameters the file lacks: {', '.join(map(_describe_key, missing))}")
        if extra:
            parts.append(f"the file has parameters this network lacks: {', '.join(map(_describe_key, extra))}")
        raise ValueError(f"cannot load {path}: different architecture; " + "; ".join(parts) + hint)
    for key, p in params.items():
        if saved[key].shape != p.shape:
            raise ValueError(f"cannot load {path}: {_describe_key(key)} has shape {saved[key].shape} in the file "
                             f"but {p.shape} in this network" + hint)
        if saved[key].dtype.kind not in "f":
            raise ValueError(f"cannot load {path}: {_describe_key(key)} has dtype {saved[key].dtype} in the file; "
                             f"expected floats")
        bad = _count_bad(saved[key])
        if bad:
            raise ValueError(f"cannot load {path}: {_describe_key(key)} holds {bad} NaN/inf value(s); "
                             f"expected finite weights")
    if saved_arch != _architecture(net):
        raise ValueError(f"cannot load {path}: different architecture (same parameter shapes, but other layers "
                         f"or settings, e.g. another activation)" + hint)
    for key, p in params.items():
        p[...] = saved[key]  # cannot fail now: same shape, finite floats


def _describe_key(key):
    """'3.Dense.w' -> "layer 3 (Dense) 'w'"; '4.ResidualBlock.bn1.gamma' -> "layer 4 (ResidualBlock) 'bn1.gamma'"."""
    parts = key.split(".", 2)
    if len(parts) == 3:
        return f"layer {parts[0]} ({parts[1]}) {parts[2]!r}"
    return repr(key)
