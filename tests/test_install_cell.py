"""The notebooks' first cell (tools/make_install_cell.py), run in IPython as each platform would run it:
silent where cnnlib is installed, a pip install from the repository where it is missing (Colab), and the
site's own wheel plus a note on what cannot run in JupyterLite (Pyodide)."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run_install_cell(source, monkeypatch, cnnlib_missing, platform="linux"):
    """Run the install cell in an IPython shell; return (what it printed, the %pip lines it ran)."""
    import contextlib
    import io
    import sys

    from IPython.core.interactiveshell import InteractiveShell

    spec = importlib.util.spec_from_file_location("make_install_cell", ROOT / "tools" / "make_install_cell.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
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
        result = shell.run_cell(tool.cell_source(source))
    assert result.success, result.error_in_exec or result.error_before_exec
    return printed.getvalue(), pip_lines, tool


def test_install_cell_is_silent_where_cnnlib_is_installed(monkeypatch):
    printed, pip_lines, _ = _run_install_cell("01", monkeypatch, cnnlib_missing=False)
    assert (printed, pip_lines) == ("", [])


def test_install_cell_installs_from_the_repository_where_cnnlib_is_missing(monkeypatch):
    printed, pip_lines, tool = _run_install_cell("01", monkeypatch, cnnlib_missing=True)
    assert pip_lines == [f'install -q "cnnlib @ git+{tool.REPO_URL}"']
    assert "installed with pip" in printed


def test_install_cell_in_jupyterlite_uses_the_sites_wheel_and_says_what_cannot_run(monkeypatch):
    printed, pip_lines, _ = _run_install_cell("07", monkeypatch, cnnlib_missing=True, platform="emscripten")
    assert pip_lines == ["install -q cnnlib"]
    assert "Keras and jax do not exist for Pyodide" in printed
