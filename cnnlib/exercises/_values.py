"""For the checkers whose answer is a value (a prediction, a choice) rather than a function.

A student writes the value itself (``my_range = (0.4, 0.5)``); a function that returns it is accepted too,
so that every checker of ``cnnlib.exercises`` takes a function: it is called with no arguments, in a worker
thread with a time limit, and an error it raises becomes a sentence like any checker's.
"""

import numpy as np

from cnnlib.exercises._report import (
    CORRECT,
    NOT_ATTEMPTED,
    NOT_YET,
    call_with_limit,
    check_time_limit,
    error_text,
    name_of,
    num,
    report,
    type_name,
)


def answer_value(answer, name, todo, time_limit, quiet):
    """(the value, None), or (None, the CheckResult to return) when there is nothing to check.

    name: the variable the notebook's stub uses (e.g. "my_range"); todo: what to write into it, said when it is
    still None (e.g. "write your prediction as (low, high)"). time_limit is checked (ValueError) first.
    """
    time_limit = check_time_limit(time_limit)
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


def check_range_prediction(prediction, measure, *, below, above, time_limit, quiet, width=0.15):
    """Check ``prediction = (low, high)`` of an accuracy, at most ``width`` wide, against ``measure()`` (called
    only for a well-formed range). below / above: why the measurement fell below / above the range, said after
    "measured 0.xxx, below your range — ". Returns the CheckResult."""
    prediction, done = answer_value(prediction, "my_range", "write your prediction as (low, high)",
                                    time_limit, quiet)
    if done is not None:
        return done
    ok = isinstance(prediction, (tuple, list)) and len(prediction) == 2 and all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in prediction)
    if not ok:
        return report(NOT_YET, f"Not yet: the answer should be two numbers (low, high), got {type_name(prediction)}.",
                      quiet)
    low, high = float(prediction[0]), float(prediction[1])
    if not 0 <= low < high <= 1:
        return report(NOT_YET, f"Not yet: an accuracy range needs 0 ≤ low < high ≤ 1, got ({num(low)}, "
                               f"{num(high)}).", quiet)
    if high - low > width + 1e-12:
        return report(NOT_YET, f"Not yet: your range is {num(high - low)} wide; commit to one at most {num(width)} "
                               "wide.", quiet)
    measured = measure()
    if measured < low:
        return report(NOT_YET, f"Not yet: measured {measured:.3f}, below your range — {below}.", quiet)
    if measured > high:
        return report(NOT_YET, f"Not yet: measured {measured:.3f}, above your range — {above}.", quiet)
    return report(CORRECT, f"Correct! Measured {measured:.3f}, inside ({num(low)}, {num(high)}).", quiet)
