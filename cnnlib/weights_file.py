"""A network's weights in a file: ``save_weights`` and ``load_weights`` (and the state they save).

    path = save_weights(net, "mine")             # writes mine.npz (".npz" is added when missing)
    load_weights(net, "mine")                    # reads mine.npz: the same rule for the name
    state = network_state(net)                   # {name: array}: parameters and running statistics

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

from cnnlib.atomic_write import remove_stale_temporaries, write_atomically

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
                         f"written by save_weights; expected a file from cnnlib.weights_file.save_weights")
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
