"""The pictures' numbers (the *_state functions) and the figures that draw them."""

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import PIL.Image  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from cnnlib.conv import conv2d_forward  # noqa: E402
from cnnlib.correlation import convolve2d, correlate2d  # noqa: E402
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, Tanh  # noqa: E402
from cnnlib.plotting import (  # noqa: E402
    Panel,
    convolution_step_state,
    feature_maps_state,
    kernel_maps_state,
    plot_convolution_step,
    plot_digits,
    plot_feature_maps,  # noqa: E402
    plot_kernel_maps,  # noqa: E402
    plot_kernels,
    plot_panels,
    plot_pooling,
    plot_training_curves,  # noqa: E402
    pooling_state,  # noqa: E402
)
from cnnlib.plotting.feature_maps import FeatureMapsView
from cnnlib.plotting.kernel_maps import KernelMapsView
from cnnlib.plotting.mosaic import tile_maps  # noqa: E402
from cnnlib.plotting.pooling import PoolingView
from cnnlib.plotting.render import FastRedraw, figure_to_png, offscreen_figure  # noqa: E402
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

def test_format_value():
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


# --------------------------------------------------------------------------- panels side by side, digits

def image_axes(fig):
    return [ax for ax in fig.axes if ax.images]


def test_panels_row_draws_each_panel_with_its_title_colours_and_colour_bar():
    digit = RNG.random((8, 8))
    panels = [Panel(digit, "8×8 image", "image"), Panel(KERNEL3, "3×3 kernel", label="weight"),
              Panel(np.abs(KERNEL3), "counts", "count")]
    fig = plot_panels(panels, suptitle="one row")
    assert isinstance(fig, Figure)
    axes = image_axes(fig)
    assert len(axes) == 3 and axes == fig.axes  # fig.axes[i] is panel i
    assert [ax.get_title() for ax in axes] == ["8×8 image", "3×3 kernel", "counts"]
    assert fig.get_suptitle() == "one row"
    assert [ax.images[0].get_cmap().name for ax in axes] == ["gray", "RdBu_r", "viridis"]
    assert [len(ax.child_axes) for ax in axes] == [1, 1, 1]  # a colour bar each
    assert axes[1].child_axes[0].get_ylabel() == "weight"
    np.testing.assert_array_equal(axes[0].images[0].get_array(), digit)


def test_panel_colour_limits():
    signed = Panel(np.array([[-1.0, 3.0], [0.5, 2.0]]))
    count = Panel(np.array([[0, 4], [9, 1]]), kind="count")
    image = Panel(np.array([[-0.5, 0.25], [0.5, 0.0]]), kind="image")
    fig = plot_panels([signed, count, image, Panel(KERNEL3, limit=5), Panel(KERNEL3 * 2, limit=5),
                       Panel(np.zeros((2, 2)), kind="count"), Panel(IMAGE8, kind="image", limit=16)])
    clims = [ax.images[0].get_clim() for ax in image_axes(fig)]
    assert clims[0] == (-3.0, 3.0)  # signed: symmetric around 0, up to the largest |value|
    assert clims[1] == (0.0, 9.0)  # count: from 0
    assert clims[2] == (-0.5, 0.5)  # image: from min(0, smallest) to the largest
    assert clims[3] == clims[4] == (-5.0, 5.0)  # the same limit: one shared scale
    assert clims[5] == (0.0, 1.0)  # all zero: still a usable scale
    assert clims[6] == (0.0, 16.0)


def test_annotated_panels_write_every_value_into_its_cell():
    fig = plot_panels([Panel(KERNEL3, "kernel", annotate=True), Panel(IMAGE8[:5, :5], "image"),
                       Panel(np.array([[0.25, -1.5]]), annotate=True)])
    kernel_ax, image_ax, small_ax = image_axes(fig)
    assert [t.get_text() for t in kernel_ax.texts] == [str(v) for v in KERNEL3.ravel()]
    assert len(image_ax.texts) == 0
    assert [t.get_text() for t in small_ax.texts] == ["0.25", "-1.5"]
    with pytest.raises(ValueError, match=r"up to 7×7; got values of shape \(8, 8\)"):
        Panel(IMAGE8, annotate=True)


def test_panels_in_two_rows_and_options():
    kernels = [Panel(KERNEL3 * k, f"kernel {k}", limit=2, colorbar=k == 2) for k in range(3)]
    maps = [Panel(RNG.random((6, 6)), f"map {k}", indices=True) for k in range(2)]
    fig = plot_panels([kernels, maps], suptitle="kernels on top, maps below")
    axes = image_axes(fig)
    assert [ax.get_title() for ax in axes] == ["kernel 0", "kernel 1", "kernel 2", "map 0", "map 1"]
    assert [len(ax.child_axes) for ax in axes] == [0, 0, 1, 1, 1]
    assert [ax.get_subplotspec().rowspan.start for ax in axes] == [0, 0, 0, 1, 1]
    assert axes[3].get_xlabel() == "column" and axes[3].get_ylabel() == "row"
    assert list(axes[3].get_xticks()) == list(range(6)) and len(axes[0].get_xticks()) == 0
    again = plot_panels(kernels, fig=fig)  # the figure is reused, cleared
    assert again is fig and len(image_axes(fig)) == 3


def test_same_cell_size_draws_every_cell_the_same_size():
    fig = plot_panels([Panel(IMAGE8, kind="image"), Panel(KERNEL3), Panel(RNG.random((6, 6)))],
                      same_cell_size=True)
    fig.canvas.draw()
    sizes = [ax.get_position().width * fig.get_figwidth() / ax.images[0].get_array().shape[1]
             for ax in image_axes(fig)]  # inches per cell
    assert max(sizes) == pytest.approx(min(sizes), rel=0.02)


def test_panel_keeps_a_read_only_copy():
    values = np.array(KERNEL3, dtype=float)
    panel = Panel(values)
    values[0, 0] = 99
    assert panel.values[0, 0] == 1 and not panel.values.flags.writeable


@pytest.mark.parametrize("kwargs, message", [
    (dict(values=np.zeros(3)), r"2-D array \(H, W\), got shape \(3,\)"),
    (dict(values=np.zeros((2, 3, 3))), r"got shape \(2, 3, 3\) \(3-D\)"),
    (dict(values=np.zeros((0, 3))), r"empty: shape \(0, 3\)"),
    (dict(values=np.array([[1.0, np.nan]])), r"1 NaN/inf value"),
    (dict(values=np.array([["a"]])), r"dtype <U1"),
    (dict(values=KERNEL3, kind="rgb"), r"kind must be one of 'image', 'signed', 'count', got 'rgb'"),
    (dict(values=KERNEL3, limit=0), r"limit must be a finite number > 0.*got 0"),
    (dict(values=KERNEL3, limit=float("inf")), r"got inf"),
    (dict(values=KERNEL3, limit="2"), r"got '2'"),
    (dict(values=KERNEL3, kind="count"), r"values >= 0, got a smallest value of -2"),
    (dict(values=KERNEL3, title=3), r"title must be a string, got int 3"),
])
def test_panel_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Panel(**kwargs)


@pytest.mark.parametrize("panels, message", [
    ([], r"got an empty list"),
    (Panel(KERNEL3), r"got Panel"),
    ([Panel(KERNEL3), KERNEL3], r"item 1 is a ndarray"),
    ([[Panel(KERNEL3)], []], r"item 1 is an empty list"),
    ([[Panel(KERNEL3), "kernel"]], r"panels\[0\]\[1\] is a str"),
])
def test_plot_panels_rejects_what_is_not_panels(panels, message):
    with pytest.raises(ValueError, match=message):
        plot_panels(panels)


def test_digit_gallery():
    images = RNG.integers(0, 256, (20, 28, 28)).astype(np.uint8)
    fig = plot_digits(images, [f"label {k % 10}" for k in range(20)], suptitle="The first 20 training images")
    axes = image_axes(fig)
    assert len(axes) == 20 and fig.get_suptitle() == "The first 20 training images"
    assert axes[13].get_title() == "label 3"
    assert axes[10].get_subplotspec().rowspan.start == 1 and axes[9].get_subplotspec().colspan.start == 9
    assert all(ax.images[0].get_cmap().name == "gray" for ax in axes)
    assert {ax.images[0].get_clim() for ax in axes} == {(0.0, float(images.max()))}  # one grey scale
    fig = plot_digits(images[:5, None], cols=4)  # (M, 1, H, W), no titles
    assert len(image_axes(fig)) == 5 and fig.axes[4].get_subplotspec().rowspan.start == 1
    assert all(ax.get_title() == "" for ax in fig.axes)


@pytest.mark.parametrize("args, kwargs, message", [
    ((np.zeros((28, 28)),), {}, r"3-D array \(M, H, W\) or \(M, 1, H, W\), got shape \(28, 28\)"),
    ((np.zeros((0, 28, 28)),), {}, r"empty: shape \(0, 28, 28\)"),
    ((np.full((2, 4, 4), np.inf),), {}, r"32 NaN/inf"),
    ((np.zeros((2, 4, 4)), ["a", "b", "c"]), {}, r"2 entries, one per image, got 3"),
    ((np.zeros((2, 4, 4)),), dict(cols=0), r"cols must be a positive integer, got 0"),
])
def test_digit_gallery_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        plot_digits(*args, **kwargs)
