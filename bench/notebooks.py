"""Benchmark: each notebook run top to bottom in a fresh kernel: its time and the kernel's peak memory.

    python bench/notebooks.py                               # every notebook in notebooks/
    python bench/notebooks.py notebooks/03_kernel_net.ipynb solutions/

For the README's "Benchmarks" table and for whoever adds a notebook: the classroom budgets are
30 s and 500 MiB per notebook (800 MiB for notebook 07, which loads Keras and jax). Each notebook
runs in a kernel of its own (nbclient, this Python's ``python3`` kernel, started in the notebook's
folder) with one BLAS thread, as ``course.py`` runs the course; the file itself is not changed.

Columns: ``run``, seconds from the first cell to the end of the last (what "Run All" costs a
student); ``start``, seconds to start the kernel; ``peak``, the kernel process's peak resident
memory (``VmHWM`` of ``/proc/<pid>/status``, read after the last cell; "n/a" without ``/proc``).
A notebook over a budget is marked with ``!``; a cell that raises is reported and the next
notebook runs.
"""

import timing  # noqa: I001 (first: one BLAS thread, inherited by the kernels)

import argparse
import subprocess
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
BUDGET_S = 30
BUDGET_MIB = {"07": 800}  # by notebook number; 500 MiB for the others
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


def run_notebook(path, timeout):
    """(start seconds, run seconds, peak MiB or None, error message or None) for one notebook."""
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
    return started - begin, finished - started, peak, error


def notebook_paths(args):
    paths = []
    for arg in args or [ROOT / "notebooks"]:
        arg = Path(arg)
        paths += sorted(arg.glob("*.ipynb")) if arg.is_dir() else [arg]
    return paths


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
    header = f"{'notebook':<48}{'run':>9}{'start':>8}{'peak':>11}"
    print(header)
    print("-" * len(header))
    total = 0.0
    for path in paths:
        start, run, peak, error = run_notebook(path, args.timeout)
        total += run
        budget = BUDGET_MIB.get(path.name[:2], DEFAULT_BUDGET_MIB)
        over_time = "!" if run > BUDGET_S else " "
        memory = "n/a" if peak is None else f"{peak:,.0f} MiB" + ("!" if peak > budget else " ")
        print(f"{path.name:<48}{run:>7.1f} s{over_time}{start:>6.1f} s{memory:>11}"
              + (f"   error in {error}" if error else ""), flush=True)
    print(f"{'total':<48}{total:>7.1f} s")


if __name__ == "__main__":
    main()
