"""The links between the course notebooks: a "< previous | contents | next >" cell at the top and bottom of every
notebook, and the table of contents in notebook 00 — all written from the registry (coursekit/notebooks.py).

    python -m coursekit navigation            # every notebook
    python -m coursekit navigation 03 04      # only these
    python -m coursekit navigation --check    # change nothing; exit 1 if a notebook would change

A navigation line, for example (one line in the notebook)::

    [< 00 · Start here](00_start_here.ipynb) | [Contents](00_start_here.ipynb) |
    [02 · Dense overfitting >](02_dense_overfitting.ipynb)

Both navigation cells carry the metadata ``{"cnnlib_nav": true}`` (NAV_KEY): a rerun removes every cell so
marked first, so it replaces them instead of adding more, and the slides leave them out. The contents notebook's
cell that starts with ``## Contents`` gets a table of every notebook (number, title, summary), its metadata and
id kept. Everything else in a notebook stays byte for byte.
"""

from __future__ import annotations

from coursekit import rewrite
from coursekit.notebooks import COURSE, NOTEBOOKS, Notebook

NAV_KEY = "cnnlib_nav"
CONTENTS_HEADING = "## Contents"


def is_nav(cell) -> bool:
    return bool(cell.get("metadata", {}).get(NAV_KEY))


def nav_source(course: tuple[Notebook, ...], notebook: Notebook) -> str:
    """The navigation line of one notebook: previous, the contents (course[0]) and next, where they exist."""
    i = course.index(notebook)
    parts = [f"[< {course[i - 1].heading}]({course[i - 1].name})"] if i > 0 else []
    if i > 0:
        parts.append(f"[Contents]({course[0].name})")
    if i + 1 < len(course):
        parts.append(f"[{course[i + 1].heading} >]({course[i + 1].name})")
    return " | ".join(parts)


def contents_source(course: tuple[Notebook, ...]) -> str:
    rows = [f"| {n.number} | [{n.title}]({n.name}) | {n.summary} |" for n in course]
    return "\n".join([CONTENTS_HEADING, "", "| # | notebook | what it is about |", "|---|---|---|", *rows])


def with_navigation(course: tuple[Notebook, ...]):
    """change(nb, notebook) for rewrite: fresh navigation cells, and the contents table in course[0]."""

    def change(nb, notebook: Notebook) -> None:
        body = [cell for cell in nb.cells if not is_nav(cell)]
        if notebook == course[0]:
            tables = [c for c in body if c.cell_type == "markdown" and c.source.startswith(CONTENTS_HEADING)]
            if len(tables) != 1:
                raise ValueError(f"{notebook.name}: expected one markdown cell starting with {CONTENTS_HEADING!r}, "
                                 f"found {len(tables)}")
            tables[0].source = contents_source(course)
        source = nav_source(course, notebook)
        nb.cells = [rewrite.new_cell("markdown", source, "cnnlib-nav-top", nb, **{NAV_KEY: True}), *body,
                    rewrite.new_cell("markdown", source, "cnnlib-nav-bottom", nb, **{NAV_KEY: True})]

    return change


def write(course: tuple[Notebook, ...] = COURSE, folder=NOTEBOOKS, only=None, check: bool = False) -> int:
    """Rewrite the navigation of the notebooks ``only`` (default: all of course) in folder; see rewrite.rewrite."""
    return rewrite.rewrite(only or course, folder, with_navigation(course), "navigation", check)


def main(argv=None) -> int:
    return rewrite.main(argv, __doc__.splitlines()[0], "navigation", with_navigation(COURSE))
