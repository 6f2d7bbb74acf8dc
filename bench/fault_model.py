"""Measure what each fault does to a student's saved work: the numbers behind the README's "Fault model".

    python bench/fault_model.py            # about a minute; prints one block per fault

Each fault happens to a real child process that saves a network with ``save_weights`` (32 MB of
float64 weights, so that a save takes long enough to be interrupted), over an older file of the same
name saved with other weights:

* ``SIGKILL`` in the middle of a save (a crash, a restarted or killed kernel, a power cut),
* ``SIGINT`` in the middle of a save (Ctrl-C, Jupyter's "Interrupt kernel"),
* a file-size limit (``ulimit -f``: the write fails with EFBIG), and a really full disk (a small tmpfs: ENOSPC),
* a read-only folder (the child runs as the unprivileged user "nobody": root may write anywhere),
* two processes saving to the same name at once, while a third loads it again and again,
* a network that accepts the connection and then never answers, for ``load_mnist(source="keras")``
  (a local proxy that stays silent; nothing leaves this machine).

For each it prints whether the older file still loads with its own weights, the temporary files left
beside it (and whether the next ``load_weights`` removes them), and the last line of what the child
printed: what the student sees. Linux only (signals, ``setrlimit``, ``flock``).
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402 (after the path, like the child processes)

from cnnlib.layers import Dense  # noqa: E402
from cnnlib.sequential import Sequential  # noqa: E402
from cnnlib.weights_file import load_weights, save_weights  # noqa: E402

SIZE = 2000  # Dense(SIZE, SIZE) in float64: 32 MB

CHILD = """
import os, resource, sys, time
sys.path.insert(0, {root!r})
import numpy as np
from cnnlib.layers import Dense
from cnnlib.sequential import Sequential
from cnnlib.weights_file import save_weights
net = Sequential([Dense({size}, {size}, dtype=np.float64, bias=False)])
net.layers[0].params["w"][...] = {value}
{before}
print("saving", flush=True)
for _ in range({repeat}):
    save_weights(net, {path!r})
print("saved", flush=True)
"""


def _net(value):
    net = Sequential([Dense(SIZE, SIZE, dtype=np.float64, bias=False)])
    net.layers[0].params["w"][...] = value
    return net


def _holds(path):
    """What ``path`` holds: 'the weights of save V' (every weight V), or what went wrong."""
    net = _net(-1.0)
    try:
        load_weights(net, path)
    except ValueError as err:
        return f"does not load: {err}"
    w = net.layers[0].params["w"]
    return f"the weights of save {w[0, 0]:g}" if np.all(w == w[0, 0]) else "a mixture of weights"


def _temporaries(folder):
    return sorted(p.name for p in Path(folder).iterdir() if p.name.endswith(".tmp"))


def _child(path, value, before="", repeat=1, user=None):
    code = CHILD.format(root=str(ROOT), size=SIZE, value=value, before=before, repeat=repeat, path=str(path))
    pre = (lambda: (os.setgid(65534), os.setuid(65534))) if user == "nobody" else None
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, preexec_fn=pre)


def _last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "(nothing)"


def _report(name, folder, path, seen):
    print(f"\n== {name}")
    stray = _temporaries(folder)
    print(f"   the file (save 1 before, save 2 being written): loads, holds {_holds(path)}")
    print(f"   temporary files beside it: {len(stray)}", end="")
    if stray:
        _holds(path)  # load_weights removes what killed saves left
        print(f"; after the next load_weights: {len(_temporaries(folder))}", end="")
    print(f"\n   the student sees: {seen}")


def _interrupt_mid_save(sig, name):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.npz"
        save_weights(_net(1.0), path)
        child = _child(path, 2.0, repeat=50)
        assert child.stdout.readline().strip() == "saving"
        deadline = time.monotonic() + 20
        while not _temporaries(folder) and time.monotonic() < deadline:
            time.sleep(0.001)
        time.sleep(0.02)  # well inside the write of 32 MB
        child.send_signal(sig)
        out = child.communicate()[0]
        seen = f"exit status {child.returncode}; {_last_line(out)}"
        _report(name, folder, path, seen)


def full_disk():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.npz"
        save_weights(_net(1.0), path)
        limit = "resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 20, 1 << 20))  # ulimit -f 1024: 1 MiB per file"
        out = _child(path, 2.0, before=limit).communicate()[0]
        _report("a file-size limit (ulimit -f: no file may grow past 1 MiB; the new file needs 32 MB)", folder, path,
                _last_line(out))


def full_tmpfs():
    """A real full disk: a 48 MiB tmpfs holds the older save (32 MB) but not a second one beside it."""
    folder = tempfile.mkdtemp()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", folder], capture_output=True).returncode:
        print("\n== a full disk (tmpfs): skipped (mounting a tmpfs needs root)")
        os.rmdir(folder)
        return
    try:
        path = Path(folder) / "w.npz"
        save_weights(_net(1.0), path)
        out = _child(path, 2.0).communicate()[0]
        _report("a full disk (a 48 MiB tmpfs: room for one save of 32 MB, not for two)", folder, path,
                _last_line(out))
    finally:
        subprocess.run(["umount", folder], check=True)
        os.rmdir(folder)


def read_only_folder():
    with tempfile.TemporaryDirectory() as folder:
        os.chmod(folder, 0o755)  # readable and searchable by everyone, writable by its owner (root) only
        path = Path(folder) / "w.npz"
        save_weights(_net(1.0), path)
        os.chmod(path, 0o644)
        out = _child(path, 2.0, user="nobody").communicate()[0]
        _report("a read-only folder (the child runs as 'nobody')", folder, path, _last_line(out))
        load = subprocess.run([sys.executable, "-c", f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
                               "import numpy as np\nfrom cnnlib.layers import Dense\n"
                               "from cnnlib.sequential import Sequential\n"
                               "from cnnlib.weights_file import load_weights\n"
                               f"net = Sequential([Dense({SIZE}, {SIZE}, dtype=np.float64, bias=False)])\n"
                               f"load_weights(net, {str(path)!r}); print('loaded', net.layers[0].params['w'][0, 0])"],
                              capture_output=True, text=True, preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))
        print(f"   loading from it as 'nobody': {_last_line(load.stdout + load.stderr)}")


def two_writers():
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "w.npz"
        save_weights(_net(1.0), path)
        writers = [_child(path, v, repeat=10) for v in (2.0, 3.0)]  # saves 2 and 3
        loads, outcomes = 0, set()
        while any(w.poll() is None for w in writers):
            outcomes.add(_holds(path))
            loads += 1
        outs = [w.communicate()[0] for w in writers]
        print("\n== two processes saving to the same name (10 saves each), a third loading it meanwhile")
        print(f"   {loads} loads during the saves; what they found: {sorted(outcomes)}")
        print(f"   afterwards: {_holds(path)}; temporary files: {len(_temporaries(folder))}")
        print(f"   the students see: {' / '.join(_last_line(o) for o in outs)}")


def hanging_network(timeout=2.0):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()  # then silence
    with tempfile.TemporaryDirectory() as keras_home:
        env = dict(os.environ, KERAS_HOME=keras_home, KERAS_BACKEND="jax",
                   HTTPS_PROXY=f"http://127.0.0.1:{server.getsockname()[1]}",
                   https_proxy=f"http://127.0.0.1:{server.getsockname()[1]}")
        code = (f"import sys, time; sys.path.insert(0, {str(ROOT)!r})\nfrom cnnlib.data import load_mnist\n"
                "import keras  # imported first: its start (jax) is not the network's wait\n"
                f"t = time.monotonic()\ntry:\n    load_mnist(source='keras', timeout={timeout})\n"
                "except Exception as err:\n    print(f'after {time.monotonic() - t:.1f} s:', type(err).__name__, err)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
        print(f"\n== a network that hangs (the server accepts, then never answers), load_mnist(source='keras', "
              f"timeout={timeout:g})")
        print(f"   connection accepted: {bool(accepted)}")
        print(f"   the student sees: {_last_line(out.stdout + out.stderr)}")
    server.close()


def main():
    _interrupt_mid_save(signal.SIGKILL, "SIGKILL in the middle of a save (a crash, a killed kernel)")
    _interrupt_mid_save(signal.SIGINT, "SIGINT in the middle of a save (Ctrl-C, 'Interrupt kernel')")
    full_disk()
    if os.geteuid() == 0:
        full_tmpfs()
        read_only_folder()
    else:
        print("\n== a read-only folder: skipped (needs root, to run the child as 'nobody')")
    two_writers()
    hanging_network()


if __name__ == "__main__":
    main()
