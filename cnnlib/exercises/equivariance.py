"""Checkers for notebook 09 (equivariance and invariance): the unfilled region of a shifted map, the
backward pass of global average pooling, and a prediction of which of LeNet's layers move with the input."""

import numpy as np

from cnnlib.augment import shift_images, unfilled_region
from cnnlib.data import load_mnist, to_float
from cnnlib.exercises._compare import compare_array
from cnnlib.exercises._inputs import small_ints
from cnnlib.exercises._report import CORRECT, DEFAULT_TIME_LIMIT, NOT_YET, Case, check_cases, report, type_name
from cnnlib.exercises._values import answer_value
from cnnlib.layers import forward_through
from cnnlib.nets.lenet import build_lenet
from cnnlib.pool import global_avgpool_backward, global_avgpool_forward


def _as_slices(got):
    """(row slice, column slice) -> (rows, columns) index ranges; None if ``got`` is not two slices."""
    if not isinstance(got, (tuple, list)) or len(got) != 2 or not all(isinstance(s, slice) for s in got):
        return None
    return got


def check_unfilled_region(region, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``region(shape, dy, dx) -> (row_slice, column_slice)`` against ``cnnlib.augment.unfilled_region``:
    the part of a map of ``shape`` moved dy rows down and dx columns right that holds moved values."""
    settings = [((6, 8), 2, 0), ((6, 8), 0, -3), ((1, 4, 13, 13), -1, 2), ((5, 5), 0, 0), ((2, 3, 9, 7), 3, -2),
                ((4, 6), -2, -5)]
    cases = [Case(f"a map of shape {shape} moved ({dy}, {dx})", (shape, dy, dx), unfilled_region(shape, dy, dx))
             for shape, dy, dx in settings]

    def covered(slices, h, w):
        mask = np.zeros((h, w), dtype=bool)
        mask[slices[0], slices[1]] = True
        return mask

    def compare(got, case):
        shape, dy, dx = case.args
        h, w = shape[-2:]
        if _as_slices(got) is None:
            return f"the answer should be two slices (row_slice, column_slice), got {type_name(got)}"
        mine, want = covered(got, h, w), covered(case.expected, h, w)
        if np.array_equal(mine, want):
            return None
        if np.array_equal(mine, covered(unfilled_region(shape, -dy, -dx), h, w)):
            return "the region is on the wrong side: a map moved down is filled with zeros at the top, so the " \
                   "moved values are in rows dy … H − 1"
        if np.array_equal(mine, covered(unfilled_region(shape, dx, dy), h, w)):
            return "rows and columns are swapped: dy moves rows, dx moves columns"
        rows, cols = np.nonzero(mine)
        got_text = f"rows {rows.min()}–{rows.max()}, columns {cols.min()}–{cols.max()}" if mine.any() else "nothing"
        wr, wc = np.nonzero(want)
        return f"the region covers {got_text}, expected rows {wr.min()}–{wr.max()}, columns {wc.min()}–{wc.max()}"

    return check_cases(region, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="Your region is the moved part of the map for all 6 shifts, in every direction "
                               "and with no shift at all.")


def check_gap_backward(gap_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``gap_backward(dout, x_shape) -> dx`` against ``cnnlib.pool.global_avgpool_backward``:
    dout: (N, C), x_shape: (N, C, H, W) -> dx: (N, C, H, W)."""
    settings = [("2 images, 3 maps of 4×5", 90, (2, 3, 4, 5), np.float64),
                ("one image, one 3×3 map", 91, (1, 1, 3, 3), np.float64),
                ("float32, 4 images, 2 maps of 6×6", 92, (4, 2, 6, 6), np.float32)]
    cases = []
    for label, seed, shape, dtype in settings:
        dout = small_ints(seed, shape[:2], dtype)
        _, cache = global_avgpool_forward(np.zeros(shape, dtype))
        cases.append(Case(label, (dout, shape), global_avgpool_backward(dout, cache)))

    def compare(got, case):
        dout, shape = case.args
        n, c, h, w = shape
        spread = np.broadcast_to(dout[:, :, None, None].astype(np.float64), shape)
        mistakes = [(spread, "each of the H·W positions gets 1/(H·W) of its map's gradient: divide by H·W"),
                    (spread / h, "divide by H·W, the number of positions averaged, not by H"),
                    (lambda _: dout[:, :, None, None] / (h * w),
                     "the gradient has the maps' shape (N, C, H, W): spread it over every position")]
        return compare_array(got, case.expected, what="dx", mistakes=mistakes, case=case,
                             float32=dout.dtype == np.float32)

    return check_cases(gap_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       success="dout / (H·W) at every position of every map, as global_avgpool_backward "
                               "computes it, in all 3 cases.")


#: What the check tells about each of LeNet's layers for a 2-pixel shift down.
_WHY = {
    0: "a convolution applies the same kernel at every position, so its map moves with the digit",
    1: "ReLU acts on each value alone, so it keeps the maps' move",
    2: "2 pixels is one whole 2×2 block: every pooling window sees its neighbour's old contents, and the pooled "
       "map moves by one cell",
    3: "the second convolution reads maps that moved by one cell, and its map moves by one cell",
    4: "ReLU acts on each value alone, so it keeps the move",
    5: "its input moved by one cell, which is half a 2×2 block: the windows see different values, and the "
       "pooled map is not a moved copy",
    6: "the 400 features are a flattened list, not a map that can move (and they come from layer 5)",
    7: "dropout is the identity at test time, on the flattened list of layer 6",
    8: "the dense layer has one weight per feature and position: its 10 outputs are not a map",
}


def _moved_copy(out, moved, shift):
    """True if ``moved`` equals ``out`` moved by ``shift`` cells down, away from the filled rows."""
    if out.ndim != 4:
        return False
    rows, cols = unfilled_region(out.shape, shift, 0)
    return bool(np.allclose(moved[..., rows, cols], shift_images(out, shift, 0)[..., rows, cols], rtol=0,
                            atol=1e-9 * max(1.0, float(np.abs(out).max()))))


def equivariant_layers(net, x, dy):
    """{layer index: cells} for ``net``'s layers whose test-mode output for ``x`` moved ``dy`` pixels down is
    the output for ``x`` moved down by ``cells`` (1 to dy), away from the filled rows."""
    found, out, moved = {}, x, shift_images(x, dy, 0)
    for i, layer in enumerate(net.layers):
        out, moved = forward_through([layer], out), forward_through([layer], moved)
        cells = [s for s in range(1, dy + 1) if _moved_copy(out, moved, s)]
        if cells:
            found[i] = cells[0]
    return found


def check_equivariant_layers(layers, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``layers``: the set of LeNet's layer numbers whose output moves with a digit moved 2 pixels down.

    The check measures it: ``build_lenet(0)`` (equivariance holds for any weights) on the first test digit of the
    bundled MNIST subset. A function returning the set will do too.
    """
    layers, done = answer_value(layers, "my_layers", "write your prediction as a set of layer numbers",
                                  time_limit, quiet)
    if done is not None:
        return done
    if not isinstance(layers, (set, frozenset, list, tuple)) or not all(
            isinstance(i, (int, np.integer)) and not isinstance(i, bool) for i in layers):
        return report(NOT_YET, f"Not yet: the answer should be a set of layer numbers such as {{0, 1}}, got "
                               f"{type_name(layers)}.", quiet)
    net = build_lenet(0)
    outside = sorted(i for i in layers if not 0 <= i < len(net.layers))
    if outside:
        return report(NOT_YET, f"Not yet: LeNet's layers are numbered 0 to {len(net.layers) - 1}, got {outside[0]}.",
                      quiet)
    (_, _), (x_test, _) = load_mnist(n_train=10, n_test=10)
    measured = equivariant_layers(net, to_float(x_test[:1], dtype=np.float64), 2)
    answer = {int(i) for i in layers}
    missing, extra = sorted(set(measured) - answer), sorted(answer - set(measured))
    if missing:
        i = missing[0]
        return report(NOT_YET, f"Not yet: layer {i} ({type(net.layers[i]).__name__}) does move with the digit — "
                               f"{_WHY[i]}.", quiet)
    if extra:
        i = extra[0]
        return report(NOT_YET, f"Not yet: layer {i} ({type(net.layers[i]).__name__}) does not move with the digit "
                               f"— {_WHY[i]}.", quiet)
    moves = ", ".join(f"{i} by {cells}" for i, cells in measured.items())
    return report(CORRECT, f"Correct! Measured on a real digit, these layers' outputs move (in cells): {moves}; the "
                           "second pooling meets a one-cell move and breaks the chain.", quiet)
