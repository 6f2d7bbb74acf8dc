"""The course's tooling: one module per idea, one command line for all of it.

    python3 course.py COMMAND ...      # installs what COMMAND needs into .venv, then runs it there
    python -m coursekit COMMAND ...    # the same inside an environment that has it (contributors)

    coursekit/
      notebooks.py       THE registry of course notebooks, from notebooks.json (one line each: file stem, title,
                         contents line, solutions; the place is the number); every module below reads it
      install.py         .venv with the extras a command needs; the site's own .course/site-venv (stdlib only)
      lab.py             the students' copies in my_notebooks/ (sync, reset) and the JupyterLab command line
      test.py            the test command: lint, then library, browser and notebook jobs side by side
      kernels.py         OpenBLAS kernels: which runs, the second one CI checks, check-kernels
      browser.py         Chromium (its settings, once) and a JupyterLab session for the browser tests
      slides.py          reveal.js decks, offline      slide_metadata.py  each cell's slide type
      site.py            the JupyterLite site, built in .course/site-venv
      rewrite.py         read, change and write back notebooks (the three tools below share it)
      navigation.py      the links at the top and bottom of every notebook, and 00's table of contents
      install_cell.py    each notebook's first cell: install cnnlib where it is missing (Colab, JupyterLite)
      images.py          the figures in images/       mnist_subset.py  cnnlib's bundled MNIST subset
      __main__.py        the command line: one sub-command per tool

Only this file, ``install.py``, ``lab.py`` and ``notebooks.py`` must import with the standard library alone:
``course.py`` uses them before ``.venv`` exists.
"""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATE = ROOT / ".course"  # ignored by git: JupyterLab's settings, test logs, slides, the site and its environment


def course_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for JupyterLab, pytest and the tools.

    - One BLAS thread unless set otherwise: the course's matrix products are small, a second thread only adds
      overhead to them (and oversubscribes the cores when two notebooks run at once).
    - No MPLBACKEND from outside: a forced backend (Agg) would stop the notebooks' figures from showing inline,
      and the stored outputs of every figure cell would no longer match.
    - No PYTHONDONTWRITEBYTECODE: .venv is installed without compiling (half the install time), so Python
      compiles each module on its first import and keeps the result; with the variable set (as in many
      container images) every kernel, server and test run would compile matplotlib & co. again (3 s instead
      of 1 s for matplotlib.pyplot alone).
    """
    env = dict(os.environ if base is None else base)
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(name, "1")
    env.pop("MPLBACKEND", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env
