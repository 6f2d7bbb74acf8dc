"""The notebooks' first cell (coursekit.install_cell), run in IPython as each platform would run it:
silent where cnnlib is installed, a pip install from the repository where it is missing (Colab), and the
site's own wheel plus a note on what cannot run in JupyterLite (Pyodide)."""

import importlib.util

from coursekit import install_cell as tool


def _run_install_cell(stem, monkeypatch, cnnlib_missing, platform="linux"):
    """Run the install cell in an IPython shell; return (what it printed, the %pip lines it ran)."""
    import contextlib
    import io
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    real_find_spec = importlib.util.find_spec
    if cnnlib_missing:
        monkeypatch.setattr(importlib.util, "find_spec",
                            lambda name, *a: None if name == "cnnlib" else real_find_spec(name, *a))
    monkeypatch.setattr(sys, "platform", platform)
    shell = InteractiveShell.instance()
    pip_lines = []
    monkeypatch.setitem(shell.magics_manager.magics["line"], "pip", lambda line: pip_lines.append(line))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = shell.run_cell(tool.cell_source(stem))
    assert result.success, result.error_in_exec or result.error_before_exec
    return printed.getvalue(), pip_lines


def test_install_cell_is_silent_where_cnnlib_is_installed(monkeypatch):
    printed, pip_lines = _run_install_cell("weight_sharing", monkeypatch, cnnlib_missing=False)
    assert (printed, pip_lines) == ("", [])


def test_install_cell_installs_from_the_repository_where_cnnlib_is_missing(monkeypatch):
    printed, pip_lines = _run_install_cell("weight_sharing", monkeypatch, cnnlib_missing=True)
    assert pip_lines == [f'install -q "cnnlib @ git+{tool.REPO_URL}"']
    assert "installed with pip" in printed


def test_install_cell_in_jupyterlite_uses_the_sites_wheel_and_says_what_cannot_run(monkeypatch):
    printed, pip_lines = _run_install_cell("keras_bridge", monkeypatch, cnnlib_missing=True, platform="emscripten")
    assert pip_lines == ["install -q cnnlib"]
    assert "Keras and jax do not exist for Pyodide" in printed


def test_every_note_belongs_to_a_course_notebook():
    from coursekit.notebooks import by_stem
    from coursekit.slide_metadata import OVERRIDES

    for stem in [*tool.PYODIDE_NOTES, *OVERRIDES]:
        by_stem(stem)  # KeyError names a stem that no course notebook has
