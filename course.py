#!/usr/bin/env python3
"""Set up and open the CNN course, or run every test — with nothing but Python.

    python3 course.py lab     # set up .venv (first time) and open the course in JupyterLab
    python3 course.py test    # set up .venv (first time) and run every test, notebooks included

Both commands create a virtual environment in ``.venv`` next to this file and
install ``cnnlib`` with the course and test packages into it (again only when
``pyproject.toml`` changed). ``test`` also installs Debian's Chromium for the
browser test when it is missing and the machine allows it (root + apt-get).
Extra arguments after ``test`` go to pytest, e.g. ``python3 course.py test -k pool``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".cnnlib-installed"
CHROMIUM = Path("/usr/bin/chromium")

# The test command: library tests and strict nbval over every notebook.
PYTEST_ARGS = [
    "-p", "no:cacheprovider",
    "--nbval", "--nbval-current-env",
    "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
    "tests", "notebooks",
]


def venv_python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def run(cmd: list[str | Path], **kwargs) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)


def setup() -> Path:
    """Create .venv and install cnnlib[course,test] unless already up to date."""
    if sys.version_info < (3, 10):
        sys.exit(f"The course needs Python >= 3.10; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return python
    run([python, "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    run([python, "-m", "pip", "install", "--quiet", "-e", ".[course,test]"])
    STAMP.write_text(wanted + "\n")
    return python


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser test where this machine allows it."""
    if CHROMIUM.exists():
        return
    can_install = shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    if not can_install:
        print(f"note: {CHROMIUM} is missing and cannot be installed here (needs root and apt-get); "
              "the browser test will be skipped.", flush=True)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env)


def course_env() -> dict[str, str]:
    """The environment for JupyterLab and pytest.

    The course's matrix products are small; multithreaded BLAS only adds overhead to them (and oversubscribes
    the cores when two notebooks run at once), so one BLAS thread is the default unless you set your own.
    Jupyter's own inline backend draws the figures.
    """
    env = dict(os.environ)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    # A matplotlib backend forced from outside (e.g. MPLBACKEND=Agg) would stop the notebooks'
    # figures from showing inline, and the stored outputs of every figure cell would no longer match.
    env.pop("MPLBACKEND", None)
    return env


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"lab", "test", "setup"}:
        print(__doc__.strip())
        return 2
    python = setup()
    if argv[0] == "setup":
        return 0
    if argv[0] == "lab":
        # Serve the whole course (the notebooks link to ../images) and open the first notebook.
        cmd = [python, "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
               "--LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb", *argv[1:]]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # containers often run as root; JupyterLab refuses without this
        return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=course_env())
    ensure_chromium()
    cmd = [python, "-m", "pytest", *PYTEST_ARGS, *argv[1:]]
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=course_env())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
