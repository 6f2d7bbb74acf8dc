"""What the benchmarks share: one thread for every library, what runs, and interleaved best-of-N timing.

Times are CPU time of this process (``time.process_time``), not wall-clock time: with one thread
per library that is the time the work takes, and other programs on a shared machine, which
take the core away now and then, do not count.

Import this module before numpy (``import timing`` first in a script of ``bench/``): it sets
``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` to 1 unless they are set,
as ``course.py`` runs the course. ``describe_threads()`` then says which BLAS kernel really
runs, with how many threads (threadpoolctl, when installed).
"""

import gc
import os
import time

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # before numpy (or torch) is imported


def describe_threads():
    """One line per thread pool numpy and torch use: library, kernel (architecture) and threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ["threadpoolctl is not installed: the BLAS kernel cannot be named "
                f"(OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']})"]
    return [f"{pool['internal_api']} {pool.get('version') or ''} {pool.get('architecture') or ''}, "
            f"{pool['num_threads']} thread(s): {os.path.basename(pool['filepath'])}".replace("  ", " ")
            for pool in threadpool_info()]


def _run(fn, number):
    """CPU seconds per call of ``fn`` over ``number`` calls, with the garbage collector off (as timeit does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(number):
            fn()
        return (time.process_time() - start) / number
    finally:
        if enabled:
            gc.enable()


def interleaved_best(fns, repeat, min_time=0.02):
    """Best seconds per call of each function in ``fns``, measured in turn ``repeat`` times.

    Each measurement repeats a call until it lasts about ``min_time`` seconds (at least one call);
    the functions take turns, so a load that comes and goes on a shared machine hits them alike,
    and the best of ``repeat`` turns is kept. Every function is called once first (warm-up).
    """
    single = [_run(fn, 1) for fn in fns]  # warm-up, and the calls per measurement
    numbers = [max(1, int(min_time / max(s, 1e-7))) for s in single]
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for i, fn in enumerate(fns):
            best[i] = min(best[i], _run(fn, numbers[i]))
    return best
