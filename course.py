#!/usr/bin/env python3
"""Set up and open the CNN course, or run every test — with nothing but Python.

    python3 course.py lab [JupyterLab options]   # open the course (your copies in my_notebooks/)
    python3 course.py reset 03 | all             # a fresh copy of notebook 03 (or all) in my_notebooks/
    python3 course.py test [pytest options]      # every test: library, notebooks (two BLAS kernels), browser
    python3 course.py check-kernels NOTEBOOK...  # strict nbval on several BLAS kernels x 1 and 2 threads
    python3 course.py setup                      # only install (course and test packages)
    python3 course.py slides [01 04 ...]         # reveal.js decks of the notebooks, offline, in .course/slides/
    python3 course.py site                       # the course as a JupyterLite site in .course/site/

The first run creates a virtual environment in ``.venv`` next to this file and installs ``cnnlib`` with the
course packages (``lab``) or the course and test packages (``test``); later runs reinstall only when
``pyproject.toml`` changed. ``lab`` opens ``my_notebooks/``, your own copy of the notebooks (git ignores
it), so the course's ``notebooks/`` stay as published. Options after ``lab`` go to JupyterLab
(``--no-browser``, ``--port 9000``); options after ``test`` go to pytest (``-k pool``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tools"))
import course_install  # noqa: E402  (stdlib-only helpers in tools/, found through the line above)
import course_kernels  # noqa: E402
import course_notebooks  # noqa: E402
import jupyterlab_session  # noqa: E402  (stdlib at import time; Playwright only where a browser runs)

VENV = ROOT / ".venv"
STATE = ROOT / ".course"  # ignored by git: JupyterLab's workspace and settings, test logs
MY_NOTEBOOKS = ROOT / "my_notebooks"
CHROMIUM = jupyterlab_session.CHROMIUM  # what the browser test drives
NBVAL = ["-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "-o", "junit_family=xunit1"]
EXTRAS = {"lab": {"course"}, "reset": set(), "test": {"course", "test", "site"}, "setup": {"course", "test", "site"},
          "check-kernels": {"course", "test"}, "slides": {"course"}, "site": {"course", "site"}}


def course_env() -> dict[str, str]:
    """The environment for JupyterLab and pytest.

    The course's matrix products are small; multithreaded BLAS only adds overhead to them (and oversubscribes
    the cores when two notebooks run at once), so one BLAS thread is the default unless you set your own.
    A matplotlib backend forced from outside (MPLBACKEND=Agg) would stop the notebooks' figures from showing
    inline, and the stored outputs of every figure cell would no longer match, so it is dropped.
    """
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    env.pop("MPLBACKEND", None)
    return env


def notebook_dirs() -> list[str]:
    """The folders of notebooks the tests check: the course's and, where present, the solutions."""
    return [d for d in ("notebooks", "solutions") if (ROOT / d).is_dir()]


# ---------------------------------------------------------------------------------------------- lab
def option_value(args: list[str], names: tuple[str, ...]) -> str | None:
    """The value of --name=value or --name value in args (the last one wins), else None."""
    value = None
    for i, arg in enumerate(args):
        for name in names:
            if arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
            elif arg == name and i + 1 < len(args):
                value = args[i + 1]
    return value


def free_port(preferred: int = 8888) -> int:
    for port in (preferred, 0):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return s.getsockname()[1]
    raise OSError("no free port")


def lab(python: Path, args: list[str]) -> int:
    copied, kept = course_notebooks.sync_copies(ROOT / "notebooks", MY_NOTEBOOKS)
    if copied:
        print(f"Copied the course's {', '.join(n[:2] for n in copied)} into my_notebooks/ "
              "(yours to edit; notebooks/ stays as published).")
    if kept:
        print(f"note: the course changed {', '.join(kept)} since you started editing your copy; "
              f"`python3 course.py reset {kept[0][:2]}` gets the new one (yours moves to my_notebooks/backup/).")
    port = option_value(args, ("--port", "--ServerApp.port"))
    token = option_value(args, ("--IdentityProvider.token", "--ServerApp.token"))
    ours = []  # a port and a token of our own unless given, so that the URL printed below is right
    if port is None:
        port = str(free_port())
        ours += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if token is None:
        token = secrets.token_hex(24)
        ours.append(f"--IdentityProvider.token={token}")
    workspace = STATE / "lab"
    for d in ("settings", "workspaces"):
        (workspace / d).mkdir(parents=True, exist_ok=True)
    jupyterlab_session.write_quiet_settings(workspace / "settings", overwrite=False)
    env = dict(course_env(), JUPYTERLAB_SETTINGS_DIR=str(workspace / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(workspace / "workspaces"))
    # Serve the repository root: the notebooks' figures live in ../images.
    page = "lab/tree/my_notebooks/00_start_here.ipynb"
    cmd = [str(python), "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}", f"--LabApp.default_url=/{page}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
           "--LabApp.extension_manager=readonly", "--log-level=WARN", "--LabApp.log_level=WARN",
           *ours, *args]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # containers often run as root; JupyterLab refuses without this
    print("Starting JupyterLab ...", flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` below stops JupyterLab too
    try:
        return wait_and_show(proc, f"http://localhost:{port}/{page}?token={token}", port, token)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=30)


def wait_and_show(proc: subprocess.Popen, url: str, port: str, token: str) -> int:
    """Print the URL once JupyterLab answers, then wait for it to end."""
    for _ in range(240):
        if proc.poll() is not None:
            return proc.returncode
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=1).close()
            break
        except OSError:
            time.sleep(0.25)
    print(f"\nThe course is open. If no browser window appeared, open this address:\n\n    {url}\n\n"
          "Your notebooks are in my_notebooks/. Stop JupyterLab with Ctrl+C twice.\n", flush=True)
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue  # JupyterLab got the Ctrl+C too and asks or shuts down by itself


def reset(args: list[str]) -> int:
    names = course_notebooks.course_notebooks(ROOT / "notebooks")
    try:
        chosen = course_notebooks.select(names, args)
    except ValueError as error:
        print(f"course.py reset: {error}", file=sys.stderr)
        return 2
    for name, backup in course_notebooks.reset(ROOT / "notebooks", MY_NOTEBOOKS, chosen):
        kept = f" (your copy is now {backup.relative_to(ROOT)})" if backup else ""
        print(f"my_notebooks/{name}: a fresh copy of the course's notebook{kept}")
    return 0


# --------------------------------------------------------------------------------------------- test
def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser test where this machine allows it."""
    if CHROMIUM.exists():
        return
    if not (shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0):
        print(f"note: {CHROMIUM} is missing and cannot be installed here (needs root and apt-get); "
              "the browser test will be skipped.", flush=True)
        return
    print("Installing Chromium for the browser test (apt-get, about a minute) ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def start_second_pass(python: Path, env: dict[str, str], logs: Path):
    """Start strict nbval of every notebook under a second OpenBLAS kernel, in the background.

    Returns (kernel name, description, process) or None, after saying plainly why there is none.
    """
    coretype, message = course_kernels.second_kernel(python, env)
    if coretype is None:
        print(f"note: NO second BLAS kernel pass: {message}.", flush=True)
        return None
    print(f"Second pass, in the background: the notebooks again under {message}; "
          "its output follows the first pass.", flush=True)
    cmd = [str(python), "-m", "pytest", *NBVAL, f"--junitxml={logs / 'second.xml'}", "-q", *notebook_dirs()]
    with open(logs / "second-kernel.log", "w") as log:  # the child keeps its own handle
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                env=dict(env, OPENBLAS_CORETYPE=coretype))
    return coretype, message, proc


def test(python: Path, args: list[str]) -> int:
    """Pass 1: tests + notebooks on this machine's BLAS kernel; pass 2, alongside: the notebooks on another."""
    ensure_chromium()
    logs = STATE / "test-logs"
    logs.mkdir(parents=True, exist_ok=True)
    env = course_env()
    if args:
        second = None
        print("note: arguments given, so only this machine's BLAS kernel is used "
              "(`course.py check-kernels` checks notebooks on several).")
    else:
        second = start_second_pass(python, env, logs)
    lint = [str(python), "-m", "ruff", "check", "."]
    print("+", " ".join(lint), flush=True)
    lint_code = subprocess.call(lint, cwd=ROOT, env=env)
    first_kernel = course_kernels.probe(python, env, env.get("OPENBLAS_CORETYPE"))[0] or "its BLAS"
    cmd = [str(python), "-m", "pytest", *NBVAL, f"--junitxml={logs / 'first.xml'}",
           *(args or ["tests", *notebook_dirs()])]
    print("+", " ".join(cmd), flush=True)
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    columns = {f"this machine ({first_kernel})": course_kernels.file_times(logs / "first.xml")}
    if second:
        coretype, message, proc = second
        if proc.poll() is None:
            print(f"\nWaiting for the second pass ({message}) ...", flush=True)
        second_code = proc.wait()
        output = (logs / "second-kernel.log").read_text().strip()
        print(f"\n===== second pass: the notebooks under {message} =====")
        print(output if second_code else output.splitlines()[-1])  # all of it when something failed
        columns[f"OPENBLAS_CORETYPE={coretype}"] = course_kernels.file_times(logs / "second.xml")
        code = code or second_code
    print("\nTime per file:\n" + course_kernels.times_table(columns), flush=True)
    if lint_code:
        print("\nThe lint (ruff check .) found problems: see the top of this output; `ruff check --fix .` "
              "mends many of them.")
    return code or lint_code


def check_kernels(python: Path, args: list[str]) -> int:
    """Strict nbval on each kernel of CHECK_KERNELS x 1 and 2 BLAS threads (two runs at a time), as a table."""
    targets, env = args or notebook_dirs(), course_env()
    print(f"Strict nbval of {' '.join(targets)} on {len(course_kernels.CHECK_KERNELS)} OpenBLAS kernels "
          "x 1 and 2 threads, two runs at a time ...", flush=True)

    def check(coretype: str, threads: int, tmp: Path) -> tuple[str, int, str, str]:
        arch, why = course_kernels.probe(python, env, coretype, threads)
        if arch is None:
            return coretype, threads, "-", f"NOT RUN: {why}"
        run_env = dict(env, OPENBLAS_CORETYPE=coretype, OPENBLAS_NUM_THREADS=str(threads))
        done = subprocess.run([str(python), "-m", "pytest", *NBVAL, "-q", "-rf",
                               f"--junitxml={tmp / f'{coretype}-{threads}.xml'}", *targets],
                              cwd=ROOT, env=run_env, capture_output=True, text=True)
        lines = done.stdout.strip().splitlines() or ["no output"]
        failed = [line.split(" - ")[0].removeprefix("FAILED ") for line in lines if line.startswith("FAILED")]
        result = ("PASS: " if done.returncode == 0 else "FAIL: ") + lines[-1].strip("= ")
        return coretype, threads, arch, result + "".join(f"\n    {f}" for f in failed)

    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(max_workers=2) as pool:
        settings = [(c, t) for c in course_kernels.CHECK_KERNELS for t in (1, 2)]
        results = []
        for row in pool.map(lambda ct: check(*ct, Path(tmp)), settings):
            print(f"  {row[0]} x {row[1]} thread(s): {row[3]}", flush=True)
            results.append((row[0], row[1], row[2], row[3].split("\n")[0]))
    print("\n" + course_kernels.check_table(results))
    not_run = [f"{c} x {t}" for c, t, _, r in results if r.startswith("NOT RUN")]
    failed = [f"{c} x {t}" for c, t, _, r in results if r.startswith("FAIL")]
    print(f"\n{len(results) - len(not_run)} of {len(results)} settings ran, {len(failed)} failed."
          + (f" Not checked here: {', '.join(not_run)} (this CPU cannot run them; check on one that can)."
             if not_run else ""))
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print(__doc__.strip())
        return 2
    command, args = argv[0], argv[1:]
    if command == "reset":
        return reset(args)
    python = course_install.ensure_installed(ROOT, VENV, frozenset(EXTRAS[command]))
    if command == "lab":
        return lab(python, args)
    if command == "test":
        return test(python, args)
    if command == "check-kernels":
        return check_kernels(python, args)
    if command in ("slides", "site"):  # tools/course_slides.py, tools/course_site.py
        return subprocess.call([str(python), str(ROOT / "tools" / f"course_{command}.py"), *args], cwd=ROOT,
                               env=course_env())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
