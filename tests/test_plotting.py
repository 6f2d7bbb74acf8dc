"""The pictures' numbers (the *_state functions) and the figures that draw them."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnnlib.conv import conv2d_forward, convolve2d, correlate2d  # noqa: E402
from cnnlib.layers import (
    Conv2D,
    Dense,
    Flatten,
    MaxPool2D,
    Tanh,  # noqa: E402
)
from cnnlib.plotting import (  # noqa: E402
    convolution_step_state,
    feature_maps_state,
    kernel_maps_state,
    plot_convolution_step,
    plot_feature_maps,  # noqa: E402
    plot_image,
    plot_kernel_maps,  # noqa: E402
    plot_kernels,
    plot_maps,
    plot_pooling,
    plot_training_curves,  # noqa: E402
    pooling_state,  # noqa: E402
)
from cnnlib.plotting.feature_maps import FeatureMapsView
from cnnlib.plotting.kernel_maps import KernelMapsView
from cnnlib.plotting.mosaic import tile_maps  # noqa: E402
from cnnlib.plotting.pooling import PoolingView
from cnnlib.plotting.render import (
    FastRedraw,
    figure_to_png,
    offscreen_figure,  # noqa: E402
)
from cnnlib.plotting.stepper import ConvolutionStepView
from cnnlib.plotting.style import format_value
from cnnlib.plotting.training import TrainingCurvesView, curves_from
from cnnlib.pool import avgpool2d_forward, maxpool2d_forward, pool_kernels_forward  # noqa: E402
from cnnlib.sequential import Sequential  # noqa: E402

RNG = np.random.default_rng(0)
IMAGE8 = RNG.integers(0, 17, (8, 8))  # an 8x8 "digit" with integer pixels, as in sklearn's digits
KERNEL3 = np.array([[1, 2, 0], [0, 1, -1], [-2, 0, 1]])  # not symmetric: correlation != convolution


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def small_net(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, 4, 3, rng=rng), Tanh(), Conv2D(4, 3, 3, rng=rng), MaxPool2D(2), Flatten(),
                       Dense(3 * 5 * 5, 10, rng=rng)])


# --------------------------------------------------------------------------- convolution stepper

@pytest.mark.parametrize("padding, stride", [(0, 1), (1, 1), (2, 2), (1, 3)])
@pytest.mark.parametrize("mode", ["correlation", "convolution"])
def test_stepper_sum_is_the_correlation_or_convolution_at_every_position(mode, padding, stride):
    padded = np.pad(IMAGE8, padding)
    full = correlate2d(padded, KERNEL3) if mode == "correlation" else convolve2d(padded, KERNEL3)
    expected = full[::stride, ::stride]  # (H', W')
    h_out = (8 + 2 * padding - 3) // stride + 1
    assert expected.shape == (h_out, h_out)
    for position in range(h_out * h_out):
        s = convolution_step_state(IMAGE8, KERNEL3, position, mode, padding, stride)
        row, col = divmod(position, h_out)
        assert (s.row, s.col) == (row, col)
        assert s.total == pytest.approx(expected[row, col])
        assert s.products.sum() == pytest.approx(s.total)
        assert s.output[row, col] == pytest.approx(s.total)
    np.testing.assert_allclose(s.output, expected)
    assert f"= {h_out}" in s.size_formula and f"(8 + 2·{padding} − 3) // {stride} + 1" in s.size_formula


def test_stepper_state_shows_the_window_and_rotated_kernel():
    s = convolution_step_state(IMAGE8, KERNEL3, position=7, mode="convolution", padding=1, stride=1)
    assert s.padded.shape == (10, 10) and s.output.shape == (8, 8)
    row, col = 0, 7
    np.testing.assert_array_equal(s.window, np.pad(IMAGE8, 1)[row:row + 3, col:col + 3])
    np.testing.assert_array_equal(s.kernel_used, KERNEL3[::-1, ::-1])
    np.testing.assert_array_equal(s.products, s.window * KERNEL3[::-1, ::-1])
    assert s.filled.sum() == 8 and s.filled[0].all() and not s.filled[1:].any()
    corr = convolution_step_state(IMAGE8, KERNEL3, position=7, padding=1)
    np.testing.assert_array_equal(corr.kernel_used, KERNEL3)
    assert corr.total != s.total


def test_stepper_output_matches_the_library_conv_layer():
    image = RNG.random((28, 28)).astype(np.float32)
    s = convolution_step_state(image, KERNEL3.astype(np.float32), 0, padding=1, stride=2)
    out, _ = conv2d_forward(image[None, None], KERNEL3[None, None].astype(np.float32), stride=2, padding=1)
    np.testing.assert_allclose(s.output, out[0, 0], rtol=1e-6)
    assert s.output.shape == (14, 14)


@pytest.mark.parametrize("kwargs, message", [
    (dict(position=36), "position"), (dict(position=-1), "position"), (dict(position=1.5), "position"),
    (dict(mode="convolve"), "mode"), (dict(stride=0), "stride"), (dict(padding=-1), "padding"),
])
def test_stepper_state_rejects_bad_controls(kwargs, message):
    with pytest.raises(ValueError, match=message):
        convolution_step_state(IMAGE8, KERNEL3, **kwargs)


def test_stepper_state_rejects_bad_arrays():
    with pytest.raises(ValueError, match="image"):
        convolution_step_state(IMAGE8[None], KERNEL3)
    with pytest.raises(ValueError, match="kernel"):
        convolution_step_state(IMAGE8, KERNEL3[0])
    with pytest.raises(ValueError, match="larger"):
        convolution_step_state(IMAGE8[:2, :2], KERNEL3)


def test_stepper_figure_has_titles_and_the_sum():
    s = convolution_step_state(IMAGE8, KERNEL3, 9, "convolution", padding=1, stride=2)
    fig = plot_convolution_step(s)
    assert isinstance(fig, Figure)
    titles = [ax.get_title() for ax in fig.axes]
    assert {"window", "kernel rotated 180°", "window × kernel", "output 4×4"} <= set(titles)
    assert "image 8×8, padding 1" in titles
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert f"sum = {s.total:.0f}" in texts
    assert "H' = (H + 2P − K) // S + 1 = (8 + 2·1 − 3) // 2 + 1 = 4" in fig.get_suptitle()
    assert len(fig.axes) == 5 and len(fig.axes[4].child_axes) == 1  # five panels, the output's colour bar


# --------------------------------------------------------------------------- kernel maps

def test_kernel_maps_equal_conv2d_forward_for_each_kernel():
    w = RNG.standard_normal((5, 2, 3, 3)).astype(np.float32)
    b = RNG.standard_normal(5).astype(np.float32)
    x = RNG.random((2, 12, 12)).astype(np.float32)
    for k in range(5):
        s = kernel_maps_state(w, x, k, b=b, stride=1, padding=1, activation="tanh")
        out, _ = conv2d_forward(x[None], w[k:k + 1], b[k:k + 1], 1, 1)  # (1, 1, 12, 12)
        np.testing.assert_allclose(s.feature_map, out[0, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(s.activated[k], np.tanh(out[0, 0]), rtol=1e-5, atol=1e-6)
    relu = kernel_maps_state(w, x, 0, activation="relu")
    np.testing.assert_array_equal(relu.activated, np.maximum(relu.maps, 0))
    none = kernel_maps_state(w, x, 0, activation="none")
    np.testing.assert_array_equal(none.activated, none.maps)


def test_kernel_maps_accept_3d_kernels_2d_images_and_a_bias_per_position():
    w = RNG.standard_normal((4, 3, 3))
    image = RNG.random((10, 10))
    b = RNG.standard_normal((4, 8, 8))
    s = kernel_maps_state(w, image, 2, b=b, activation="none")
    expected = correlate2d(image, w[2]) + b[2]
    np.testing.assert_allclose(s.feature_map, expected)
    with pytest.raises(ValueError, match="kernel_index"):
        kernel_maps_state(w, image, 4)
    with pytest.raises(ValueError, match="activation"):
        kernel_maps_state(w, image, 0, activation="softmax")


def test_kernel_pictures_have_a_shared_scale_centred_on_zero():
    w = RNG.standard_normal((6, 1, 3, 3))
    fig = plot_kernels(w)
    im = fig.axes[0].images[0]
    lo, hi = im.get_clim()
    assert lo == -hi == -np.abs(w).max()
    assert im.get_cmap().name == "RdBu_r"
    assert "6 kernels" in fig.axes[0].get_title()
    s = kernel_maps_state(w, RNG.random((9, 9)), 4)
    fig = plot_kernel_maps(s)
    titles = [ax.get_title() for ax in fig.axes]
    assert "map of kernel 4" in titles and "tanh(map)" in titles and "image" in titles
    assert fig.axes[2].images[0].get_clim() == (-np.abs(s.maps).max(), np.abs(s.maps).max())


def test_tiles_hold_every_map_at_its_origin():
    maps = RNG.random((5, 4, 3))
    mosaic, origins = tile_maps(maps, cols=3, gap=1, label_band=2)
    assert mosaic.shape == (2 * (4 + 1 + 2) - 1, 3 * (3 + 1) - 1)
    for k, (y, x) in enumerate(origins):
        np.testing.assert_array_equal(mosaic[y:y + 4, x:x + 3], maps[k])
    assert np.isnan(mosaic).sum() == mosaic.size - maps.size


# --------------------------------------------------------------------------- feature maps

def test_feature_maps_are_the_layer_outputs():
    net = small_net()
    x = RNG.random((1, 14, 14)).astype(np.float32)
    for i in range(len(net.layers)):
        s = feature_maps_state(net, x, i)
        expected = x[None]
        for layer in net.layers[:i + 1]:
            expected = layer.forward(expected)
        np.testing.assert_array_equal(s.output, expected[0])
        assert s.layer_name == f"{i}: {type(net.layers[i]).__name__}"
    with pytest.raises(ValueError, match="layer_index"):
        feature_maps_state(net, x, 6)
    with pytest.raises(ValueError, match="Sequential"):
        feature_maps_state(object(), x, 0)


@pytest.mark.parametrize("layer, what", [(1, "4 channels of 12×12"), (4, "a vector of 75 values"),
                                         (5, "a vector of 10 values")])
def test_feature_map_figures_name_the_layer_and_its_shape(layer, what):
    s = feature_maps_state(small_net(), RNG.random((14, 14)), layer)
    fig = plot_feature_maps(s)
    assert fig.get_suptitle().startswith(f"layer {s.layer_name}: {what}")
    assert fig.axes[0].get_title() == "image"


# --------------------------------------------------------------------------- pooling

@pytest.mark.parametrize("mode, reduce", [("sum", np.sum), ("mean", np.mean), ("max", np.max)])
def test_pooling_across_kernels_agrees_with_cnnlib_pool_and_numpy(mode, reduce):
    maps = RNG.standard_normal((6, 8, 8))
    s = pooling_state(maps, mode=mode)
    np.testing.assert_allclose(s.combined, pool_kernels_forward(maps[None], mode)[0][0, 0])
    np.testing.assert_allclose(s.combined, reduce(maps, axis=0))


@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), (3, 2), (4, 4)])
def test_spatial_pooling_agrees_with_cnnlib_pool(size, stride):
    maps = RNG.standard_normal((3, 10, 10))
    for spatial, forward in (("max", maxpool2d_forward), ("avg", avgpool2d_forward)):
        s = pooling_state(maps, spatial=spatial, size=size, stride=stride)
        np.testing.assert_allclose(s.pooled, forward(maps[None], size, stride)[0][0])
        step = size if stride is None else stride
        assert s.pooled.shape == (3, (10 - size) // step + 1, (10 - size) // step + 1)
    blocks = maps[:, :8, :8].reshape(3, 4, 2, 4, 2)  # (K, 4, 2, 4, 2): 2x2 blocks
    np.testing.assert_allclose(pooling_state(maps, spatial="max", size=2).pooled[:, :4, :4], blocks.max(axis=(2, 4)))


def test_pooling_figure_states_both_shapes():
    s = pooling_state(RNG.standard_normal((8, 26, 26)), "sum", "max", 2)
    fig = plot_pooling(s)
    assert "(8, 26, 26) → (26, 26)" in fig.get_suptitle()
    assert "H'' = (26 − 2) // 2 + 1 = 13" in fig.get_suptitle()
    titles = [ax.get_title() for ax in fig.axes]
    assert "sum over kernels" in titles and "max pool 2×2, stride 2" in titles
    with pytest.raises(ValueError, match="mode"):
        pooling_state(s.maps, mode="min")


# --------------------------------------------------------------------------- training curves

def test_training_curves_from_history_records_and_dicts():
    records = [{"epoch": e, "loss": 1.0 / e, "train_accuracy": 0.5 + e / 10,
                "test_loss": np.nan if e == 2 else 1.2 / e, "test_accuracy": 0.4 + e / 10} for e in (1, 2, 3)]
    curves = curves_from(records)
    np.testing.assert_allclose(curves["loss"], [1.0, 0.5, 1 / 3])
    fig = plot_training_curves(records)
    ax_loss, ax_acc = fig.axes
    assert ax_loss.get_xlabel() == "epoch" and ax_loss.get_ylabel() == "loss"
    assert ax_acc.get_ylabel() == "accuracy"
    test_loss = [line for line in ax_loss.lines if line.get_label() == "test"][0]
    np.testing.assert_allclose(test_loss.get_xdata(), [1, 3])  # the NaN record is left out
    assert "epoch 3: loss 0.333" in fig.get_suptitle()
    assert curves_from({"epoch": [1], "loss": [2.0]})["test_accuracy"].shape == (1,)
    with pytest.raises(ValueError, match="history"):
        curves_from({"loss": [1.0]})


# --------------------------------------------------------------------------- rendering

def test_small_pictures():
    assert plot_image(RNG.random((1, 5, 5))).axes[0].get_title() == "image 5×5"
    fig = plot_maps(RNG.random((3, 4, 4)))
    assert fig.axes[0].get_title() == "3 maps of 4×4"
    assert [format_value(v) for v in (0.0, -1e-12, 0.25, -1.5, 12.3)] == ["0", "0", "0.25", "-1.5", "12"]
    assert format_value(7.0, integers=True) == "7"


TRAINING_RECORDS = [{"epoch": e, "loss": 2.0 / e, "train_accuracy": 1 - 1 / (e + 1), "test_loss": 2.5 / e,
                     "test_accuracy": np.nan if e % 2 else 0.9 - 1 / e} for e in range(1, 10)]


def curves_figure(fig, curves):
    view = TrainingCurvesView(fig, num_epochs=9)
    view.update(curves)
    return view


def decode(png):
    return np.asarray(PIL.Image.open(io.BytesIO(png)).convert("RGB")).astype(int)  # (H, W, 3)


@pytest.mark.parametrize("build, states", [
    (ConvolutionStepView, [convolution_step_state(IMAGE8, KERNEL3, p, m, pad, s)
                             for p, m, pad, s in ((0, "correlation", 0, 1), (20, "convolution", 1, 1),
                                                  (3, "correlation", 2, 3))]),
    (KernelMapsView, [kernel_maps_state(KERNEL3[None, None] * [[[[1]]], [[[-2]]]], IMAGE8, k)
                        for k in (0, 1, 0)]),
    (FeatureMapsView, [feature_maps_state(small_net(), RNG.random((14, 14)), 1) for _ in range(3)]),
    (FeatureMapsView, [feature_maps_state(small_net(), RNG.random((14, 14)), 5) for _ in range(3)]),
    (curves_figure, [curves_from(TRAINING_RECORDS[:n]) for n in (1, 4, 9)]),
    (PoolingView, [pooling_state(RNG.standard_normal((5, 12, 12)), m, sp, size, stride)
                     for m, sp, size, stride in (("max", "max", 2, 2), ("sum", "avg", 3, 1), ("mean", "max", 4, 3))]),
])
def test_fast_redraw_shows_what_a_full_drawing_shows(build, states):
    """The widgets' blitting path (update + redraw the changing artists) against a fresh figure."""
    fig = offscreen_figure((15, 4.8))
    view = build(fig, states[0])
    fast = FastRedraw(fig, view.dynamic, view.slow)
    fast.png(view.slow_key, view.static_key)
    for s in states[1:]:
        view.update(s)
        fast_png = fast.png(view.slow_key, view.static_key)
    fresh = offscreen_figure((15, 4.8))
    build(fresh, states[-1])
    a, b = decode(fast_png), decode(figure_to_png(fresh))
    assert a.shape == b.shape
    differ = np.abs(a - b).max(axis=2) > 8  # (H, W): pixels that visibly differ
    assert differ.sum() == 0, f"{differ.sum()} pixels differ"
    assert fast_png[:8] == b"\x89PNG\r\n\x1a\n"
