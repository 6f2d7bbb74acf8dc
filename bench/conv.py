"""Benchmark: conv layer forward + backward, vectorised vs naive loops vs a scipy loop.

Run from the repository root::

    python bench/conv.py [--repeat 5] [--naive-images 4]

Shapes are the course's: MNIST batches x (128, 1, 28, 28) into 16 kernels of
3x3, and pooled maps x (128, 8, 13, 13) into 16 kernels of 3x3; stride 1, no
padding; float32 and float64. Each time is the best of ``--repeat`` runs of
forward + backward (all three gradients) for the whole batch of 128:

* vectorised: ``conv2d_forward`` + ``conv2d_backward`` on the whole batch.
* naive: ``conv2d_forward_naive`` + ``conv2d_backward_naive`` timed on the
  first ``--naive-images`` images and scaled to 128 (the loops cost the same
  per image).
* scipy loop: ``scipy.signal.correlate2d``/``convolve2d`` per image, kernel and
  channel on the whole batch: out = b + sum_c x_c * w_kc, dw_kc = sum_n x_c * dout_k,
  dx_c = sum_k dout_k *_full w_kc (the layer's textbook formulas).

All three are checked to give the same results before they are timed.
"""

import argparse
import time

import numpy as np
import scipy.signal

from cnnlib.conv import conv2d_backward, conv2d_backward_naive, conv2d_forward, conv2d_forward_naive

SHAPES = [((128, 1, 28, 28), (16, 3, 3)), ((128, 8, 13, 13), (16, 3, 3))]


def vectorised(x, w, b, dout):
    out, cache = conv2d_forward(x, w, b)
    return (out, *conv2d_backward(dout, cache))


def naive(x, w, b, dout):
    out, cache = conv2d_forward_naive(x, w, b)
    return (out, *conv2d_backward_naive(dout, cache))


def scipy_loop(x, w, b, dout):
    n_images, channels = x.shape[:2]
    kernels = w.shape[0]
    out = np.zeros(dout.shape, dtype=x.dtype)
    dx, dw = np.zeros_like(x), np.zeros_like(w)
    for n in range(n_images):
        for k in range(kernels):
            out[n, k] = b[k]
            for c in range(channels):
                out[n, k] += scipy.signal.correlate2d(x[n, c], w[k, c], "valid")
                dw[k, c] += scipy.signal.correlate2d(x[n, c], dout[n, k], "valid")
                dx[n, c] += scipy.signal.convolve2d(dout[n, k], w[k, c], "full")
    return out, dx, dw, dout.sum(axis=(0, 2, 3))


def best_time(fn, args, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - start)
    return min(times)


def check_same(results, reference, dtype, label):
    tol = 1e-3 if dtype == np.float32 else 1e-9
    for name, got, ref in zip(("out", "dx", "dw", "db"), results, reference):
        scale = max(1.0, float(np.abs(ref).max()))
        if not np.allclose(got, ref, rtol=tol, atol=tol * scale):
            raise AssertionError(f"{label} disagrees with the vectorised version on {name}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the best is kept (default 5)")
    parser.add_argument("--naive-images", type=int, default=4,
                        help="images the naive loops are timed on, then scaled to the batch (default 4)")
    args = parser.parse_args()
    if args.repeat < 1 or args.naive_images < 1:
        parser.error("--repeat and --naive-images must be positive")

    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, scipy {scipy.__version__}; best of {args.repeat} runs; "
          f"forward + backward for a batch of 128")
    print(f"naive: timed on {args.naive_images} images and scaled per image to 128; "
          f"vectorised and scipy loop: the whole batch")
    header = (f"{'x shape':<18} {'w shape':<15} {'dtype':<8} {'vectorised':>11} {'naive':>11} {'scipy loop':>11} "
              f"{'naive/vec':>10} {'scipy/vec':>10}")
    print(header)
    print("-" * len(header))
    for x_shape, (k, kh, kw) in SHAPES:
        for dtype in (np.float32, np.float64):
            x = rng.normal(size=x_shape).astype(dtype)
            w = (rng.normal(size=(k, x_shape[1], kh, kw)) * 0.1).astype(dtype)
            b = rng.normal(size=k).astype(dtype)
            dout = rng.normal(size=(x_shape[0], k, x_shape[2] - kh + 1, x_shape[3] - kw + 1)).astype(dtype)
            m = args.naive_images

            reference = vectorised(x, w, b, dout)
            check_same(scipy_loop(x, w, b, dout), reference, dtype, "scipy loop")
            small_reference = vectorised(x[:m], w, b, dout[:m])
            check_same(naive(x[:m], w, b, dout[:m]), small_reference, dtype, "naive loops")

            t_vec = best_time(vectorised, (x, w, b, dout), args.repeat)
            t_naive = best_time(naive, (x[:m], w, b, dout[:m]), args.repeat) * x_shape[0] / m
            t_scipy = best_time(scipy_loop, (x, w, b, dout), args.repeat)
            print(f"{str(x_shape):<18} {str(w.shape):<15} {np.dtype(dtype).name:<8} "
                  f"{t_vec * 1e3:>9.2f}ms {t_naive * 1e3:>9.0f}ms {t_scipy * 1e3:>9.0f}ms "
                  f"{t_naive / t_vec:>9.0f}x {t_scipy / t_vec:>9.0f}x")


if __name__ == "__main__":
    main()
