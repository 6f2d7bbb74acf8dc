"""The widgets in a real browser: JupyterLab + Chromium, a slider moved with the keyboard.

tools/jupyterlab_session.py starts JupyterLab on a temporary directory holding a small widgets
notebook and opens it in Debian's Chromium (driven by Playwright); this test checks that the
convolution stepper and the kernel explorer render, and that moving the stepper's position slider
with the arrow keys changes the sum label and the rendered picture. Its screenshot goes to pytest's
temporary folder (the README's picture comes from ``python tools/make_images.py --screenshot``).

Skipped only where Chromium is missing at /usr/bin/chromium (``python3 course.py test``
installs it where it can).
"""

import importlib.util
from pathlib import Path

import pytest

SESSION_FILE = Path(__file__).resolve().parents[1] / "tools" / "jupyterlab_session.py"
_spec = importlib.util.spec_from_file_location("jupyterlab_session", SESSION_FILE)
session = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(session)

pytestmark = pytest.mark.skipif(not session.CHROMIUM.exists(), reason=f"Chromium not found at {session.CHROMIUM} "
                                "(install it with: apt-get install chromium)")


def picture_bytes(locator):
    """What the browser shows for an <img>: a PNG screenshot of the element."""
    return locator.screenshot(timeout=session.TIMEOUT_MS)


def test_widgets_render_and_respond_in_jupyterlab(tmp_path):
    from playwright.sync_api import expect

    with session.widgets_lab(tmp_path / "lab") as url, session.chromium_page(tmp_path / "chromium") as page:
        stepper, _ = session.run_widgets_notebook(page, url)
        label = session.sum_label(stepper)
        expect(label).to_contain_text("output[8, 6]")
        before_text = label.inner_text()
        before_picture = picture_bytes(stepper.locator("img"))
        before_src = stepper.locator("img").get_attribute("src")

        session.press_position_slider(stepper, "ArrowRight", 3)
        expect(label).to_contain_text("output[8, 9]")
        expect(stepper.locator("img")).not_to_have_attribute("src", before_src)
        session.wait_for_picture(page, stepper)
        assert label.inner_text() != before_text
        assert picture_bytes(stepper.locator("img")) != before_picture

        shot = tmp_path / "widgets_in_jupyterlab.png"
        session.screenshot(page, shot)
        assert shot.stat().st_size > 10_000  # a real page, not an empty one
