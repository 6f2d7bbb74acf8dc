"""tools/make_navigation.py: nav cells at top and bottom, correct links, safe to rerun, nothing else touched."""

import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "make_navigation.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_navigation", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


nav = load_script()


def write_notebook(path, title, with_outputs=True):
    """A small notebook: a title cell, a code cell with an output, a closing markdown cell."""
    code = nbformat.v4.new_code_cell("print(1 + 1)", execution_count=3 if with_outputs else None)
    if with_outputs:
        code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="2\n")]
    cells = [nbformat.v4.new_markdown_cell(f"# {title}\n\nSome text."), code,
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
    write_notebook(tmp_path / "00_start_here.ipynb", "00 · Start here")
    write_notebook(tmp_path / "01_alpha.ipynb", "01 · Alpha")
    write_notebook(tmp_path / "02_beta.ipynb", "02 · Beta")
    (tmp_path / "notes.ipynb").write_text("not a course notebook")  # ignored: no NN_ prefix
    return tmp_path


def run(folder, *args):
    return nav.main(["--folder", str(folder), *args])


def test_nav_cells_at_top_and_bottom_with_links(folder):
    assert run(folder) == 0
    for path in nav.course_notebooks(folder):
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


def test_rerun_is_idempotent_and_check_mode_agrees(folder):
    assert run(folder, "--check") == 1  # no navigation yet
    run(folder)
    first = {p.name: p.read_bytes() for p in nav.course_notebooks(folder)}
    assert run(folder, "--check") == 0
    run(folder)
    assert {p.name: p.read_bytes() for p in nav.course_notebooks(folder)} == first


def test_everything_else_is_preserved_byte_for_byte(folder):
    before = {p.name: body(p) for p in nav.course_notebooks(folder)}
    run(folder)
    for path in nav.course_notebooks(folder):
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


def test_a_new_notebook_updates_the_links_of_its_neighbours(folder):
    run(folder)
    write_notebook(folder / "03_gamma.ipynb", "03 · Gamma")
    run(folder)
    cells = json.loads((folder / "02_beta.ipynb").read_text(encoding="utf-8"))["cells"]
    assert src(cells[0]).endswith("[03 · Gamma >](03_gamma.ipynb)")
    assert sum(bool(c["metadata"].get("cnnlib_nav")) for c in cells) == 2


def test_only_the_named_notebooks_are_rewritten(folder):
    untouched = (folder / "02_beta.ipynb").read_bytes()
    assert nav.main(["--folder", str(folder), str(folder / "01_alpha.ipynb")]) == 0
    assert (folder / "02_beta.ipynb").read_bytes() == untouched
    assert json.loads((folder / "01_alpha.ipynb").read_text(encoding="utf-8"))["cells"][0]["metadata"] == {
        "cnnlib_nav": True}


def test_the_course_notebooks_have_navigation_at_top_and_bottom(tmp_path):
    """The real notebooks, copied: the script runs twice without changes the second time."""
    for path in nav.course_notebooks(ROOT / "notebooks"):
        shutil.copy(path, tmp_path / path.name)
    if not nav.course_notebooks(tmp_path):
        pytest.fail("no course notebooks found in notebooks/")
    run(tmp_path)
    once = {p.name: p.read_bytes() for p in nav.course_notebooks(tmp_path)}
    run(tmp_path)
    assert {p.name: p.read_bytes() for p in nav.course_notebooks(tmp_path)} == once
    for path in nav.course_notebooks(tmp_path):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert cells[0]["metadata"].get("cnnlib_nav") and cells[-1]["metadata"].get("cnnlib_nav"), path.name
        assert "00_start_here.ipynb" in src(cells[0]) or path.name == "00_start_here.ipynb"


def test_bad_paths_are_refused(folder):
    with pytest.raises(SystemExit):
        nav.main(["--folder", str(folder), "99_missing.ipynb"])
    with pytest.raises(SystemExit):
        nav.main(["--folder", str(folder / "empty")])
