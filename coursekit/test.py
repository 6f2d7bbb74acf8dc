"""The test command, and strict nbval on other OpenBLAS kernels (check-kernels).

    python3 course.py test                      # lint, then every test (see below)
    python3 course.py test -k pool              # options go to pytest: one run, this machine's BLAS kernel only
    python3 course.py check-kernels --second    # every notebook again on a second kernel (CI runs this too)
    python3 course.py check-kernels 06          # notebook 06 (and its solutions) on 4 kernels x 1 and 2 threads

``test`` lints first (``ruff check .``), then starts three pytest runs at once: the library tests (tests/),
the browser tests (tests/browser/: JupyterLab, Chromium, the slides, the site) and every notebook and
solutions notebook under strict nbval on this machine's BLAS kernel, in two worker processes (pytest-xdist,
one notebook file at a time to whichever worker is free), so that both cores of a small machine stay busy
until the end; the notebook and library runs have a lower priority (nice), so the browser's waits do not
starve. Each run's output goes to .course/test-logs/NAME.log; the terminal gets one line per finished run,
the whole output of a run that failed, and at the end the time each file took.

Whether a stored output holds on every CPU is the other question: a different OpenBLAS kernel rounds
matrix products differently. ``check-kernels --second`` runs every notebook once more on a kernel that
rounds differently from this machine's (coursekit.kernels; where none can be forced it says so plainly);
CI runs it after the test command. ``check-kernels`` without it runs 4 kernels x 1 and 2 threads, for a
notebook you changed.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from coursekit import ROOT, STATE, kernels
from coursekit.browser import ensure_chromium
from coursekit.notebooks import add_selection_arguments, nbval_targets, parse_selection

LOGS = STATE / "test-logs"
BROWSER_TESTS = "tests/browser"
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg"]
# The notebooks in two worker processes, a whole file at a time to whichever is free (nbval needs whole files).
TWO_WORKERS = ("-n", "2", "--dist", "loadfile")


def pytest_command(targets: list[str], junit: Path | None = None, options: tuple[str, ...] = ()) -> list[str]:
    """The one pytest command line: strict nbval for notebooks, per-test times in a JUnit file."""
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *NBVAL, "-o", "junit_family=xunit1",
            *([f"--junitxml={junit}"] if junit else []), *options, *targets]


@dataclass
class Job:
    """One pytest run of the test command."""

    name: str
    column: str  # its column in the time table: the BLAS kernel it ran on
    targets: list[str]
    env: dict[str, str]
    nice: int = 0
    options: tuple[str, ...] = ()
    proc: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def log(self) -> Path:
        return LOGS / f"{self.name.replace(' ', '-')}.log"

    @property
    def junit(self) -> Path:
        return self.log.with_suffix(".xml")

    def start(self) -> None:
        posix = os.name == "posix"
        with open(self.log, "w") as log:  # the child keeps its own handle
            self.proc = subprocess.Popen(pytest_command(self.targets, self.junit, self.options), cwd=ROOT, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT, start_new_session=posix,
                                         preexec_fn=(lambda: os.nice(self.nice)) if posix and self.nice else None)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM) if os.name == "posix" else self.proc.terminate()

    def summary(self) -> str:
        lines = [line.strip("= ") for line in self.log.read_text(errors="replace").splitlines() if line.strip()]
        return lines[-1] if lines else "no output"


def children_cpu_s() -> float:
    """CPU seconds of every child process ended and waited for so far (with their own such children)."""
    if os.name != "posix":
        return 0.0
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_side_by_side(jobs: list[Job], heartbeat_s: float = 60) -> None:
    """Start every job at once; say when each ends (and now and then which still run); stop all on Ctrl+C.

    A job's CPU time is what the children's CPU time grew by when it ended: its kernels, servers and browsers
    included (each waits for its own), the other jobs not (they have not ended yet).
    """
    start, cpu = time.monotonic(), children_cpu_s()
    for job in jobs:
        job.start()
    running, last_beat = list(jobs), start
    try:
        while running:
            time.sleep(0.5)
            for job in list(running):
                if job.proc.poll() is None:  # reaps at most this job: its CPU time is the growth below
                    continue
                running.remove(job)
                used, cpu = children_cpu_s() - cpu, children_cpu_s()
                status = "passed" if job.proc.returncode == 0 else "FAILED"
                print(f"  [{time.monotonic() - start:4.0f} s] {job.name} {status} ({used:.0f} s of CPU): "
                      f"{job.summary()}", flush=True)
            if running and time.monotonic() - last_beat > heartbeat_s:
                last_beat = time.monotonic()
                print(f"  [{last_beat - start:4.0f} s] ... still running: {', '.join(j.name for j in running)}",
                      flush=True)
    except KeyboardInterrupt:
        for job in jobs:
            job.stop()
        raise


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
    """One row per notebook, one for the library tests, one for the browser tests and one for all notebooks;
    one column per BLAS kernel."""
    rows: dict[str, dict[str, tuple[int, int, float]]] = {}

    def add(row, column, n, failed, seconds):
        old = rows.setdefault(row, {}).get(column, (0, 0, 0.0))
        rows[row][column] = (old[0] + n, old[1] + failed, old[2] + seconds)

    for column, times in columns.items():
        for name, cell in times.items():
            if name.endswith(".ipynb"):
                add(name, column, *cell)
                add("all notebooks", column, *cell)
            else:
                browser = name.startswith(BROWSER_TESTS + "/")
                add(f"browser tests ({BROWSER_TESTS}/)" if browser else "library tests (tests/)", column, *cell)

    def text(cell):
        n, failed, seconds = cell
        return f"{n} items, {seconds:5.1f} s" + (f", {failed} FAILED" if failed else "") if n else "-"

    order = sorted(rows, key=lambda r: (r == "all notebooks", r.endswith(".ipynb"), r))
    table = [["", *columns]] + [[r, *(text(rows[r].get(c, (0, 0, 0.0))) for c in columns)] for r in order]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return "\n".join(row[0].ljust(widths[0]) + "".join(f"  {cell:>{w}}" for cell, w in zip(row[1:], widths[1:]))
                     for row in table)


def column_times(jobs: list[Job]) -> dict[str, dict[str, tuple[int, int, float]]]:
    columns: dict[str, dict[str, tuple[int, int, float]]] = {}
    for job in jobs:
        columns.setdefault(job.column, {}).update(file_times(job.junit))
    return columns


def show_failures(jobs: list[Job]) -> int:
    """Print the whole output of every job that failed; return the first failure's exit code (0: none failed)."""
    for job in jobs:
        if job.proc.returncode:
            print(f"\n===== {job.name}: its whole output ({job.log.relative_to(ROOT)}) =====\n"
                  + job.log.read_text(errors="replace").rstrip(), flush=True)
    return next((job.proc.returncode for job in jobs if job.proc.returncode), 0)


def main(args: list[str]) -> int:
    """``course.py test [pytest options]``."""
    start = time.monotonic()
    ensure_chromium()
    LOGS.mkdir(parents=True, exist_ok=True)
    for old in [*LOGS.glob("*.log"), *LOGS.glob("*.xml")]:
        old.unlink()
    env = dict(os.environ)
    print("+ ruff check .", flush=True)
    lint_code = subprocess.call([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, env=env)
    first, _ = kernels.probe(env, env.get("OPENBLAS_CORETYPE"))
    here = f"this machine ({first or 'its BLAS'})"
    if args:
        print("note: arguments given, so one pytest run on this machine's BLAS kernel "
              "(`course.py check-kernels` checks notebooks on several).", flush=True)
        job = Job("pytest", here, args, env)
        print("+", " ".join(pytest_command(args, job.junit)), flush=True)
        code = subprocess.call(pytest_command(args, job.junit), cwd=ROOT, env=env)
        jobs = [job]
    else:
        jobs = [Job("browser tests", here, [BROWSER_TESTS], env),
                Job("library tests", here, ["tests", f"--ignore={BROWSER_TESTS}"], env, nice=5),
                Job("notebooks", here, nbval_targets(), env, nice=5, options=TWO_WORKERS)]
        print(f"Running side by side: {', '.join(j.name for j in jobs)} (logs in {LOGS.relative_to(ROOT)}/) ...",
              flush=True)
        run_side_by_side(jobs)
        code = show_failures(jobs)
    print("\nTime per file:\n" + times_table(column_times(jobs)), flush=True)
    if lint_code:
        print("\nThe lint (ruff check .) found problems: see the top of this output; `ruff check --fix .` "
              "mends many of them.")
    print(f"\n{'Every test passed' if not (code or lint_code) else 'Some tests FAILED'} "
          f"({time.monotonic() - start:.0f} s).")
    return code or lint_code


def second_pass(targets: list[str], env: dict[str, str]) -> int:
    """Strict nbval of ``targets`` on a second OpenBLAS kernel (``check-kernels --second``, which CI runs after
    the test command); where none can be forced it says why and passes."""
    LOGS.mkdir(parents=True, exist_ok=True)
    first, why_not = kernels.probe(env, env.get("OPENBLAS_CORETYPE"))
    coretype, message = kernels.second_kernel(env, first) if first else (None, why_not)
    if coretype is None:
        print(f"note: NO second BLAS kernel pass: {message}.", flush=True)
        return 0
    print(f"The notebooks again under {message} (log in {LOGS.relative_to(ROOT)}/) ...", flush=True)
    job = Job(f"notebooks on {coretype}", f"OPENBLAS_CORETYPE={coretype}", targets,
              dict(env, OPENBLAS_CORETYPE=coretype), options=TWO_WORKERS)
    run_side_by_side([job])
    code = show_failures([job])
    print("\nTime per file:\n" + times_table(column_times([job])), flush=True)
    return code


def check_kernels(argv: list[str]) -> int:
    """``course.py check-kernels [NOTEBOOK...] [--second]``: strict nbval on each kernel of CHECK_KERNELS x 1 and
    2 BLAS threads (two runs at a time), as a table; with --second, once on the second kernel only."""
    parser = argparse.ArgumentParser(prog="python -m coursekit check-kernels", description=check_kernels.__doc__)
    add_selection_arguments(parser, check=False)
    parser.add_argument("--second", action="store_true",
                        help="one run on a second kernel that rounds differently from this machine's (as CI)")
    args, selected = parse_selection(parser, argv)
    targets = nbval_targets(tuple(selected))
    env = dict(os.environ)
    if args.second:
        return second_pass(targets, env)
    print(f"Strict nbval of {len(targets)} notebook{'s' * (len(targets) > 1)} on {len(kernels.CHECK_KERNELS)} "
          "OpenBLAS kernels x 1 and 2 threads, two runs at a time ...", flush=True)

    def check(coretype: str, threads: int, tmp: Path) -> tuple[str, int, str, str]:
        arch, why = kernels.probe(env, coretype, threads)
        if arch is None:
            return coretype, threads, "-", f"NOT RUN: {why}"
        run_env = dict(env, OPENBLAS_CORETYPE=coretype, OPENBLAS_NUM_THREADS=str(threads))
        done = subprocess.run(pytest_command(targets, tmp / f"{coretype}-{threads}.xml", ("-q", "-rf")),
                              cwd=ROOT, env=run_env, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines() or ["no output"]
        failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in lines if line.startswith("FAILED")]
        result = ("PASS: " if done.returncode == 0 else "FAIL: ") + lines[-1].strip("= ")
        return coretype, threads, arch, result + "".join(f"\n    {f}" for f in failed)

    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        settings = [(c, t) for c in kernels.CHECK_KERNELS for t in (1, 2)]
        results = []
        for row in pool.map(lambda ct: check(*ct, Path(tmp)), settings):
            print(f"  {row[0]} x {row[1]} thread(s): {row[3]}", flush=True)
            results.append((row[0], row[1], row[2], row[3].split("\n")[0]))
    print("\n" + kernels.check_table(results))
    not_run = [f"{c} x {t}" for c, t, _, r in results if r.startswith("NOT RUN")]
    failed = [f"{c} x {t}" for c, t, _, r in results if r.startswith("FAIL")]
    print(f"\n{len(results) - len(not_run)} of {len(results)} settings ran, {len(failed)} failed."
          + (f" Not checked here: {', '.join(not_run)} (this CPU cannot run them; check on one that can)."
             if not_run else ""))
    return 1 if failed else 0
