"""course.py's installer: create .venv and install cnnlib with the extras a command needs (stdlib only).

The stamp file ``.venv/.cnnlib-installed`` records which ``pyproject.toml`` (its SHA-256) and which extras
were installed, so ``lab`` installs only the course packages and a later ``test`` adds the test packages.
pip's own output (one line per package, plus any warnings) goes to ``.venv/pip-install.log``; the terminal
gets one line per phase.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
import threading
import time
import venv
from pathlib import Path

# What each extra brings, and roughly what it costs on a first install (measured on a 2-core machine).
EXTRAS = {
    "course": "JupyterLab, scipy, Keras and jax",
    "test": "pytest, nbval, Playwright and threadpoolctl",
    "site": "the JupyterLite builder (jupyterlite-core and its Pyodide kernel)",
}
FIRST_INSTALL = {
    frozenset({"course"}): "about 1-2 minutes and 850 MB the first time",
    frozenset({"course", "test"}): "about 1-2 minutes and 1 GB the first time",
    frozenset({"course", "test", "site"}): "about 1-2 minutes and 1 GB the first time",
    frozenset({"test"}): "under a minute",
    frozenset({"site"}): "under a minute",
    frozenset({"test", "site"}): "under a minute",
}
MIN_PIP = (23, 0)  # editable installs from pyproject.toml need pip >= 21.3; older Pythons ship older pips


def venv_python(venv_dir: Path) -> Path:
    return venv_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_stamp(stamp: Path) -> tuple[str, frozenset[str]]:
    """(pyproject hash, extras) from the stamp file; ("", {}) when missing or written by an older course.py."""
    try:
        data = json.loads(stamp.read_text())
    except (OSError, ValueError):
        return "", frozenset()
    if not isinstance(data, dict):
        return "", frozenset()
    return str(data.get("pyproject", "")), frozenset(data.get("extras", ()))


def write_stamp(stamp: Path, pyproject_hash: str, extras: frozenset[str]) -> None:
    stamp.write_text(json.dumps({"pyproject": pyproject_hash, "extras": sorted(extras)}) + "\n")


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


def pip_install(python: Path, args: list[str], root: Path, log: Path) -> None:
    """Run ``pip install ARGS`` with its output in LOG and a few progress lines on the terminal."""
    # --no-compile: Python compiles only the modules it imports, on first import; it roughly halves the
    # install time on a 2-core machine (the course packages hold ~7,500 .py files, most never imported).
    cmd = [str(python), "-m", "pip", "install", "--progress-bar", "off", "--no-compile", *args]
    progress = Progress(venv_dir=log.parent)
    finished = threading.Event()

    def beat():
        while not finished.wait(5):
            progress.heartbeat()

    threading.Thread(target=beat, daemon=True).start()
    with open(log, "w") as log_file:
        log_file.write("+ " + " ".join(cmd) + "\n")
        with subprocess.Popen(cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              bufsize=1) as proc:
            for line in proc.stdout:
                log_file.write(line)
                progress.feed(line)
    finished.set()
    if proc.returncode != 0:
        tail = log.read_text().splitlines()[-25:]
        print("\n".join(tail), file=sys.stderr)
        sys.exit(f"pip failed (exit code {proc.returncode}); the last lines are above, all of them in {log}")
    progress.finish(log)


def install_message(fresh: bool, extras: frozenset[str], new: frozenset[str]) -> str:
    """What is about to be installed, and roughly how long it takes."""
    def what(names):
        return "; ".join(f"{EXTRAS[e]} ({e})" for e in sorted(names))

    if fresh or new == extras:  # nothing of it there yet (or a stamp from an older course.py)
        return f"Installing cnnlib with {what(extras)} into .venv: {FIRST_INSTALL.get(extras, 'a few minutes')}."
    if new:
        return f"Adding {what(new)} to .venv: {FIRST_INSTALL.get(new, 'a minute or two')}."
    return "pyproject.toml changed since the last install: updating .venv (usually seconds) ..."


def ensure_installed(root: Path, venv_dir: Path, wanted: frozenset[str]) -> Path:
    """Create venv_dir and install cnnlib[wanted] unless already there; return the venv's python."""
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python >= 3.10; this is {sys.version.split()[0]}.")
    python, stamp = venv_python(venv_dir), venv_dir / ".cnnlib-installed"
    wanted_hash = file_hash(root / "pyproject.toml")
    installed_hash, installed = read_stamp(stamp)
    extras = extras_to_install(installed_hash, installed, wanted_hash, wanted)
    if extras is None:
        return python
    start = time.monotonic()
    fresh = not python.exists()
    if fresh:
        print(f"Creating a virtual environment in {venv_dir} (a few seconds) ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(venv_dir)
    log = venv_dir / "pip-install.log"
    if pip_version(python) < MIN_PIP:
        print("Updating pip inside .venv (the one this Python ships is too old for editable installs) ...",
              flush=True)
        pip_install(python, ["--upgrade", "pip"], root, log)
    print(install_message(fresh, extras, extras - installed), flush=True)
    pip_install(python, ["-e", f".[{','.join(sorted(extras))}]"], root, log)
    write_stamp(stamp, wanted_hash, extras)
    print(f"Installed in {time.monotonic() - start:.0f} s.", flush=True)
    return python
