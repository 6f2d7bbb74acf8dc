"""OpenBLAS kernels: which one runs, and which other one ``check-kernels --second`` (run by CI) forces.

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
import sys

# Kernels to check a changed notebook on (x86_64): SSE3 only, AVX without FMA, AVX2 + FMA, AVX-512.
CHECK_KERNELS = ["Prescott", "Sandybridge", "Haswell", "SkylakeX"]
# check-kernels --second: a kernel that rounds differently from today's common ones (no FMA).
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


def probe(env: dict[str, str], coretype: str | None, threads: int = 1) -> tuple[str | None, str]:
    """(architecture that runs, "") or (None, why it cannot run) for OPENBLAS_CORETYPE=coretype."""
    env = dict(env, OPENBLAS_NUM_THREADS=str(threads))
    env.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120)
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


def second_kernel(env: dict[str, str], default: str | None = None) -> tuple[str | None, str]:
    """(coretype, message) for ``check-kernels --second``, or (None, why there is none); default is the
    kernel that runs without OPENBLAS_CORETYPE, if probed already."""
    why = ""
    if default is None:
        default, why = probe(env, env.get("OPENBLAS_CORETYPE"))
    if default is None:
        return None, why
    machine = platform.machine().lower()
    candidates = SECOND_KERNELS.get(machine)
    if not candidates:
        return None, f"no second OpenBLAS kernel is known for a {machine} CPU"
    for coretype in candidates:
        arch, why = probe(env, coretype)
        if arch is not None and arch.lower() != default.lower():
            return coretype, f"OpenBLAS kernel {arch} (this machine's default is {default})"
    return None, f"none of {', '.join(candidates)} runs here as a kernel other than the default {default}"


def check_table(results: list[tuple[str, int, str, str]]) -> str:
    """Rows (coretype, threads, kernel threadpoolctl reports, result) as an aligned text table."""
    header = ("OPENBLAS_CORETYPE", "threads", "kernel that ran", "strict nbval")
    rows = [header] + [(c, str(t), k, r) for c, t, k, r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)
