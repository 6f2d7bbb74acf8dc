"""JupyterLab in headless Chromium, running the course's two widgets: shared by tests/test_browser.py
(which asserts on what the browser shows) and tools/make_images.py (which takes the README's screenshot).

A JupyterLab server starts from the current Python on 127.0.0.1 with a token and fresh
settings/config/runtime/workspace directories, serving a temporary directory that holds a notebook
written with nbformat. Debian's Chromium, driven by Playwright, opens it and runs all cells.
Importing this module needs only the standard library (course.py uses ``write_quiet_settings``);
nbformat and Playwright are imported where they are used.
"""

from __future__ import annotations

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
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000
VIEWPORT = {"width": 1400, "height": 1720}

WIDGETS_NOTEBOOK_CELLS = [
    """\
import numpy as np
from cnnlib.data import load_mnist
from cnnlib.data import to_float
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


def write_quiet_settings(settings_dir: Path, overwrite: bool = True) -> None:
    """JupyterLab settings with no "news" pop-up and no update check (nothing may need the network)."""
    path = Path(settings_dir) / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    if path.exists() and not overwrite:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))


def write_widgets_notebook(path: Path) -> None:
    import nbformat

    cells = [nbformat.v4.new_code_cell(source) for source in WIDGETS_NOTEBOOK_CELLS]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(nb, path)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, proc: subprocess.Popen, timeout_s: float = 60) -> None:
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


def stop_server(proc: subprocess.Popen, base: str, token: str) -> None:
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


@contextmanager
def widgets_lab(tmp_dir: Path):
    """A JupyterLab server serving the widgets notebook, all state under tmp_dir; yields the notebook's URL."""
    tmp_dir = Path(tmp_dir)
    root = tmp_dir / "work"
    root.mkdir(parents=True)
    write_widgets_notebook(root / "widgets.ipynb")
    dirs = {name: tmp_dir / name for name in ("settings", "workspaces", "config", "runtime")}
    for d in dirs.values():
        d.mkdir()
    write_quiet_settings(dirs["settings"])
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),
               JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]), JUPYTER_CONFIG_DIR=str(dirs["config"]),
               JUPYTER_RUNTIME_DIR=str(dirs["runtime"]), MPLBACKEND="Agg")
    token = secrets.token_hex(16)
    log_path = tmp_dir / "jupyterlab.log"
    for attempt in range(5):
        # A port found free can be taken before JupyterLab binds it (kernels of a concurrent test run open
        # ports all the time): JupyterLab then exits at once saying so, and we try another port.
        port = free_port()
        command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
                   f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
                   f"--ServerApp.root_dir={root}", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.extension_manager=readonly"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.append("--allow-root")  # containers and CI machines often run as root
        base = f"http://127.0.0.1:{port}"
        with open(log_path, "w") as log:
            proc = subprocess.Popen(command, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        try:
            wait_for_server(f"{base}/api/status?token={token}", proc)
        except RuntimeError:
            if attempt < 4 and f"port {port} is not available" in log_path.read_text():
                continue
            raise
        break
    try:
        yield f"{base}/lab/tree/widgets.ipynb?token={token}"
    finally:
        stop_server(proc, base, token)


@contextmanager
def chromium_page(profile_dir: Path):
    """A Playwright page in headless Chromium (/usr/bin/chromium) with a fresh profile."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)  # expect's own default is 5 s: too short for a busy machine
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile_dir), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS,
            viewport=VIEWPORT, device_scale_factor=1)
        try:
            context.set_default_timeout(TIMEOUT_MS)
            yield context.new_page()
        finally:
            context.close()


def open_and_run_all(page, url: str) -> None:
    """Open the notebook at ``url``, wait for its kernel, and run all cells from the Run menu."""
    from playwright.sync_api import expect

    page.goto(url)
    page.locator(".jp-Notebook").first.wait_for()
    page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()  # fold the file browser
    # Cells run before the kernel is up would be dropped: wait for "Python 3 (ipykernel) | Idle".
    expect(page.locator(".jp-StatusBar-TextItem", has_text=re.compile(r"\| Idle"))).to_have_count(1)
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def run_widgets_notebook(page, url: str):
    """Open the notebook, run all cells, wait until both widgets show a picture; return (stepper, explorer)."""
    from playwright.sync_api import expect

    open_and_run_all(page, url)
    widgets = page.locator(".cnnlib-widget")
    expect(widgets).to_have_count(2, timeout=60_000)
    for widget in (widgets.nth(0), widgets.nth(1)):
        wait_for_picture(page, widget)
    return widgets.nth(0), widgets.nth(1)


def wait_for_picture(page, widget) -> None:
    """Wait until the widget's <img> holds a rendered picture (a blob/data URL, fully decoded)."""
    from playwright.sync_api import expect

    expect(widget.locator("img")).to_have_attribute("src", re.compile(r"^(blob|data):"))
    page.wait_for_function("img => img.complete && img.naturalWidth > 1000",
                           arg=widget.locator("img").element_handle())


def sum_label(stepper):
    """The stepper's text line "...: output[i, j] = sum of window x kernel = ..."."""
    return stepper.locator(".widget-html-content", has_text="sum of window")


def press_position_slider(stepper, key: str, times: int) -> None:
    """Move the stepper's position slider with the keyboard, as a student would."""
    handle = stepper.locator(".widget-slider", has_text="position").locator(".noUi-handle")
    handle.focus()
    for _ in range(times):
        handle.press(key)


def screenshot(page, path: Path) -> None:
    """The whole page, without a hover highlight or a focus ring."""
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
