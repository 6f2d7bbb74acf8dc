"""Benchmark: how long each widget takes to redraw after a control moves.

Run from the repository root::

    python bench/widgets.py [--repeat 20]

Each row times the widget's own callback, exactly what runs in the kernel when a student
moves that control: set ``control.value`` (which computes the new state, updates the
figure and renders the PNG into the ``ipywidgets.Image``), cycling through ``--repeat``
different values after one warm-up. Sizes are the course's: the stepper on an 8x8 digit and
on a 28x28 MNIST digit with a 3x3 kernel; the kernel explorer on the kernel net's 16 kernels
and 10 test digits; the feature-map explorer on a net with two stacked conv layers; the
pooling explorer on 8 tanh maps of 26x26 for 5 digits; the training monitor drawing the last
records of a 300-epoch run (one call per record, as ``fit`` makes it); the training set-up explorer of
notebook 12 over a grid of 3 initialisations x batch norm off/on x 2 learning rates of the deep net (short
runs on 160 digits, so that the grid is quick to build: a redraw only shows a stored run).
Pictures are rendered at 72 dpi, 1044 pixels wide and 346 to 504 pixels high. The browser's share (sending the
PNG over the websocket and decoding it) is not included.

"median" and "max" are wall-clock milliseconds; "cpu" is the median process CPU time, which
is what the redraw would take on an idle machine when the machine is shared.
"""

import argparse
import statistics
import time

import numpy as np

from cnnlib.activation_stats import layer_statistics
from cnnlib.data import load_mnist, to_float
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, Tanh
from cnnlib.nets.deep_net import build_deep_net, train_deep_net
from cnnlib.nets.kernel_net import build_kernel_net
from cnnlib.sequential import Sequential
from cnnlib.widgets import (
    TrainingMonitor,
    convolution_stepper,
    feature_map_explorer,
    kernel_explorer,
    pooling_explorer,
    training_setup_explorer,
)

DIGIT_8X8 = np.array([[0, 0, 5, 13, 9, 1, 0, 0], [0, 0, 13, 15, 10, 15, 5, 0], [0, 3, 15, 2, 0, 11, 8, 0],
                      [0, 4, 12, 0, 0, 8, 8, 0], [0, 5, 8, 0, 0, 9, 8, 0], [0, 4, 11, 0, 1, 12, 7, 0],
                      [0, 2, 14, 5, 10, 12, 0, 0], [0, 0, 6, 13, 10, 0, 0, 0]])
SOBEL = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]])


def time_control(control, values, repeat):
    """Set ``control.value`` to each of ``values`` in turn (one warm-up, then ``repeat`` timed)."""
    control.value = values[-1]
    wall, cpu = [], []
    for i in range(repeat):
        value = values[i % len(values)]
        if value == control.value:  # no change, no callback: take the next one
            value = values[(i + 1) % len(values)]
        t0, c0 = time.perf_counter(), time.process_time()
        control.value = value
        wall.append(1e3 * (time.perf_counter() - t0))
        cpu.append(1e3 * (time.process_time() - c0))
    return statistics.median(wall), max(wall), statistics.median(cpu)


def time_call(fn, repeat):
    wall, cpu = [], []
    fn()
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(1e3 * (time.perf_counter() - t0))
        cpu.append(1e3 * (time.process_time() - c0))
    return statistics.median(wall), max(wall), statistics.median(cpu)


def two_conv_net():
    rng = np.random.default_rng(0)
    return Sequential([Conv2D(1, 8, 3, rng=rng), Tanh(), Conv2D(8, 8, 3, rng=rng), Tanh(), MaxPool2D(2),
                       Flatten(), Dense(8 * 12 * 12, 10, rng=rng)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    repeat = args.repeat
    (_, _), (x_test, _) = load_mnist(n_train=10, n_test=10)
    images = to_float(x_test)  # (10, 1, 28, 28)
    rows = []

    def add(widget, control, result):
        rows.append((widget, control) + result)

    stepper = convolution_stepper(DIGIT_8X8, SOBEL)
    add("stepper 8x8", "position", time_control(stepper.position, list(range(36)), repeat))
    add("stepper 8x8", "mode", time_control(stepper.mode, ["convolution", "correlation"], repeat))
    add("stepper 8x8", "padding", time_control(stepper.padding, [0, 1, 2], repeat))
    add("stepper 8x8", "stride", time_control(stepper.stride, [1, 2, 3], repeat))
    stepper = convolution_stepper(images[0, 0], SOBEL / 4)
    add("stepper 28x28", "position", time_control(stepper.position, list(range(0, 676, 7)), repeat))

    net = build_kernel_net()
    explorer = kernel_explorer(net, images)
    add("kernel explorer (16 kernels)", "kernel", time_control(explorer.kernel, list(range(16)), repeat))
    add("kernel explorer (16 kernels)", "image", time_control(explorer.image_index, list(range(10)), repeat))
    add("kernel explorer (16 kernels)", "activation",
        time_control(explorer.activation, ["tanh", "relu", "none"], repeat))

    explorer = feature_map_explorer(two_conv_net(), images)
    for layer in range(len(explorer.net.layers)):  # every layer's figure built once
        explorer.layer.value = layer
    explorer.layer.value = 2
    add("feature maps (conv 8 -> conv 8)", "image", time_control(explorer.image_index, list(range(10)), repeat))
    add("feature maps (conv 8 -> conv 8)", "layer", time_control(explorer.layer, [0, 2, 4, 6], repeat))
    explorer.layer.value = 6
    add("feature maps (10 logits, bars)", "image", time_control(explorer.image_index, list(range(10)), repeat))

    maps = np.stack([np.tanh(kernel_explorer(net, images, image_index=i).state.maps[:8]) for i in range(5)])
    explorer = pooling_explorer(maps)  # (5, 8, 26, 26)
    add("pooling explorer (8 maps 26x26)", "size", time_control(explorer.size, [2, 3, 4], repeat))
    add("pooling explorer (8 maps 26x26)", "stride", time_control(explorer.stride, [1, 2, 3], repeat))
    add("pooling explorer (8 maps 26x26)", "image", time_control(explorer.image_index, list(range(5)), repeat))
    add("pooling explorer (8 maps 26x26)", "mode", time_control(explorer.mode, ["sum", "mean", "max"], repeat))

    monitor = TrainingMonitor(min_interval_s=0)  # redraw for every record
    records = iter([{"epoch": step, "loss": 2 / step, "train_accuracy": 1 - 1 / (step + 1), "test_loss": 2.2 / step,
                     "test_accuracy": 0.9 - 1 / (step + 1), "num_epochs": 300, "steps_per_epoch": 7}
                    for step in range(1, 301)])
    for _ in range(300 - repeat - 1):
        monitor(next(records))
    add("training monitor (300 epochs)", "record", time_call(lambda: monitor(next(records)), repeat))

    (x_small, y_small), _ = load_mnist(n_train=160, n_test=1)
    x_small = to_float(x_small, dtype=np.float64)
    inits = {"N(0, 0.01²)": 0.01, "He normal": "he_normal", "N(0, 1)": 1.0}
    stats = {(label, bn): layer_statistics(build_deep_net(init, batch_norm=bn), x_small[:64], y_small[:64])
             for label, init in inits.items() for bn in (False, True)}
    runs = {(label, bn, lr): train_deep_net(x_small, y_small, x_small[:32], y_small[:32], init=init, batch_norm=bn,
                                            lr=lr)
            for label, init in inits.items() for bn in (False, True) for lr in (0.01, 0.1)}
    explorer = training_setup_explorer(runs, stats)
    add("training set-up explorer (12 runs)", "init", time_control(explorer.init, list(inits), repeat))
    add("training set-up explorer (12 runs)", "batch norm", time_control(explorer.batch_norm, [False, True], repeat))
    add("training set-up explorer (12 runs)", "lr", time_control(explorer.lr, [0.01, 0.1], repeat))

    width = max(len(r[0]) for r in rows)
    print(f"{'widget':<{width}}  {'control':<10}  {'median ms':>9}  {'max ms':>7}  {'cpu ms':>6}")
    print("-" * (width + 42))
    for widget, control, median, worst, cpu in rows:
        print(f"{widget:<{width}}  {control:<10}  {median:9.1f}  {worst:7.1f}  {cpu:6.1f}")


if __name__ == "__main__":
    main()
