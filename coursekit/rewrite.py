"""Read, change and write back course notebooks: what navigation, slide_metadata and install_cell share.

A tool gives ``change(nb, notebook)``, which changes a parsed notebook (nbformat, as stored) in place;
``rewrite`` writes back only the files whose text changes, everything else in them byte for byte (the JSON's
indentation, key order, final newline), or with ``check`` only names them and returns 1. ``main`` is the
command line they share: notebook numbers (default: all) and ``--check``.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import nbformat

from coursekit.notebooks import NOTEBOOKS, add_selection_arguments, parse_selection


def read(path: Path) -> tuple[nbformat.NotebookNode, str]:
    """The notebook as stored (no version conversion) and the file's text."""
    text = Path(path).read_text(encoding="utf-8")
    return nbformat.reads(text, as_version=nbformat.NO_CONVERT), text


def dumps(nb: nbformat.NotebookNode, like: str) -> str:
    """The notebook as file text, indented like the text ``like`` (nbformat's default: 1), newline at the end."""
    match = re.search(r"^\{\n( +)\"", like)
    text = nbformat.writes(nb, indent=len(match.group(1)) if match else 1)
    return text if text.endswith("\n") else text + "\n"  # as nbformat.write does for files


def new_cell(kind: str, source: str, cell_id: str, nb: nbformat.NotebookNode, **metadata) -> nbformat.NotebookNode:
    """A markdown or code cell for nb, with the fixed id cell_id where the notebook's format has ids (4.5+)."""
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source, metadata=metadata)
    if (nb.nbformat, nb.nbformat_minor) >= (4, 5):
        cell["id"] = cell_id
    else:
        cell.pop("id", None)
    return cell


def rewrite(course, folder: Path, change, what: str, check: bool = False) -> int:
    """Apply change(nb, notebook) to folder/notebook.name for each notebook of course; write or (check) report."""
    stale = []
    for notebook in course:
        path = Path(folder) / notebook.name
        nb, old_text = read(path)
        change(nb, notebook)
        new_text = dumps(nb, old_text)
        if new_text == old_text:
            continue
        stale.append(path.name)
        if not check:
            path.write_text(new_text, encoding="utf-8")
    verb = "out of date in" if check else "written into"
    print(f"{what}: {verb} {len(stale)} of {len(course)} notebooks" + (": " + ", ".join(stale) if stale else ""))
    return 1 if check and stale else 0


def main(argv, description: str, what: str, change) -> int:
    """The command line of a rewriting tool: ``[NOTEBOOK...] [--check]`` on the course's notebooks/."""
    parser = argparse.ArgumentParser(prog=f"python -m coursekit {what.replace(' ', '-')}", description=description)
    add_selection_arguments(parser)
    args, chosen = parse_selection(parser, argv)
    return rewrite(chosen, NOTEBOOKS, change, what, args.check)
