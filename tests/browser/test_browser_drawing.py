"""The drawing demo in a real browser: JupyterLab + Chromium, a "1" drawn with the mouse.

The session's JupyterLab (conftest.py) gets a small notebook of this test's own: it trains the pooling CNN
(one epoch: the test needs an answer, not a good one) and the kernel net (a few iterations) and shows
``draw_a_digit``. Playwright presses the mouse on the ipycanvas canvas, drags it down and lets go: the
prediction shown next to the canvas must change from "draw a digit" to both networks' answers, and the picture
of the maps and bars must be redrawn; Undo brings back "draw a digit". Screenshot: pytest's temporary folder.

Run as a script, it trains them as notebook 11 does, draws a 1, a 7, a 0 and a 4 with the mouse, prints what
the demo shows for each, and saves the screenshot of the demo to images/draw_a_digit.png::

    python tests/browser/test_browser_drawing.py [--iterations 25]
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # when run as a script
from coursekit import browser as session  # noqa: E402

NOTEBOOK = "drawing.ipynb"
PREDICTION = ".cnnlib-drawing-prediction"

# Strokes in canvas pixels (280 x 280), as a student might draw them.
DIGITS = {
    "1": [[(150, 50), (140, 240)]],
    "7": [[(90, 60), (200, 60)], [(200, 60), (150, 240)]],
    "0": [[(140 + 60 * s, 140 - 90 * c) for s, c in
           [(0, 1), (0.5, 0.87), (0.87, 0.5), (1, 0), (0.87, -0.5), (0.5, -0.87), (0, -1), (-0.5, -0.87),
            (-0.87, -0.5), (-1, 0), (-0.87, 0.5), (-0.5, 0.87), (0, 1)]]],
    "4": [[(170, 50), (80, 170), (210, 170)], [(170, 50), (170, 240)]],
}


def notebook_cells(kernel_iterations, pooling_epochs):
    return [f"""\
from cnnlib.data import load_mnist
from cnnlib.nets.kernel_net import train_kernel_net
from cnnlib.nets.pooling_net import train_pooling_net
from cnnlib.plotting.draw_a_digit import TrainedNet
from cnnlib.widgets.draw_a_digit import draw_a_digit

(x_train, y_train), _ = load_mnist(n_train=1000)
pooling_net, _ = train_pooling_net(x_train, y_train, num_epochs={pooling_epochs}, progress=None)
kernel_net, _ = train_kernel_net(x_train, y_train, iterations={kernel_iterations}, progress=None)
demo = draw_a_digit({{"pooling CNN": TrainedNet(pooling_net, centered=True), "kernel net": TrainedNet(kernel_net)}})
demo"""]


def open_demo(page, url):
    """Open the notebook, run it, wait until the demo shows its picture; return the demo's locator."""
    from playwright.sync_api import expect

    session.open_and_run_all(page, url)
    demo = page.locator(".cnnlib-widget")
    expect(demo.locator(PREDICTION)).to_have_text("draw a digit", timeout=60_000)
    expect(demo.locator("img").last).to_have_attribute("src", re.compile(r"^(blob|data):"))
    return demo


def draw(page, demo, strokes, steps=12):
    """Draw strokes on the demo's canvas with the mouse (press, drag in steps, release), waiting after each
    stroke until the demo's picture is redrawn (it is updated last, after the prediction and the input)."""
    from playwright.sync_api import expect

    box = demo.locator("canvas").first.bounding_box()
    picture = demo.locator("img").last
    for stroke in strokes:
        before = picture.get_attribute("src")
        (x0, y0), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + x0, box["y"] + y0)
        page.mouse.down()
        for x, y in rest:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
        page.mouse.up()
        expect(picture).not_to_have_attribute("src", before)


def shown_prediction(demo):
    """The prediction shown next to the canvas, one line per network."""
    return demo.locator(PREDICTION).inner_text()


def test_a_stroke_drawn_with_the_mouse_changes_the_prediction(lab, page, tmp_path):
    from playwright.sync_api import expect

    session.write_notebook(lab.root / NOTEBOOK, notebook_cells(kernel_iterations=5, pooling_epochs=1))
    demo = open_demo(page, lab.url(NOTEBOOK))
    picture = demo.locator("img").last
    before_src = picture.get_attribute("src")
    expect(demo.locator(PREDICTION)).to_have_text("draw a digit")
    draw(page, demo, DIGITS["1"])
    text = shown_prediction(demo)
    assert re.fullmatch(r"pooling CNN: \d \(\d+%\)\s+kernel net: \d \(\d+%\)", text.strip()), text
    expect(picture).not_to_have_attribute("src", before_src)
    shot = tmp_path / "draw_a_digit.png"
    session.screenshot(page, shot)
    assert shot.stat().st_size > 10_000  # a real page, not an empty one

    demo.get_by_role("button", name="Undo").click()
    expect(demo.locator(PREDICTION)).to_have_text("draw a digit")


def record(kernel_iterations, screenshot_path):
    """Draw each of DIGITS with the mouse, then the 7 again; print what the demo shows for each; save a
    screenshot of the demo with the 7."""
    import tempfile

    from playwright.sync_api import expect

    with tempfile.TemporaryDirectory() as tmp:
        with session.lab_server(Path(tmp)) as lab, session.chromium_page() as page:
            session.write_notebook(lab.root / NOTEBOOK, notebook_cells(kernel_iterations, pooling_epochs=3))
            demo = open_demo(page, lab.url(NOTEBOOK))
            for i, (label, strokes) in enumerate(list(DIGITS.items()) + [("7", DIGITS["7"])]):
                if i:
                    before = demo.locator("img").last.get_attribute("src")
                    demo.get_by_role("button", name="Clear").click()
                    expect(demo.locator("img").last).not_to_have_attribute("src", before)  # cleared, redrawn
                draw(page, demo, strokes)
                text = shown_prediction(demo)
                print(f"drawn {label}: " + " | ".join(text.split("\n")))
            page.wait_for_timeout(500)  # the picture's PNG decoded
            demo.scroll_into_view_if_needed()
            session.screenshot(page, screenshot_path)
            from PIL import Image
            box = demo.bounding_box()
            with Image.open(screenshot_path) as img:  # only the demo, with a margin
                img.crop((max(0, box["x"] - 10), max(0, box["y"] - 10), box["x"] + box["width"] + 10,
                          box["y"] + box["height"] + 10)).save(screenshot_path)


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="Draw digits in the demo with the mouse; save the screenshot.")
    parser.add_argument("--iterations", type=int, default=25, help="kernel net iterations (notebook 11: 25)")
    parser.add_argument("--out", default=str(ROOT / "images" / "draw_a_digit.png"))
    args = parser.parse_args()
    record(args.iterations, Path(args.out))
    sys.exit(0)
