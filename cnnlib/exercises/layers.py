"""Checkers for notebook 06: a layer's backward, a network's backward, the receptive field of stacked layers,
and a prediction: which layers' maps move with the input."""

import copy

import numpy as np

from cnnlib.conv import conv2d_backward, conv2d_forward
from cnnlib.dense import dense_backward, dense_forward
from cnnlib.exercises._compare import compare_array, compare_int
from cnnlib.exercises._inputs import shift_right, small_ints
from cnnlib.exercises._predictions import check_predictions, whole_number
from cnnlib.exercises._report import DEFAULT_TIME_LIMIT, Case, check_cases, name_of, type_name
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Tanh
from cnnlib.layers.base import layer_outputs
from cnnlib.receptive_field import receptive_field_map, receptive_field_sizes


def _run_layer(layer_class, w, b, x, dout):
    """Build the student's layer, run forward then backward; return what the check compares."""
    layer = layer_class(w, b)
    out = layer.forward(x)
    if out is None:
        return None  # a stub: "not attempted"
    dx = layer.backward(dout)
    return {"out": out, "dx": dx, "grads": dict(getattr(layer, "grads", None) or {})}


def check_layer_backward(layer_class, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check a dense layer class: ``layer = layer_class(w, b)``, ``out = layer.forward(x)``,
    ``dx = layer.backward(dout)``, which must also fill ``layer.grads["w"]`` and ``layer.grads["b"]``.

    x: (N, D), w: (D, M), b: (M,), out and dout: (N, M). Compared with cnnlib.dense.
    """
    cases = []
    for label, seed, n, d, m, dtype in [("4 images, 3 inputs, 2 outputs", 150, 4, 3, 2, np.float64),
                                        ("2 images, 6 inputs, 5 outputs", 151, 2, 6, 5, np.float64),
                                        ("float32, 3 images, 4 inputs, 4 outputs", 152, 3, 4, 4, np.float32)]:
        x, w = small_ints(seed, (n, d), dtype), small_ints(seed + 1, (d, m), dtype)
        b = small_ints(seed + 2, (m,), dtype)
        dout = small_ints(seed + 3, (n, m), dtype)
        out, cache = dense_forward(x, w, b)
        cases.append(Case(label, (w, b, x, dout), (out,) + dense_backward(dout, cache)))

    def compare(got, case):
        w, b, x, dout = case.args
        out, dx, dw, db = case.expected
        float32 = x.dtype == np.float32
        checks = [("forward's output", got["out"], out, [(x @ w, "the bias b is missing in forward")]),
                  ("backward's return value dx", got["dx"], dx, []),
                  ('grads["w"]', got["grads"].get("w"), dw, [(dout.T @ x, "grads['w'] should have w's shape "
                                                                          "(D, M): x.T @ dout")]),
                  ('grads["b"]', got["grads"].get("b"), db, [(dout, "sum dout over the batch (axis 0) for the "
                                                                    "bias gradient")])]
        for what, value, expected, mistakes in checks:
            if value is None:
                missing = "is None" if what.startswith("backward") else "is missing after backward"
                return f"{what} {missing} — backward must return dx and store each gradient in self.grads"
            problem = compare_array(value, expected, what=what, mistakes=mistakes, case=case, float32=float32)
            if problem:
                return problem
        return None

    return check_cases(layer_class, cases, compare, time_limit=time_limit, quiet=quiet, expects="a layer class",
                       switch_off=[dense_forward, dense_backward],
                       subject=f"{name_of(layer_class)}.forward",
                       call=lambda cls, case: (_run_layer, (cls,) + case.args),
                       success="Your layer's forward, dx and grads equal cnnlib's dense layer in all 3 cases.")


def _nets():
    """(label, layers with a forward pass already done, dout) for the network-backward check."""
    nets = []
    rng = np.random.default_rng(160)
    dense = [Dense(4, 3, rng=1, dtype=np.float64), Tanh(), Dense(3, 2, rng=2, dtype=np.float64)]
    x = rng.normal(size=(5, 4))
    nets.append(("Dense → Tanh → Dense, 5 images", dense, x))
    conv = [Conv2D(1, 2, 3, rng=3, dtype=np.float64), ReLU(), Flatten(), Dense(2 * 4 * 3, 3, rng=4, dtype=np.float64)]
    nets.append(("Conv2D → ReLU → Flatten → Dense, 2 images of 6×5", conv, rng.normal(size=(2, 1, 6, 5))))
    out = []
    for label, layers, x in nets:
        h = x
        for layer in layers:
            h = layer.forward(h, training=True)
        out.append((label, layers, rng.normal(size=h.shape)))
    return out


def _run_network_backward(run_backward, layers, dout):
    dx = run_backward(layers, dout)
    if dx is None:
        return None
    return {"dx": dx, "grads": [{k: np.array(v) for k, v in layer.grads.items()} for layer in layers]}


def check_network_backward(run_backward, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``run_backward(layers, dout) -> dx``: the gradient through a list of cnnlib layers whose
    forward pass has already run, filling every layer's ``grads`` on the way."""
    cases = []
    for label, layers, dout in _nets():
        reference = copy.deepcopy(layers)
        g = dout
        for layer in reversed(reference):
            g = layer.backward(g)
        cases.append(Case(label, (layers, dout), (g, [layer.grads for layer in reference])))

    def compare(got, case):
        dx, grads = case.expected
        for i, (mine, ref) in enumerate(zip(got["grads"], grads)):
            for name in ref:
                if name not in mine:
                    return f"layer {i} has no gradient {name!r} — call backward on every layer, last to first"
                problem = compare_array(mine[name], ref[name], what=f"layer {i}'s grads[{name!r}]", case=case)
                if problem:
                    return problem
        return compare_array(got["dx"], dx, what="dx", case=case)

    return check_cases(run_backward, cases, compare, time_limit=time_limit, quiet=quiet,
                       call=lambda f, case: (_run_network_backward, (f,) + case.args),
                       success="Backward from the last layer to the first: every gradient equals Sequential's.")


def receptive_field_by_backprop(windows):
    """The receptive field of one output of stacked windows, measured with cnnlib: push the gradient of a
    single output back through all-ones kernels and count the input pixels it reaches on one axis.

    windows: list of (kernel_size, stride) pairs, one per conv or pooling layer.
    """
    size = 1
    for k, s in reversed(windows):
        size = (size - 1) * s + k  # an input just large enough for a 1×1 output; measured below, not assumed
    size += 7  # and some room: the field must not depend on it
    x = np.zeros((1, 1, size, size))
    caches = []
    for k, s in windows:
        x, cache = conv2d_forward(x, np.ones((1, 1, k, k)), None, s)
        caches.append(cache)
    dout = np.zeros(x.shape)
    dout[0, 0, 0, 0] = 1.0
    for cache in reversed(caches):
        dout = conv2d_backward(dout, cache)[0]
    return int(np.count_nonzero(dout[0, 0].sum(axis=0)))


def check_receptive_field(receptive_field, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Check ``receptive_field(windows) -> int``: how many input pixels (along one axis) one output of
    stacked layers sees. windows: list of (kernel_size, stride), one per conv or pooling layer."""
    specs = [[(3, 1)], [(3, 1), (3, 1)], [(3, 1), (2, 2), (3, 1)], [(3, 1), (2, 2), (3, 1), (2, 2)],
             [(5, 2), (3, 1)], [(3, 2), (3, 2), (3, 2)]]
    cases = [Case(f"the layers {spec}", (spec,), receptive_field_by_backprop(spec)) for spec in specs]

    def compare(got, case):
        (spec,) = case.args
        no_strides = 1 + sum(k - 1 for k, _ in spec)
        return compare_int(got, case.expected, what="the receptive field", mistakes=[
            (sum(k for k, _ in spec), "adding kernel sizes counts shared pixels twice: each layer adds "
                                      "(k − 1) times the product of the strides below it"),
            (no_strides, "the strides are missing: after a stride-2 layer each step covers 2 input pixels"),
        ])

    return check_cases(receptive_field, cases, compare, time_limit=time_limit, quiet=quiet,
                       switch_off=[receptive_field_sizes, receptive_field_map],
                       success="Your receptive fields equal the pixels a gradient reaches through cnnlib's "
                               "layers, strides included.")



#: The maps the prediction asks about, by layer index in ``stacked_maps_net()``: conv1, pool1, conv2, pool2.
MOVING_MAPS = {"conv1": 0, "pool1": 2, "conv2": 3, "pool2": 5}


def stacked_maps_net():
    """The convolutional part of notebook 06's stacked CNN (conv 3×3 → ReLU → 2×2 max pool, twice), float64,
    with Glorot weights: whether a map moves depends on the architecture, not on what the weights learned."""
    rng = np.random.default_rng(170)
    return [Conv2D(1, 8, 3, rng=rng, dtype=np.float64), ReLU(), MaxPool2D(2),
            Conv2D(8, 16, 3, rng=rng, dtype=np.float64), ReLU(), MaxPool2D(2)]


def measured_moves(shift):
    """For a 28×28 image moved ``shift`` pixels right (no ink leaves; zeros enter): by how many columns each map
    of MOVING_MAPS moves as a whole (its overlap with the old map equal), or None when it does not."""
    image = np.zeros((1, 1, 28, 28))
    image[0, 0, 6:22, 4:20] = np.random.default_rng(171).random((16, 16))  # ink in columns 4..19
    layers = stacked_maps_net()
    old, new = list(layer_outputs(layers, image)), list(layer_outputs(layers, shift_right(image, shift)))
    result = {}
    for name, index in MOVING_MAPS.items():
        a, b = old[index], new[index]
        width = a.shape[-1]
        candidates = range(shift + 1)  # no map moves further than the image did
        found = [c for c in candidates if np.allclose(b[..., c:], a[..., :width - c], rtol=1e-9, atol=1e-12)]
        result[name] = found[0] if len(found) == 1 else None
    return result


def _compare_moves(value, expected, name):
    """None if ``value`` lists the expected moves; else what is wrong at the first wrong layer (without the answer)."""
    names = list(MOVING_MAPS)
    if not isinstance(value, (list, tuple)) or len(value) != len(names):
        return f"{name} should be a list of {len(names)} entries ({', '.join(names)}), got {type_name(value)}" + (
            f" of length {len(value)}" if isinstance(value, (list, tuple)) else "")
    for i, layer in enumerate(names):
        got, want = value[i], expected[layer]
        if got is not None:
            got, problem = whole_number(got, f"{name}'s entry for {layer}")
            if problem:
                return problem.replace("a whole number", "a whole number or None")
        if got == want:
            continue
        where = f"{name}: {layer} is not right — "
        if layer.startswith("conv"):
            return where + ("a conv layer's maps move exactly as far as its input moved, because the same weights "
                            "work at every position: look at the layer before it")
        if want is None:
            return where + ("its input moved by an odd number of cells, so some maxima cross into the next window "
                            "and others do not: the pooled maps change without moving as a whole (None)")
        if got is None:
            return where + ("its input moved by a whole number of its 2-cell windows, so every maximum stays with "
                            "its window and the pooled maps move as a whole")
        if got == 0:
            return where + ("pooling forgives shifts inside a window, but a shift by a whole window moves the "
                            "pooled map")
        return where + "one cell of a 2×2 pooled map with stride 2 covers 2 cells of its input"
    return None


def check_which_maps_move(answer, time_limit=DEFAULT_TIME_LIMIT, quiet=False):
    """Predict, for an image moved 1 pixel (``shift_1``) and 4 pixels (``shift_4``) to the right, by how many
    columns the maps of conv1, pool1, conv2 and pool2 of notebook 06's stacked CNN move: a list of 4 entries,
    a whole number or None where the maps change without moving as a whole. Measured here on the stacked
    architecture (edges aside).
    ``answer`` = (shift_1, shift_4), or a function that returns it. (Notebook 09 asks the same of LeNet and a move
    of 2 pixels.)"""
    expected = {s: measured_moves(s) for s in (1, 4)}
    parts = [(f"shift_{s}", lambda v, s=s: _compare_moves(v, expected[s], f"shift_{s}")) for s in (1, 4)]
    return check_predictions(answer, parts, variable="my_moves", time_limit=time_limit, quiet=quiet,
                             success="Convolutions move their maps with the input (equivariance); each 2×2 pooling "
                                     "halves the move, and stops following it exactly once the move is no longer a "
                                     "whole number of its windows. Notebook 09 measures what that does to the "
                                     "answers of a trained CNN.")
