"""coursekit.navigation: nav cells at top and bottom, correct links, 00's contents, safe to rerun, nothing else
touched; the course's notebooks are up to date."""

import json
from pathlib import Path

import nbformat
import pytest

from coursekit import navigation as nav
from coursekit.notebooks import Notebook

COURSE = (Notebook("00", "start_here", "Start here", "this page"), Notebook("01", "alpha", "Alpha", "the first"),
          Notebook("02", "beta", "Beta", "the second"))


def write_notebook(path, title, with_outputs=True):
    """A small notebook: a title cell, a code cell with an output, a closing markdown cell."""
    code = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=3 if with_outputs else None)
    if with_outputs:
        code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nSome text."), code,
             nbformat.v4.new_markdown_cell("## Contents\n\nto be written" if title.startswith("00") else "## More"),
             nbformat.v4.new_markdown_cell("## Exercises\n\n1. Think.")]
    for i, cell in enumerate(cells):
        cell["id"] = f"cell-{i}"
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec})
    nbformat.write(nb, path)


def src(cell):
    """A cell's source as one string (the JSON file may store it as a list of lines)."""
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def nav_line(path, index=0):
    """The source of cell ``index`` of the notebook file at ``path``."""
    return src(json.loads(Path(path).read_text(encoding="utf-8"))["cells"][index])


def body(path):
    """The notebook's cells without the navigation cells, as JSON-able dicts."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [c for c in data["cells"] if not c.get("metadata", {}).get("cnnlib_nav")], data


@pytest.fixture
def folder(tmp_path):
    for notebook in COURSE:
        write_notebook(tmp_path / notebook.name, notebook.heading)
    (tmp_path / "notes.ipynb").write_text("not a course notebook")  # not in the course: never read
    return tmp_path


def run(folder, course=COURSE, **options):
    return nav.write(course, folder, **options)


def paths(folder, course=COURSE):
    return [folder / n.name for n in course]


def test_nav_cells_at_top_and_bottom_with_links(folder):
    assert run(folder) == 0
    for path in paths(folder):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert cells[0]["metadata"] == {"cnnlib_nav": True}
        assert cells[-1]["metadata"] == {"cnnlib_nav": True}
        assert sum(bool(c["metadata"].get("cnnlib_nav")) for c in cells) == 2
        assert src(cells[0]) == src(cells[-1])
    middle = nav_line(folder / "01_alpha.ipynb")
    assert middle == ("[< 00 · Start here](00_start_here.ipynb) | [Contents](00_start_here.ipynb) | "
                      "[02 · Beta >](02_beta.ipynb)")
    first = nav_line(folder / "00_start_here.ipynb")
    assert first == "[01 · Alpha >](01_alpha.ipynb)"
    last = nav_line(folder / "02_beta.ipynb")
    assert last == "[< 01 · Alpha](01_alpha.ipynb) | [Contents](00_start_here.ipynb)"


def test_the_contents_table_lists_every_notebook(folder):
    run(folder)
    contents = next(src(c) for c in json.loads((folder / "00_start_here.ipynb").read_text())["cells"]
                    if src(c).startswith("## Contents"))
    assert contents.splitlines()[2:] == ["| # | notebook | what it is about |", "|---|---|---|",
                                         "| 00 | [Start here](00_start_here.ipynb) | this page |",
                                         "| 01 | [Alpha](01_alpha.ipynb) | the first |",
                                         "| 02 | [Beta](02_beta.ipynb) | the second |"]
    assert "## Contents" not in (folder / "01_alpha.ipynb").read_text()


def test_rerun_is_idempotent_and_check_mode_agrees(folder):
    assert run(folder, check=True) == 1  # no navigation yet
    run(folder)
    first = {p.name: p.read_bytes() for p in paths(folder)}
    assert run(folder, check=True) == 0
    run(folder)
    assert {p.name: p.read_bytes() for p in paths(folder)} == first


def test_everything_else_is_preserved_byte_for_byte(folder):
    before = {p.name: body(p) for p in paths(folder)[1:]}  # 00's contents cell is written too: see above
    run(folder)
    for path in paths(folder)[1:]:
        cells, data = body(path)
        old_cells, old_data = before[path.name]
        assert cells == old_cells  # sources, outputs, execution counts, ids
        assert {k: v for k, v in data.items() if k != "cells"} == {k: v for k, v in old_data.items() if k != "cells"}
    # Removing the nav cells again gives back the original file exactly (same indent, key order, newline).
    path = folder / "01_alpha.ipynb"
    original = json.dumps(before[path.name][1], indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
    nb.cells = [c for c in nb.cells if not c.metadata.get("cnnlib_nav")]
    assert nbformat.writes(nb) + "\n" == original


def test_an_inserted_notebook_is_one_registry_entry_and_its_file(folder):
    run(folder)
    # Insert "gamma" at 02: beta becomes 03 (its file renamed and its heading renumbered, as the registry says).
    course = (*COURSE[:2], Notebook("02", "gamma", "Gamma", "new"), Notebook("03", "beta", "Beta", "the second"))
    write_notebook(folder / "02_gamma.ipynb", "02 · Gamma")
    (folder / "02_beta.ipynb").rename(folder / "03_beta.ipynb")
    run(folder, course)
    assert nav_line(folder / "01_alpha.ipynb").endswith("[02 · Gamma >](02_gamma.ipynb)")
    assert nav_line(folder / "02_gamma.ipynb") == ("[< 01 · Alpha](01_alpha.ipynb) | [Contents](00_start_here.ipynb)"
                                                   " | [03 · Beta >](03_beta.ipynb)")
    assert nav_line(folder / "03_beta.ipynb").startswith("[< 02 · Gamma](02_gamma.ipynb)")
    assert "| 03 | [Beta](03_beta.ipynb) | the second |" in (folder / "00_start_here.ipynb").read_text()
    cells = json.loads((folder / "03_beta.ipynb").read_text(encoding="utf-8"))["cells"]
    assert sum(bool(c["metadata"].get("cnnlib_nav")) for c in cells) == 2


def test_only_the_named_notebooks_are_rewritten(folder):
    untouched = (folder / "02_beta.ipynb").read_bytes()
    assert run(folder, only=[COURSE[1]]) == 0
    assert (folder / "02_beta.ipynb").read_bytes() == untouched
    assert json.loads((folder / "01_alpha.ipynb").read_text(encoding="utf-8"))["cells"][0]["metadata"] == {
        "cnnlib_nav": True}


def test_a_contents_notebook_without_its_contents_cell_is_refused(folder):
    write_notebook(folder / "00_start_here.ipynb", "01 · No contents here")
    with pytest.raises(ValueError, match="expected one markdown cell starting with '## Contents', found 0"):
        run(folder)


def test_the_course_notebooks_navigation_and_contents_are_up_to_date():
    assert nav.write(check=True) == 0, "run: python -m coursekit navigation"
