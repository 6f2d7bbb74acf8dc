"""Give every course notebook its first cell: install cnnlib where it is missing (Colab, JupyterLite).

    .venv/bin/python tools/make_install_cell.py            # write/refresh the cell in notebooks/NN_*.ipynb
    .venv/bin/python tools/make_install_cell.py --check    # change nothing; exit 1 if a notebook would change

The cell sits right after the navigation cell at the top. In the course's own install (and on
Binder, which builds environment.yml) ``cnnlib`` imports, so the cell does nothing and prints
nothing: stored outputs stay as they are. Where it is missing it installs it with pip and says so:
from this repository on Colab (REPO_URL below: set it once the course has a public home, then
rerun this tool), from the site's own wheel in JupyterLite. It pins nothing else (numpy,
matplotlib and ipywidgets come as the platform has them). Only this cell is written; everything
else in the file stays byte for byte.
"""

import sys
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parent))
import notebook_rewrite  # noqa: E402  (tools/notebook_rewrite.py)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
REPO_URL = "https://github.com/OWNER/REPO"  # the course's public repository: the one place to set it
CELL_KEY = "cnnlib_install"
NAV_KEY = "cnnlib_nav"
CELL_ID = "cnnlib-install"
# Notebooks that run only in part in JupyterLite, and what the cell says there (the site's copy of the notebook
# replaces the cells tagged needs-keras with a line saying they are skipped: tools/course_site.py).
PYODIDE_NOTES = {
    "07": "Keras and jax do not exist for Pyodide: the cells that need them print that they are skipped; "
          "section 1 (training the cnnlib net) and the checked exercises run here. "
          "For all of it: JupyterLab, Colab or Binder.",
}


def cell_source(number: str) -> str:
    """The install cell's code for notebook `number` (two digits)."""
    lines = [
        "# Installs cnnlib only where it is missing (e.g. Colab, JupyterLite); in the course's own install it does nothing.",  # noqa: E501
        "import importlib.util, sys",
        "",
        'if importlib.util.find_spec("cnnlib") is None:',
        '    if sys.platform == "emscripten":  # JupyterLite: the site carries a cnnlib wheel',
        "        %pip install -q cnnlib",
        "    else:",
        f'        %pip install -q "cnnlib @ git+{REPO_URL}"',
        '    print("cnnlib was not installed here, so it was installed with pip just now.")',
    ]
    if number in PYODIDE_NOTES:
        lines += ['if sys.platform == "emscripten":', f"    print({PYODIDE_NOTES[number]!r})"]
    return "\n".join(lines)


def with_install_cell(path: Path) -> tuple:
    """(new file text, old file text) for one notebook with a fresh install cell after the top navigation."""
    text = path.read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    source = cell_source(path.name[:2])
    existing = [c for c in nb.cells if c.get("metadata", {}).get(CELL_KEY)]
    if existing:
        existing[0].source = source
    else:
        cell = nbformat.v4.new_code_cell(source, metadata={CELL_KEY: True, "slideshow": {"slide_type": "skip"}})
        if (nb.nbformat, nb.nbformat_minor) >= (4, 5):
            cell["id"] = CELL_ID
        else:
            cell.pop("id", None)
        at = 1 if nb.cells and nb.cells[0].get("metadata", {}).get(NAV_KEY) else 0
        nb.cells.insert(at, cell)
    new_text = nbformat.writes(nb, indent=1)
    return (new_text if new_text.endswith("\n") else new_text + "\n"), text


def main(argv=None) -> int:
    return notebook_rewrite.main(argv, __doc__.splitlines()[0], NOTEBOOKS, with_install_cell, "install cell")


if __name__ == "__main__":
    sys.exit(main())
