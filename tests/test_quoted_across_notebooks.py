"""A number that one notebook's text quotes from another notebook is what that notebook prints.

Within a notebook, a quoted number sits beside the cell that prints it; these are the quotes that cross notebooks,
checked against the stored output of the notebook they come from (which strict nbval keeps true).
"""

import json
import re

import pytest

from coursekit.notebooks import COURSE

# (quoting notebook, regex on its markdown capturing the number, source notebook, regex on the source's printed
# output capturing the same quantity)
QUOTES = [
    ("08", r"reached a\s+test accuracy of (0\.\d{3}) at its best epoch", "02",
     r"no dropout: .*test accuracy best (0\.\d{3}),"),
    ("08", r"reported its best value,\s+(0\.\d{3})\.", "02", r"no dropout: .*test accuracy best (0\.\d{3}),"),
]


def text(number, cell_type):
    nb = json.loads(COURSE[int(number)].path.read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != cell_type:
            continue
        if cell_type == "markdown":
            parts.append("".join(cell["source"]))
        else:
            parts += ["".join(o.get("text", "")) for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
    return "\n".join(parts)


@pytest.mark.parametrize("quoting, quote, source, printed", QUOTES)
def test_a_quoted_number_is_the_number_its_notebook_prints(quoting, quote, source, printed):
    quoted = re.findall(quote, text(quoting, "markdown"))
    assert len(quoted) == 1, f"notebook {quoting}: expected the quote /{quote}/ once, found {quoted}"
    shown = re.findall(printed, text(source, "code"))
    assert shown, f"notebook {source} prints nothing matching /{printed}/"
    assert quoted[0] == shown[0], f"notebook {quoting} quotes {quoted[0]}, notebook {source} prints {shown[0]}"
