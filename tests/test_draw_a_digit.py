"""Draw a digit without a browser: the picture (cnnlib.plotting.draw_a_digit) and the widget
(cnnlib.widgets.draw_a_digit)."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from picture_sizes import shown_px  # noqa: E402
from test_handwriting import CANVAS, one_stroke  # noqa: E402

from cnnlib.activations import softmax  # noqa: E402
from cnnlib.handwriting import drawing_to_mnist  # noqa: E402
from cnnlib.nets.kernel_net import build_kernel_net  # noqa: E402
from cnnlib.nets.pooling_net import build_pooling_net  # noqa: E402
from cnnlib.plotting.draw_a_digit import TrainedNet, describe_prediction, drawing_state, plot_drawing  # noqa: E402
from cnnlib.widgets.draw_a_digit import draw_a_digit  # noqa: E402


def demo_nets():
    return {"pooling CNN": TrainedNet(build_pooling_net(0), centered=True),
            "kernel net": TrainedNet(build_kernel_net())}


def test_drawing_state_runs_every_network_as_trained():
    nets = demo_nets()
    x = drawing_to_mnist(one_stroke(), CANVAS)
    state = drawing_state(nets, x)
    pooling, kernel = state.responses
    assert [name for name, _ in pooling.maps] == ["0: Conv2D", "1: MaxPool2D"]
    assert [m.shape for _, m in pooling.maps] == [(8, 26, 26), (8, 13, 13)]
    assert [name for name, _ in kernel.maps] == ["0: Conv2D", "1: Tanh"]  # no Dropout: test mode skips it
    expected = softmax(nets["pooling CNN"].net.forward((x - 0.5).astype(np.float32)[None, None]))[0]
    np.testing.assert_allclose(pooling.probs, expected, rtol=1e-6)  # centred, as the pooling net learned
    expected = softmax(nets["kernel net"].net.forward(x.astype(np.float32)[None, None]))[0]
    np.testing.assert_allclose(kernel.probs, expected, rtol=1e-6)


def mouse(demo, event, x, y):
    """What ipycanvas receives from the browser for one mouse event."""
    demo.canvas._handle_frontend_event(None, {"event": event, "x": x, "y": y}, [])


def test_a_mouse_stroke_changes_the_prediction_and_nothing_is_printed(capsys):
    demo = draw_a_digit(demo_nets())
    assert repr(demo) == "DrawingDemo(pooling CNN, kernel net; 0 strokes)"
    assert demo.status.value == "draw a digit" and not demo.image().any()
    empty_picture, empty_input = demo.picture.value, demo.input_view.value
    mouse(demo, "mouse_down", 140, 40)
    for y in range(50, 250, 10):
        mouse(demo, "mouse_move", 140, y)
    assert demo.strokes == []  # nothing predicted while the stroke is being drawn
    mouse(demo, "mouse_up", 140, 240)
    assert len(demo.strokes) == 1 and len(demo.strokes[0]) == 21  # down, 20 moves (up repeats the last)
    np.testing.assert_allclose(demo.image(), drawing_to_mnist(demo.strokes, CANVAS))
    assert demo.status.value.startswith("pooling CNN: ") and "kernel net: " in demo.status.value
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
    pooling, kernel = ([shown_px(m.ax, min(m.tile_shape), 1.0) for m in mosaics] for mosaics in demo.view.mosaics)
    assert min(pooling) >= 80  # 8 maps a layer
    assert min(kernel) >= 55  # 16 maps a layer


def test_plot_drawing_draws_a_row_per_network():
    state = drawing_state(demo_nets(), drawing_to_mnist(one_stroke(), CANVAS))
    fig = plot_drawing(state)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == ["pooling CNN · layer 0: Conv2D (8 maps)", "pooling CNN · layer 1: MaxPool2D (8 maps)",
                      "pooling CNN: probabilities", "kernel net · layer 0: Conv2D (16 maps)",
                      "kernel net · layer 1: Tanh (16 maps)", "kernel net: probabilities"]
    bars = [patch.get_height() for patch in fig.axes[2].patches]
    np.testing.assert_allclose(bars, state.responses[0].probs)
    best = int(np.argmax(state.responses[0].probs))
    assert describe_prediction(state.responses[0]) == f"pooling CNN: {best} ({100 * bars[best]:.0f}%)"
