"""course.py's own logic: which extras to install, the student's notebook copies, options, test timings."""

import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


course = load("course", ROOT / "course.py")  # puts tools/ on sys.path for the three helpers below
install = load("course_install", ROOT / "tools" / "course_install.py")
copies = load("course_notebooks", ROOT / "tools" / "course_notebooks.py")
kernels = load("course_kernels", ROOT / "tools" / "course_kernels.py")


# ------------------------------------------------------------------------------------------ install
def test_lab_then_test_adds_the_test_extras_and_keeps_the_course_ones():
    lab = install.extras_to_install("", frozenset(), "h1", frozenset({"course"}))
    assert lab == {"course"}
    assert install.extras_to_install("h1", lab, "h1", frozenset({"course"})) is None
    assert install.extras_to_install("h1", lab, "h1", frozenset({"course", "test"})) == {"course", "test"}
    assert install.extras_to_install("h1", frozenset({"course", "test"}), "h1", frozenset({"course"})) is None


def test_a_changed_pyproject_reinstalls_everything_that_was_there():
    assert install.extras_to_install("old", frozenset({"course", "test"}), "new",
                                     frozenset({"course"})) == {"course", "test"}


def test_stamp_round_trip_and_the_old_format(tmp_path):
    stamp = tmp_path / "stamp"
    install.write_stamp(stamp, "abc", frozenset({"test", "course"}))
    assert json.loads(stamp.read_text()) == {"pyproject": "abc", "extras": ["course", "test"]}
    assert install.read_stamp(stamp) == ("abc", {"course", "test"})
    stamp.write_text("a3c7df6675b934aa\n")  # what the first course.py wrote: a bare hash, extras unknown
    assert install.read_stamp(stamp) == ("", frozenset())
    assert install.read_stamp(tmp_path / "missing") == ("", frozenset())


def test_progress_turns_pip_output_into_a_few_phase_lines():
    out = io.StringIO()
    progress = install.Progress(out)
    for line in ["Collecting numpy<3,>=2.0", "  Downloading numpy-2.3.whl (16 MB)", "Collecting scipy",
                 "WARNING: Location 'file:///x' is ignored", "Installing collected packages: numpy, scipy, cnnlib",
                 "Successfully installed cnnlib numpy scipy"]:
        progress.feed(line + "\n")
    lines = out.getvalue().splitlines()
    assert len(lines) == 2
    assert "finding and downloading" in lines[0] and "unpacking 3 packages" in lines[1]
    assert progress.warnings == ["WARNING: Location 'file:///x' is ignored"]


# --------------------------------------------------------------------------------------------- lab
@pytest.mark.parametrize("args, expected", [
    ([], None), (["--no-browser"], None), (["--port", "9000"], "9000"), (["--port=9001"], "9001"),
    (["--ServerApp.port=9002", "--no-browser"], "9002"), (["--port=1", "--port", "2"], "2"), (["--port"], None)])
def test_option_value_reads_both_spellings(args, expected):
    assert course.option_value(args, ("--port", "--ServerApp.port")) == expected


def make_course(tmp_path, names=("00_start.ipynb", "03_kernel_net.ipynb")):
    source = tmp_path / "notebooks"
    source.mkdir()
    for name in names:
        (source / name).write_text(f'{{"course": "{name}"}}')
    return source, tmp_path / "my_notebooks"


def test_working_copies_follow_the_course_but_edits_are_never_overwritten(tmp_path):
    source, work = make_course(tmp_path)
    assert copies.sync_copies(source, work) == (["00_start.ipynb", "03_kernel_net.ipynb"], [])
    assert copies.sync_copies(source, work) == ([], [])
    (work / "03_kernel_net.ipynb").write_text("the student's work")
    (source / "07_keras.ipynb").write_text("new in the course")
    assert copies.sync_copies(source, work) == (["07_keras.ipynb"], [])
    assert (work / "03_kernel_net.ipynb").read_text() == "the student's work"
    (source / "03_kernel_net.ipynb").write_text("updated by the course")
    (source / "00_start.ipynb").write_text("also updated")
    assert copies.sync_copies(source, work) == (["00_start.ipynb"], ["03_kernel_net.ipynb"])
    assert (work / "00_start.ipynb").read_text() == "also updated"  # unedited: follows the course
    assert (work / "03_kernel_net.ipynb").read_text() == "the student's work"  # edited: left alone
    assert copies.sync_copies(source, work) == ([], ["03_kernel_net.ipynb"])  # reported again next time


def test_reset_keeps_the_old_copy_in_backup(tmp_path):
    source, work = make_course(tmp_path)
    copies.sync_copies(source, work)
    (work / "03_kernel_net.ipynb").write_text("the student's work")
    (source / "03_kernel_net.ipynb").write_text("updated by the course")
    [(name, backup)] = copies.reset(source, work, ["03_kernel_net.ipynb"], stamp="T")
    assert backup == work / "backup" / "03_kernel_net-T.ipynb"
    assert backup.read_text() == "the student's work"
    assert (work / name).read_text() == "updated by the course"
    assert copies.sync_copies(source, work) == ([], [])  # no longer reported as changed
    assert copies.reset(source, work, ["00_start.ipynb"], stamp="U") == [("00_start.ipynb", None)]  # unedited
    assert sorted(p.name for p in (work / "backup").iterdir()) == ["03_kernel_net-T.ipynb"]


def test_select_by_number_name_or_all():
    names = ["00_start.ipynb", "03_kernel_net.ipynb", "07_keras.ipynb"]
    assert copies.select(names, ["3"]) == ["03_kernel_net.ipynb"]
    assert copies.select(names, ["07", "03_kernel_net", "07_keras.ipynb"]) == ["07_keras.ipynb",
                                                                              "03_kernel_net.ipynb"]
    assert copies.select(names, ["all"]) == names
    with pytest.raises(ValueError, match=r"no course notebook matches '12'.*00_start.ipynb"):
        copies.select(names, ["12"])
    with pytest.raises(ValueError, match="name the notebooks"):
        copies.select(names, [])


def test_the_images_the_notebooks_link_to_resolve_from_the_working_copies():
    links = {(nb.name, link) for nb in (ROOT / "notebooks").glob("*.ipynb")
             for link in re.findall(r"(\.\./images/[\w.-]+)", nb.read_text())}
    assert links, "expected at least one ../images link in the notebooks"
    for name, link in links:
        assert (course.MY_NOTEBOOKS / link).resolve().is_file(), (name, link)


def test_every_title_cell_shows_the_course_banner():
    # The title cell is the first slide of each deck: its title and, under it, the banner picture.
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        title = next("".join(c["source"]) for c in cells
                     if c["cell_type"] == "markdown" and "".join(c["source"]).startswith("# "))
        assert "](../images/course_banner.png)" in title, path.name
        # The heading, the banner and a short paragraph fill a 1280x720 slide (measured: 9 lines fit); a longer
        # introduction belongs in a cell of its own (its own subslide), or the title slide overflows.
        lines = [line for line in title.splitlines() if line.strip()]
        assert len(lines) <= 9, f"{path.name}: the title cell has {len(lines)} lines; split it"


# -------------------------------------------------------------------------------------------- test
JUNIT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.test_conv" file="tests/test_conv.py" name="test_a" time="1.5"/>
<testcase classname="tests.test_pool" file="tests/test_pool.py" name="test_b" time="0.5"><failure/></testcase>
<testcase classname="notebooks.03_kernel_net.ipynb" file="notebooks/03_kernel_net.ipynb" name="Cell 0" time="2.0"/>
<testcase classname="notebooks.03_kernel_net.ipynb" file="notebooks/03_kernel_net.ipynb" name="Cell 1" time="40.0"/>
</testsuite></testsuites>"""


def test_file_times_sums_cells_per_notebook(tmp_path):
    xml = tmp_path / "junit.xml"
    xml.write_text(JUNIT)
    times = kernels.file_times(xml)
    assert times == {"tests/test_conv.py": (1, 0, 1.5), "tests/test_pool.py": (1, 1, 0.5),
                     "notebooks/03_kernel_net.ipynb": (2, 0, 42.0)}
    table = kernels.times_table({"Haswell": times, "Sandybridge": {"notebooks/03_kernel_net.ipynb": (2, 1, 41.0)}})
    header, library, notebook, total = table.splitlines()
    assert header.split() == ["Haswell", "Sandybridge"]
    assert library.startswith("library tests") and "2 items,   2.0 s, 1 FAILED" in library and library.endswith("-")
    assert notebook.startswith("notebooks/03_kernel_net.ipynb")
    assert "2 items,  42.0 s" in notebook and "2 items,  41.0 s, 1 FAILED" in notebook
    assert total.startswith("all notebooks") and total.endswith(notebook.split("ipynb")[1].strip())
    assert len({len(line) for line in table.splitlines()}) == 1  # columns line up
    assert kernels.file_times(tmp_path / "missing.xml") == {}


def test_check_table_lines_up_the_columns():
    table = kernels.check_table([("Prescott", 1, "Katmai", "PASS: 12 passed"),
                                 ("SkylakeX", 2, "-", "not run: this CPU cannot run it (illegal instruction)")])
    header, first, second = table.splitlines()
    assert header.index("kernel that ran") == first.index("Katmai") == second.index("-  ")
    assert second.endswith("(illegal instruction)")


def test_install_message_says_what_and_how_long():
    course_only, both = frozenset({"course"}), frozenset({"course", "test"})
    first = install.install_message(True, course_only, course_only)
    assert first.startswith("Installing cnnlib with JupyterLab") and "850 MB" in first
    added = install.install_message(False, both, frozenset({"test"}))
    assert added.startswith("Adding pytest, nbval") and "under a minute" in added
    assert "updating .venv" in install.install_message(False, both, frozenset())


def test_progress_heartbeat_while_pip_is_quiet(tmp_path):
    out = io.StringIO()
    progress = install.Progress(out, venv_dir=tmp_path)
    (tmp_path / "big").write_bytes(b"x" * 3 * 2**20)
    progress.heartbeat()
    assert out.getvalue() == ""  # nothing started yet
    progress.feed("Installing collected packages: numpy\n")
    progress.heartbeat()
    assert out.getvalue().count("\n") == 1  # just printed: no heartbeat yet
    progress.last_print -= 31
    progress.heartbeat()
    assert out.getvalue().splitlines()[-1].endswith("... still unpacking (3 MB in .venv so far)")
