"""Widgets driven without a browser: set a control, check what the widget now shows."""


import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from picture_sizes import screen_scale, shown_px, tile_sides_px  # noqa: E402

from cnnlib.conv import conv2d_forward  # noqa: E402
from cnnlib.correlation import convolve2d, correlate2d  # noqa: E402
from cnnlib.layers import Conv2D, Dense, Flatten, MaxPool2D, ReLU, Tanh  # noqa: E402
from cnnlib.nets.kernel_net import build_kernel_net  # noqa: E402
from cnnlib.optimizers import SGD  # noqa: E402
from cnnlib.pool import avgpool2d_forward, maxpool2d_forward, pool_kernels_forward  # noqa: E402
from cnnlib.sequential import Sequential  # noqa: E402
from cnnlib.train import TestSplit, fit  # noqa: E402
from cnnlib.widgets import TrainingMonitor, convolution_stepper, feature_map_explorer, kernel_explorer, pooling_explorer
from cnnlib.widgets.kernel_explorer import ConvLayerInfo, find_conv_layer  # noqa: E402

RNG = np.random.default_rng(1)
IMAGE8 = RNG.integers(0, 17, (8, 8))
KERNEL3 = np.array([[1, 2, 0], [0, 1, -1], [-2, 0, 1]])
IMAGES = RNG.random((4, 1, 14, 14)).astype(np.float32)
PNG = b"\x89PNG\r\n\x1a\n"


def small_net(seed=0):
    rng = np.random.default_rng(seed)
    return Sequential([Conv2D(1, 4, 3, rng=rng), Tanh(), Conv2D(4, 3, 3, rng=rng), MaxPool2D(2), Flatten(),
                       Dense(3 * 5 * 5, 10, rng=rng)])


@pytest.fixture(autouse=True)
def no_figures_left_open():
    """Widgets draw off screen: no pyplot figure may be left for plt.show() to pick up."""
    before = plt.get_fignums()
    yield
    assert plt.get_fignums() == before


def assert_silent(capsys):
    out, err = capsys.readouterr()
    assert out == "" and err == "", f"a callback printed: {out!r} {err!r}"


# --------------------------------------------------------------------------- convolution stepper

def test_stepper_sum_follows_the_slider_in_both_modes(capsys):
    stepper = convolution_stepper(IMAGE8, KERNEL3)
    corr, conv = correlate2d(IMAGE8, KERNEL3), convolve2d(IMAGE8, KERNEL3)  # (6, 6)
    assert stepper.position.max == 35
    pictures = {bytes(stepper.picture.value)}
    for position in (7, 20, 35, 0):
        stepper.position.value = position
        row, col = divmod(position, 6)
        assert stepper.state.total == pytest.approx(corr[row, col])
        assert f"output[{row}, {col}]" in stepper.sum_label.value
        assert f"<b>{corr[row, col]:.4g}</b>" in stepper.sum_label.value
        pictures.add(bytes(stepper.picture.value))
    stepper.mode.value = "convolution"
    assert stepper.state.total == pytest.approx(conv[0, 0])
    assert f"<b>{conv[0, 0]:.4g}</b>" in stepper.sum_label.value
    pictures.add(bytes(stepper.picture.value))
    assert len(pictures) == 5 and all(p.startswith(PNG) for p in pictures)  # position 0 twice
    assert_silent(capsys)


def test_stepper_padding_and_stride_change_the_output_size(capsys):
    stepper = convolution_stepper(IMAGE8, KERNEL3)
    stepper.position.value = 30
    stepper.padding.value = 1  # 8x8 output
    assert stepper.position.max == stepper.play.max == 63 and stepper.position.value == 30
    stepper.stride.value = 2  # (8 + 2 - 3) // 2 + 1 = 4
    assert stepper.position.max == 15 and stepper.position.value == 15  # clamped to the last position
    assert stepper.state.output.shape == (4, 4)
    expected = correlate2d(np.pad(IMAGE8, 1), KERNEL3)[::2, ::2]
    for position in range(16):
        stepper.position.value = position
        assert stepper.state.total == pytest.approx(expected.flat[position])
    stepper.mode.value = "convolution"
    assert stepper.state.total == pytest.approx(convolve2d(np.pad(IMAGE8, 1), KERNEL3)[::2, ::2][3, 3])
    assert_silent(capsys)


def test_stepper_repr_is_short_and_deterministic():
    a, b = convolution_stepper(IMAGE8, KERNEL3), convolution_stepper(IMAGE8, KERNEL3)
    assert repr(a) == repr(b) == "ConvolutionStepper(image 8×8, kernel 3×3)"
    bundle = a._repr_mimebundle_()
    assert bundle["text/plain"] == repr(a)
    assert bytes(a.picture.value) == bytes(b.picture.value)  # same picture, byte for byte


def test_stepper_rejects_bad_input():
    with pytest.raises(ValueError, match="kernel"):
        convolution_stepper(IMAGE8, KERNEL3[None])
    with pytest.raises(ValueError, match="mode"):
        convolution_stepper(IMAGE8, KERNEL3, mode="conv")


# --------------------------------------------------------------------------- kernel explorer

def test_kernel_explorer_map_is_conv2d_forward_for_the_picked_kernel(capsys):
    w = RNG.standard_normal((6, 1, 3, 3)).astype(np.float32)
    explorer = kernel_explorer(w, IMAGES)
    assert explorer.activation.value == "tanh"
    seen = {bytes(explorer.picture.value)}
    for k, i in ((0, 0), (3, 0), (5, 2), (5, 3)):
        explorer.kernel.value = k
        explorer.image_index.value = i
        out, _ = conv2d_forward(IMAGES[i:i + 1], w[k:k + 1])
        np.testing.assert_allclose(explorer.state.feature_map, out[0, 0], rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(explorer.state.activated[k], np.tanh(out[0, 0]), rtol=1e-5, atol=1e-6)
        seen.add(bytes(explorer.picture.value))
    assert len(seen) == 4
    explorer.activation.value = "relu"
    np.testing.assert_array_equal(explorer.state.activated, np.maximum(explorer.state.maps, 0))
    assert_silent(capsys)


def test_kernel_explorer_reads_layers_networks_and_the_seed_net():
    net = small_net()
    explorer = kernel_explorer(net, IMAGES, layer=2)  # the second conv layer sees the first's tanh maps
    assert explorer.w.shape == (3, 4, 3, 3) and explorer.activation.value == "none"  # MaxPool2D follows
    explorer.image_index.value = 1
    explorer.kernel.value = 2
    x = net.layers[1].forward(net.layers[0].forward(IMAGES[1:2]))
    out, _ = conv2d_forward(x, net.layers[2].params["w"][2:3], net.layers[2].params["b"][2:3])
    np.testing.assert_allclose(explorer.state.feature_map, out[0, 0], rtol=1e-5, atol=1e-6)
    assert repr(explorer) == "KernelExplorer(2: Conv2D: 3 kernels 4×3×3, 4 images)"
    assert kernel_explorer(net, IMAGES).activation.value == "tanh"  # layer 0 is followed by Tanh
    assert kernel_explorer(net.layers[0], IMAGES[:, 0]).w.shape == (4, 1, 3, 3)
    seed_net = build_kernel_net(faithful=True)
    seed_explorer = kernel_explorer(seed_net, RNG.random((2, 1, 28, 28)))
    np.testing.assert_array_equal(seed_explorer.w, seed_net.conv_weights())
    with pytest.raises(ValueError, match="not a convolutional layer"):
        kernel_explorer(net, IMAGES, layer=1)
    with pytest.raises(ValueError, match="to_float"):
        kernel_explorer(net, (IMAGES * 255).astype(np.uint8))


# --------------------------------------------------------------------------- feature-map explorer

def test_feature_map_explorer_shows_each_layers_output(capsys):
    net = small_net()
    explorer = feature_map_explorer(net, IMAGES)
    labels = [label for label, _ in explorer.layer.options]
    assert labels[0] == "0: Conv2D → (4, 12, 12)" and labels[-1] == "5: Dense → (10,)"
    pictures = set()
    for layer, image in ((0, 0), (1, 0), (1, 3), (3, 3), (5, 2), (1, 0)):
        explorer.layer.value = layer
        explorer.image_index.value = image
        expected = IMAGES[image:image + 1]
        for lay in net.layers[:layer + 1]:
            expected = lay.forward(expected)
        np.testing.assert_array_equal(explorer.state.output, expected[0])
        pictures.add(bytes(explorer.picture.value))
    assert len(pictures) == 5  # the last setting repeats the second
    assert_silent(capsys)


# --------------------------------------------------------------------------- pooling explorer

def test_pooling_explorer_modes_agree_with_cnnlib_pool(capsys):
    maps = np.tanh(RNG.standard_normal((3, 5, 12, 12)))  # 3 images, 5 maps each
    explorer = pooling_explorer(maps)
    for mode in ("sum", "mean", "max"):
        explorer.mode.value = mode
        for i in (0, 2):
            explorer.image_index.value = i
            np.testing.assert_allclose(explorer.state.combined, pool_kernels_forward(maps[i:i + 1], mode)[0][0, 0])
    for spatial, forward in (("avg", avgpool2d_forward), ("max", maxpool2d_forward)):
        explorer.spatial.value = spatial
        for size, stride in ((3, 3), (3, 1), (2, 2), (4, 2)):
            explorer.size.value = size
            explorer.stride.value = stride
            np.testing.assert_allclose(explorer.state.pooled, forward(maps[2:3], size, stride)[0][0])
    assert explorer.state.pooled.shape == (5, 5, 5)  # (12 - 4) // 2 + 1
    assert repr(explorer) == "PoolingExplorer(maps 5×12×12, 3 images)"
    assert pooling_explorer(maps[0]).image_index not in pooling_explorer(maps[0]).children
    assert_silent(capsys)


# --------------------------------------------------------------------------- training monitor

def test_training_monitor_receives_every_record_of_fit(capsys):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 60)
    x = rng.random((60, 1, 6, 6)).astype(np.float32) * 0.2
    x[np.arange(60), 0, 2 * y, 2 * y] += 1
    net = Sequential([Conv2D(1, 3, 3, rng=rng), ReLU(), Flatten(), Dense(3 * 4 * 4, 3, rng=rng)])
    monitor = TrainingMonitor(min_interval_s=3600)  # redraws at most once an hour, and for the last record
    first_picture = bytes(monitor.picture.value)
    history = fit(net, x, y, num_epochs=4, batch_size=10, optimizer=SGD(0.5), record_every=3,
                  test=TestSplit(x[:30], y[:30], every=2), callback=monitor, progress=None)
    assert len(monitor.records) == len(history) == 8
    np.testing.assert_allclose([r["loss"] for r in monitor.records], history.loss)
    np.testing.assert_allclose([r["train_accuracy"] for r in monitor.records], history.train_accuracy)
    assert monitor.num_redraws == 2  # the empty axes, then (throttled) only the last record
    train_loss = monitor.view.lines["train", "loss"]
    np.testing.assert_allclose(train_loss.get_ydata(), history.loss)  # the last drawing holds every record
    test_acc = monitor.view.lines["test", "accuracy"]
    assert len(test_acc.get_xdata()) == 4  # test accuracy measured at every second record
    assert bytes(monitor.picture.value) != first_picture and bytes(monitor.picture.value).startswith(PNG)
    assert f"{len(history)} records" in monitor.status.value
    assert repr(monitor) == "TrainingMonitor()"
    assert_silent(capsys)


# --------------------------------------------------------------------------- in a notebook

def test_a_notebook_of_widgets_stores_only_their_fixed_reprs():
    """What strict nbval compares: one text/plain per widget cell, the same on every run, no streams."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        "import numpy as np\nfrom cnnlib.widgets import (TrainingMonitor, convolution_stepper, feature_map_explorer,\n"
        "                            kernel_explorer, pooling_explorer)\nrng = np.random.default_rng(0)",
        "stepper = convolution_stepper(np.arange(64).reshape(8, 8) % 7, np.eye(3))\nstepper.position.value = 9\n"
        "stepper.mode.value = 'convolution'\nstepper",
        "kernel_explorer(rng.standard_normal((6, 1, 3, 3)), rng.random((3, 1, 12, 12)), kernel_index=2)",
        "pooling_explorer(np.tanh(rng.standard_normal((8, 10, 10))))",
        "monitor = TrainingMonitor()\nmonitor",
        "for e in (1, 2):\n    monitor({'epoch': e, 'loss': 1 / e, 'train_accuracy': 0.5, 'test_loss': 1.0,"
        " 'test_accuracy': 0.4, 'num_epochs': 2, 'steps_per_epoch': 1})",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [[(o["output_type"], o.get("data", {}).get("text/plain")) for o in cell.outputs] for cell in nb.cells]
    assert outputs == [
        [],
        [("execute_result", "ConvolutionStepper(image 8×8, kernel 3×3)")],
        [("execute_result", "KernelExplorer(kernels: 6 kernels 1×3×3, 3 images)")],
        [("execute_result", "PoolingExplorer(maps 8×10×10)")],
        [("execute_result", "TrainingMonitor()")],
        [],
    ]


def test_find_conv_layer_describes_the_kernels_and_the_layers_in_front():
    rng = np.random.default_rng(0)
    first, second = Conv2D(1, 2, 3, rng=rng), Conv2D(2, 4, 3, stride=2, padding=1, rng=rng)
    net = Sequential([first, ReLU(), second, Tanh()])
    found = find_conv_layer(net, layer=2)
    assert isinstance(found, ConvLayerInfo)
    assert found.w is second.params["w"] and found.b is second.params["b"]
    assert (found.stride, found.padding, found.activation) == (2, 1, "tanh")
    assert found.before == net.layers[:2] and "2" in found.name
    bare = find_conv_layer(np.zeros((3, 5, 5)))
    assert bare.w.shape == (3, 5, 5) and bare.before == [] and bare.b is None
    with pytest.raises(ValueError, match=r"layer 1 is not a convolutional layer; conv layers: \[0, 2\]"):
        find_conv_layer(net, layer=1)


# --------------------------------------------------------------------------- readable on a projector

# JupyterLab at 1280x720 gives a cell's output about 1050 CSS pixels; a wider PNG is scaled down to fit.
MIN_TILE_PX = 95  # "at least about 100 screen pixels a side" for the maps of the course's widgets
MIN_TEXT_PX = 12


def assert_texts_readable(widget):
    scale = screen_scale(widget)
    sizes = {t.get_text(): t.get_fontsize() * widget.fig.dpi / 72 * scale
             for t in widget.fig.findobj(matplotlib.text.Text) if t.get_visible() and t.get_text().strip()}
    small = {text: round(px, 1) for text, px in sizes.items() if px < MIN_TEXT_PX - 0.05}
    assert sizes and not small, f"texts under {MIN_TEXT_PX} screen px: {small}"


def stacked_net():
    """Notebook 06's two conv layers: 8 maps of 26x26 -> pool -> 16 maps of 11x11."""
    rng = np.random.default_rng(0)
    return Sequential([Conv2D(1, 8, 3, rng=rng), ReLU(), MaxPool2D(2), Conv2D(8, 16, 3, rng=rng), ReLU(),
                       MaxPool2D(2), Flatten(), Dense(16 * 5 * 5, 10, rng=rng)], input_shape=(1, 28, 28))


DIGITS = RNG.random((3, 1, 28, 28)).astype(np.float32)


@pytest.mark.parametrize("net, layer, count", [(build_kernel_net(), 1, 16),  # notebook 03: 16 maps 26x26
                                               (stacked_net(), 3, 16),  # notebook 06: 16 maps 11x11
                                               (stacked_net(), 0, 8)])
def test_feature_map_tiles_are_large_enough_for_a_projector(net, layer, count):
    explorer = feature_map_explorer(net, DIGITS, layer_index=layer)
    explorer.image_index.value = 2  # after a redraw too
    mosaic = explorer.view.mosaic
    assert len(mosaic.origins) == count
    assert tile_sides_px(explorer, mosaic) >= MIN_TILE_PX
    assert_texts_readable(explorer)


def test_kernel_explorer_tiles_and_maps_are_large_enough_for_a_projector():
    explorer = kernel_explorer(build_kernel_net(), DIGITS)  # notebook 03: 16 kernels 3x3, maps 26x26
    explorer.kernel.value = 9
    kernels = explorer.view.kernels
    assert len(kernels.origins) == 16
    assert tile_sides_px(explorer, kernels) >= MIN_TILE_PX
    scale = screen_scale(explorer)
    for ax in explorer.view.axes[1:]:  # the image, the map, its activation
        assert shown_px(ax, ax.images[0].get_array().shape[1], scale) >= 150
    assert_texts_readable(explorer)


def test_pooling_explorer_tiles_are_large_enough_for_a_projector():
    maps = np.tanh(RNG.standard_normal((2, 8, 26, 26)))  # notebook 05: 8 maps of 26x26
    explorer = pooling_explorer(maps)
    explorer.size.value = 3
    for mosaic in (explorer.view.in_maps, explorer.view.pooled):
        assert tile_sides_px(explorer, mosaic) >= MIN_TILE_PX
    assert_texts_readable(explorer)


def test_stepper_picture_fits_the_output_area_with_readable_text():
    for stepper in (convolution_stepper(IMAGE8, KERNEL3), convolution_stepper(DIGITS[0, 0], KERNEL3 / 4)):
        assert screen_scale(stepper) == 1.0  # shown 1:1
        scale = screen_scale(stepper)
        for ax in stepper.view.axes:  # the image, the kernel, the output
            assert shown_px(ax, ax.images[0].get_array().shape[1], scale) >= 100
        assert_texts_readable(stepper)
