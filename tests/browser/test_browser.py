"""The widgets in a real browser: JupyterLab + Chromium, a slider moved with the keyboard.

The session's JupyterLab (conftest.py) serves a small widgets notebook (coursekit.browser); this test runs it
in Chromium and checks that the convolution stepper and the kernel explorer render, and that moving the
stepper's position slider with the arrow keys changes the sum label and the rendered picture. Its screenshot
goes to pytest's temporary folder (the README's picture comes from ``python -m coursekit images --screenshot``).
"""

from coursekit import browser as session


def picture_bytes(locator):
    """What the browser shows for an <img>: a PNG screenshot of the element."""
    return locator.screenshot(timeout=session.TIMEOUT_MS)


def test_widgets_render_and_respond_in_jupyterlab(lab, page, tmp_path):
    from playwright.sync_api import expect

    stepper, _ = session.run_widgets_notebook(page, lab.url("widgets.ipynb"))
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
