"""The JupyterLite site's copies of the notebooks: cells that need Keras say they are skipped instead of failing.

Fast (no site build, no browser): coursekit.site's ``browser_edition`` on a small notebook and on the
course's notebook 07, whose untagged cells must not need Keras or jax.
"""

import json
import re

from coursekit import site
from coursekit.install_cell import CELL_ID
from coursekit.notebooks import by_stem


def _cell(kind, source, tags=()):
    cell = {"cell_type": kind, "metadata": {"tags": list(tags)} if tags else {}, "source": [source]}
    if kind == "code":
        cell.update(outputs=[{"output_type": "stream", "name": "stdout", "text": ["42\n"]}], execution_count=3)
    return cell


def test_tagged_cells_print_that_they_are_skipped_and_a_note_says_so():
    nb = {"cells": [_cell("markdown", "[nav]"), _cell("markdown", "# 07 · Title"), _cell("code", "x = 1"),
                    _cell("code", "import keras", [site.BROWSER_SKIP_TAG]), _cell("code", "y = 2")],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    edition, skipped = site.browser_edition(nb)
    assert skipped == 1
    assert "".join(nb["cells"][3]["source"]) == "import keras"  # the original is untouched
    kinds = [c["cell_type"] for c in edition["cells"]]
    assert kinds == ["markdown", "markdown", "markdown", "code", "code", "code"]
    assert "1 code cells of this notebook need Keras" in "".join(edition["cells"][2]["source"])
    skip = edition["cells"][4]
    assert skip["source"] == [f"print({site.SKIP_MESSAGE!r})"] and skip["outputs"] == []
    assert edition["cells"][3]["outputs"] == nb["cells"][2]["outputs"]  # other cells keep their outputs


def test_a_notebook_without_tags_is_left_as_it_is():
    nb = {"cells": [_cell("markdown", "# Title"), _cell("code", "x = 1")], "metadata": {}}
    assert site.browser_edition(nb) == (nb, 0)


def test_notebook_07_tags_every_cell_that_needs_keras():
    nb = json.loads(by_stem("keras_bridge").path.read_text())
    tagged = untagged = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "code" or cell.get("id") == CELL_ID:  # the install cell only prints
            continue
        code = "\n".join(line.split("#")[0] for line in "".join(cell["source"]).splitlines())
        if site.BROWSER_SKIP_TAG in cell.get("metadata", {}).get("tags", []):
            tagged += 1
        else:
            untagged += 1
            assert not re.search(r"\b(keras\w*|jax|layers\.|model\w*)\b", code), code[:300]
    assert tagged >= 5 and untagged >= 5
