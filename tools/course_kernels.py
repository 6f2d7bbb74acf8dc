"""BLAS kernels and test timings for course.py (stdlib only; the probes run inside .venv's Python).

Different OpenBLAS kernels round matrix products differently, so a stored notebook output that holds only
on one kernel fails on a student's machine. ``OPENBLAS_CORETYPE`` forces a kernel; threadpoolctl reports
which one really runs (OpenBLAS quietly falls back to another one for a name it does not know), and a
kernel whose instructions the CPU lacks dies with SIGILL.
"""

from __future__ import annotations

import json
import platform
import signal
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

# Kernels to check a changed notebook on (x86_64): SSE3 only, AVX without FMA, AVX2 + FMA, AVX-512.
CHECK_KERNELS = ["Prescott", "Sandybridge", "Haswell", "SkylakeX"]
# The test command's second pass: a kernel that rounds differently from today's common ones (no FMA).
SECOND_KERNELS = {"x86_64": ["Sandybridge", "Prescott"], "aarch64": ["ARMV8"], "arm64": ["ARMV8"]}

PROBE = """\
import json, numpy as np
for dtype in (np.float32, np.float64):   # run a real product: SIGILL here if the CPU lacks the kernel's instructions
    a = np.linspace(-1, 1, 96 * 96, dtype=dtype).reshape(96, 96)
    float((a @ a).sum())
from threadpoolctl import threadpool_info
print(json.dumps([[i.get("internal_api"), i.get("architecture"), i.get("num_threads")] for i in threadpool_info()
                  if i.get("user_api") == "blas"]))
"""


def probe(python: Path, env: dict[str, str], coretype: str | None, threads: int = 1) -> tuple[str | None, str]:
    """(architecture that runs, "") or (None, why it cannot run) for OPENBLAS_CORETYPE=coretype."""
    env = dict(env, OPENBLAS_NUM_THREADS=str(threads))
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    result = subprocess.run([str(python), "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
    if result.returncode == -signal.SIGILL or result.returncode == 128 + signal.SIGILL:
        return None, "this CPU cannot run it (illegal instruction)"
    if result.returncode != 0:
        return None, f"the probe failed: {result.stderr.strip().splitlines()[-1:]}"
    libraries = json.loads(result.stdout)
    openblas = {arch for api, arch, _ in libraries if api == "openblas"}
    if not openblas:
        apis = ", ".join(sorted({api for api, _, _ in libraries})) or "none found"
        return None, f"numpy does not use OpenBLAS here (BLAS: {apis}), so OPENBLAS_CORETYPE has no effect"
    return "/".join(sorted(a or "?" for a in openblas)), ""


def second_kernel(python: Path, env: dict[str, str]) -> tuple[str | None, str]:
    """(coretype, message) for the test command's second pass, or (None, why there is none)."""
    default, why = probe(python, env, env.get("OPENBLAS_CORETYPE"))
    if default is None:
        return None, why
    machine = platform.machine().lower()
    candidates = SECOND_KERNELS.get(machine)
    if not candidates:
        return None, f"no second OpenBLAS kernel is known for a {machine} CPU"
    for coretype in candidates:
        arch, why = probe(python, env, coretype)
        if arch is not None and arch.lower() != default.lower():
            return coretype, f"OpenBLAS kernel {arch} (this machine's default is {default})"
    return None, f"none of {', '.join(candidates)} runs here as a kernel other than the default {default}"


def file_times(junit_xml: Path) -> dict[str, tuple[int, int, float]]:
    """{file: (tests, failed or errored, seconds)} from a pytest --junitxml file (junit_family=xunit1)."""
    try:
        root = ET.parse(junit_xml).getroot()
    except (OSError, ET.ParseError):
        return {}
    times: dict[str, tuple[int, int, float]] = {}
    for case in root.iter("testcase"):
        name = case.get("file") or case.get("classname", "?").replace(".", "/")
        bad = any(child.tag in ("failure", "error") for child in case)
        n, failed, seconds = times.get(name, (0, 0, 0.0))
        times[name] = (n + 1, failed + bad, seconds + float(case.get("time", 0)))
    return times


def times_table(columns: dict[str, dict[str, tuple[int, int, float]]]) -> str:
    """One row per notebook, one for the library tests and one for all notebooks; one column per pass."""
    rows: dict[str, dict[str, tuple[int, int, float]]] = {}

    def add(row, column, n, failed, seconds):
        old = rows.setdefault(row, {}).get(column, (0, 0, 0.0))
        rows[row][column] = (old[0] + n, old[1] + failed, old[2] + seconds)

    for column, times in columns.items():
        for name, cell in times.items():
            add(name if name.endswith(".ipynb") else "library tests (tests/*.py)", column, *cell)
            if name.endswith(".ipynb"):
                add("all notebooks", column, *cell)

    def text(cell):
        n, failed, seconds = cell
        return f"{n} items, {seconds:5.1f} s" + (f", {failed} FAILED" if failed else "") if n else "-"

    order = sorted(rows, key=lambda r: (r == "all notebooks", r.endswith(".ipynb"), r))
    table = [["", *columns]] + [[r, *(text(rows[r].get(c, (0, 0, 0.0))) for c in columns)] for r in order]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "\n".join(row[0].ljust(widths[0]) + "".join(f"  {cell:>{w}}" for cell, w in zip(row[1:], widths[1:]))
                     for row in table)


def check_table(results: list[tuple[str, int, str, str]]) -> str:
    """Rows (coretype, threads, kernel threadpoolctl reports, result) as an aligned text table."""
    header = ("OPENBLAS_CORETYPE", "threads", "kernel that ran", "strict nbval")
    rows = [header] + [(c, str(t), k, r) for c, t, k, r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
