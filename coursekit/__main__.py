"""The course's one command line: ``python3 course.py COMMAND ...``, or ``python -m coursekit COMMAND ...`` in .venv.

Every command that works on notebooks takes the same arguments: notebook numbers (``03``; default: every
notebook, or ``all``), and ``--check`` where it writes files (change nothing, exit 1 if something would change).
``lab`` passes its options to JupyterLab, ``test`` to pytest. Importing this module needs only the standard
library: course.py reads COMMANDS to know what to install before it runs a command in .venv.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import NamedTuple

from coursekit import course_env


class Command(NamedTuple):
    module: str | None  # coursekit.MODULE.FUNCTION(argv) -> exit status; None: course.py's own (setup)
    function: str
    extras: frozenset[str]  # the extras of pyproject.toml it needs in .venv (none: it runs without .venv)
    site: bool  # it needs the JupyterLite builder's environment too
    help: str


def _command(module, function, extras, help, site=False):
    return Command(module, function, frozenset(extras), site, help)


COURSE, TESTS = {"course"}, {"course", "test"}
COMMANDS = {
    "lab": _command("lab", "lab", COURSE, "open the course in JupyterLab (your copies in my_notebooks/); "
                    "options go to JupyterLab"),
    "reset": _command("lab", "reset_main", (), "NOTEBOOK... | all: fresh copies in my_notebooks/ (yours to backup/)"),
    "test": _command("test", "main", TESTS, "every test: lint, library, browser, notebooks; options go to pytest",
                     site=True),
    "check-kernels": _command("test", "check_kernels", TESTS, "[NOTEBOOK...] [--second]: strict nbval on several "
                              "BLAS kernels x 1 and 2 threads, or once on a second kernel (as CI)"),
    "setup": _command(None, "", TESTS, "only install: the course and test packages, and the site's builder",
                      site=True),
    "slides": _command("slides", "main", COURSE, "[NOTEBOOK...] [--screenshot]: reveal.js decks, offline, "
                       "in .course/slides/"),
    "site": _command("site", "main", COURSE, "the course as a JupyterLite site in .course/site/", site=True),
    "navigation": _command("navigation", "main", COURSE, "[NOTEBOOK...] [--check]: the links between notebooks "
                           "and 00's contents"),
    "slide-metadata": _command("slide_metadata", "main", COURSE, "[NOTEBOOK...] [--check]: each cell's slide type"),
    "install-cell": _command("install_cell", "main", COURSE, "[NOTEBOOK...] [--check]: the first cell, which "
                             "installs cnnlib where it is missing"),
    "images": _command("images", "main", TESTS, "[--check] [--screenshot]: the figures in images/"),
    "mnist": _command("mnist_subset", "main", {"data"}, "[--check]: regenerate cnnlib's bundled MNIST subset"),
}


def usage(program: str = "python3 course.py") -> str:
    width = max(map(len, COMMANDS))
    return "\n".join([f"usage: {program} COMMAND [arguments]", ""]
                     + [f"  {name:<{width}}  {command.help}" for name, command in COMMANDS.items()])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None or command.module is None:
        print(usage("python -m coursekit"))
        return 2
    env = course_env()
    for name in set(os.environ) - set(env):
        del os.environ[name]
    os.environ.update(env)
    module = importlib.import_module(f"coursekit.{command.module}")
    return getattr(module, command.function)(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
