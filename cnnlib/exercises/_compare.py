"""Comparing a student's value with the reference: None when right, else the problem as a sentence fragment.

Each function returns text that follows "Not yet: for <case>, " in a checker's message: the type or shape
that came back and the one expected, NaN and where it is, the first position that differs with both values,
an opposite sign, or, when the value equals a known wrong answer, what that slip was.
"""

import numpy as np

from cnnlib.exercises._report import num, position, shape_text, type_name


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

