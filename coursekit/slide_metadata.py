"""Give the course notebooks their ``slideshow`` cell metadata (the slide type of every cell).

    python -m coursekit slide-metadata            # write it into every course notebook
    python -m coursekit slide-metadata --check    # change nothing; exit 1 if a notebook would change
    python -m coursekit slide-metadata 01 04      # only these notebooks

Only ``cell.metadata["slideshow"]`` changes; sources, outputs, ids and the file's formatting stay
byte for byte. The choice per cell (reveal.js: slide, subslide, fragment, skip, "-" = same slide):

- the title cell (``# NN · ...``) and every section (``## ...``) start a slide; ``### ...`` a subslide;
- any other explanation starts a subslide of its own (one idea per slide);
- a cell that draws a figure or shows a widget gets a subslide of its own (the deck's template
  hides the code of a figure cell, so the figure fills the slide);
- the set-up cell (the notebook's first code cell: imports, seeds) and code without output are
  skipped; other code comes in as a fragment under its explanation;
- in the exercises the prompts stay, the code cells (stubs and checks) are skipped;
- the navigation cells are coursekit.navigation's and carry no slide metadata (the decks drop them);
  coursekit.install_cell's cell is skipped.

OVERRIDES holds the cells chosen by hand against these rules, keyed by the notebook's file stem (numbers move)
and the first line of the cell's source.
"""

import re

from coursekit import rewrite
from coursekit.install_cell import CELL_KEY as INSTALL_KEY  # install_cell's cell: never a slide
from coursekit.navigation import NAV_KEY

SLIDE_TYPES = ("slide", "subslide", "fragment", "skip", "notes", "-")

# notebook stem -> {first line of the cell's source: slide type}
OVERRIDES = {
    "correlation_and_convolution": {
        # introduces a plotting helper whose code is skipped: nothing to show
        "A small drawing helper for this notebook: it shows a few matrices side by side as heatmaps, with every value":
            "skip",
        'def correlate2d_loops(image, kernel, mode="valid"):': "fragment",  # the loops are the lesson
    },
    "layers_and_deeper_nets": {"class SketchLayer:": "fragment"},  # the layer idea itself, though it prints nothing
}


def has_output(cell, mime: str) -> bool:
    return any(mime in out.get("data", {}) for out in cell.get("outputs", []))


def first_line(cell) -> str:
    return cell.source.strip().splitlines()[0] if cell.source.strip() else ""


def chosen_type(cell, first_code: bool, in_exercises: bool) -> str:
    """The slide type the rules give one (non-navigation) cell."""
    line = first_line(cell)
    if cell.cell_type == "markdown":
        if re.match(r"#{1,2} ", line):
            return "slide"
        return "subslide"
    if cell.cell_type != "code":
        return "skip"
    if in_exercises or first_code or not cell.get("outputs"):
        return "skip"
    if has_output(cell, "image/png") or has_output(cell, "application/vnd.jupyter.widget-view+json"):
        return "subslide"
    return "fragment"


def slide_types(nb, stem: str) -> list:
    """The slide type of every cell (None for a navigation cell, which keeps its metadata)."""
    types, seen_code, in_exercises = [], False, False
    overrides = OVERRIDES.get(stem, {})
    for cell in nb.cells:
        if cell.metadata.get(NAV_KEY):
            types.append(None)
            continue
        if cell.metadata.get(INSTALL_KEY):
            types.append("skip")
            continue
        line = first_line(cell)
        if cell.cell_type == "markdown" and line.startswith("## "):
            in_exercises = line.lower().startswith("## exercises")
        kind = chosen_type(cell, cell.cell_type == "code" and not seen_code, in_exercises)
        seen_code = seen_code or cell.cell_type == "code"
        kind = overrides.get(line, kind)
        if kind not in SLIDE_TYPES:
            raise ValueError(f"notebook {stem}: slide type {kind!r} for {line!r}; expected one of {SLIDE_TYPES}")
        types.append(kind)
    return types


def set_slide_metadata(nb, notebook) -> None:
    """change(nb, notebook) for rewrite: every cell's slide type, in its metadata."""
    for cell, kind in zip(nb.cells, slide_types(nb, notebook.stem)):
        if kind is not None:
            cell.metadata["slideshow"] = {"slide_type": kind}


def main(argv=None) -> int:
    return rewrite.main(argv, __doc__.splitlines()[0], "slide metadata", set_slide_metadata)
