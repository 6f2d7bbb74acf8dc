"""The widgets in a real browser: JupyterLab + Chromium, a slider moved with the keyboard.

Starts JupyterLab (from this Python environment) on 127.0.0.1 with a token and fresh
settings/config/runtime/workspace directories, serving a temporary directory that holds a
notebook written here with nbformat (no .ipynb is committed under tests/: nbval would
collect it). Debian's Chromium, driven by Playwright, opens the notebook, runs all cells,
waits for the convolution stepper and the kernel explorer to render, moves the stepper's
position slider with the arrow keys and checks that the sum label and the rendered picture
changed. A screenshot goes to images/widgets_in_jupyterlab.png (used by the README).

Skipped only where Chromium is missing at /usr/bin/chromium (``python3 course.py test``
installs it where it can).
"""

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOT = Path(__file__).resolve().parents[1] / "images" / "widgets_in_jupyterlab.png"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium not found at {CHROMIUM} "
                                "(install it with: apt-get install chromium)")

NOTEBOOK_CELLS = [
    """\
import numpy as np
from cnnlib.data import load_mnist, to_float
from cnnlib.widgets import convolution_stepper, kernel_explorer

(x_train, y_train), _ = load_mnist(n_train=10)
images = to_float(x_train)  # (10, 1, 28, 28) in [0, 1]
sobel = np.array([[1, 0, -1], [2, 0, -2], [1, 0, -1]], dtype=np.float32)""",
    """\
stepper = convolution_stepper(images[0, 0], sobel, padding=1)
stepper.position.value = 8 * 28 + 6
stepper""",
    """\
# Eight edge detectors: the Sobel kernel turned in steps of 45 degrees.
ring = [(0, 0), (0, 1), (0, 2), (1, 2), (2, 2), (2, 1), (2, 0), (1, 0)]
kernels = []
for turn in range(8):
    k = np.zeros((3, 3), dtype=np.float32)
    for (r, c), (r0, c0) in zip(ring, ring[turn:] + ring[:turn]):
        k[r, c] = sobel[r0, c0]
    kernels.append(k)
explorer = kernel_explorer(np.stack(kernels)[:, None], images, kernel_index=2)
explorer""",
]


def write_notebook(path):
    cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(nb, path)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url, proc, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer {url} within {timeout_s} s")


def stop_server(proc, base, token):
    """Ask the server to shut down (it stops its kernels), then end its process group."""
    if proc.poll() is None:
        try:
            request = urllib.request.Request(f"{base}/api/shutdown", method="POST",
                                             headers={"Authorization": f"token {token}"})
            urllib.request.urlopen(request, timeout=5).close()
            proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture
def jupyter_lab(tmp_path):
    """A JupyterLab server on a free port with fresh directories; yields (url of the notebook, token)."""
    root = tmp_path / "work"
    root.mkdir()
    write_notebook(root / "widgets.ipynb")
    dirs = {name: tmp_path / name for name in ("settings", "workspaces", "config", "runtime")}
    for d in dirs.values():
        d.mkdir()
    # No "news" pop-up and no update check: nothing may reach the network or cover the notebook.
    notification = dirs["settings"] / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    notification.parent.mkdir(parents=True)
    notification.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
               JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]), JUPYTER_CONFIG_DIR=str(dirs["config"]),
               JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), MPLBACKEND="Agg")
    port, token = free_port(), secrets.token_hex(16)
    log = open(tmp_path / "jupyterlab.log", "w")
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
               "--LabApp.extension_manager=readonly"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines often run tests as root
    proc = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(f"{base}/api/status?token={token}", proc)
        yield f"{base}/lab/tree/widgets.ipynb?token={token}", token
    finally:
        stop_server(proc, base, token)
        log.close()


def picture_bytes(locator):
    """What the browser shows for an <img>: a PNG screenshot of the element."""
    return locator.screenshot(timeout=TIMEOUT_MS)


def test_widgets_render_and_respond_in_jupyterlab(jupyter_lab, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    url, _ = jupyter_lab
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 1720}, device_scale_factor=1)
        try:
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            page.goto(url)
            page.locator(".jp-Notebook").first.wait_for()
            page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()  # fold the file browser
            # Cells run before the kernel is up would be dropped: wait for "Python 3 (ipykernel) | Idle".
            expect(page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle"))).to_have_count(1)
            page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
            page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

            widgets = page.locator(".cnnlib-widget")
            expect(widgets).to_have_count(2, timeout=60_000)
            stepper, explorer = widgets.nth(0), widgets.nth(1)
            for widget in (stepper, explorer):
                expect(widget.locator("img")).to_have_attribute("src", re.compile(r"^(blob|data):"))
                page.wait_for_function("img => img.complete && img.naturalWidth > 1000",
                                       arg=widget.locator("img").element_handle())
            label = stepper.locator(".widget-html-content", has_text="sum of window")
            expect(label).to_contain_text("output[8, 6]")
            before_text = label.inner_text()
            before_picture = picture_bytes(stepper.locator("img"))
            before_src = stepper.locator("img").get_attribute("src")

            handle = stepper.locator(".widget-slider", has_text="position").locator(".noUi-handle")
            handle.focus()
            for _ in range(3):
                handle.press("ArrowRight")
            expect(label).to_contain_text("output[8, 9]")
            expect(stepper.locator("img")).not_to_have_attribute("src", before_src)
            page.wait_for_function("img => img.complete && img.naturalWidth > 1000",
                                   arg=stepper.locator("img").element_handle())
            after_text = label.inner_text()
            after_picture = picture_bytes(stepper.locator("img"))
            assert after_text != before_text
            assert after_picture != before_picture

            page.mouse.move(0, 0)  # no hover highlight in the screenshot
            page.evaluate("document.activeElement && document.activeElement.blur()")
            SCREENSHOT.parent.mkdir(exist_ok=True)
            page.screenshot(path=str(SCREENSHOT))
        finally:
            context.close()
