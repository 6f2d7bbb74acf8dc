"""Benchmark: each notebook run top to bottom in a fresh kernel: its time and the kernel's peak memory.

    python bench/notebooks.py                               # every course notebook (the registry)
    python bench/notebooks.py notebooks/03_kernel_net.ipynb solutions/

For the README's "Benchmarks" table and for whoever adds a notebook: the classroom budgets are
30 s and 500 MiB per notebook (800 MiB for the Keras bridge, which loads Keras and jax). Each notebook
runs in a kernel of its own (nbclient, this Python's ``python3`` kernel, started in the notebook's
folder) with one BLAS thread, as ``course.py`` runs the course; the file itself is not changed.

Columns: ``run``, seconds from the first cell to the end of the last (what "Run All" costs a
student); ``cpu``, the kernel's CPU seconds from its start to the end (on a machine busy with other
work, ``run`` grows and ``cpu`` stays near what a quiet machine's ``run`` would be); ``start``,
seconds to start the kernel; ``peak``, the kernel process's peak resident
memory (``VmHWM`` of ``/proc/<pid>/status``, read after the last cell; "n/a" without ``/proc``).
A notebook over a budget is marked with ``!``; a cell that raises is reported and the next
notebook runs.
"""

import timing  # noqa: I001 (first: one BLAS thread, inherited by the kernels)

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the course registry, when run as ``python bench/notebooks.py``

from coursekit.notebooks import COURSE  # noqa: E402

BUDGET_S = 30
BUDGET_MIB = {"keras_bridge": 800}  # by the notebook's stem in the registry; 500 MiB for the others
DEFAULT_BUDGET_MIB = 500


def peak_mib(pid):
    """Peak resident memory of process ``pid`` in MiB (``VmHWM``), or None where /proc cannot tell."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        return None
    return None


def cpu_seconds(pid):
    """User + system CPU seconds process ``pid`` has used so far, or None where /proc cannot tell."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    except (OSError, IndexError, ValueError):
        return None


def run_notebook(path, timeout):
    """(start seconds, run seconds, CPU seconds or None, peak MiB or None, error or None) for one notebook."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    begin = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):  # the kernel's log lines would break the table
        started = time.perf_counter()
        try:
            for index, cell in enumerate(nb.cells):
                client.execute_cell(cell, index)
        except CellExecutionError as err:
            error = f"cell {index}: {str(err).strip().splitlines()[-1][:100]}"
        finished = time.perf_counter()
        process = getattr(getattr(client.km, "provisioner", None), "process", None)
        peak = None if process is None else peak_mib(process.pid)
        cpu = None if process is None else cpu_seconds(process.pid)
    return started - begin, finished - started, cpu, peak, error


def notebook_paths(args):
    """The notebooks named (a folder stands for its notebooks); by default the course's, in order."""
    if not args:
        return [notebook.path for notebook in COURSE]
    paths = []
    for arg in map(Path, args):
        paths += sorted(arg.glob("*.ipynb")) if arg.is_dir() else [arg]
    return paths


def budget_mib(path):
    stem = path.stem.split("_", 1)[-1].removesuffix("_solutions")
    return BUDGET_MIB.get(stem, DEFAULT_BUDGET_MIB)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", help="notebooks or folders of notebooks (default: notebooks/)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds one cell may take (default 600)")
    args = parser.parse_args()
    paths = notebook_paths(args.paths)
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")

    import numpy  # noqa: F401 (loads the BLAS the kernels will load, so that threadpoolctl can name it)

    for line in timing.describe_threads():
        print(line)
    print(f"budgets: {BUDGET_S} s and {DEFAULT_BUDGET_MIB} MiB per notebook "
          + ", ".join(f"({n}: {m} MiB)" for n, m in BUDGET_MIB.items()) + "; ! = over budget")
    header = f"{'notebook':<48}{'run':>9}{'cpu':>9}{'start':>8}{'peak':>11}"
    print(header)
    print("-" * len(header))
    total = total_cpu = 0.0
    for path in paths:
        start, run, cpu, peak, error = run_notebook(path, args.timeout)
        total += run
        total_cpu += cpu or 0.0
        over_time = "!" if run > BUDGET_S else " "
        cpu_text = "n/a" if cpu is None else f"{cpu:.1f} s"
        memory = "n/a" if peak is None else f"{peak:,.0f} MiB" + ("!" if peak > budget_mib(path) else " ")
        print(f"{path.name:<48}{run:>7.1f} s{over_time}{cpu_text:>9}{start:>6.1f} s{memory:>11}"
              + (f"   error in {error}" if error else ""), flush=True)
    print(f"{'total':<48}{total:>7.1f} s {total_cpu:>7.1f} s")


if __name__ == "__main__":
    main()
