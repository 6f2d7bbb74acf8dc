"""The registry of course notebooks (coursekit/notebooks.py) agrees with notebooks/ and solutions/, picks notebooks
from the command line, and catches what a renumbering forgot; the title cells fit a slide."""

import json

import pytest

from coursekit import notebooks as registry
from coursekit.notebooks import COURSE, Notebook


def test_the_registry_and_the_folders_agree():
    # Every file registered and present, nothing unregistered, every heading "NN · title" as registered.
    assert registry.problems() == []
    assert [int(n.number) for n in COURSE] == list(range(len(COURSE)))


def test_the_registry_holds_one_line_per_notebook():
    lines = registry.REGISTRY.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[" and lines[-1] == "]" and len(lines) == len(COURSE) + 2
    assert all(f'"stem": "{n.stem}"' in line for n, line in zip(COURSE, lines[1:]))


def test_every_solutions_notebook_links_to_its_notebook():
    for notebook in COURSE:
        if notebook.solutions:
            assert f"](../notebooks/{notebook.name})" in notebook.solutions_path.read_text(), notebook.stem


def test_a_renumbering_that_forgot_a_file_or_a_heading_is_named(tmp_path):
    for folder in ("notebooks", "solutions"):
        (tmp_path / folder).mkdir()
    course = (Notebook("00", "start", "Start", ""), Notebook("01", "shift", "Shift", "", solutions=True),
              Notebook("02", "draw", "Draw", ""))

    def write(folder, name, heading):
        cells = [{"cell_type": "markdown", "metadata": {}, "source": ["[nav]"]},
                 {"cell_type": "markdown", "metadata": {}, "source": [f"# {heading}\n", "\n", "text"]}]
        (tmp_path / folder / name).write_text(json.dumps({"cells": cells}))

    write("notebooks", "00_start.ipynb", "00 · Start")
    write("notebooks", "01_shift.ipynb", "01 · Shift")
    write("notebooks", "01_draw.ipynb", "01 · Draw")  # not renamed to 02_draw
    write("solutions", "01_shift_solutions.ipynb", "Solutions · 02 · Shift")  # its heading not renumbered
    found = registry.problems(course, tmp_path / "notebooks", tmp_path / "solutions")
    assert found == ["notebooks/01_draw.ipynb is not in the registry (coursekit/notebooks.py)",
                     "notebooks/02_draw.ipynb is in the registry but missing",
                     "solutions/01_shift_solutions.ipynb: its first heading is 'Solutions · 02 · Shift', "
                     "the registry says 'Solutions · 01 · Shift'"]


def test_select_by_number_name_or_all():
    names = [n.name for n in registry.select(["3", "07", "03_kernel_net", "keras_bridge.ipynb"])]
    assert names == ["03_kernel_net.ipynb", "07_keras_bridge.ipynb"]  # in course order, once each
    assert registry.select(["all"]) == registry.select([]) == list(COURSE)
    with pytest.raises(ValueError, match=r"no course notebook matches '99'.*00_start_here.ipynb"):
        registry.select(["99"])
    with pytest.raises(ValueError, match="name the notebooks"):
        registry.select([], default_all=False)
    assert registry.by_stem("kernel_net").path.name == "03_kernel_net.ipynb"
    with pytest.raises(KeyError, match="no course notebook 'lenet'"):
        registry.by_stem("lenet")


def test_nbval_runs_the_notebooks_then_the_solutions():
    targets = registry.nbval_targets()
    assert targets[: len(COURSE)] == [f"notebooks/{n.name}" for n in COURSE]
    assert targets[len(COURSE):] == [f"solutions/{n.solutions_path.name}" for n in COURSE if n.solutions]
    assert all((registry.ROOT / t).is_file() for t in targets)


def test_every_title_cell_shows_the_course_banner():
    # The title cell is the first slide of each deck: its title and, under it, the banner picture.
    for notebook in COURSE:
        cells = json.loads(notebook.path.read_text())["cells"]
        title = next("".join(c["source"]) for c in cells
                     if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("# "))
        assert "](../images/course_banner.png)" in title, notebook.name
        # The heading, the banner and a short paragraph fill a 1280x720 slide (measured: 9 lines fit); a longer
        # introduction belongs in a cell of its own (its own subslide), or the title slide overflows.
        lines = [line for line in title.splitlines() if line.strip()]
        assert len(lines) <= 9, f"{notebook.name}: the title cell has {len(lines)} lines; split it"
