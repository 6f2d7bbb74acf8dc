"""Notebooks 04-07: each checker passes a right answer and names the slip in typical wrong ones."""

import numpy as np
import pytest
from exercise_asserts import assert_checker_says

from cnnlib.conv import conv2d_backward
from cnnlib.correlation import convolve2d, correlate2d
from cnnlib.exercises import (
    check_cnnlib_kernel_layout,
    check_conv_backward,
    check_conv_input_grad,
    check_conv_kernel_grad,
    check_convolve_via_rotation,
    check_dense_rows_to_keras,
    check_keras_kernel_layout,
    check_layer_backward,
    check_maxpool_backward,
    check_maxpool_forward,
    check_network_backward,
    check_receptive_field,
    check_softmax_ce_grad,
)
from cnnlib.exercises.layers import receptive_field_by_backprop


def pool_loops(image, size, stride, reduce=np.max):
    h_out, w_out = (image.shape[0] - size) // stride + 1, (image.shape[1] - size) // stride + 1
    out = np.zeros((h_out, w_out))
    for i in range(h_out):
        for j in range(w_out):
            out[i, j] = reduce(image[i * stride:i * stride + size, j * stride:j * stride + size])
    return out


def pool_back(dout, image, size, stride, rule="first", add=True):
    dx = np.zeros(image.shape)
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            window = image[i * stride:i * stride + size, j * stride:j * stride + size]
            flat = window.reshape(-1)
            ties = np.flatnonzero(flat == flat.max())
            picks = {"first": ties[:1], "last": ties[-1:], "split": ties}[rule]
            for p in picks:
                r, c = i * stride + p // size, j * stride + p % size
                g = dout[i, j] / len(ties) if rule == "split" else dout[i, j]
                dx[r, c] = dx[r, c] + g if add else g
    return dx


def softmax_grad(logits, y, stable=True, sign=1, mean=True):
    z = logits - logits.max(axis=1, keepdims=True) if stable else logits
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(y)), y] -= 1
    return sign * p / (len(y) if mean else 1)


def conv_backward_loops(dout, x, w, stride, padding, sum_db_over_batch=True, flip_dw=False):
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    dxp, dw = np.zeros(xp.shape), np.zeros(w.shape)
    kh, kw = w.shape[2:]
    for n in range(dout.shape[0]):
        for k in range(dout.shape[1]):
            for i in range(dout.shape[2]):
                for j in range(dout.shape[3]):
                    rows, cols = slice(i * stride, i * stride + kh), slice(j * stride, j * stride + kw)
                    dw[k] += dout[n, k, i, j] * xp[n, :, rows, cols]
                    dxp[n, :, rows, cols] += dout[n, k, i, j] * w[k]
    dx = dxp[:, :, padding:padding + x.shape[2], padding:padding + x.shape[3]]
    db = dout.sum(axis=(0, 2, 3)) if sum_db_over_batch else dout.sum(axis=(2, 3))
    return dx, -dw if flip_dw else dw, db


class MyDense:
    def __init__(self, w, b, with_bias=True, transpose_dw=False):
        self.params, self.grads = {"w": w, "b": b}, {}
        self.with_bias, self.transpose_dw = with_bias, transpose_dw

    def forward(self, x):
        self.x = x
        return x @ self.params["w"] + (self.params["b"] if self.with_bias else 0)

    def backward(self, dout):
        self.grads["w"] = dout.T @ self.x if self.transpose_dw else self.x.T @ dout
        self.grads["b"] = dout.sum(axis=0)
        return dout @ self.params["w"].T


class NoGrads(MyDense):
    def backward(self, dout):
        return dout @ self.params["w"].T


def network_backward(layers, dout):
    for layer in reversed(layers):
        dout = layer.backward(dout)
    return dout


def network_backward_forward_order(layers, dout):
    for layer in layers:
        dout = layer.backward(dout)
    return dout


def receptive_field(windows):
    field, jump = 1, 1
    for k, s in windows:
        field += (k - 1) * jump
        jump *= s
    return field


def dense_to_keras(w, k, h, wd):
    return w.reshape(k, h, wd, -1).transpose(1, 2, 0, 3).reshape(h * wd * k, -1)


CASES = [
    (check_convolve_via_rotation, lambda a, k, m: correlate2d(a, k[::-1, ::-1], m), "correct", "'full' mode"),
    (check_convolve_via_rotation, lambda a, k, m: correlate2d(a, k, m), "not yet", "that is a correlation"),
    (check_convolve_via_rotation, lambda a, k, m: correlate2d(a, k.T, m), "not yet", "a reflection, not a rotation"),
    (check_convolve_via_rotation, lambda a, k, m: correlate2d(a, np.rot90(k), m), "not yet", "90° only"),
    (check_convolve_via_rotation, lambda a, k, m: correlate2d(a, k[::-1, ::-1]), "not yet",
     "mode 'full' pads the image"),
    (check_convolve_via_rotation, lambda a, k, m: convolve2d(a, k, m), "not yet",
     "calls cnnlib's convolve2d, which this exercise asks you to write yourself"),
    (check_conv_kernel_grad, lambda x, d: correlate2d(x, d), "correct", "all 4 cases"),
    (check_conv_kernel_grad, lambda x, d: convolve2d(x, d), "not yet", "nothing is rotated"),
    (check_conv_kernel_grad, lambda x, d: -correlate2d(x, d), "not yet", "points uphill"),
    (check_conv_input_grad, lambda d, k: convolve2d(d, k, "full"), "correct", "a full convolution"),
    (check_conv_input_grad, lambda d, k: correlate2d(d, k, "full"), "not yet", "rotate the kernel by 180°"),
    (check_conv_input_grad, lambda d, k: convolve2d(d, k, "same"), "not yet", "use mode 'full'"),
    (check_conv_backward, conv_backward_loops, "correct", "stride 2 and padding"),
    (check_conv_backward, lambda *a: conv_backward_loops(*a, flip_dw=True), "not yet",
     "your kernel gradient points uphill"),
    (check_conv_backward, lambda *a: conv_backward_loops(*a, sum_db_over_batch=False), "not yet",
     "sum db over the batch as well"),
    (check_conv_backward, lambda d, x, w, s, p: conv_backward_loops(d, x, w[:, :, ::-1, ::-1], s, p),
     "not yet", "dX needs the kernel rotated by 180°"),
    (check_conv_backward, lambda d, x, w, s, p: conv2d_backward(d, (x, w, np.zeros(len(w)), s, p)), "not yet",
     "calls cnnlib's conv2d_backward, which this exercise asks you to write yourself"),
    (check_maxpool_forward, pool_loops, "correct", "negative values included"),
    (check_maxpool_forward, lambda a, s, st: pool_loops(a, s, st, np.mean), "not yet", "that is average pooling"),
    (check_maxpool_forward, lambda a, s, st: np.maximum(pool_loops(a, s, st), 0), "not yet", "starts at 0"),
    (check_maxpool_forward, lambda a, s, st: pool_loops(a, s, s), "not yet", "move by the stride"),
    (check_maxpool_forward, lambda a, s, st: pool_loops(a, s, st).T, "not yet", "rows and columns are swapped"),
    (check_maxpool_backward, pool_back, "correct", "ties, overlaps"),
    (check_maxpool_backward, lambda *a: pool_back(*a, rule="split"), "not yet", "was split among its maxima"),
    (check_maxpool_backward, lambda *a: pool_back(*a, rule="last"), "not yet", "went to the last maximum"),
    (check_maxpool_backward, lambda *a: pool_back(*a, add=False), "not yet", "must ADD their gradients"),
    (check_softmax_ce_grad, softmax_grad, "correct", "stable for large logits"),
    (check_softmax_ce_grad, lambda z, y: softmax_grad(z, y, sign=-1), "not yet", "your gradient points uphill"),
    (check_softmax_ce_grad, lambda z, y: softmax_grad(z, y, mean=False), "not yet", "divide by N"),
    (check_softmax_ce_grad, lambda z, y: softmax_grad(z, y, stable=False), "not yet",
     "subtract each row's maximum before exp"),
    (check_layer_backward, MyDense, "correct", "all 3 cases"),
    (check_layer_backward, lambda w, b: MyDense(w, b, with_bias=False), "not yet", "the bias b is missing"),
    (check_layer_backward, lambda w, b: MyDense(w, b, transpose_dw=True), "not yet", "should have w's shape"),
    (check_layer_backward, NoGrads, "not yet", "grads[\"w\"] is missing after backward"),
    (check_network_backward, network_backward, "correct", "every gradient equals Sequential's"),
    (check_network_backward, network_backward_forward_order, "not yet", "raised ValueError"),
    (check_receptive_field, receptive_field, "correct", "strides included"),
    (check_receptive_field, lambda ws: sum(k for k, _ in ws), "not yet", "counts shared pixels twice"),
    (check_receptive_field, lambda ws: 1 + sum(k - 1 for k, _ in ws), "not yet", "the strides are missing"),
    (check_keras_kernel_layout, lambda w: w.transpose(2, 3, 1, 0), "correct", "non-square kernels"),
    (check_keras_kernel_layout, lambda w: w.transpose(3, 2, 1, 0), "not yet", "KH and KW are swapped"),
    (check_keras_kernel_layout, lambda w: w.transpose(2, 3, 0, 1), "not yet", "C and K are swapped"),
    (check_keras_kernel_layout, lambda w: w.reshape(w.shape[2], w.shape[3], w.shape[1], w.shape[0]), "not yet",
     "reshape keeps the numbers in memory order"),
    (check_cnnlib_kernel_layout, lambda k: k.transpose(3, 2, 0, 1), "correct", "unchanged"),
    (check_cnnlib_kernel_layout, lambda k: k.transpose(2, 3, 1, 0), "not yet", "its inverse"),
    (check_dense_rows_to_keras, dense_to_keras, "correct", "the same logits"),
    (check_dense_rows_to_keras, lambda w, k, h, wd: w, "not yet", "still in cnnlib's (K, H', W') order"),
    (check_dense_rows_to_keras,
     lambda w, k, h, wd: w.reshape(k, h, wd, -1).transpose(2, 1, 0, 3).reshape(-1, w.shape[1]),
     "not yet", "H' and W' are swapped"),
]


@pytest.mark.parametrize("checker, answer, status, fragment", CASES,
                         ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(CASES)])
def test_checker_names_the_slip(checker, answer, status, fragment):
    assert_checker_says(checker, answer, status, fragment)


def test_receptive_field_reference_is_measured_not_assumed():
    assert [receptive_field_by_backprop(s) for s in ([(3, 1)], [(3, 1), (3, 1)], [(3, 1), (2, 2), (3, 1)])] == [3, 5, 8]


def test_layer_stub_is_not_attempted():
    class MyLayer:
        def __init__(self, w, b):
            pass

        def forward(self, x):
            return None

        def backward(self, dout):
            return None
    result = check_layer_backward(MyLayer, quiet=True)
    assert result.status == "not attempted" and result.message.startswith("Not attempted: MyLayer.forward returns None")
