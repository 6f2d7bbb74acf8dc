"""Give every course notebook its first cell: install cnnlib where it is missing (Colab, JupyterLite).

    python -m coursekit install-cell            # write/refresh the cell in every course notebook
    python -m coursekit install-cell --check    # change nothing; exit 1 if a notebook would change

The cell sits right after the navigation cell at the top. In the course's own install (and on
Binder, which builds environment.yml) ``cnnlib`` imports, so the cell does nothing and prints
nothing: stored outputs stay as they are. Where it is missing it installs it with pip and says so:
from this repository on Colab (REPO_URL below: set it once the course has a public home, then
rerun this tool), from the site's own wheel in JupyterLite. It pins nothing else (numpy,
matplotlib and ipywidgets come as the platform has them). Only this cell is written; everything
else in the file stays byte for byte.
"""

from coursekit import rewrite
from coursekit.navigation import is_nav

REPO_URL = "https://github.com/OWNER/REPO"  # the course's public repository: the one place to set it
CELL_KEY = "cnnlib_install"
CELL_ID = "cnnlib-install"
# Notebooks (by file stem) that run only in part in JupyterLite, and what the cell says there (the site's copy of
# the notebook replaces the cells tagged needs-keras with a line saying they are skipped: coursekit/site.py).
PYODIDE_NOTES = {
    "keras_bridge": "Keras and jax do not exist for Pyodide: the cells that need them print that they are "
                    "skipped; section 1 (training the cnnlib net) and the checked exercises run here. "
                    "For all of it: JupyterLab, Colab or Binder.",
}


def cell_source(stem: str) -> str:
    """The install cell's code for the notebook NN_stem.ipynb."""
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
    if stem in PYODIDE_NOTES:
        lines += ['if sys.platform == "emscripten":', f"    print({PYODIDE_NOTES[stem]!r})"]
    return "\n".join(lines)


def set_install_cell(nb, notebook) -> None:
    """change(nb, notebook) for rewrite: a fresh install cell right after the top navigation cell."""
    source = cell_source(notebook.stem)
    existing = [c for c in nb.cells if c.get("metadata", {}).get(CELL_KEY)]
    if existing:
        existing[0].source = source
    else:
        cell = rewrite.new_cell("code", source, CELL_ID, nb, **{CELL_KEY: True, "slideshow": {"slide_type": "skip"}})
        nb.cells.insert(1 if nb.cells and is_nav(nb.cells[0]) else 0, cell)


def main(argv=None) -> int:
    return rewrite.main(argv, __doc__.splitlines()[0], "install cell", set_install_cell)
