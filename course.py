#!/usr/bin/env python3
"""Set up and open the CNN course, or run every test — with nothing but Python.

    python3 course.py lab [JupyterLab options]   # open the course (your copies in my_notebooks/)
    python3 course.py reset 03 | all             # a fresh copy of notebook 03 (or all) in my_notebooks/
    python3 course.py test [pytest options]      # every test: library, browser, notebooks on two BLAS kernels
    python3 course.py                            # every command (slides, site, check-kernels, the tools ...)

The first run creates a virtual environment in ``.venv`` next to this file and installs ``cnnlib`` with the
packages the command needs; later runs reinstall only when ``pyproject.toml`` changed. Then the command runs in
``.venv`` as ``python -m coursekit COMMAND ...`` (the course's tooling: ``coursekit/``).
"""

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
from coursekit import course_env, install  # noqa: E402  (standard library only, found through the line above)
from coursekit.__main__ import COMMANDS, usage  # noqa: E402


def main(argv: list[str]) -> int:
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None:
        print(__doc__.strip() + "\n\n" + usage())
        return 2
    if not command.extras:  # reset: the standard library is enough (conda users have no .venv)
        from coursekit.__main__ import main as run

        return run(argv)
    try:
        python = install.prepare(command.extras, command.site)
    except install.InstallError as error:
        print(error, file=sys.stderr)
        return 1
    if command.module is None:
        return 0  # setup: installing was all
    cmd = [str(python), "-m", "coursekit", *argv]
    os.chdir(ROOT)
    if os.name == "posix":
        os.execve(python, cmd, course_env())  # JupyterLab and pytest get Ctrl+C and SIGTERM themselves
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # elsewhere the command gets Ctrl+C, and says what it does
    return subprocess.call(cmd, env=course_env())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
