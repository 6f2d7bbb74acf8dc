"""Benchmark: how long the drawing demo takes to answer the end of a stroke.

Run from the repository root::

    python bench/draw_a_digit.py [--repeat 20]

Times what runs in the kernel when a student lifts the mouse: ipycanvas's ``mouse_up`` event
reaches ``DrawingDemo``, which paints the strokes into a 280x280 image, preprocesses it as MNIST
was made (``cnnlib.handwriting``), runs both networks of notebook 11 (LeNet, float64, and the kernel
net, float32, as built; training does not change the time), updates every feature map and bar, and
renders the PNG into the ``ipywidgets.Image``. Each timed stroke is a new one (a "1" with a new slant, 21
points), added to a drawing that already has one stroke, so the drawing has two strokes.

The reference, measured in the same run: the bare forward pass of both networks on one image.
"median" and "max" are wall-clock milliseconds, "cpu" the median process CPU time (what the
redraw takes on an idle machine when the machine is shared). The browser's share (the websocket
and decoding the PNG) is not included.
"""

import argparse
import statistics
import time

from cnnlib.nets.kernel_net import build_kernel_net
from cnnlib.nets.lenet import build_lenet
from cnnlib.plotting.draw_a_digit import TrainedNet
from cnnlib.widgets.draw_a_digit import draw_a_digit


def timed(fn, repeat):
    """(median wall ms, max wall ms, median cpu ms) of ``repeat`` calls fn(i), after one warm-up."""
    fn(-1)
    wall, cpu = [], []
    for i in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn(i)
        wall.append(1e3 * (time.perf_counter() - t0))
        cpu.append(1e3 * (time.process_time() - c0))
    return statistics.median(wall), max(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    nets = {"LeNet + shifts": TrainedNet(build_lenet(0)), "kernel net": TrainedNet(build_kernel_net())}
    demo = draw_a_digit(nets)
    demo.add_stroke([(100, 60), (180, 60)])  # the bar of a 7

    def event(name, x, y):
        demo.canvas._handle_frontend_event(None, {"event": name, "x": x, "y": y}, [])

    def stroke_end(i):
        """Draw a slanted stroke (not timed), then time only the mouse-up that ends it."""
        if len(demo.strokes) > 1:
            demo.undo()
        slant = 3 * (i % 7)
        event("mouse_down", 180, 60)
        for step in range(1, 20):
            event("mouse_move", 180 - slant * step / 4, 60 + 9 * step)
        t0, c0 = time.perf_counter(), time.process_time()
        event("mouse_up", 180 - 5 * slant, 240)
        return 1e3 * (time.perf_counter() - t0), 1e3 * (time.process_time() - c0)

    stroke_end(-1)
    ends = [stroke_end(i) for i in range(args.repeat)]
    end_wall = [w for w, _ in ends]
    end = statistics.median(end_wall), max(end_wall), statistics.median(c for _, c in ends)

    x = demo.image()

    def forward(_):
        for trained in nets.values():
            dtype = next(iter(trained.net.layers[0].params.values())).dtype  # the network's own
            trained.net.forward((x - 0.5 if trained.centered else x).astype(dtype)[None, None])

    ref = timed(forward, args.repeat)
    rows = [("bare forward pass of both nets (reference)", ref),
            ("stroke end -> input, maps and bars redrawn", end)]
    print(f"{'':46s} {'median':>8s} {'max':>8s} {'cpu':>8s}  (ms, {args.repeat} runs)")
    for name, (median, worst, cpu) in rows:
        print(f"{name:46s} {median:8.1f} {worst:8.1f} {cpu:8.1f}")
    print(f"\nredraw / forward pass: {end[0] / ref[0]:.0f}x wall, {end[2] / max(ref[2], 1e-9):.0f}x cpu")
    print(f"picture: {len(demo.picture.value) / 1024:.0f} KiB PNG, "
          f"{demo.fig.get_size_inches()[0] * demo.fig.dpi:.0f}x{demo.fig.get_size_inches()[1] * demo.fig.dpi:.0f} px")


if __name__ == "__main__":
    main()
