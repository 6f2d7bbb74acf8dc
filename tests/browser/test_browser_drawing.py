"""The drawing demo in a real browser: JupyterLab + Chromium, digits drawn off-centre with the mouse.

The session's JupyterLab (conftest.py) gets a small notebook of this test's own: it trains notebook 11's two
networks as notebook 11 does (LeNet + shifts: 08's recipe, seed 0, random shifts of up to 3 pixels; the kernel net:
25 iterations) and shows ``draw_a_digit``. Playwright draws digits off-centre with the mouse on the ipycanvas
canvas and reads what the demo shows next to it, with the "centre like MNIST" box ticked (the drawing prepared as
MNIST's digits were) and unticked (the drawing only shrunk, where it was drawn). It prints what each network
answers (``pytest -s`` shows it) and asserts only what must hold whatever the networks answer: a stroke replaces
"draw a digit" with both networks' answers and redraws the picture, the box changes the input the networks see,
Undo brings back "draw a digit". Screenshot: pytest's temporary folder.

Run as a script, it draws every digit of DIGITS the same way, prints what the demo shows for each, and saves the
screenshot of the demo with the 4 drawn right of centre, box unticked, to images/draw_a_digit.png::

    python tests/browser/test_browser_drawing.py
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # when run as a script
from coursekit import browser as session  # noqa: E402

NOTEBOOK = "drawing.ipynb"
PREDICTION = ".cnnlib-drawing-prediction"
ANSWERS = re.compile(r"LeNet \+ shifts: \d \(\d+%\) \| kernel net: \d \(\d+%\)")

# Strokes in canvas pixels (280 x 280), as a student might draw them, none of them in the middle.
DIGITS = {
    "1, 40 pixels left of the middle": [[(105, 40), (98, 240)]],
    "7 towards the top-right corner": [[(115, 30), (230, 30)], [(230, 30), (175, 220)]],
    "7 small, in the top-left corner": [[(25, 25), (100, 25)], [(100, 25), (65, 120)]],
    "4, 40 pixels right of the middle": [[(210, 50), (120, 170), (250, 170)], [(210, 50), (210, 240)]],
}
DRAWN_IN_THE_TEST = ("1, 40 pixels left of the middle", "7 small, in the top-left corner")
SCREENSHOT_DIGIT = "4, 40 pixels right of the middle"

NOTEBOOK_CELL = """\
import numpy as np

from cnnlib.augment import random_shifts
from cnnlib.data import load_mnist, to_float
from cnnlib.nets.kernel_net import train_kernel_net
from cnnlib.nets.lenet import LENET_LR, build_lenet
from cnnlib.nets.recipe import AUGMENT_MAX_SHIFT, recipe_split, train_with_recipe
from cnnlib.plotting.draw_a_digit import TrainedNet
from cnnlib.widgets.draw_a_digit import draw_a_digit

(x_train_raw, y_train), _ = load_mnist(n_train=1000)
x_fit, y_fit, x_val, y_val = recipe_split(to_float(x_train_raw, dtype=np.float64), y_train)
lenet = build_lenet(0)
train_with_recipe(lenet, x_fit, y_fit, x_val, y_val, lr=LENET_LR, rng=1, augment=random_shifts(AUGMENT_MAX_SHIFT))
kernel_net, _ = train_kernel_net(x_train_raw, y_train, iterations=25, progress=None)
demo = draw_a_digit({"LeNet + shifts": TrainedNet(lenet), "kernel net": TrainedNet(kernel_net)})
demo"""


def open_demo(page, url):
    """Open the notebook, run it, wait until the demo shows its picture; return the demo's locator."""
    from playwright.sync_api import expect

    session.open_and_run_all(page, url)
    demo = page.locator(".cnnlib-widget")
    expect(demo.locator(PREDICTION)).to_have_text("draw a digit", timeout=90_000)  # after both networks trained
    expect(demo.locator("img").last).to_have_attribute("src", re.compile(r"^(blob|data):"))
    return demo


def redrawn(demo, action):
    """Do ``action()``, then wait until the demo's picture (updated last, after the prediction and the input) is
    redrawn."""
    from playwright.sync_api import expect

    picture = demo.locator("img").last
    before = picture.get_attribute("src")
    action()
    expect(picture).not_to_have_attribute("src", before)


def draw(page, demo, strokes, steps=12):
    """Draw strokes on the demo's canvas with the mouse (press, drag in steps, release), each stroke waiting for the
    redrawn picture."""
    box = demo.locator("canvas").first.bounding_box()

    def stroke_with_the_mouse(stroke):
        (x0, y0), rest = stroke[0], stroke[1:]
        page.mouse.move(box["x"] + x0, box["y"] + y0)
        page.mouse.down()
        for x, y in rest:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=steps)
        page.mouse.up()

    for stroke in strokes:
        redrawn(demo, lambda stroke=stroke: stroke_with_the_mouse(stroke))


def shown_prediction(demo):
    """The prediction shown next to the canvas, the networks' lines joined by ' | '."""
    return " | ".join(line.strip() for line in demo.locator(PREDICTION).inner_text().splitlines() if line.strip())


def centring(demo):
    return demo.get_by_role("checkbox", name="centre like MNIST")


def answers_both_ways(demo):
    """What the demo shows with the box as it is, then toggled: ({True: centred answers, False: not}, the input
    image's address each way). Leaves the box toggled."""
    box, image = centring(demo), demo.locator("img").first
    first = box.is_checked()
    shown, inputs = {first: shown_prediction(demo)}, {first: image.get_attribute("src")}
    redrawn(demo, box.click)
    shown[not first], inputs[not first] = shown_prediction(demo), image.get_attribute("src")
    return shown, inputs


def clear(demo):
    redrawn(demo, demo.get_by_role("button", name="Clear").click)


def report(label, shown):
    print(f"drawn {label}:\n    centred like MNIST: {shown[True]}\n    only shrunk:        {shown[False]}")


def test_digits_drawn_off_centre_with_the_mouse_get_both_networks_answers(lab, page, tmp_path):
    from playwright.sync_api import expect

    session.write_notebook(lab.root / NOTEBOOK, [NOTEBOOK_CELL])
    demo = open_demo(page, lab.url(NOTEBOOK))
    expect(centring(demo)).to_be_checked()
    for i, label in enumerate(DRAWN_IN_THE_TEST):
        if i:
            clear(demo)
            expect(demo.locator(PREDICTION)).to_have_text("draw a digit")
        draw(page, demo, DIGITS[label])
        shown, inputs = answers_both_ways(demo)
        report(label, shown)
        assert all(ANSWERS.fullmatch(text) for text in shown.values()), shown
        assert inputs[True] != inputs[False]  # the networks saw another input
    shot = tmp_path / "draw_a_digit.png"
    session.screenshot(page, shot)
    assert shot.stat().st_size > 10_000  # a real page, not an empty one

    while demo.locator(PREDICTION).inner_text().strip() != "draw a digit":
        redrawn(demo, demo.get_by_role("button", name="Undo").click)  # one stroke per click
    expect(demo.locator(PREDICTION)).to_have_text("draw a digit")


def record(screenshot_path):
    """Draw each of DIGITS with the mouse; print what the demo shows for each, both ways; draw SCREENSHOT_DIGIT
    again with the box unticked and save a screenshot of the demo."""
    import tempfile

    from playwright.sync_api import expect

    with tempfile.TemporaryDirectory() as tmp:
        with session.lab_server(Path(tmp)) as lab, session.chromium_page() as page:
            session.write_notebook(lab.root / NOTEBOOK, [NOTEBOOK_CELL])
            demo = open_demo(page, lab.url(NOTEBOOK))
            for i, (label, strokes) in enumerate(DIGITS.items()):
                if i:
                    clear(demo)
                draw(page, demo, strokes)
                shown, _ = answers_both_ways(demo)
                report(label, shown)
            if centring(demo).is_checked():  # untick it while there is a drawing to redraw
                redrawn(demo, centring(demo).click)
            clear(demo)
            expect(centring(demo)).not_to_be_checked()
            draw(page, demo, DIGITS[SCREENSHOT_DIGIT])
            print(f"screenshot: drawn {SCREENSHOT_DIGIT}, only shrunk: {shown_prediction(demo)}")
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
    parser.add_argument("--out", default=str(ROOT / "images" / "draw_a_digit.png"))
    args = parser.parse_args()
    record(Path(args.out))
    sys.exit(0)
