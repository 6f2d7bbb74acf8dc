"""Benchmark: cnnlib against PyTorch on the CPU, one thread each, on the course's shapes and networks.

    python bench/versus_pytorch.py                       # every table (about 3 minutes on 2 cores)
    python bench/versus_pytorch.py --only conv pool      # some of them: conv, pool, dense, epoch
    python bench/versus_pytorch.py --before /tmp/before  # also time the cnnlib in /tmp/before/cnnlib

PyTorch is a benchmark-only dependency (the ``bench`` extra; see the README). Rows:

* conv, pool, dense: forward + backward of one layer on the shapes the course's networks train on
  (``where`` names the network and notebook; "issue 24" rows are larger batches from that issue),
  with the gradients the network needs (a first conv layer skips the images' gradient, as
  ``input_grad=False`` and an image tensor without ``requires_grad`` do);
* epoch: one training epoch of each course network, ``cnnlib.train.fit(..., shuffle=False)``
  against the same network built from ``torch.nn`` with the same weights, loss and optimiser,
  trained by the same loop (``torch_twins.TorchTrainer``), on the bundled MNIST images.

Every row is checked first: the two libraries give the same outputs and gradients (an epoch row:
the same loss and gradients on its first batch, in test mode). Times are the best of ``--repeat``
measurements taken in turn (cnnlib, PyTorch, cnnlib, ...), so that a load on a shared machine
hits both alike; ``ratio`` = cnnlib / PyTorch (below 1: cnnlib is faster).
"""

import timing  # noqa: I001 (first: one BLAS thread before numpy and torch load)

import argparse
import importlib
import sys
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from torch_twins import TorchTrainer, gradients_agree, torch_twin

import cnnlib
from cnnlib.data import load_mnist, to_float
from cnnlib.nets.recipe import RECIPE_BATCH_SIZE, RECIPE_MOMENTUM  # LeNet's batch and momentum, for every cnnlib timed

MODULES = {"conv": "cnnlib.conv", "pool": "cnnlib.pool", "dense": "cnnlib.dense", "train": "cnnlib.train",
           "optimizers": "cnnlib.optimizers", "dense_net": "cnnlib.nets.dense_net",
           "kernel_net": "cnnlib.nets.kernel_net", "pooling_net": "cnnlib.nets.pooling_net",
           "layered_net": "cnnlib.nets.layered_net", "lenet": "cnnlib.nets.lenet"}

# where, x: (N, C, H, W), K kernels 3x3, bias ("kernel", "position" or None), dx needed
CONV = [("kernel net 03", (128, 1, 28, 28), 16, None, False),
        ("pooling net 05", (1, 1, 28, 28), 8, None, False),
        ("layered net 06", (1, 1, 28, 28), 6, "position", False),
        ("stacked 06, conv 1", (8, 1, 28, 28), 8, "kernel", False),
        ("stacked 06, conv 2", (8, 8, 13, 13), 16, "kernel", True),
        ("LeNet 08, conv 1", (16, 1, 28, 28), 8, "kernel", False),
        ("LeNet 08, conv 2", (16, 8, 13, 13), 16, "kernel", True),
        ("issue 24", (128, 1, 28, 28), 16, "kernel", True),
        ("issue 24", (128, 8, 13, 13), 16, "kernel", True),
        ("issue 24", (128, 16, 28, 28), 32, "kernel", True)]
# where, x: (N, C, H, W), 2x2 max pooling
POOL = [("pooling net 05", (1, 8, 26, 26)), ("stacked 06, pool 1", (8, 8, 26, 26)),
        ("stacked 06, pool 2", (8, 16, 11, 11)), ("LeNet 08, pool 1", (16, 8, 26, 26)),
        ("LeNet 08, pool 2", (16, 16, 11, 11)), ("issue 24", (128, 16, 26, 26))]
# where, x: (N, D), M outputs, bias
DENSE = [("dense net 02, hidden", (8, 784), 40, True), ("dense net 02, output", (8, 40), 10, True),
         ("kernel net 03", (128, 10816), 10, False), ("pooling net 05", (1, 1352), 10, True),
         ("layered net 06, hidden", (1, 4056), 100, True), ("layered net 06, output", (1, 100), 10, True),
         ("LeNet 08", (16, 400), 10, True)]


def load_library(root=None):
    """The cnnlib modules the benchmark uses: this checkout's, or (root) the one in ``root/cnnlib``.

    Another checkout is imported under the same names and then taken out of ``sys.modules`` again,
    so both live side by side (each module keeps the functions it imported).
    """
    if root is None:
        return {key: importlib.import_module(name) for key, name in MODULES.items()}
    own = {name: module for name, module in sys.modules.items() if name.split(".")[0] == "cnnlib"}
    for name in own:
        del sys.modules[name]
    sys.path.insert(0, str(root))
    try:
        modules = {key: importlib.import_module(name) for key, name in MODULES.items()}
    finally:
        sys.path.remove(str(root))
        for name in [name for name in sys.modules if name.split(".")[0] == "cnnlib"]:
            del sys.modules[name]
        sys.modules.update(own)
    return modules


def _tensor(a, grad):
    return torch.from_numpy(a).requires_grad_(grad)


def _agree(ours, theirs, dtype):
    tol = 1e-4 if dtype == np.float32 else 1e-10
    return all(o is None and t is None or np.allclose(o, t, rtol=tol, atol=tol * max(1.0, float(np.abs(t).max())))
               for o, t in zip(ours, theirs))


def conv_case(libs, shape, k, bias, need_dx, dtype, rng):
    x = rng.normal(size=shape).astype(dtype)
    w = (rng.normal(size=(k, shape[1], 3, 3)) / 3).astype(dtype)
    out_shape = (shape[0], k, shape[2] - 2, shape[3] - 2)
    b = None if bias is None else rng.normal(size=(k,) if bias == "kernel" else out_shape[1:]).astype(dtype)
    dout = rng.normal(size=out_shape).astype(dtype)
    xt, wt, dt = _tensor(x, need_dx), _tensor(w, True), torch.from_numpy(dout)
    bt = None if b is None else _tensor(b, True)

    def run_torch():
        xt.grad = wt.grad = None
        if bt is not None:
            bt.grad = None
        out = F.conv2d(xt, wt, bt if bias == "kernel" else None)
        out = out + bt if bias == "position" else out
        out.backward(dt)
        return out

    def cnnlib_run(conv):
        def run():
            out, cache = conv.conv2d_forward(x, w, b)
            return (out, *conv.conv2d_backward(dout, cache, need_dx=need_dx))
        return run

    def torch_results():
        out = run_torch()
        return out.detach().numpy(), None if xt.grad is None else xt.grad.numpy(), wt.grad.numpy(), \
            None if bt is None else bt.grad.numpy()

    return [cnnlib_run(lib["conv"]) for lib in libs], run_torch, torch_results


def pool_case(libs, shape, dtype, rng):
    x = rng.normal(size=shape).astype(dtype)
    dout = rng.normal(size=(*shape[:2], shape[2] // 2, shape[3] // 2)).astype(dtype)
    xt, dt = _tensor(x, True), torch.from_numpy(dout)

    def run_torch():
        xt.grad = None
        out = F.max_pool2d(xt, 2)
        out.backward(dt)
        return out

    def cnnlib_run(pool):
        def run():
            out, cache = pool.maxpool2d_forward(x, 2)
            return out, pool.maxpool2d_backward(dout, cache)
        return run

    def torch_results():
        return run_torch().detach().numpy(), xt.grad.numpy()

    return [cnnlib_run(lib["pool"]) for lib in libs], run_torch, torch_results


def dense_case(libs, shape, m, bias, dtype, rng):
    x = rng.normal(size=shape).astype(dtype)
    w = (rng.normal(size=(shape[1], m)) / np.sqrt(shape[1])).astype(dtype)
    b = rng.normal(size=m).astype(dtype) if bias else None
    dout = rng.normal(size=(shape[0], m)).astype(dtype)
    xt, wt, dt = _tensor(x, True), _tensor(np.ascontiguousarray(w.T), True), torch.from_numpy(dout)  # (M, D)
    bt = None if b is None else _tensor(b, True)

    def run_torch():
        xt.grad = wt.grad = None
        if bt is not None:
            bt.grad = None
        out = F.linear(xt, wt, bt)
        out.backward(dt)
        return out

    def cnnlib_run(dense):
        def run():
            out, cache = dense.dense_forward(x, w, b)
            return (out, *dense.dense_backward(dout, cache))
        return run

    def torch_results():
        out = run_torch()
        return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy().T, None if bt is None else bt.grad.numpy()

    return [cnnlib_run(lib["dense"]) for lib in libs], run_torch, torch_results


NETWORKS = ("dense net 02", "kernel net 03", "pooling net 05", "layered net 06", "LeNet 08")


def _network(lib, name, dtype):
    """(net, loss, optimizer, batch size, images, drop_last) of a course network, built by ``lib``'s builders."""
    dense, kernel, pooling = lib["dense_net"], lib["kernel_net"], lib["pooling_net"]
    layered, lenet, opt = lib["layered_net"], lib["lenet"], lib["optimizers"]
    return {
        "dense net 02": (dense.build_dense_net(0, dtype=dtype), "mean_squared_error", opt.SGD(dense.DENSE_LR),
                         dense.DENSE_BATCH_SIZE, 1000, False),
        "kernel net 03": (kernel.build_kernel_net(dtype=dtype), "softmax_cross_entropy", opt.SGD(kernel.KERNEL_LR),
                          kernel.KERNEL_BATCH_SIZE, 1000, True),
        "pooling net 05": (pooling.build_pooling_net(0, dtype=dtype), "softmax_cross_entropy",
                           opt.SGD(pooling.POOLING_LR), pooling.POOLING_BATCH_SIZE, 1000, False),
        "layered net 06": (layered.build_layered_net(0, dtype=dtype), "binary_cross_entropy",
                           opt.SGD(layered.LAYERED_LR), layered.LAYERED_BATCH_SIZE, 1000, False),
        "LeNet 08": (lenet.build_lenet(0, dtype=dtype), "softmax_cross_entropy",
                     opt.Momentum(lenet.LENET_LR, RECIPE_MOMENTUM), RECIPE_BATCH_SIZE, 800, False),
    }[name]


def epoch_case(libs, name, dtype, images, labels):
    built = [_network(lib, name, dtype) for lib in libs]
    net, loss, optimizer, batch_size, n, drop_last = built[0]
    x, y = images[:n].astype(dtype), labels[:n]
    model = torch_twin(net)
    trainer = TorchTrainer(model, loss, optimizer, x, y, batch_size, drop_last)
    first = slice(0, batch_size)
    if not gradients_agree(net, model, loss, x[first], y[first], 1e-4 if dtype == np.float32 else 1e-9):
        raise AssertionError(f"{name}: cnnlib and its PyTorch twin disagree on the first batch")

    def cnnlib_run(lib, entry):
        net_, loss_, optimizer_, _, _, _ = entry
        return lambda: lib["train"].fit(net_, x, y, num_epochs=1, batch_size=batch_size, optimizer=optimizer_,
                                        loss=loss_, shuffle=False, drop_last=drop_last, progress=None)

    return [cnnlib_run(lib, entry) for lib, entry in zip(libs, built)], trainer.epoch


def _row(where, shape, dtype, times):
    *cnnlib_times, torch_time = times
    cells = "".join(f"{t * 1e3:>10.3f}" for t in cnnlib_times) + f"{torch_time * 1e3:>10.3f}"
    ratios = "".join(f"{t / torch_time:>15.2f}" for t in cnnlib_times)
    return f"{where:<24}{shape:<34}{np.dtype(dtype).name:<9}{cells}{ratios}", cnnlib_times[-1] / torch_time


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="measurements per row, the best is kept (default 5)")
    parser.add_argument("--only", nargs="+", choices=("conv", "pool", "dense", "epoch"),
                        default=("conv", "pool", "dense", "epoch"), help="tables to run (default: all)")
    parser.add_argument("--before", type=Path, help="a folder holding another cnnlib/ (e.g. a git worktree of an "
                                                     "older commit), timed beside this one")
    args = parser.parse_args()
    if args.repeat < 1:
        parser.error("--repeat must be positive")
    if args.before is not None and not (args.before / "cnnlib" / "__init__.py").is_file():
        parser.error(f"--before {args.before}: no cnnlib/__init__.py there")
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)

    libs = ([load_library(args.before)] if args.before else []) + [load_library()]
    names = (["before"] if args.before else []) + ["cnnlib"]
    print(f"cnnlib {Path(cnnlib.__file__).parent}" + (f", before: {args.before / 'cnnlib'}" if args.before else ""))
    print(f"numpy {np.__version__}, torch {torch.__version__} ({torch.get_num_threads()} thread, "
          f"oneDNN {'on' if torch.backends.mkldnn.is_available() else 'off'})")
    for line in timing.describe_threads():
        print("  " + line)
    print(f"best of {args.repeat} interleaved measurements; times in ms; ratio = cnnlib / PyTorch")
    header = (f"{'where':<24}{'shape':<34}{'dtype':<9}" + "".join(f"{n:>10}" for n in names) + f"{'PyTorch':>10}"
              + "".join(f"{(n + '/PyTorch'):>15}" for n in names))

    rng = np.random.default_rng(0)
    (x_raw, labels), _ = load_mnist(n_train=1000, n_test=1)
    images = to_float(x_raw, dtype=np.float64)
    worst = []
    for table in args.only:
        print(f"\n{table}: " + {"conv": "forward + backward, 3x3 kernels, stride 1, no padding",
                                 "pool": "2x2 max pooling, forward + backward",
                                 "dense": "forward + backward (dx, dw, db)",
                                 "epoch": "one epoch of fit(shuffle=False) vs the same loop in PyTorch"}[table])
        print(header)
        print("-" * len(header))
        for dtype in (np.float32, np.float64):
            if table == "conv":
                cases = [(where, f"{shape} x {k} 3x3" + ("" if dx else ", no dx"),
                          conv_case(libs, shape, k, bias, dx, dtype, rng)) for where, shape, k, bias, dx in CONV]
            elif table == "pool":
                cases = [(where, str(shape), pool_case(libs, shape, dtype, rng)) for where, shape in POOL]
            elif table == "dense":
                cases = [(where, f"{shape} -> {m}", dense_case(libs, shape, m, bias, dtype, rng))
                         for where, shape, m, bias in DENSE]
            else:
                cases = [(name, "", epoch_case(libs, name, dtype, images, labels)) for name in NETWORKS]
            for where, shape, case in cases:
                runs, run_torch = case[0], case[1]
                if len(case) == 3:  # a layer: the same numbers first
                    for name, run in zip(names, runs):
                        if not _agree(run(), case[2](), dtype):
                            raise AssertionError(f"{where} {shape} {np.dtype(dtype).name}: {name} and PyTorch differ")
                line, ratio = _row(where, shape, dtype, timing.interleaved_best([*runs, run_torch], args.repeat))
                print(line, flush=True)
                worst.append((ratio, f"{where} {shape} {np.dtype(dtype).name}".replace("  ", " ")))
    above = [f"{w} ({r:.2f})" for r, w in sorted(worst, reverse=True) if r > 1.5]
    print("\nrows above 1.5x PyTorch: " + (", ".join(above) if above else "none"))


if __name__ == "__main__":
    main()
