"""``python -m cnnlib train NETWORK``: smoke runs in a subprocess, option errors in process."""

import re
import subprocess
import sys

import numpy as np
import pytest

from cnnlib.__main__ import main
from cnnlib.network import load_weights
from cnnlib.networks import NETWORK_NAMES, build_dense_net


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
    (["train", "kernel", "--iterations", "-3"], "must be at least 1, got -3"),
    (["train", "kernel", "--iterations", "two"], "expected a positive whole number"),
    (["train", "kernel", "--iterations", "2", "--epochs", "2"], "not allowed with argument"),
    (["train", "dense", "--source", "web"], "invalid choice: 'web'"),
    (["train", "dense", "--seed", "-1"], "must be >= 0"),
    (["fly"], "invalid choice: 'fly'"),
    ([], "required"),
])
def test_bad_options_exit_2_with_a_message(args, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
