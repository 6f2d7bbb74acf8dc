"""Draw a digit without a browser: the picture (cnnlib.plotting.draw_a_digit) and the widget
(cnnlib.widgets.draw_a_digit)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from picture_sizes import shown_px  # noqa: E402
from test_handwriting import CANVAS, one_stroke  # noqa: E402

from cnnlib.activations import softmax  # noqa: E402
from cnnlib.handwriting import drawing_to_mnist, shrink_to_frame, strokes_to_image  # noqa: E402
from cnnlib.nets.kernel_net import build_kernel_net  # noqa: E402
from cnnlib.nets.lenet import build_lenet  # noqa: E402
from cnnlib.nets.pooling_net import build_pooling_net  # noqa: E402
from cnnlib.plotting.draw_a_digit import TrainedNet, describe_prediction, drawing_state, plot_drawing  # noqa: E402
from cnnlib.widgets.draw_a_digit import draw_a_digit  # noqa: E402


def demo_nets():
    """Notebook 11's two networks, untrained: LeNet (float64) and the kernel net (float32)."""
    return {"LeNet + shifts": TrainedNet(build_lenet(0)), "kernel net": TrainedNet(build_kernel_net())}


def test_drawing_state_runs_every_network_as_trained():
    nets = demo_nets()
    x = drawing_to_mnist(one_stroke(), CANVAS)
    state = drawing_state(nets, x)
    lenet, kernel = state.responses
    # a layer and the elementwise activation after it are one stage, shown after the activation
    assert [name for name, _ in lenet.maps] == ["0–1: Conv2D + ReLU", "2: MaxPool2D", "3–4: Conv2D + ReLU",
                                                "5: MaxPool2D"]
    assert [m.shape for _, m in lenet.maps] == [(8, 26, 26), (8, 13, 13), (16, 11, 11), (16, 5, 5)]
    assert lenet.maps[0][1].min() == 0  # after the ReLU
    assert [name for name, _ in kernel.maps] == ["0–1: Conv2D + Tanh"]  # no Dropout: test mode skips it
    expected = softmax(nets["LeNet + shifts"].net.forward(x[None, None]))[0]  # float64, as LeNet's weights
    np.testing.assert_array_equal(lenet.probs, expected)
    expected = softmax(nets["kernel net"].net.forward(x.astype(np.float32)[None, None]))[0]
    np.testing.assert_allclose(kernel.probs, expected, rtol=1e-6)
    pooling = drawing_state({"pooling CNN": TrainedNet(build_pooling_net(0), centered=True)}, x).responses[0]
    assert [name for name, _ in pooling.maps] == ["0: Conv2D", "1: MaxPool2D"]
    expected = softmax(build_pooling_net(0).forward((x - 0.5).astype(np.float32)[None, None]))[0]
    np.testing.assert_allclose(pooling.probs, expected, rtol=1e-6)  # centred, as the pooling net learned


def mouse(demo, event, x, y):
    """What ipycanvas receives from the browser for one mouse event."""
    demo.canvas._handle_frontend_event(None, {"event": event, "x": x, "y": y}, [])


def test_a_mouse_stroke_changes_the_prediction_and_nothing_is_printed(capsys):
    demo = draw_a_digit(demo_nets())
    assert repr(demo) == "DrawingDemo(LeNet + shifts, kernel net; 0 strokes)"
    assert demo.status.value == "draw a digit" and not demo.image().any()
    empty_picture, empty_input = demo.picture.value, demo.input_view.value
    mouse(demo, "mouse_down", 140, 40)
    for y in range(50, 250, 10):
        mouse(demo, "mouse_move", 140, y)
    assert demo.strokes == []  # nothing predicted while the stroke is being drawn
    mouse(demo, "mouse_up", 140, 240)
    assert len(demo.strokes) == 1 and len(demo.strokes[0]) == 21  # down, 20 moves (up repeats the last)
    np.testing.assert_allclose(demo.image(), drawing_to_mnist(demo.strokes, CANVAS))
    assert demo.status.value.startswith("LeNet + shifts: ") and "kernel net: " in demo.status.value
    assert demo.picture.value != empty_picture and demo.input_view.value != empty_input
    one_picture = demo.picture.value
    demo.canvas._handle_frontend_event(None, {"event": "touch_start", "touches": [{"x": 100, "y": 60}]}, [])
    demo.canvas._handle_frontend_event(None, {"event": "touch_move", "touches": [{"x": 180, "y": 60}]}, [])
    demo.canvas._handle_frontend_event(None, {"event": "touch_end", "touches": []}, [])
    assert demo.strokes[1] == [(100.0, 60.0), (180.0, 60.0)]  # a "7" now
    assert demo.picture.value != one_picture
    demo.undo()
    assert len(demo.strokes) == 1 and demo.picture.value == one_picture
    demo.clear()
    assert demo.strokes == [] and demo.status.value == "draw a digit"
    assert capsys.readouterr() == ("", "")


def test_the_centring_box_switches_between_mnists_recipe_and_the_drawing_only_shrunk(capsys):
    demo = draw_a_digit(demo_nets())
    corner = one_stroke(x=45, top=20, bottom=100)[0]  # a short "1" in the top-left corner
    demo.add_stroke(corner)
    centred, picture = demo.image(), demo.picture.value
    np.testing.assert_array_equal(centred, drawing_to_mnist([corner], CANVAS))
    demo.center_box.value = False  # what unticking the box in the browser does
    assert repr(demo) == "DrawingDemo(LeNet + shifts, kernel net; 1 stroke; not centred)"
    np.testing.assert_array_equal(demo.image(), shrink_to_frame(strokes_to_image([corner], CANVAS)))
    np.testing.assert_array_equal(demo.state.x, demo.image())  # the networks were run again on it
    assert demo.picture.value != picture
    demo.center_box.value = True
    np.testing.assert_array_equal(demo.state.x, centred)
    assert not draw_a_digit(demo_nets(), center=False).center_box.value
    assert capsys.readouterr() == ("", "")


def test_mouse_moves_without_a_press_draw_nothing():
    demo = draw_a_digit(demo_nets())
    mouse(demo, "mouse_move", 10, 10)
    mouse(demo, "mouse_up", 20, 20)
    mouse(demo, "mouse_out", 20, 20)
    assert demo.strokes == []


@pytest.mark.parametrize("nets, kwargs, match", [
    ({}, {}, "nets must be a non-empty dict"),
    ({"a": "net"}, {}, r"nets\['a'\] must be a TrainedNet\(a cnnlib Sequential, centered=True/False\)"),
    ({"a": (build_kernel_net(), False)}, {}, r"nets\['a'\] must be a TrainedNet.*got \(Sequential"),
    (None, {"canvas_size": 20}, "canvas_size must be an int >= 56"),
    (None, {"line_width": -1}, "line_width must be a finite number > 0"),
    (None, {"center": "yes"}, r"center must be True \(prepare the drawing as MNIST's digits were\) or False"),
])
def test_draw_a_digit_bad_input(nets, kwargs, match):
    with pytest.raises(ValueError, match=match):
        draw_a_digit(demo_nets() if nets is None else nets, **kwargs)


def test_the_picture_is_shown_1_to_1_with_maps_and_text_readable_on_a_projector():
    """At 1280x720 JupyterLab's output area is about 1050 px wide: the picture fits it, every text is
    at least 12 px, and the maps are as large as two networks' 64 maps allow on one screen."""
    import io

    import PIL.Image
    from matplotlib.text import Text

    demo = draw_a_digit(demo_nets())
    demo.add_stroke([(100, 60), (180, 60)])
    width, height = PIL.Image.open(io.BytesIO(demo.picture.value)).size
    assert width <= 1050 and height <= 560  # one screen of a notebook at 1280x720
    fig = demo.view.fig
    assert min(t.get_fontsize() * fig.dpi / 72 for t in fig.findobj(Text) if t.get_text().strip()) >= 12
    # shown 1:1 (at most 1050 px wide): one tile's side in the picture is its side on screen
    lenet, kernel = ([shown_px(m.ax, min(m.tile_shape), 1.0) for m in mosaics] for mosaics in demo.view.mosaics)
    assert min(lenet[:2]) >= 60 and min(lenet[2:]) >= 40  # 8, then 16 maps a stage, four stages in a row
    assert min(kernel) >= 80  # 16 maps, one stage


def test_plot_drawing_draws_a_row_per_network():
    state = drawing_state(demo_nets(), drawing_to_mnist(one_stroke(), CANVAS))
    fig = plot_drawing(state)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["0–1: Conv2D + ReLU (8 maps)", "2: MaxPool2D (8 maps)", "3–4: Conv2D + ReLU (16 maps)",
                      "5: MaxPool2D (16 maps)", "LeNet + shifts: p(digit)", "0–1: Conv2D + Tanh (16 maps)",
                      "kernel net: p(digit)"]
    bars = [patch.get_height() for patch in fig.axes[4].patches]
    np.testing.assert_allclose(bars, state.responses[0].probs)
    best = int(np.argmax(state.responses[0].probs))
    assert describe_prediction(state.responses[0]) == f"LeNet + shifts: {best} ({100 * bars[best]:.0f}%)"
