"""Checkers for notebook 11 (draw a digit): the centring step of MNIST's recipe, a prediction of what the recipe
makes of a small digit drawn in a corner, and a prediction of the kernel net's accuracy on moved digits."""

from functools import lru_cache

import numpy as np

from cnnlib.augment import shift_in_random_directions
from cnnlib.data import load_mnist, to_float
from cnnlib.evaluate import evaluate
from cnnlib.exercises._compare import as_array
from cnnlib.exercises._report import CORRECT, DEFAULT_TIME_LIMIT, NOT_YET, Case, check_cases, report, type_name
from cnnlib.exercises._values import answer_value, check_range_prediction
from cnnlib.handwriting import (
    CENTER,
    FRAME,
    center_by_mass,
    center_of_mass,
    mnist_preprocess,
    scale_to_box,
    strokes_to_image,
)
from cnnlib.nets.kernel_net import train_kernel_net

#: The canvas of notebook 11's demo, in pixels; its pen is 1/14 of it, 20 pixels.
CANVAS = 280


#: A "1" drawn small in the top-left corner: one stroke from (40, 20) down to (40, 80), canvas pixels (x, y).
CORNER_ONE = [[(40, 20), (40, 80)]]


#: Notebook 11 trains the kernel net for 25 of the seed's 300 iterations.
KERNEL_NET_ITERATIONS = 25


def _digits():
    """Scaled digits (h, w) as ``scale_to_box`` makes them from drawings, and two made by hand."""
    angles = np.linspace(0, 2 * np.pi, 40)
    drawings = {"a drawn 7 (20×15)": [[(150, 40), (230, 40)], [(230, 40), (215, 70), (200, 100), (175, 160)]],
                "a drawn 0": [[(140 + 60 * np.sin(a), 140 - 95 * np.cos(a)) for a in angles]],
                "a wide dash (3×20)": [[(40, 140), (240, 140)]],
                "a drawn 4": [[(170, 50), (80, 170), (210, 170)], [(170, 50), (170, 240)]]}
    digits = [(label, scale_to_box(strokes_to_image(strokes, CANVAS))) for label, strokes in drawings.items()]
    lopsided = np.zeros((20, 12))
    lopsided[:4] = 1.0  # a heavy bar at the top
    lopsided[4:, 9:] = 0.7  # a lighter stem at the right: the centre of mass at (5.62, 7.35)
    digits.insert(1, ("a lopsided 20×12 digit (heavy at the top)", lopsided))
    digits.append(("a 4×3 block, whose centre of mass is 1.5 rows down: a tie between two rows", np.ones((4, 3))))
    return digits


def _placement(got, small):
    """(top, left) if ``got`` (28, 28) is ``small`` placed whole in the frame with zeros elsewhere, else None."""
    h, w = small.shape
    for top in range(FRAME - h + 1):
        for left in range(FRAME - w + 1):
            if np.allclose(got[top:top + h, left:left + w], small, rtol=0, atol=1e-9) and np.isclose(
                    np.abs(got).sum(), np.abs(small).sum(), rtol=0, atol=1e-9):
                return top, left
    return None


def _placement_problem(top, left, small):
    """What is wrong with placing ``small`` at (top, left), or None if its centre of mass lands within half a
    pixel of (14, 14)."""
    h, w = small.shape
    com_row, com_col = center_of_mass(small)
    row, col = top + com_row, left + com_col
    if abs(row - CENTER) <= 0.5 + 1e-9 and abs(col - CENTER) <= 0.5 + 1e-9:
        return None
    landed = f"its centre of mass lands at ({row:.2f}, {col:.2f}), more than half a pixel from (14, 14)"
    if (top, left) == ((FRAME - h) // 2, (FRAME - w) // 2) or (top, left) == (round((FRAME - h) / 2),
                                                                               round((FRAME - w) / 2)):
        return (f"{landed} — that centres the ink's box; MNIST centres the centre of mass, which a lopsided digit "
                "has off the middle of its box")
    if (top, left) == (round(CENTER - com_col), round(CENTER - com_row)):
        return (f"{landed} — rows and columns are swapped: the top row is set by the centre of mass's row, the "
                "left column by its column")
    cut = (top, left) == (int(CENTER - com_row), int(CENTER - com_col))
    middle = (top, left) == (round(CENTER - 0.5 - com_row), round(CENTER - 0.5 - com_col))
    hints = ["int() cuts the fraction off: round to the nearest whole pixel"] if cut else []
    hints += ["the centre of mass goes to (14, 14), where MNIST's digits have it, not to the frame's middle "
              "(13.5, 13.5)"] if middle else []
    return f"{landed} — {'; or '.join(hints)}" if hints else landed


def check_center_by_mass(center, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``center(small) -> x``: small (h, w), at most 20×20, placed whole in a 28×28 frame of zeros, moved
    by whole pixels so that its centre of mass is within half a pixel of (14, 14), as
    ``cnnlib.handwriting.center_by_mass`` does. On a tie (a centre of mass exactly half a pixel off) either
    neighbouring position is right."""
    cases = [Case(label, (small,), center_by_mass(small)) for label, small in _digits()]

    def compare(got, case):
        (small,) = case.args
        arr, problem = as_array(got, "the frame", (FRAME, FRAME))
        if problem:
            return problem
        if arr.shape != (FRAME, FRAME):
            return f"the frame came out with shape {arr.shape}, expected (28, 28)"
        if not np.isfinite(arr).all():
            return "there is NaN or inf in the frame"
        where = _placement(arr, small)
        if where is None:
            return ("the frame does not hold the digit unchanged with zeros around it: move it by whole pixels, "
                    "keep its values, cut nothing off")
        return _placement_problem(*where, small)

    return check_cases(center, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Every digit sits whole in the frame with its centre of mass within half a pixel "
                               "of (14, 14), the lopsided one and the tie included.")


def corner_box():
    """(rows, columns) of the ink's box of ``CORNER_ONE`` after ``mnist_preprocess``."""
    x = mnist_preprocess(strokes_to_image(CORNER_ONE, CANVAS))
    rows, cols = np.flatnonzero(x.any(axis=1)), np.flatnonzero(x.any(axis=0))
    return int(rows[-1] - rows[0] + 1), int(cols[-1] - cols[0] + 1)


def check_corner_digit_box(box, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``box = (rows, columns)``: the ink's box, in pixels, of the small "1" of ``CORNER_ONE`` (one stroke
    of the demo's 20-pixel pen, round ends) once ``mnist_preprocess`` has made it an MNIST digit. Measured here.
    A function returning the pair will do too."""
    box, done = answer_value(box, "my_box", "write your prediction as (rows, columns)", time_limit, quiet)
    if done is not None:
        return done
    ok = isinstance(box, (tuple, list)) and len(box) == 2 and all(
        isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and float(v).is_integer()
        for v in box)
    if not ok:
        return report(NOT_YET, f"Not yet: the answer should be two whole numbers (rows, columns), got "
                               f"{type_name(box)}.", quiet)
    rows, cols = int(box[0]), int(box[1])
    want_rows, want_cols = corner_box()
    if (rows, cols) == (want_rows, want_cols):
        return report(CORRECT, f"Correct! Measured {want_rows} rows × {want_cols} columns: the recipe scales the "
                               "ink's box, pen and all, by 20/80, and centres it — the corner is gone, and a small "
                               "digit comes out bold.", quiet)
    if rows in (6, 8):
        hint = ("that is the drawing only shrunk 10 times to 28×28; the recipe scales the ink's box so that its "
                "longer side is 20 pixels")
    elif rows != want_rows:
        hint = "the longer side of the ink's box always becomes 20 pixels"
    elif cols == rows:
        hint = "the aspect ratio is kept: only the longer side becomes 20 pixels"
    elif cols in (1, 2):
        hint = ("the pen is scaled with the digit: its 20 canvas pixels shrink by the same factor as the ink's "
                "box, 80 pixels tall")
    elif cols in (6, 7):
        hint = ("the pen's round ends add half its width above and below the stroke: the ink's box is 80 canvas "
                "pixels tall, not 60")
    else:
        hint = "the box is 80 × 20 canvas pixels (the pen is 20 wide, with round ends); scale both sides alike"
    return report(NOT_YET, f"Not yet: ({rows}, {cols}) is not what the recipe makes of it — {hint}.", quiet)


@lru_cache(maxsize=1)
def kernel_net_shift_accuracy():
    """The kernel net of notebook 11 (``KERNEL_NET_ITERATIONS`` iterations on the bundled 1,000 training digits)
    on the first 1,000 bundled test images, each moved 3 pixels in a random direction (notebook 09's shift test).
    Measured once per session, then remembered."""
    (x_train, y_train), (x_test, y_test) = load_mnist(n_train=1000)
    net, _ = train_kernel_net(x_train, y_train, iterations=KERNEL_NET_ITERATIONS, progress=None)
    x_probe = to_float(x_test[:1000], dtype=np.float32)  # (1000, 1, 28, 28) in [0, 1], as the net learned
    return evaluate(net, shift_in_random_directions(x_probe, 3, rng=3), y_test[:1000], batch_size=100)


def check_kernel_net_shift_prediction(prediction, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``prediction = (low, high)``, at most 0.15 wide, against ``kernel_net_shift_accuracy()``, measured
    here (a few seconds). A function returning the range will do too."""
    return check_range_prediction(
        prediction, kernel_net_shift_accuracy, time_limit=time_limit, quiet=quiet,
        below="its convolution moves the maps with the digit, but no pooling absorbs the move, and its dense layer "
              "has a weight of its own for every position of every map: moved maps meet weights that never learned "
              "them, as the dense net's pixels did in 09",
        above="a move of 3 pixels leaves part of many strokes on or next to where they were, so the net still "
              "reads some of the moved digits, more than chance (0.1)")
