"""The course's tooling (coursekit) and course.py: which extras to install, the command line, the student's
notebook copies, JupyterLab's options, the test command's time table."""

import importlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from coursekit import ROOT, course_env, install, kernels
from coursekit import lab as copies
from coursekit import test as testing
from coursekit.__main__ import COMMANDS
from coursekit.notebooks import Notebook


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
    install.write_stamp(stamp, pyproject="abc", extras=["course", "test"])
    assert json.loads(stamp.read_text()) == {"pyproject": "abc", "extras": ["course", "test"]}
    assert install.read_stamp(stamp) == {"pyproject": "abc", "extras": ["course", "test"]}
    stamp.write_text("a3c7df6675b934aa\n")  # what the first course.py wrote: a bare hash, extras unknown
    assert install.read_stamp(stamp) == {}
    assert install.read_stamp(tmp_path / "missing") == {}


def test_the_site_builder_is_no_extra_of_the_students_environment():
    # Its JupyterLab extension broke the student's JupyterLab: it lives in .course/site-venv (SITE_REQUIREMENTS).
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert "jupyterlite-core" not in pyproject
    assert any(r.startswith("jupyterlite-core==") for r in install.SITE_REQUIREMENTS)
    assert set(install.FORMER_SITE_PACKAGES) <= {r.split("=")[0] for r in install.SITE_REQUIREMENTS}
    assert {name for name, command in COMMANDS.items() if command.site} == {"test", "setup", "site"}


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


# ------------------------------------------------------------------------------------- command line
def test_every_command_names_a_function_and_its_extras():
    for name, command in COMMANDS.items():
        assert command.extras <= set(install.EXTRAS), name
        if command.module is not None:
            assert callable(getattr(importlib.import_module(f"coursekit.{command.module}"), command.function)), name


def test_course_py_lists_the_commands_and_refuses_an_unknown_one():
    done = subprocess.run([sys.executable, str(ROOT / "course.py"), "nonsense"], capture_output=True, text=True)
    assert done.returncode == 2
    assert all(f"  {name} " in done.stdout for name in COMMANDS)


def test_reset_needs_no_virtual_environment_and_names_the_notebooks(tmp_path):
    # course.py runs reset with the standard library alone (conda users have no .venv): a bad name is refused
    # before anything is copied, with the list of the course's notebooks.
    done = subprocess.run([sys.executable, "-S", str(ROOT / "course.py"), "reset", "99"], capture_output=True,
                          text=True, cwd=tmp_path)
    assert done.returncode == 2
    assert "no course notebook matches '99'" in done.stderr and "00_start_here.ipynb" in done.stderr


def test_course_env_keeps_bytecode_and_one_blas_thread():
    env = course_env({"PYTHONDONTWRITEBYTECODE": "1", "MPLBACKEND": "Agg", "OMP_NUM_THREADS": "4"})
    assert env == {"OMP_NUM_THREADS": "4", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


# --------------------------------------------------------------------------------------------- lab
@pytest.mark.parametrize("args, expected", [
    ([], None), (["--no-browser"], None), (["--port", "9000"], "9000"), (["--port=9001"], "9001"),
    (["--ServerApp.port=9002", "--no-browser"], "9002"), (["--port=1", "--port", "2"], "2"), (["--port"], None)])
def test_option_value_reads_both_spellings(args, expected):
    assert copies.option_value(args, ("--port", "--ServerApp.port")) == expected


def make_course(tmp_path, stems=("start", "kernel_net")):
    """A course of notebooks 00, 01, ... with these stems in tmp_path/notebooks; return (course, source, work)."""
    course = tuple(Notebook(f"{i:02d}", stem, stem, "") for i, stem in enumerate(stems))
    source = tmp_path / "notebooks"
    source.mkdir(exist_ok=True)
    for notebook in course:
        path = source / notebook.name
        if not path.exists():
            path.write_text(f'{{"course": "{notebook.name}"}}')
    return course, source, tmp_path / "my_notebooks"


def test_working_copies_follow_the_course_but_edits_are_never_overwritten(tmp_path):
    course, source, work = make_course(tmp_path)
    sync = lambda course: copies.sync_copies(work, source, course)  # noqa: E731
    assert sync(course) == (["00_start.ipynb", "01_kernel_net.ipynb"], [], [])
    assert sync(course) == ([], [], [])
    (work / "01_kernel_net.ipynb").write_text("the student's work")
    course, *_ = make_course(tmp_path, ("start", "kernel_net", "keras"))
    assert sync(course) == (["02_keras.ipynb"], [], [])
    assert (work / "01_kernel_net.ipynb").read_text() == "the student's work"
    (source / "01_kernel_net.ipynb").write_text("updated by the course")
    (source / "00_start.ipynb").write_text("also updated")
    assert sync(course) == (["00_start.ipynb"], ["01_kernel_net.ipynb"], [])
    assert (work / "00_start.ipynb").read_text() == "also updated"  # unedited: follows the course
    assert (work / "01_kernel_net.ipynb").read_text() == "the student's work"  # edited: left alone
    assert sync(course) == ([], ["01_kernel_net.ipynb"], [])  # reported again next time


def test_a_renumbered_notebook_moves_with_the_course_and_an_edited_old_copy_stays(tmp_path):
    course, source, work = make_course(tmp_path, ("start", "draw", "keras"))
    copies.sync_copies(work, source, course)
    (work / "02_keras.ipynb").write_text("the student's work")
    # A notebook inserted at 01: draw becomes 02 and keras 03 (the files renamed with the registry).
    for old, new in (("02_keras", "03_keras"), ("01_draw", "02_draw")):
        (source / f"{old}.ipynb").rename(source / f"{new}.ipynb")
    course, *_ = make_course(tmp_path, ("start", "shift", "draw", "keras"))
    copied, kept, retired = copies.sync_copies(work, source, course)
    assert copied == ["01_shift.ipynb", "02_draw.ipynb", "03_keras.ipynb"] and kept == []
    assert retired == [("01_draw.ipynb", True), ("02_keras.ipynb", False)]
    assert not (work / "01_draw.ipynb").exists()  # unedited: removed, the course's 02_draw is there
    assert (work / "02_draw.ipynb").read_text() == '{"course": "01_draw.ipynb"}'
    assert (work / "02_keras.ipynb").read_text() == "the student's work"  # edited: stays, reported once
    assert copies.sync_copies(work, source, course) == ([], [], [])
    assert copies.renamed_to("02_keras.ipynb", course) == "03_keras.ipynb"


def test_reset_keeps_the_old_copy_in_backup(tmp_path):
    course, source, work = make_course(tmp_path)
    copies.sync_copies(work, source, course)
    (work / "01_kernel_net.ipynb").write_text("the student's work")
    (source / "01_kernel_net.ipynb").write_text("updated by the course")
    [(name, backup)] = copies.reset(["01_kernel_net.ipynb"], work, source, stamp="T")
    assert backup == work / "backup" / "01_kernel_net-T.ipynb"
    assert backup.read_text() == "the student's work"
    assert (work / name).read_text() == "updated by the course"
    assert copies.sync_copies(work, source, course) == ([], [], [])  # no longer reported as changed
    assert copies.reset(["00_start.ipynb"], work, source, stamp="U") == [("00_start.ipynb", None)]  # unedited
    assert sorted(p.name for p in (work / "backup").iterdir()) == ["01_kernel_net-T.ipynb"]


def test_jupyterlab_command_is_the_course_s_own_and_quiet(tmp_path):
    cmd = copies.jupyterlab_command(tmp_path, ["--no-browser"])
    assert cmd[:3] == [sys.executable, "-m", "jupyterlab"] and f"--ServerApp.root_dir={tmp_path}" in cmd
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd and "--no-browser" in cmd
    env = copies.jupyterlab_env(tmp_path / "state", {})
    settings = tmp_path / "state" / "settings"
    assert env == {"JUPYTERLAB_SETTINGS_DIR": str(settings), "JUPYTERLAB_WORKSPACES_DIR": str(settings.parent
                                                                                               / "workspaces")}
    quiet = json.loads((settings / "@jupyterlab/apputils-extension/notification.jupyterlab-settings").read_text())
    assert quiet == {"fetchNews": "false", "checkForUpdates": False}


def test_the_images_the_notebooks_link_to_resolve_from_the_working_copies():
    links = {(nb.name, link) for nb in (ROOT / "notebooks").glob("*.ipynb")
             for link in re.findall(r"(\.\./images/[\w.-]+)", nb.read_text())}
    assert links, "expected at least one ../images link in the notebooks"
    for name, link in links:
        assert (copies.MY_NOTEBOOKS / link).resolve().is_file(), (name, link)


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
    times = testing.file_times(xml)
    assert times == {"tests/test_conv.py": (1, 0, 1.5), "tests/test_pool.py": (1, 1, 0.5),
                     "notebooks/03_kernel_net.ipynb": (2, 0, 42.0)}
    times["tests/browser/test_site.py"] = (2, 0, 20.0)
    table = testing.times_table({"Haswell": times, "Sandybridge": {"notebooks/03_kernel_net.ipynb": (2, 1, 41.0)}})
    header, browser, library, notebook, total = table.splitlines()
    assert browser.startswith("browser tests (tests/browser/)") and "2 items,  20.0 s" in browser
    assert header.split() == ["Haswell", "Sandybridge"]
    assert library.startswith("library tests") and "2 items,   2.0 s, 1 FAILED" in library and library.endswith("-")
    assert notebook.startswith("notebooks/03_kernel_net.ipynb")
    assert "2 items,  42.0 s" in notebook and "2 items,  41.0 s, 1 FAILED" in notebook
    assert total.startswith("all notebooks") and total.endswith(notebook.split("ipynb")[1].strip())
    assert len({len(line) for line in table.splitlines()}) == 1  # columns line up
    assert testing.file_times(tmp_path / "missing.xml") == {}


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


def test_runs_side_by_side_report_each_end_and_keep_a_failure(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(testing, "LOGS", tmp_path)
    (tmp_path / "test_good.py").write_text("def test_good():\n    assert 1 + 1 == 2\n")
    (tmp_path / "test_bad.py").write_text("def test_bad():\n    assert 1 + 1 == 3\n")
    jobs = [testing.Job(f"{name} run", "here", [str(tmp_path / f"test_{name}.py")], dict(os.environ), nice=nice)
            for name, nice in (("good", 0), ("bad", 5))]
    testing.run_side_by_side(jobs)
    out = capsys.readouterr().out
    assert re.search(r"good run passed \(\d+ s of CPU\): 1 passed in", out)
    assert re.search(r"bad run FAILED \(\d+ s of CPU\): 1 failed in", out)
    assert [job.proc.returncode for job in jobs] == [0, 1]
    assert "assert (1 + 1) == 3" in jobs[1].log.read_text()  # the whole output is kept for the summary
    [(name, (n, failed, _))] = testing.column_times(jobs[1:])["here"].items()
    assert name.endswith("test_bad.py") and (n, failed) == (1, 1)


def test_two_workers_share_the_files_and_the_time_table_still_has_each(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(testing, "LOGS", tmp_path)
    for name in ("one", "two", "three"):
        (tmp_path / f"test_{name}.py").write_text(f"def test_{name}():\n    assert True\n")
    job = testing.Job("files", "here", [str(tmp_path)], dict(os.environ), options=testing.TWO_WORKERS)
    testing.run_side_by_side([job])
    assert job.proc.returncode == 0 and "2 workers" in job.log.read_text()
    assert sorted(Path(f).name for f in testing.column_times([job])["here"]) == ["test_one.py", "test_three.py",
                                                                                "test_two.py"]


def test_the_second_kernel_pass_says_why_it_cannot_run_and_passes(monkeypatch, capsys):
    monkeypatch.setattr(testing.kernels, "probe", lambda env, coretype, threads=1: (None, "no OpenBLAS here"))
    assert testing.check_kernels(["--second", "04"]) == 0
    assert "NO second BLAS kernel pass: no OpenBLAS here." in capsys.readouterr().out


def test_an_old_environment_with_the_site_builder_loses_it(tmp_path, monkeypatch, capsys):
    calls = []
    monkeypatch.setattr(install, "pip", lambda python, args, log, progress=None: calls.append(args))
    python = install.venv_python(tmp_path)
    python.parent.mkdir(parents=True)
    python.touch()
    pyproject = install.file_hash(ROOT / "pyproject.toml")
    install.write_stamp(tmp_path / ".cnnlib-installed", pyproject=pyproject, extras=["course", "site", "test"])
    assert install.ensure_installed(frozenset({"course"}), tmp_path) == python
    assert calls == [["uninstall", "--yes", "jupyterlite-core", "jupyterlite-pyodide-kernel"]]  # nothing else
    assert install.read_stamp(tmp_path / ".cnnlib-installed")["extras"] == ["course", "test"]
    assert "Removing the JupyterLite builder" in capsys.readouterr().out
    assert install.ensure_installed(frozenset({"course", "test"}), tmp_path) == python and len(calls) == 1
