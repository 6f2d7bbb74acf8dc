"""The core of every checker: run a student's answer safely, compare it with cnnlib, say one sentence.

A checker builds a list of ``Case`` objects (a label such as "a 5×7 image and a
2×3 kernel", the arguments, the value cnnlib computes) and hands them to
``check_cases`` with a comparison function. Each call of the student's function
runs in a worker thread with a time limit, on copies of the arguments, so an
answer that raises, returns None, returns the wrong type or shape, returns NaN
or loops for ever still gets a sentence, never a traceback.

Messages are deterministic (no timings, no addresses, numbers printed with at
most four significant digits) so that notebooks can store them under nbval.
"""

import copy
import threading
from dataclasses import dataclass, field

import numpy as np

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


class _Failure(Exception):
    """Raised inside a checker to stop at the first problem with a ready sentence."""

    def __init__(self, result):
        super().__init__(result.message)
        self.result = result


def report(status, message, quiet=False):
    """Print ``message`` (unless quiet) and return it as a CheckResult."""
    if not quiet:
        print(message)
    return CheckResult(status, message)


# --------------------------------------------------------------------------- formatting

def num(v):
    """A number as a student should read it: whole numbers exactly, others with 4 significant digits."""
    v = float(v)
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
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(text) > 160:
        text = text[:157] + "..."
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def check_cases(answer, cases, compare, *, success, time_limit=DEFAULT_TIME_LIMIT, quiet=False,
                expects="a function", call=None, subject=None):
    """Run ``answer`` on every case; report the first problem, or ``success`` when all pass.

    compare(got, case) -> None when right, else the problem as a sentence fragment
    (it follows "Not yet: for <case label>, ").
    call(answer, case) -> the callable and arguments to run (default: answer(*case.args)).
    subject: what "returns None" is said of (default: the answer's name).
    """
    name = name_of(answer)
    subject = subject or name
    if answer is None or not callable(answer):
        return report(NOT_YET, f"Not yet: this check expects {expects} (pass the function itself, without "
                               f"calling it), got {type_name(answer)}.", quiet)
    for i, case in enumerate(cases):
        func, args = call(answer, case) if call else (answer, case.args)
        kind, got = call_with_limit(func, copy.deepcopy(args), time_limit)
        if kind == "timeout":
            return report(NOT_YET, f"Not yet: {name} did not finish within {num(time_limit)} s for {case.label} "
                                   "— look for a loop that never ends or runs far more often than needed "
                                   "(a call that never ends keeps running until you restart the kernel).", quiet)
        if kind == "error":
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
        except _Failure as failure:
            return report(failure.result.status, failure.result.message, quiet)
        if problem:
            return report(NOT_YET, f"Not yet: for {case.label}, {problem}.", quiet)
    return report(CORRECT, f"Correct! {success}", quiet)


# --------------------------------------------------------------------------- comparing values

def as_array(got, what, expected_shape):
    """``got`` as a float array, or a problem sentence fragment if it is not array-like."""
    if isinstance(got, (tuple, dict, str, bytes, set)) or callable(got):
        return None, (f"{what} should be one numpy array of shape {shape_text(expected_shape)}, "
                      f"got {type_name(got)}")
    try:
        arr = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{what} should be a numpy array of shape {shape_text(expected_shape)}, got {type_name(got)}"
    return arr, None


def tolerances(expected, float32=False):
    scale = float(np.max(np.abs(expected))) if np.size(expected) else 1.0
    rtol = 1e-4 if float32 else 1e-6
    return rtol, rtol * max(scale, 1.0)


def close(a, b, float32=False):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return False
    rtol, atol = tolerances(b, float32)
    return bool(np.allclose(a, b, rtol=rtol, atol=atol))


def compare_array(got, expected, *, what="the result", mistakes=(), case=None, float32=False,
                  sign_hint="every value has the wrong sign", nonfinite_hint=None):
    """None if ``got`` equals ``expected`` (within float tolerance), else the problem.

    mistakes: (wrong_value_or_function_of_case, hint) pairs; when ``got`` equals a
    known wrong answer, the hint says what went wrong.
    """
    expected = np.asarray(expected, dtype=np.float64)
    arr, problem = as_array(got, what, expected.shape)
    if problem:
        return problem
    hint = _matching_hint(arr, mistakes, case, float32)
    if arr.shape != expected.shape:
        text = f"{what} came out with shape {shape_text(arr.shape)}, expected {shape_text(expected.shape)}"
        if hint:
            return f"{text} — {hint}"
        if arr.ndim == 2 and arr.shape == expected.shape[::-1]:
            return f"{text} — rows and columns are swapped (a transpose?)"
        return text
    bad = ~np.isfinite(arr)
    if bad.any():
        index = tuple(np.argwhere(bad)[0])
        label = "NaN" if np.isnan(arr[index]) else "an infinite value"
        text = f"there is {label} in {what} at position {position(index)}"
        hint = hint or nonfinite_hint
        return f"{text} — {hint}" if hint else text
    if close(arr, expected, float32):
        return None
    if hint:
        return f"{what} came out wrong — {hint}"
    if np.any(expected != 0) and close(arr, -expected, float32):
        return f"{what} came out with the opposite sign — {sign_hint}"
    rtol, atol = tolerances(expected, float32)
    index = tuple(np.argwhere(~np.isclose(arr, expected, rtol=rtol, atol=atol))[0])
    return f"{what} at position {position(index)} is {num(arr[index])}, expected {num(expected[index])}"


def _matching_hint(arr, mistakes, case, float32):
    for wrong, hint in mistakes:
        try:
            value = wrong(case) if callable(wrong) else wrong
        except (ValueError, IndexError, TypeError):
            continue  # this mistake cannot happen for this case
        if value is None:
            continue
        value = np.asarray(value, dtype=np.float64)
        if value.shape == arr.shape and np.all(np.isfinite(arr)) and close(arr, value, float32):
            return hint
    return None


def compare_tuple(got, expected, names, *, mistakes=None, case=None, float32=False, sign_hints=None):
    """Compare a tuple of arrays such as (dx, dw, db) element by element; None when all match."""
    mistakes = mistakes or {}
    sign_hints = sign_hints or {}
    wanted = f"{len(names)} arrays ({', '.join(names)})"
    if not isinstance(got, (tuple, list)):
        return f"the answer should be {wanted}, got {type_name(got)}"
    if len(got) != len(names):
        return f"the answer should be {wanted}, got {len(got)} values"
    for name, g, e in zip(names, got, expected):
        if g is None:
            return f"{name} is None"
        problem = compare_array(g, e, what=name, mistakes=mistakes.get(name, ()), case=case, float32=float32,
                                sign_hint=sign_hints.get(name, "every value has the wrong sign"))
        if problem:
            return problem
    return None


def compare_int(got, expected, *, what="the result", mistakes=()):
    """None if ``got`` is the whole number ``expected``; otherwise the problem (with a hint if known)."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return f"{what} should be a whole number, got {type_name(got)}"
    if not np.isfinite(got):
        return f"{what} is {num(got)}, expected {num(expected)}"
    for wrong, hint in mistakes:
        if wrong is not None and got == wrong and got != expected:
            return f"{what} is {num(got)}, expected {num(expected)} — {hint}"
    if float(got) != float(expected):
        return f"{what} is {num(got)}, expected {num(expected)}"
    return None


def fail(status, message):
    """Stop a comparison with a ready-made sentence (e.g. when the answer is not the right kind of object)."""
    raise _Failure(CheckResult(status, message))
