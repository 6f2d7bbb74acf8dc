"""Write the "< previous | contents | next >" navigation cells of the course notebooks.

Run from the repository root::

    python tools/make_navigation.py                 # every notebooks/NN_*.ipynb
    python tools/make_navigation.py notebooks/01_weight_sharing.ipynb   # only these files
    python tools/make_navigation.py --check         # exit 1 if any notebook would change

Every notebook ``notebooks/NN_*.ipynb`` (sorted by name) gets one markdown cell at the very top
and one at the very bottom, for example (one line in the notebook)::

    [< 00 · Start here](00_start_here.ipynb) | [Contents](00_start_here.ipynb) |
    [02 · Dense overfitting >](02_dense_overfitting.ipynb)

The link texts are the notebooks' titles: the first ``# `` heading of each notebook. The
contents page is ``00_start_here.ipynb``. Both cells carry the metadata ``{"cnnlib_nav": true}``,
and a rerun first removes every cell so marked, so running the script again replaces the cells
instead of adding more: a second run changes nothing. Everything else in a notebook — sources,
outputs, execution counts, metadata, key order and JSON indentation — is written back unchanged.
Links are computed from the notebooks that exist, so rerun the script after adding one.
"""

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
CONTENTS = "00_start_here.ipynb"
NAV_KEY = "cnnlib_nav"
NOTEBOOK_NAME = re.compile(r"^\d\d_.+\.ipynb$")
HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")


def course_notebooks(folder):
    """The course notebooks in ``folder``: files named ``NN_*.ipynb``, sorted by name."""
    return sorted(p for p in Path(folder).glob("*.ipynb") if NOTEBOOK_NAME.match(p.name))


def is_nav(cell):
    return bool(cell.get("metadata", {}).get(NAV_KEY))


def title_of(nb, path):
    """The text of the notebook's first level-1 heading (navigation cells skipped), else its file name."""
    for cell in nb.cells:
        if cell.cell_type != "markdown" or is_nav(cell):
            continue
        for line in cell.source.splitlines():
            match = HEADING.match(line)
            if match:
                return match.group(1)
    return Path(path).stem.replace("_", " ")


def nav_source(previous, current, following):
    """The navigation line; each of previous/following is (file name, title) or None."""
    parts = []
    if previous is not None:
        parts.append(f"[< {previous[1]}]({previous[0]})")
    if current != CONTENTS:
        parts.append(f"[Contents]({CONTENTS})")
    if following is not None:
        parts.append(f"[{following[1]} >]({following[0]})")
    return " | ".join(parts)


def nav_cell(source, cell_id, with_id):
    cell = nbformat.v4.new_markdown_cell(source, metadata={NAV_KEY: True})
    if with_id:
        cell["id"] = cell_id
    else:
        cell.pop("id", None)
    return cell


def json_indent(text):
    """The indentation (in spaces) of the notebook file's JSON; nbformat's default is 1."""
    match = re.search(r"^\{\n( +)\"", text)
    return len(match.group(1)) if match else 1


def with_navigation(path, previous, following):
    """Return (new file text, old file text) for one notebook with fresh navigation cells."""
    text = Path(path).read_text(encoding="utf-8")
    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    body = [cell for cell in nb.cells if not is_nav(cell)]
    source = nav_source(previous, Path(path).name, following)
    with_id = (nb.nbformat, nb.nbformat_minor) >= (4, 5)
    nb.cells = [nav_cell(source, "cnnlib-nav-top", with_id), *body, nav_cell(source, "cnnlib-nav-bottom", with_id)]
    new_text = nbformat.writes(nb, indent=json_indent(text))
    if not new_text.endswith("\n"):
        new_text += "\n"  # as nbformat.write does for files
    return new_text, text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path,
                        help="notebooks to rewrite (default: every NN_*.ipynb in --folder)")
    parser.add_argument("--folder", type=Path, default=NOTEBOOKS,
                        help="folder of the course notebooks (default: notebooks/)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a notebook would change")
    args = parser.parse_args(argv)

    notebooks = course_notebooks(args.folder)
    if not notebooks:
        parser.error(f"no notebooks named NN_*.ipynb in {args.folder}")
    names = [p.name for p in notebooks]
    wanted = set(names) if not args.paths else {p.name for p in args.paths}
    unknown = wanted - set(names)
    if unknown:
        parser.error(f"not a course notebook in {args.folder}: {', '.join(sorted(unknown))}")

    titles = [title_of(nbformat.read(p, as_version=nbformat.NO_CONVERT), p) for p in notebooks]
    entries = list(zip(names, titles))
    changed = []
    for i, path in enumerate(notebooks):
        if path.name not in wanted:
            continue
        previous = entries[i - 1] if i > 0 else None
        following = entries[i + 1] if i + 1 < len(entries) else None
        new_text, old_text = with_navigation(path, previous, following)
        if new_text != old_text:
            changed.append(path.name)
            if not args.check:
                path.write_text(new_text, encoding="utf-8")
    verb = "would change" if args.check else "updated"
    print(f"{len(changed)} of {len(wanted)} notebooks {verb}" + (f": {', '.join(changed)}" if changed else ""))
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
