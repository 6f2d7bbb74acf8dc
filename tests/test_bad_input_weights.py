"""Saving and loading weights: nothing saved is ever lost, and a bad file changes nothing.

Generated cases: every truncation point of a real weights file, every kind of foreign file,
every parameter made wrong in turn (shape, dtype, NaN, inf, missing, extra), paths that cannot
be written. A save killed with SIGKILL halfway through writing, and saves interrupted by
Ctrl-C or a full disk, leave the previous file loadable and unchanged; the temporary file a
killed save leaves is removed by the next save or load of that name (for one or several killed
saves), but never while another living process is still writing it.
"""

import io
import os
import pickle
import re
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Tanh
from cnnlib.sequential import Sequential
from cnnlib.weights_file import check_save_path, load_weights, save_weights

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def small_net(seed=0, activation=ReLU):
    return Sequential([Conv2D(1, 2, 3, rng=seed), activation(), MaxPool2D(2), Flatten(), Dense(8, 3, rng=seed)])


def params_of(net):
    return {k: p.copy() for k, p in net.named_parameters().items()}


def assert_unchanged(net, before):
    for k, p in net.named_parameters().items():
        assert np.array_equal(p, before[k]), k


@pytest.fixture
def saved(tmp_path):
    """A weights file written by save_weights from small_net(seed=1), and its bytes."""
    path = save_weights(small_net(1), tmp_path / "net")
    with open(path, "rb") as f:
        return path, f.read()


# --------------------------------------------------------------------------- names and architecture

def test_save_and_load_use_the_same_name_rule(tmp_path):
    assert save_weights(small_net(1), tmp_path / "mine") == str(tmp_path / "mine.npz")
    net = small_net(2)
    load_weights(net, tmp_path / "mine")  # no suffix: finds mine.npz, as save wrote it
    assert_unchanged(net, params_of(small_net(1)))
    load_weights(net, str(tmp_path / "mine.npz"))


def test_a_relu_file_does_not_load_into_a_tanh_net(saved):
    path, _ = saved
    tanh_net = small_net(2, activation=Tanh)
    before = params_of(tanh_net)
    with pytest.raises(ValueError, match=r"different architecture \(same parameter shapes, but other layers "
                                         r"or settings, e.g. another activation\)(.|\n)*ReLU(.|\n)*Tanh"):
        load_weights(tanh_net, path)
    assert_unchanged(tanh_net, before)


def test_a_missing_file_says_which_name_was_tried(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"no weights file .*absent\.npz \(save_weights and load_weights "
                                                r"both add '\.npz'"):
        load_weights(small_net(), tmp_path / "absent")


# --------------------------------------------------------------------------- foreign and damaged files

def _foreign_files(good_bytes):
    """(id, bytes) of files that are not complete weights files."""
    yield "empty", b""
    for fraction in (0.02, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99):
        yield f"truncated-{fraction}", good_bytes[:int(len(good_bytes) * fraction)]
    yield "truncated-one-byte-short", good_bytes[:-1]
    yield "text", b"weights: 1 2 3\n"
    yield "random", np.random.default_rng(0).integers(0, 256, 3000, dtype=np.uint8).tobytes()
    yield "pickle", pickle.dumps({"0.Conv2D.w": np.zeros((2, 1, 3, 3))})
    buf = io.BytesIO()
    np.save(buf, np.zeros(3))
    yield "npy", buf.getvalue()
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    yield "npy-object", buf.getvalue()
    buf = io.BytesIO()
    np.savez(buf, **{"0.Conv2D.w": np.zeros((2, 1, 3, 3))})
    yield "npz-without-architecture", buf.getvalue()
    buf = io.BytesIO()
    np.savez(buf, **{"0.Conv2D.w": np.array([None, 1], dtype=object)})
    yield "npz-object-array", buf.getvalue()


def test_foreign_and_damaged_files_get_one_clear_message(saved, tmp_path):
    path, good = saved
    cases = list(_foreign_files(good))
    assert len(cases) >= 14
    for name, data in cases:
        bad = tmp_path / f"{name}.npz"
        bad.write_bytes(data)
        net = small_net(5)
        before = params_of(net)
        with pytest.raises(ValueError, match=r"cannot load weights from .*: it (is not a complete weights file "
                                             r"written by save_weights \(empty, truncated or another kind of file"
                                             r"|has no recorded architecture, so it was not written by save_weights)"):
            load_weights(net, bad)
        assert_unchanged(net, before)


def _rewrite(path, out, change):
    with np.load(path, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    change(arrays)
    np.savez(out, **arrays)
    return out


def _param_changes():
    net = small_net()
    for key in net.named_parameters():
        yield f"{key}-shape", key, lambda a, k=key: a.__setitem__(k, np.zeros(a[k].shape + (1,))), r"has shape"
        yield f"{key}-int", key, lambda a, k=key: a.__setitem__(k, a[k].astype(np.int64)), r"has dtype int64"
        yield f"{key}-str", key, lambda a, k=key: a.__setitem__(k, np.full(a[k].shape, "w")), r"has dtype <U1"
        for bad in ("nan", "inf", "-inf"):
            def put(a, k=key, v=float(bad)):
                x = a[k].copy()
                x.reshape(-1)[-1] = v
                a[k] = x
            yield f"{key}-{bad}", key, put, r"holds 1 NaN/inf value\(s\); expected finite weights"
        yield f"{key}-missing", key, lambda a, k=key: a.pop(k), r"this network has parameters the file lacks"
    yield "extra", None, lambda a: a.__setitem__("9.Dense.w", np.zeros(3)), \
        r"the file has parameters this network lacks"
    yield "arch-not-text", None, lambda a: a.__setitem__("__architecture__", np.zeros(2)), r"no recorded architecture"


@pytest.mark.parametrize("name, key, change, expected", [pytest.param(*c, id=c[0]) for c in _param_changes()])
def test_a_bad_parameter_anywhere_changes_nothing(saved, tmp_path, name, key, change, expected):
    path, _ = saved
    bad = _rewrite(path, tmp_path / "bad.npz", change)
    net = small_net(7)
    before = params_of(net)
    with pytest.raises(ValueError, match=expected):
        load_weights(net, bad)
    assert_unchanged(net, before)  # all or nothing: earlier layers were not overwritten either


# --------------------------------------------------------------------------- paths and weights that cannot be saved

@pytest.mark.parametrize("path, expected", [
    ("", r"path must name a file, got ''"),
    ("   ", r"path must name a file, got '   '"),
    (None, r"path must be a file name \(str or os.PathLike\), got NoneType"),
    (3, r"path must be a file name \(str or os.PathLike\), got int"),
    ("{tmp}/no/such/folder/w", r"cannot save weights to .*w\.npz: the folder .*folder does not exist"),
    ("{tmp}/a_folder.npz", r"cannot save weights to .*a_folder\.npz: it is a folder"),
])
def test_paths_that_cannot_be_written_are_refused_before_writing(tmp_path, path, expected):
    (tmp_path / "a_folder.npz").mkdir()
    if isinstance(path, str):
        path = path.format(tmp=tmp_path)
    with pytest.raises(ValueError, match=expected):
        check_save_path(path)
    with pytest.raises(ValueError, match=expected):
        save_weights(small_net(), path)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_diverged_weights_are_not_saved_over_a_good_file(saved, bad):
    path, good = saved
    net = small_net()
    net.layers[4].params["w"][0, 0] = bad
    with pytest.raises(ValueError, match=r"cannot save layer 4 \(Dense\) 'w': it holds 1 NaN/inf value\(s\)"):
        save_weights(net, path)
    with open(path, "rb") as f:
        assert f.read() == good


def test_save_weights_needs_a_network(tmp_path):
    with pytest.raises(ValueError, match=r"net must be a network with named_parameters\(\)"):
        save_weights({"w": np.zeros(3)}, tmp_path / "w")


# --------------------------------------------------------------------------- interrupted saves

def _half_then(error):
    """A stand-in for numpy.savez that writes half of the real file, then fails with ``error``."""
    real = np.savez

    def savez(file, **arrays):
        buf = io.BytesIO()
        real(buf, **arrays)
        file.write(buf.getvalue()[:len(buf.getvalue()) // 2])
        raise error

    return savez


@pytest.mark.parametrize("error", [KeyboardInterrupt(), OSError(28, "No space left on device"), MemoryError()],
                         ids=["ctrl-c", "disk-full", "memory"])
def test_a_save_interrupted_halfway_keeps_the_old_file(saved, monkeypatch, error):
    path, good = saved
    folder = os.path.dirname(path)
    monkeypatch.setattr(np, "savez", _half_then(error))
    with pytest.raises(type(error)):
        save_weights(small_net(9), path)
    with open(path, "rb") as f:
        assert f.read() == good  # the previous file, byte for byte
    assert os.listdir(folder) == [os.path.basename(path)]  # no half-written temporary file left behind
    net = small_net(3)
    load_weights(net, path)
    assert_unchanged(net, params_of(small_net(1)))


@pytest.mark.parametrize("error, why", [(OSError(28, "No space left on device"), "the disk is full"),
                                        (OSError(27, "File too large"), "a quota or file-size limit"),
                                        (OSError(5, "Input/output error"), None)], ids=["ENOSPC", "EFBIG", "EIO"])
def test_a_failed_write_names_the_file_and_says_the_old_one_is_kept(saved, monkeypatch, error, why):
    path, good = saved
    monkeypatch.setattr(np, "savez", _half_then(error))
    with pytest.raises(OSError, match=rf"cannot save weights to {re.escape(path)}: {error.strerror}") as caught:
        save_weights(small_net(9), path)
    assert caught.value.errno == error.errno and caught.value.__cause__ is error
    assert (why in str(caught.value)) if why else "is full" not in str(caught.value)
    assert str(caught.value).endswith(f"{path} was left as it was before this save")
    with open(path, "rb") as f:
        assert f.read() == good


@pytest.mark.skipif(sys.platform != "linux", reason="resource limits on file size: Linux")
def test_a_real_file_size_limit_keeps_the_old_file(saved):
    """``ulimit -f`` in a child: its write of a larger file fails with EFBIG (Python ignores SIGXFSZ)."""
    path, good = saved
    child = textwrap.dedent(f"""
        import resource, sys
        sys.path.insert(0, {REPO!r})
        import numpy as np
        from cnnlib.layers import Dense
        from cnnlib.sequential import Sequential
        from cnnlib.weights_file import save_weights
        resource.setrlimit(resource.RLIMIT_FSIZE, ({len(good)}, {len(good)}))
        try:
            save_weights(Sequential([Dense(300, 300, dtype=np.float64)]), {path!r})
        except OSError as err:
            print(err.errno, err)
    """)
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert out.stdout.startswith("27 [Errno 27] cannot save weights to") and "file-size limit" in out.stdout, out
    with open(path, "rb") as f:
        assert f.read() == good
    assert os.listdir(os.path.dirname(path)) == [os.path.basename(path)]


def _hung_save(path):
    """A child process that saves a network to ``path``, writes half the file and hangs; returns it once it hangs."""
    child = textwrap.dedent(f"""
        import io, sys, time
        import numpy as np
        from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU
        from cnnlib.sequential import Sequential
        from cnnlib.weights_file import save_weights
        real = np.savez
        def slow_savez(file, **arrays):  # write half of the file, then hang until killed
            buf = io.BytesIO()
            real(buf, **arrays)
            file.write(buf.getvalue()[:len(buf.getvalue()) // 2])
            file.flush()
            print("half written", flush=True)
            time.sleep(60)
        np.savez = slow_savez
        net = Sequential([Conv2D(1, 2, 3, rng=9), ReLU(), MaxPool2D(2), Flatten(), Dense(8, 3, rng=9)])
        save_weights(net, {str(path)!r})
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert proc.stdout.readline().strip() == "half written"
    except BaseException:
        proc.kill()
        raise
    return proc


def _kill(proc):
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    proc.stdout.close()


def _temporaries(path):
    folder, base = os.path.split(path)
    return sorted(name for name in os.listdir(folder) if name.startswith(f".{base}.") and name.endswith(".tmp"))


def test_a_save_killed_mid_write_keeps_the_old_file(saved):
    path, good = saved
    proc = _hung_save(path)
    try:
        _kill(proc)
    finally:
        if proc.poll() is None:
            proc.kill()
    with open(path, "rb") as f:
        assert f.read() == good  # the killed save never touched the previous file
    net = small_net(3)
    load_weights(net, path)
    assert_unchanged(net, params_of(small_net(1)))


@pytest.mark.parametrize("next_call", ["save", "load"])
@pytest.mark.parametrize("killed", [1, 3])
def test_the_next_save_or_load_removes_what_killed_saves_left(saved, next_call, killed):
    path, good = saved
    for _ in range(killed):
        _kill(_hung_save(path))
        # what a killed process cannot clean up itself; each new save removed the one killed before it
        assert len(_temporaries(path)) == 1
    if next_call == "save":
        save_weights(small_net(4), path)
    else:
        load_weights(small_net(3), path)
    assert _temporaries(path) == []
    assert sorted(os.listdir(os.path.dirname(path))) == [os.path.basename(path)]


def test_a_save_still_being_written_by_another_process_is_left_alone(saved):
    path, good = saved
    proc = _hung_save(path)  # alive, holding its half-written temporary file
    try:
        writing = _temporaries(path)
        assert len(writing) == 1
        save_weights(small_net(4), path)  # this process saves and loads the same name meanwhile
        net = small_net(3)
        load_weights(net, path)
        assert_unchanged(net, params_of(small_net(4)))
        assert _temporaries(path) == writing  # the other save's file is still there, untouched
    finally:
        _kill(proc)
    load_weights(small_net(3), path)
    assert _temporaries(path) == []  # once its writer is gone, it is removed
