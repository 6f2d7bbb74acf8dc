"""cnnlib's batch normalisation against Keras (Keras 3, jax backend, a course dependency): forward and backward in
training and test mode, and the running statistics after an update.

Keras is set up to compute what cnnlib computes: ``axis=1`` (channels first, as cnnlib's maps),
``momentum=0.9`` (Keras writes the momentum as cnnlib does: the weight of the old running value),
``epsilon=1e-5``. Its gradients come from ``jax.grad``.

What really runs, and the tolerances:

* ``keras.layers.BatchNormalization`` computes in float32 whatever its inputs: its ``call`` casts them to
  ``keras.backend.result_type(x.dtype, "float32")``, and Keras' type promotion turns every 64-bit result into
  32 bits "to be aligned with JAX's default behavior" (Keras 3.15: float64 in, float32 inside, float64 out).
  So the layer is compared in float32, within 1e-5 of each array's largest value (float32 rounding, about 1e-7,
  grows through the sums over a channel; measured: at most 1.4e-7).
* The two operations that layer's ``call`` is made of, ``keras.ops.moments`` (the batch statistics) and
  ``keras.ops.batch_normalization`` (normalise, scale, shift), do compute in float64 when jax has x64
  enabled. They are compared in float64, within 1e-9 of each array's largest value (the same formulas in a
  different order; measured: at most 7e-16).
"""

import os

import numpy as np
import pytest

from cnnlib.batchnorm import batchnorm_backward, batchnorm_forward
from cnnlib.layers import BatchNorm1D, BatchNorm2D

SHAPES = [(8, 3, 5, 4), (16, 6)]  # conv maps and dense features


@pytest.fixture(scope="module")
def keras_jax():
    """Keras on jax with 64-bit floats allowed; the previous settings are put back afterwards."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import jax
    import keras

    assert keras.backend.backend() == "jax", f"this test needs Keras' jax backend, got {keras.backend.backend()}"
    x64, floatx = jax.config.jax_enable_x64, keras.config.floatx()
    jax.config.update("jax_enable_x64", True)
    yield keras, jax
    jax.config.update("jax_enable_x64", x64)
    keras.config.set_floatx(floatx)


def keras_layer(keras, jax, x, gamma, beta, mean, var, dout, training):
    """``keras.layers.BatchNormalization``'s output, gradients (dx, dgamma, dbeta) and new running (mean, var)."""
    dtype = x.dtype.name
    layer = keras.layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-5, dtype=dtype)
    layer.build(x.shape)
    assert [v.name for v in layer.trainable_variables] == ["gamma", "beta"]
    assert [v.name for v in layer.non_trainable_variables] == ["moving_mean", "moving_variance"]

    def loss(x_, gamma_, beta_):
        out, running = layer.stateless_call([gamma_, beta_], [mean, var], x_, training=training)
        return (out * dout).sum(), (out, running)

    grad = jax.jit(jax.grad(loss, argnums=(0, 1, 2), has_aux=True))
    (dx, dgamma, dbeta), (out, running) = grad(x, gamma, beta)
    return np.asarray(out), [np.asarray(g) for g in (dx, dgamma, dbeta)], [np.asarray(r) for r in running]


def keras_ops(keras, jax, x, gamma, beta, mean, var, dout, training):
    """The output and gradients (dx, dgamma, dbeta) of the operations the layer's ``call`` runs, in x's precision."""
    axes = (0,) if x.ndim == 2 else (0, 2, 3)

    def loss(x_, gamma_, beta_):
        mean_, var_ = keras.ops.moments(x_, axes=axes) if training else (mean, var)
        out = keras.ops.batch_normalization(x_, mean_, var_, axis=1, offset=beta_, scale=gamma_, epsilon=1e-5)
        return (out * dout).sum(), out

    (dx, dgamma, dbeta), out = jax.jit(jax.grad(loss, argnums=(0, 1, 2), has_aux=True))(x, gamma, beta)
    return np.asarray(out), [np.asarray(g) for g in (dx, dgamma, dbeta)]


def worst_error(a, b):
    """max |a - b| relative to the largest |b| (each array's own scale)."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-30))


def cases(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    c = shape[1]
    x = (3 * rng.standard_normal(shape) + 1).astype(dtype)
    return (x, rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype),
            rng.standard_normal(c).astype(dtype), (rng.random(c) + 0.5).astype(dtype),
            rng.standard_normal(shape).astype(dtype))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False])
def test_float64_forward_and_backward_match_keras_operations(keras_jax, shape, training):
    keras, jax = keras_jax
    x, gamma, beta, mean, var, dout = cases(shape, np.float64)
    k_out, k_grads = keras_ops(keras, jax, x, gamma, beta, mean, var, dout, training)
    assert k_out.dtype == np.float64  # x64 is on: Keras really computed in float64
    out, cache = batchnorm_forward(x, gamma, beta, **({} if training else {"mean": mean, "var": var}))
    assert worst_error(out, k_out) < 1e-9
    for ours, theirs in zip(batchnorm_backward(dout, cache), k_grads):
        assert worst_error(ours, theirs) < 1e-9


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("training", [True, False])
def test_float32_layer_matches_keras_batch_normalization(keras_jax, shape, training):
    keras, jax = keras_jax
    keras.config.set_floatx("float32")
    x, gamma, beta, mean, var, dout = cases(shape, np.float32)
    k_out, k_grads, (k_mean, k_var) = keras_layer(keras, jax, x, gamma, beta, mean, var, dout, training)
    assert k_out.dtype == np.float32
    layer = (BatchNorm2D if len(shape) == 4 else BatchNorm1D)(shape[1], dtype=np.float32)
    layer.params["gamma"][...], layer.params["beta"][...] = gamma, beta
    layer.buffers["running_mean"][...], layer.buffers["running_var"][...] = mean, var
    assert worst_error(layer.forward(x, training=training), k_out) < 1e-5
    for ours, theirs in zip((layer.backward(dout), layer.grads["gamma"], layer.grads["beta"]), k_grads):
        assert worst_error(ours, theirs) < 1e-5
    assert worst_error(layer.buffers["running_mean"], k_mean) < 1e-5  # moved in training mode, kept in test mode
    assert worst_error(layer.buffers["running_var"], k_var) < 1e-5
    if not training:
        np.testing.assert_array_equal(layer.buffers["running_mean"], mean)


def test_keras_defaults_that_the_course_quotes(keras_jax):
    # cnnlib.layers.normalization and notebook 12's exercise 7 quote Keras' defaults: momentum 0.99, epsilon 1e-3
    keras, _ = keras_jax
    layer = keras.layers.BatchNormalization()
    assert (layer.momentum, layer.epsilon) == (0.99, 1e-3)
