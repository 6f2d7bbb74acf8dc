"""The JupyterLite site: built offline, and its JupyterLab opens a course notebook in Chromium.

tools/course_site.py builds the site into pytest's temporary folder (cnnlib wheel from this
checkout, the notebooks, images/). The browser may load only from the local server; every other
request is aborted and recorded. Offline the Pyodide kernel cannot start: its runtime comes from
Pyodide's CDN in a student's browser. So the test asserts that the notebook's UI renders (title
cell, a code cell, a stored figure), that no local file is missing and that whatever was blocked
belongs to the Pyodide runtime, and prints what was blocked (run pytest with -s to see it).

Skipped only where /usr/bin/chromium or jupyterlite-core is missing (`python3 course.py test` installs both).
"""

import functools
import http.server
import importlib.util
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
NOTEBOOK = "notebooks/01_weight_sharing.ipynb"

_spec = importlib.util.spec_from_file_location("course_site", ROOT / "tools" / "course_site.py")
site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(site)

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium)"),
    pytest.mark.skipif(importlib.util.find_spec("jupyterlite_core") is None,
                       reason="jupyterlite-core is not installed (pip install -e '.[site]')"),
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """Build the site once into a temporary folder and serve it on localhost; yield (base URL, site folder)."""
    tmp = tmp_path_factory.mktemp("lite")
    out = site.build_site(out_dir=tmp / "site", work_dir=tmp / "build")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", out
    finally:
        server.shutdown()
        server.server_close()


def test_site_holds_the_course(served_site):
    _, out = served_site
    wheels = {p.name.split("-")[0] for p in (out / "pypi").glob("*.whl")}
    assert {"cnnlib", "ipywidgets", "comm"} <= wheels
    notebooks = {p.name for p in (out / "files" / "notebooks").glob("*.ipynb")}
    assert notebooks == {p.name for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
    assert (out / "files" / "images").is_dir() and (out / "images").is_dir()
    keras_notebook = (out / "files" / "notebooks" / "07_keras_bridge.ipynb").read_text()
    assert "Skipped in the browser" in keras_notebook and "import keras" not in keras_notebook


def test_site_opens_a_notebook_offline(served_site, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    base, _ = served_site
    blocked, failed = [], []

    def only_local(route):
        if route.request.url.startswith((base, "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
        context.route("**/*", only_local)
        page = context.new_page()
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.goto(f"{base}/lab/index.html?path={NOTEBOOK}")

        panel = page.locator(".jp-NotebookPanel").first
        expect(panel.locator(".jp-RenderedMarkdown h1").first).to_contain_text("01 · Weight sharing", timeout=60_000)
        expect(panel.locator(".jp-CodeCell").first).to_be_visible(timeout=30_000)
        figure = panel.locator(".jp-OutputArea-output img").first
        for _ in range(40):  # JupyterLab draws only the cells in view: scroll until a stored figure shows
            if figure.count() and figure.is_visible():
                break
            panel.locator(".jp-WindowedPanel-outer").first.evaluate("el => el.scrollBy(0, el.clientHeight * 0.8)")
            page.wait_for_timeout(150)
        expect(figure).to_be_visible(timeout=30_000)
        assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
        page.wait_for_timeout(3_000)  # give the kernel time to try to start
        page.screenshot(path=str(tmp_path / "jupyterlite.png"))
        context.close()
        browser.close()

    print("\nblocked (not local):", *blocked or ["nothing"], sep="\n  ")
    print("failed local requests:", *failed or ["none"], sep="\n  ")
    assert all("pyodide" in url for url in blocked), f"blocked requests other than Pyodide's runtime: {blocked}"
    assert failed == [], f"files missing from the site: {failed}"
