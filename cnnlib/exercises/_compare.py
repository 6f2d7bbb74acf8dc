"""Comparing a student's value with the reference: None when right, else the problem as a sentence fragment.

Each function returns text that follows "Not yet: for <case>, " in a checker's message: the type or shape
that came back and the one expected, NaN and where it is, the first position that differs with both values,
an opposite sign, or, when the value equals a known wrong answer, what that slip was.
"""

import numbers

import numpy as np

from cnnlib.exercises._report import num, position, shape_text, type_name

#: What an array of each non-numeric dtype kind holds, as a student would say it.
NOT_NUMBERS = {"b": "booleans (True/False)", "c": "complex numbers", "U": "text (str)", "S": "bytes",
               "M": "dates", "m": "time differences", "V": "raw records"}


def as_array(got, what, expected_shape):
    """``got`` as a float array, or a problem sentence fragment if it is not an array of real numbers.

    Text, bytes, booleans and complex numbers are refused even when they would convert ("3" -> 3.0, 2+0j -> 2.0):
    the answer should compute numbers. An object that numpy cannot turn into an array, whatever it raises,
    gets a sentence too.
    """
    expected = f"a numpy array of shape {shape_text(expected_shape)}"
    if isinstance(got, (tuple, dict, str, bytes, set)) or callable(got):
        return None, f"{what} should be one {expected[2:]}, got {type_name(got)}"
    try:
        arr = np.asarray(got)
    except Exception:  # noqa: BLE001 - ragged lists, and objects that refuse conversion in any way
        return None, f"{what} should be {expected}, got {type_name(got)} that numpy cannot turn into an array"
    if arr.dtype.kind == "O":
        strange = next((v for v in arr.flat if not _is_real(v)), None)
        if strange is None:
            return arr.astype(np.float64), None
        return None, f"{what} should be numbers ({expected}), got an array holding {type_name(strange)}"
    if arr.dtype.kind not in "iuf":
        return None, f"{what} should be numbers ({expected}), got an array of {NOT_NUMBERS[arr.dtype.kind]}"
    return arr.astype(np.float64), None


def _is_real(v):
    return isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_))


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


def compare_number(got, expected, *, what="the result", mistakes=(), atol=0.0):
    """None if ``got`` is the real number ``expected`` (relative tolerance 1e-9, plus ``atol``); otherwise the
    problem, with the hint of the first of ``mistakes`` ((wrong value or None, hint) pairs) that ``got`` equals."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return f"{what} should be a number, got {type_name(got)}"
    for wrong, hint in mistakes:
        if wrong is not None and np.isclose(got, wrong, rtol=1e-9) and not np.isclose(got, expected):
            return f"{what} is {num(got)}, expected {num(expected)} — {hint}"
    if not np.isclose(got, expected, rtol=1e-9, atol=atol):
        return f"{what} is {num(got)}, expected {num(expected)}"
    return None


def compare_int(got, expected, *, what="the result", mistakes=()):
    """None if ``got`` is the whole number ``expected``; otherwise the problem (with a hint if known)."""
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.integer, np.floating)):
        return f"{what} should be a whole number, got {type_name(got)}"
    if isinstance(got, (float, np.floating)) and not np.isfinite(got):
        return f"{what} is {num(got)}, expected {num(expected)}"
    for wrong, hint in mistakes:
        if wrong is not None and got == wrong and got != expected:
            return f"{what} is {num(got)}, expected {num(expected)} — {hint}"
    if got != expected:
        return f"{what} is {num(got)}, expected {num(expected)}"
    return None

