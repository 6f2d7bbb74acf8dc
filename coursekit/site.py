"""Build the course as a JupyterLite site: JupyterLab and a Python kernel (Pyodide) in the browser.

    python -m coursekit site      # -> .course/site/ ; serve it: python3 -m http.server -d .course/site

The site holds the notebooks (with images/ beside them, as the notebooks link it), a cnnlib wheel
built from this checkout (the bundled MNIST subset is inside it) and wheels of ipywidgets and comm
(the versions of this environment), indexed for piplite, so that in the browser ``%pip install cnnlib``
installs the course's own library; and the JupyterLab extensions of this environment that the
notebooks use (the widgets, ipycanvas). The builder (jupyterlite-core and jupyterlite-pyodide-kernel,
coursekit.install.SITE_REQUIREMENTS) runs from an environment of its own, .course/site-venv: in the
student's .venv its JupyterLab extension broke the student's JupyterLab. The build runs offline. What
does not come with the site: the Pyodide runtime itself and its numpy, matplotlib and scipy packages
are fetched by the student's browser from Pyodide's CDN on first use, and Keras (notebook 07) does not
exist for Pyodide at all: the site's copy of a notebook replaces each cell tagged ``needs-keras`` with
one that prints that it was skipped (``browser_edition``).
"""

import argparse
import importlib.metadata
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from coursekit import ROOT, STATE
from coursekit.install import SITE_VENV, venv_python
from coursekit.notebooks import COURSE

OUT_DIR = STATE / "site"
WORK_DIR = STATE / "site-build"
# Pure-Python wheels the notebooks need in Pyodide besides cnnlib (numpy and matplotlib are Pyodide's own).
EXTRA_WHEELS = ["ipywidgets", "comm"]
# What the wheel's build needs from the checkout (built in a copy, so the checkout gets no build/ folder).
PACKAGE_FILES = ["pyproject.toml", "README.md", "LICENSE", "cnnlib"]
# The JupyterLab extensions of an environment (this one's go into the site: the widgets, ipycanvas).
LABEXTENSIONS = Path("share") / "jupyter" / "labextensions"


def run(cmd: list) -> None:
    """Run a command quietly; on failure raise with what it printed."""
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd[:4])} ... failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")


def build_wheels(wheel_dir: Path) -> list:
    """cnnlib's wheel from this checkout plus ipywidgets and comm as installed here; return the paths."""
    shutil.rmtree(wheel_dir, ignore_errors=True)
    wheel_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name in PACKAGE_FILES:
            src = ROOT / name
            if src.is_dir():
                shutil.copytree(src, Path(tmp) / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(src, Path(tmp) / name)
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", tmp, "-w", str(wheel_dir)])
    pins = [f"{name}=={importlib.metadata.version(name)}" for name in EXTRA_WHEELS]
    run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", *pins,
         "-d", str(wheel_dir)])
    wheels = sorted(wheel_dir.glob("*.whl"))
    if not any(w.name.startswith("cnnlib-") for w in wheels):
        raise RuntimeError(f"no cnnlib wheel was built into {wheel_dir}")
    return wheels


# Code cells with this tag need a package Pyodide does not have (Keras, jax); the site's copy of the notebook
# replaces them with a cell that says so, and a note under the title lists what is skipped.
BROWSER_SKIP_TAG = "needs-keras"
SKIP_MESSAGE = ("Skipped in the browser: this cell needs Keras, which does not run in JupyterLite (Pyodide). "
                "Run the notebook in JupyterLab or on Colab to see it.")


def browser_edition(nb: dict) -> tuple[dict, int]:
    """A copy of the notebook ``nb`` (as JSON) for the browser, and how many cells it skips.

    Each code cell tagged ``BROWSER_SKIP_TAG`` prints ``SKIP_MESSAGE`` instead of running (its stored
    outputs are dropped), and a markdown note after the title says which sections still run.
    """
    nb = json.loads(json.dumps(nb))
    skipped = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code" and BROWSER_SKIP_TAG in cell.get("metadata", {}).get("tags", []):
            cell["source"] = [f"print({SKIP_MESSAGE!r})"]
            cell["outputs"], cell["execution_count"] = [], None
            skipped.append(i)
    if skipped:
        title = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"
                     and "".join(c["source"]).lstrip().startswith("# "))
        note = (f"> **In the browser:** {len(skipped)} code cells of this notebook need Keras, which does not "
                "exist for Pyodide; they print *Skipped in the browser* instead of running. Every other cell, "
                "and the checked exercises, run here.")
        nb["cells"].insert(title + 1, {"cell_type": "markdown", "metadata": {}, "source": [note]})
    return nb, len(skipped)


def stage_contents(content_dir: Path) -> Path:
    """The files students see: notebooks/ (their browser editions) and images/ (the notebooks link ../images/)."""
    shutil.rmtree(content_dir, ignore_errors=True)
    (content_dir / "notebooks").mkdir(parents=True)
    for notebook in COURSE:
        nb, skipped = browser_edition(json.loads(notebook.path.read_text(encoding="utf-8")))
        target = content_dir / "notebooks" / notebook.name
        if skipped:
            target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        else:
            shutil.copyfile(notebook.path, target)
    shutil.copytree(ROOT / "images", content_dir / "images")
    return content_dir


def lab_extensions(folder: Path, skip: Path) -> list[Path]:
    """The prebuilt JupyterLab extensions in folder, but none that the builder's environment brings (in skip)."""
    def found(root):
        return {p.parent.relative_to(root).as_posix(): p.parent
                for p in [*root.glob("*/package.json"), *root.glob("@*/*/package.json")]
                if json.loads(p.read_text()).get("jupyterlab", {}).get("_build")}

    own = found(skip)
    return [path for name, path in sorted(found(folder).items()) if name not in own]


def build_site(site_python: Path, out_dir: Path = OUT_DIR, work_dir: Path = WORK_DIR) -> Path:
    """Build the JupyterLite site into out_dir (replacing it) with the builder at site_python; return out_dir."""
    if not Path(site_python).exists():
        raise RuntimeError(f"the site's builder is missing ({site_python}): python3 course.py site installs it")
    wheels = build_wheels(work_dir / "wheels")
    content = stage_contents(work_dir / "content")
    shutil.rmtree(out_dir, ignore_errors=True)
    extensions = lab_extensions(Path(sys.prefix) / LABEXTENSIONS, Path(site_python).parents[1] / LABEXTENSIONS)
    cmd = [str(site_python), "-m", "jupyterlite_core", "build", "--lite-dir", str(work_dir),
           "--output-dir", str(out_dir), "--contents", str(content), "--no-sourcemaps", "--apps", "lab",
           *[arg for w in wheels for arg in ("--piplite-wheels", str(w))],
           *[f"--LiteBuildConfig.federated_extensions={e}" for e in extensions]]
    result = subprocess.run(cmd, cwd=work_dir, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"jupyter lite build failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    if not (out_dir / "files" / "notebooks").is_dir():
        raise RuntimeError(f"the site in {out_dir} holds no notebooks/")
    # JupyterLab in the browser resolves a notebook's ../images/x.png against the site's root.
    shutil.copytree(ROOT / "images", out_dir / "images")
    return out_dir


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit site", description="Build the course as a "
                                     f"JupyterLite site into {OUT_DIR.relative_to(ROOT)}/ (offline).")
    parser.parse_args(argv)
    start = time.perf_counter()
    try:
        site = build_site(venv_python(SITE_VENV))
    except (RuntimeError, subprocess.CalledProcessError) as err:
        print(f"site: {err}", file=sys.stderr)
        return 1
    print(f"JupyterLite site in {site} ({time.perf_counter() - start:.0f} s). Serve it with\n"
          f"    python3 -m http.server -d {site}\n"
          "and open http://localhost:8000/lab/index.html (the Pyodide runtime loads from its CDN in the browser).")
    return 0
