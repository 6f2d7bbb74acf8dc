"""Chromium and the course in it: the browser tests (tests/browser/) and the README's screenshots share this.

- ``CHROMIUM`` and ``CHROMIUM_ARGS``, the one place that says which browser runs and how; ``ensure_chromium``
  installs Debian's where the test command may; ``launch`` starts it headless through Playwright.
- ``lab_server``: the student's JupyterLab (coursekit.lab's command line, this Python's extensions) on
  127.0.0.1 with a token, serving a temporary folder, its config, runtime, settings and workspaces there too.
- The widgets notebook the browser test and the README's screenshot run, and what they do with it.

Importing this module needs only the standard library; nbformat and Playwright are imported where used.
"""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import re
import secrets
import shutil
import signal
import subprocess
import threading
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from coursekit.lab import free_port, jupyterlab_command, jupyterlab_env, wait_for_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000  # a busy 2-core machine can be slow; every wait is for something that must happen
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


def ensure_chromium() -> None:
    """Install Debian's Chromium for the browser tests where this machine allows it (root and apt-get)."""
    if CHROMIUM.exists():
        return
    if not (shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0):
        print(f"note: {CHROMIUM} is missing and cannot be installed here (needs root and apt-get); "
              "the browser tests will be skipped.", flush=True)
        return
    print("Installing Chromium for the browser tests (apt-get, about a minute) ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], env=env, check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"], env=env,
                   check=True, stdout=subprocess.DEVNULL)


def launch(playwright):
    """Headless Chromium (CHROMIUM) through a started Playwright; waits use TIMEOUT_MS unless told otherwise."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT_MS)  # expect's own default is 5 s: too short for a busy machine
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def new_page(browser, viewport: dict | None = None, **context_options):
    """A page in a fresh browser context (its own cookies and storage) at device scale 1."""
    context = browser.new_context(viewport=viewport or VIEWPORT, device_scale_factor=1, **context_options)
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


@contextmanager
def chromium_page(viewport: dict | None = None):
    """One page in headless Chromium, for a script (the tests share one browser through their fixtures)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p)
        try:
            yield new_page(browser, viewport)
        finally:
            browser.close()


class LabServer:
    """A running JupyterLab: its folder (root) and the address of a file in it (url)."""

    def __init__(self, root: Path, port: int, token: str):
        self.root, self.base, self.token = root, f"http://127.0.0.1:{port}", token
        self.workspaces = itertools.count(1)

    def url(self, path: str = "") -> str:
        """The address that opens path in a workspace of its own: no tab of an earlier page is restored."""
        return f"{self.base}/lab/workspaces/page{next(self.workspaces)}/tree/{path}?token={self.token}"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve_folder(folder: Path):
    """Serve folder over HTTP on 127.0.0.1 (a built deck or site, as a web host would); yield its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def write_notebook(path: Path, cells: list[str]) -> None:
    """A notebook of code cells (not run) for the Python 3 kernel."""
    import nbformat

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells], metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(nb, path)


@contextmanager
def lab_server(tmp_dir: Path):
    """The student's JupyterLab serving tmp_dir/work (with widgets.ipynb), all its state under tmp_dir."""
    tmp_dir = Path(tmp_dir)
    root = tmp_dir / "work"
    root.mkdir(parents=True)
    write_notebook(root / "widgets.ipynb", WIDGETS_NOTEBOOK_CELLS)
    env = jupyterlab_env(tmp_dir, dict(os.environ, MPLBACKEND="Agg", JUPYTER_CONFIG_DIR=str(tmp_dir / "config"),
                                       JUPYTER_RUNTIME_DIR=str(tmp_dir / "runtime")))
    token, log_path = secrets.token_hex(16), tmp_dir / "jupyterlab.log"
    for attempt in range(5):
        # A port found free can be taken before JupyterLab binds it (kernels of a concurrent test run open
        # ports all the time): JupyterLab then exits at once saying so, and we try another port.
        port = free_port()
        cmd = jupyterlab_command(root, ["--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
                                        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"])
        with open(log_path, "w") as log:
            proc = subprocess.Popen(cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT,
                                    start_new_session=True)
        if wait_for_server(proc, port, token):
            break
        if attempt == 4 or f"port {port} is not available" not in log_path.read_text():
            raise RuntimeError(f"JupyterLab exited with code {proc.returncode}:\n{log_path.read_text()[-2000:]}")
    try:
        yield LabServer(root, port, token)
    finally:
        stop_server(proc, f"http://127.0.0.1:{port}", token)


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
