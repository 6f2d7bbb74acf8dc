"""The registry of the course's notebooks: the one place that says which notebooks the course has, in which order.

The list itself is data: ``coursekit/notebooks.json``, one line per notebook in course order, e.g.
``{"stem": "kernel_net", "title": "The 3×3 kernel net", "solutions": true, "summary": "16 kernels of ..."}``.
A notebook's number is its place in that list (00, 01, ...); its file is ``notebooks/NN_stem.ipynb``, its
solutions (where ``solutions`` is true) ``solutions/NN_stem_solutions.ipynb``; its title is what its first heading
says after the number (``# 03 · The 3×3 kernel net``), and its summary is its line in 00's table of contents.
Navigation, contents, slides, the site, the students' copies, the tests and the notebook-rewriting tools all
read ``COURSE`` (standard library only: ``course.py reset`` uses it before ``.venv`` exists).

Adding, inserting or renumbering a notebook is one line in notebooks.json plus the file itself (named, and its
heading numbered, after its new place); then ``python -m coursekit navigation`` rewrites the links and the
contents. ``problems()`` lists every disagreement between the registry and the folders; a test asserts there is
none.
"""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass
from pathlib import Path

from coursekit import ROOT

NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS = ROOT / "solutions"


@dataclass(frozen=True)
class Notebook:
    """One course notebook: number "03", stem "kernel_net", title, contents line, whether it has solutions."""

    number: str
    stem: str
    title: str
    summary: str
    solutions: bool = False

    @property
    def name(self) -> str:
        return f"{self.number}_{self.stem}.ipynb"

    @property
    def heading(self) -> str:
        return f"{self.number} · {self.title}"

    @property
    def path(self) -> Path:
        return NOTEBOOKS / self.name

    @property
    def solutions_path(self) -> Path | None:
        return SOLUTIONS / f"{self.number}_{self.stem}_solutions.ipynb" if self.solutions else None


REGISTRY = Path(__file__).with_name("notebooks.json")


def load(path: Path = REGISTRY) -> tuple[Notebook, ...]:
    """The notebooks listed in path, numbered by their place."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    return tuple(Notebook(number=f"{i:02d}", **entry) for i, entry in enumerate(entries))


COURSE = load()


def by_stem(stem: str, course: tuple[Notebook, ...] = COURSE) -> Notebook:
    """The notebook whose file is NN_stem.ipynb (tools and tests name notebooks this way: numbers move)."""
    for notebook in course:
        if notebook.stem == stem:
            return notebook
    raise KeyError(f"no course notebook {stem!r}; the course has: {', '.join(n.stem for n in course)}")


def select(items: list[str], course: tuple[Notebook, ...] = COURSE, default_all: bool = True) -> list[Notebook]:
    """The notebooks named by "all", numbers ("3", "03") or file names (with or without ".ipynb"), in course order.

    No items means every notebook, unless ``default_all`` is false (then it is an error: e.g. reset).
    """
    if not items:
        if default_all:
            return list(course)
        raise ValueError("name the notebooks (e.g. 03 or 03_kernel_net.ipynb), or 'all'")
    chosen: set[str] = set()
    for item in items:
        name = Path(item).name.removesuffix(".ipynb")
        matches = [n for n in course if item == "all" or (item.isdigit() and int(item) == int(n.number))
                   or name in (n.name.removesuffix(".ipynb"), n.stem)]
        if not matches:
            raise ValueError(f"no course notebook matches {item!r}; expected 'all', a number or one of: "
                             + ", ".join(n.name for n in course))
        chosen.update(n.name for n in matches)
    return [n for n in course if n.name in chosen]


def add_selection_arguments(parser: argparse.ArgumentParser, check: bool = True) -> None:
    """The command-line style every notebook tool shares: notebook numbers (default: all) and --check."""
    parser.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                        help="notebook numbers (03), file names or 'all' (default: every notebook)")
    if check:
        parser.add_argument("--check", action="store_true",
                            help="change nothing; exit 1 if a notebook would change")


def parse_selection(parser: argparse.ArgumentParser, argv) -> tuple[argparse.Namespace, list[Notebook]]:
    """Parse argv with a parser given add_selection_arguments: (the arguments, the notebooks they name)."""
    args = parser.parse_args(argv)
    try:
        return args, select(args.notebooks)
    except ValueError as error:
        parser.error(str(error))


def nbval_targets(course: tuple[Notebook, ...] = COURSE) -> list[str]:
    """What strict nbval runs, relative to the repository root: every notebook, then every solutions notebook."""
    paths = [n.path for n in course] + [n.solutions_path for n in course if n.solutions]
    return [str(p.relative_to(ROOT)) for p in paths]


def first_heading(path: Path) -> str | None:
    """The text of a notebook file's first level-1 markdown heading ("# ..."), or None."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if re.match(r"#\s", line):
                    return line[1:].strip()
    return None


def problems(course: tuple[Notebook, ...] = COURSE, notebooks: Path = NOTEBOOKS,
             solutions: Path = SOLUTIONS) -> list[str]:
    """Every way the folders disagree with the registry (an empty list when they agree)."""
    found = []
    expected = {n.name for n in course}
    expected_solutions = {f"{n.number}_{n.stem}_solutions.ipynb" for n in course if n.solutions}
    for folder, names in ((notebooks, expected), (solutions, expected_solutions)):
        present = {p.name for p in folder.glob("*.ipynb")}
        found += [f"{folder.name}/{name} is not in the registry (coursekit/notebooks.py)"
                  for name in sorted(present - names)]
        found += [f"{folder.name}/{name} is in the registry but missing" for name in sorted(names - present)]
    for n in course:
        for path, heading in ((notebooks / n.name, n.heading),
                              (solutions / f"{n.number}_{n.stem}_solutions.ipynb", f"Solutions · {n.heading}")):
            if path.exists() and first_heading(path) != heading:
                found.append(f"{path.parent.name}/{path.name}: its first heading is {first_heading(path)!r}, "
                             f"the registry says {heading!r}")
    return found
