"""The notebooks and cnnlib.exercises agree: every checker is called in its notebook, on a stub whose stored
output says it is not done yet, and in the solutions notebook, whose stored output says it is correct."""

import json

import pytest

from cnnlib.exercises import EXERCISES
from coursekit.notebooks import COURSE


def notebook(number, solutions=False):
    """The course notebook with this number (or its solutions notebook), as the registry names it."""
    entry = COURSE[int(number)]
    assert entry.number == number, (entry.number, number)
    path = entry.solutions_path if solutions else entry.path
    assert path is not None, f"notebook {number} has exercises but no solutions notebook in coursekit/notebooks.json"
    return json.loads(path.read_text(encoding="utf-8"))


def checker_calls(nb):
    """[(checker name, stored stdout)] for every code cell that calls a checker, in notebook order."""
    calls = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        for line in source.splitlines():
            if line.startswith("check_") and "(" in line:
                text = "".join("".join(o.get("text", "")) for o in cell["outputs"] if o.get("name") == "stdout")
                calls.append((line.split("(")[0], text))
    return calls


@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_course_notebook_calls_each_checker_on_a_stub(number):
    calls = checker_calls(notebook(number))
    assert [name for name, _ in calls] == [c.__name__ for c in EXERCISES[number]]
    for name, text in calls:
        assert text.startswith(("Not attempted: ", "Not yet: ")) and text.count("\n") == 1, (name, text)


@pytest.mark.parametrize("number", sorted(EXERCISES))
def test_solutions_notebook_passes_each_checker(number):
    calls = checker_calls(notebook(number, solutions=True))
    assert [name for name, _ in calls] == [c.__name__ for c in EXERCISES[number]]
    for name, text in calls:
        assert text.startswith("Correct! ") and text.count("\n") == 1, (name, text)
