"""The core of every checker: run a student's answer safely and turn what happened into one sentence.

A checker builds a list of ``Case`` objects (a label such as "a 5×7 image and a
2×3 kernel", the arguments, the value cnnlib computes) and hands them to
``check_cases`` with a comparison function (built from ``_compare``). Each call of the student's function
runs in a worker thread with a time limit, on copies of the arguments, so an
answer that raises, returns None, returns the wrong type or shape, returns NaN
or loops for ever still gets a sentence, never a traceback.

An exercise that asks for a function to be written by hand passes the cnnlib
functions that would do the work to ``check_cases(..., switch_off=[...])``: they
are switched off while the answer runs (``_write_it_yourself``), and an answer
that calls one is told to write it itself.

Messages are deterministic (no timings, no addresses, numbers printed with at
most four significant digits) so that notebooks can store them under nbval.
"""

import copy
import threading
from dataclasses import dataclass, field

import numpy as np

from cnnlib._checks import check_number
from cnnlib.exercises._write_it_yourself import called_switched_off, switched_off

#: Seconds one call of a student's function may take before the checker gives up on it.
DEFAULT_TIME_LIMIT = 5.0

CORRECT, NOT_YET, NOT_ATTEMPTED = "correct", "not yet", "not attempted"


class CheckResult:
    """What a checker found: ``status`` ("correct", "not yet", "not attempted") and ``message``.

    True in a boolean context exactly when the answer is correct. The checker
    has already printed the message, so the result shows nothing more in a
    notebook; ``str(result)`` and ``result.message`` give the sentence.
    """

    def __init__(self, status, message):
        self.status = status
        self.message = message

    @property
    def passed(self):
        return self.status == CORRECT

    def __bool__(self):
        return self.passed

    def __str__(self):
        return self.message

    def __repr__(self):
        return f"CheckResult({self.status!r}, {self.message!r})"

    def _ipython_display_(self):
        pass  # the sentence was printed when the check ran; do not repeat it as Out[...]


@dataclass
class Case:
    """One test of an answer: ``label`` (said in messages after "for"), ``args``, the ``expected`` value."""

    label: str
    args: tuple
    expected: object
    context: dict = field(default_factory=dict)  # what the known-mistake detectors need


def report(status, message, quiet=False):
    """Print ``message`` (unless quiet) and return it as a CheckResult."""
    if not quiet:
        print(message)
    return CheckResult(status, message)


# --------------------------------------------------------------------------- formatting

def num(v):
    """A number as a student should read it: whole numbers exactly, others with 4 significant digits."""
    try:
        v = float(v)
    except OverflowError:  # an int beyond float's range
        return f"a whole number of {len(str(abs(int(v))))} digits"
    if np.isnan(v):
        return "NaN"
    if np.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}" if abs(v) >= 10_000 else str(int(v))
    return f"{v:.4g}"


def position(index):
    """(2, 3) for a 2-D index, 3 for a 1-D one."""
    index = tuple(int(i) for i in index)
    return str(index[0]) if len(index) == 1 else "(" + ", ".join(map(str, index)) + ")"


def shape_text(shape):
    return "(" + ", ".join(str(int(s)) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def type_name(value):
    """The type of ``value`` with its article: "a tuple", "an ndarray"."""
    name = type(value).__name__
    return ("an " if name[0] in "aeiouAEIOU" or name == "ndarray" else "a ") + name


def name_of(func):
    return getattr(func, "__name__", None) or "your function"


# --------------------------------------------------------------------------- running an answer

def call_with_limit(func, args, time_limit):
    """Run ``func(*args)`` in a worker thread. Returns ("value", v), ("error", exception) or ("timeout", None).

    A call that overruns keeps running in its (daemon) thread: Python cannot stop
    a thread, but the checker stops waiting for it.
    """
    box = {}

    def target():
        try:
            with np.errstate(all="ignore"):  # an overflow shows up as NaN in the sentence, not as a warning
                box["value"] = func(*args)
        except BaseException as error:  # noqa: BLE001 - a student's answer may raise anything
            box["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(time_limit)
    if worker.is_alive():
        return "timeout", None
    if "error" in box:
        return "error", box["error"]
    return "value", box.get("value")


def error_text(error):
    """``IndexError: index 5 is out of bounds`` (first line only, at most 160 characters)."""
    try:
        text = str(error).strip()
    except Exception:  # noqa: BLE001 - an exception whose message itself fails
        text = ""
    text = text.splitlines()[0] if text else ""
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def check_time_limit(time_limit):
    """Return ``time_limit`` as a float; ValueError unless it is a number of seconds > 0 that a thread can wait."""
    return check_number("time_limit", time_limit, low=0, low_open=True, high=threading.TIMEOUT_MAX)


def check_cases(answer, cases, compare, *, success, time_limit=DEFAULT_TIME_LIMIT, quiet=False,
                expects="a function", call=None, subject=None, switch_off=()):
    """Run ``answer`` on every case; report the first problem, or ``success`` when all pass.

    compare(got, case) -> None when right, else the problem as a sentence fragment
    (it follows "Not yet: for <case label>, ").
    call(answer, case) -> the callable and arguments to run (default: answer(*case.args)).
    subject: what "returns None" is said of (default: the answer's name).
    switch_off: cnnlib functions the exercise asks the student to write; they raise while the answer runs.
    time_limit is checked (ValueError) before anything runs.
    """
    time_limit = check_time_limit(time_limit)
    name = name_of(answer)
    subject = subject or name
    if answer is None or not callable(answer):
        return report(NOT_YET, f"Not yet: this check expects {expects} (pass the function itself, without "
                               f"calling it), got {type_name(answer)}.", quiet)
    switch = switched_off(switch_off, answer)
    for i, case in enumerate(cases):
        func, args = call(answer, case) if call else (answer, case.args)
        with switch:
            kind, got = call_with_limit(func, copy.deepcopy(args), time_limit)
        if kind == "timeout":
            return report(NOT_YET, f"Not yet: {name} did not finish within {num(time_limit)} s for {case.label} "
                                   "— look for a loop that never ends or runs far more often than needed "
                                   "(a call that never ends keeps running until you restart the kernel).", quiet)
        if kind == "error":
            forbidden = called_switched_off(got)
            if forbidden is not None:
                return report(NOT_YET, f"Not yet: {name} calls cnnlib's {forbidden.name}, which this exercise asks "
                                       "you to write yourself — write it with your own code (the check switches off "
                                       f"cnnlib's {_names(switch_off)} while it runs your answer).", quiet)
            if i == 0 and isinstance(got, NotImplementedError):
                return report(NOT_ATTEMPTED, f"Not attempted: {name} raises NotImplementedError — "
                                             "write its body, then run this cell again.", quiet)
            return report(NOT_YET, f"Not yet: {name} raised {error_text(got)} for {case.label}.", quiet)
        if got is None:
            if i == 0:
                return report(NOT_ATTEMPTED, f"Not attempted: {subject} returns None — write its body, "
                                             "then run this cell again.", quiet)
            return report(NOT_YET, f"Not yet: {subject} returned None for {case.label} (it returned a value "
                                   "for the earlier cases) — check every path through it ends in a return.", quiet)
        try:
            problem = compare(got, case)
        except Exception as error:  # noqa: BLE001 - a value that breaks the comparison gets a sentence too
            problem = (f"{name} returned {type_name(got)} that the check could not read as numbers "
                       f"({error_text(error)}) — return numpy arrays or plain numbers")
        if problem:
            return report(NOT_YET, f"Not yet: for {case.label}, {problem}.", quiet)
    return report(CORRECT, f"Correct! {success}", quiet)


def _names(functions):
    """ "correlate2d", "correlate2d and convolve2d", "a, b and c" """
    names = [f.__name__ for f in functions]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
