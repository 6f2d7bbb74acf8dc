"""``python -m cnnlib train NETWORK``: smoke runs in a subprocess, option errors in process."""

import re
import subprocess
import sys

import numpy as np
import pytest

from cnnlib.__main__ import main
from cnnlib.nets import NETWORK_NAMES
from cnnlib.nets.dense_net import build_dense_net
from cnnlib.weights_file import load_weights, save_weights


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "cnnlib", *args], capture_output=True, text=True, timeout=120)


def test_train_prints_accuracies_and_saves_weights(tmp_path):
    path = tmp_path / "dense.npz"
    result = run_cli("train", "dense", "--epochs", "2", "--seed", "3", "--save", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"train accuracy: 0\.\d{4}", lines[0])
    assert re.fullmatch(r"test accuracy: 0\.\d{4}", lines[1])
    assert "bundled" in result.stderr and "saved weights" in result.stderr
    net = build_dense_net(0)
    load_weights(net, path)  # same architecture: loads
    assert not np.array_equal(net.layers[1].params["w"], build_dense_net(0).layers[1].params["w"])


def test_kernel_net_with_two_iterations():
    result = run_cli("train", "kernel", "--iterations", "2")
    assert result.returncode == 0, result.stderr
    test_accuracy = float(result.stdout.splitlines()[1].split(":")[1])
    assert 0.1 < test_accuracy <= 1
    assert "14/14" in result.stderr  # the progress bar: 2 iterations x 7 batches


def test_help_explains_every_option():
    result = run_cli("train", "--help")
    assert result.returncode == 0
    for text in ("--iterations", "--epochs", "--source", "--seed", "--save", *NETWORK_NAMES):
        assert text in result.stdout


@pytest.mark.parametrize("args, message", [
    (["train", "lenet"], "invalid choice: 'lenet'"),
    (["train", "kernel", "--iterations", "-3"], "the number of passes must be a positive integer, got -3"),
    (["train", "kernel", "--iterations", "two"], "the number of passes must be a whole number, got 'two'"),
    (["train", "kernel", "--epochs", "0"], "--epochs: the number of passes must be a positive integer, got 0"),
    (["train", "kernel", "--iterations", "2", "--epochs", "2"], "not allowed with argument"),
    (["train", "dense", "--source", "web"], "invalid choice: 'web'"),
    (["train", "dense", "--seed", "-1"], "--seed: the seed must be an int seed in 0..4294967295 (2**32 - 1), got -1"),
    (["fly"], "invalid choice: 'fly'"),
    ([], "required"),
])
def test_bad_options_exit_2_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


# --------------------------------------------------------------------------- --save, --seed and Ctrl-C

@pytest.mark.parametrize("args, message", [
    (["--save", ""], "argument --save: path must name a file, got ''"),
    (["--save", "  "], "argument --save: path must name a file"),
    (["--save", "{tmp}/no/such/folder/w.npz"], "the folder {tmp}/no/such/folder does not exist"),
    (["--save", "{tmp}"], "cannot save weights to {tmp}.npz"),
    (["--save", "{tmp}/sub.npz"], "cannot save weights to {tmp}/sub.npz: it is a folder"),
    (["--seed", str(2**32)], "argument --seed: the seed must be an int seed in 0..4294967295 (2**32 - 1)"),
    (["--seed", str(2**64)], "the seed must be an int seed in 0..4294967295 (2**32 - 1), got 18446744073709551616"),
])
def test_save_path_and_seed_are_checked_before_training(tmp_path, monkeypatch, capsys, args, message):
    (tmp_path / "sub.npz").mkdir()
    (tmp_path.parent / (tmp_path.name + ".npz")).mkdir(exist_ok=True)  # "{tmp}" + ".npz" is a folder too
    monkeypatch.setattr("cnnlib.nets.train_network", _no_training)
    args = [a.format(tmp=tmp_path) for a in args]
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "dense", *args])
    assert exit_info.value.code == 2
    assert message.format(tmp=tmp_path) in capsys.readouterr().err


def _no_training(*args, **kwargs):
    raise AssertionError("training started before the options were checked")


def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.fixture
def old_weights(tmp_path):
    path = tmp_path / "w.npz"
    save_weights(build_dense_net(0), path)
    return path, path.read_bytes()


def test_ctrl_c_during_training_prints_one_line_and_exits_130(monkeypatch, capsys, old_weights):
    path, before = old_weights
    monkeypatch.setattr("cnnlib.nets.train_network", _interrupted)
    assert main(["train", "dense", "--save", str(path)]) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == f"interrupted (Ctrl-C); {path} was not written (an earlier file there is unchanged)"
    assert "Traceback" not in err
    assert path.read_bytes() == before


def test_ctrl_c_in_the_middle_of_saving_keeps_the_previous_file(monkeypatch, capsys, old_weights):
    path, before = old_weights
    monkeypatch.setattr("cnnlib.nets.train_network", lambda *a, **k: (build_dense_net(5), None))
    real = np.savez

    def half_then_ctrl_c(file, **arrays):
        real(file, **{k: arrays[k] for k in list(arrays)[:1]})  # part of the file, then Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(np, "savez", half_then_ctrl_c)
    assert main(["train", "dense", "--save", str(path)]) == 130
    assert "interrupted (Ctrl-C)" in capsys.readouterr().err
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["w.npz"]  # no temporary file left


def test_a_real_sigint_stops_training_with_one_line(old_weights):
    import os
    import signal

    path, before = old_weights
    proc = subprocess.Popen([sys.executable, "-m", "cnnlib", "train", "kernel", "--iterations", "300",
                             "--save", str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"),
                            # A terminal's Ctrl-C: undo an ignored SIGINT inherited from whoever started the
                            # tests (a background job, nohup, some CI runners); Python would keep ignoring it.
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert "MNIST source" in proc.stderr.readline()  # printed just before training starts
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err
    assert err.rstrip().splitlines()[-1].startswith("interrupted (Ctrl-C)")
    assert "Traceback" not in err and out == ""
    assert path.read_bytes() == before
