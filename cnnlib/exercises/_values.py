"""For the checkers whose answer is a value (a prediction, a choice) rather than a function.

A student writes the value itself (``my_range = (0.4, 0.5)``); a function that returns it is accepted too,
so that every checker of ``cnnlib.exercises`` takes a function: it is called with no arguments, in a worker
thread with a time limit, and an error it raises becomes a sentence like any checker's.
"""

from cnnlib.exercises._report import NOT_ATTEMPTED, NOT_YET, call_with_limit, error_text, name_of, num, report


def answer_value(answer, name, todo, time_limit, quiet):
    """(the value, None), or (None, the CheckResult to return) when there is nothing to check.

    name: the variable the notebook's stub uses (e.g. "my_range"); todo: what to write into it, said when it is
    still None (e.g. "write your prediction as (low, high)").
    """
    if callable(answer):
        kind, got = call_with_limit(answer, (), time_limit)
        if kind == "timeout":
            return None, report(NOT_YET, f"Not yet: {name_of(answer)} did not finish within {num(time_limit)} s.",
                                quiet)
        if kind == "error":
            return None, report(NOT_YET, f"Not yet: {name_of(answer)} raised {error_text(got)}.", quiet)
        answer = got
    if answer is None:
        return None, report(NOT_ATTEMPTED, f"Not attempted: {name} is None — {todo}, then run this cell again.",
                            quiet)
    return answer, None
