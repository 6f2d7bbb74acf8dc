"""The JupyterLite site: built offline, and its JupyterLab opens a course notebook in Chromium.

coursekit.site builds the site into pytest's temporary folder (cnnlib wheel from this checkout, the notebooks,
images/) with the builder's own environment, .course/site-venv. The browser may load only from the local
server; every other request is aborted and recorded. Offline the Pyodide kernel cannot start: its runtime comes
from Pyodide's CDN in a student's browser. So the test asserts that the notebook's UI renders (title cell, a code
cell, a stored figure), that no local file is missing and that whatever was blocked belongs to the Pyodide
runtime, and prints what was blocked (run pytest with -s to see it).

Skipped only where Chromium or .course/site-venv is missing (``python3 course.py test`` installs both).
"""

import json

import pytest

from coursekit import site
from coursekit.browser import serve_folder
from coursekit.install import SITE_VENV, venv_python
from coursekit.notebooks import COURSE, by_stem

NOTEBOOK = by_stem("weight_sharing")


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """Build the site once into a temporary folder and serve it on localhost; yield (base URL, site folder)."""
    if not venv_python(SITE_VENV).exists():
        pytest.skip(f"the site's builder is not installed in {SITE_VENV} (python3 course.py site installs it)")
    tmp = tmp_path_factory.mktemp("lite")
    out = site.build_site(venv_python(SITE_VENV), out_dir=tmp / "site", work_dir=tmp / "build")
    with serve_folder(out) as base:
        yield base, out


def test_site_holds_the_course(served_site):
    _, out = served_site
    wheels = {p.name.split("-")[0] for p in (out / "pypi").glob("*.whl")}
    assert {"cnnlib", "ipywidgets", "comm"} <= wheels
    assert {p.name for p in (out / "files" / "notebooks").glob("*.ipynb")} == {n.name for n in COURSE}
    assert (out / "files" / "images").is_dir() and (out / "images").is_dir()
    keras_notebook = (out / "files" / "notebooks" / by_stem("keras_bridge").name).read_text()
    assert "Skipped in the browser" in keras_notebook and "import keras" not in keras_notebook
    extensions = json.loads((out / "jupyter-lite.json").read_text())["jupyter-config-data"]["federated_extensions"]
    names = {e["name"] for e in extensions}
    assert {"@jupyter-widgets/jupyterlab-manager", "ipycanvas", "@jupyterlite/pyodide-kernel-extension"} <= names


def test_site_opens_a_notebook_offline(served_site, browser, tmp_path):
    from playwright.sync_api import expect

    base, _ = served_site
    blocked, failed = [], []

    def only_local(route):
        if route.request.url.startswith((base, "data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block")
    context.route("**/*", only_local)
    page = context.new_page()
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{base}/lab/index.html?path=notebooks/{NOTEBOOK.name}")

    panel = page.locator(".jp-NotebookPanel").first
    expect(panel.locator(".jp-RenderedMarkdown h1").first).to_contain_text(NOTEBOOK.heading, timeout=60_000)
    expect(panel.locator(".jp-CodeCell").first).to_be_visible()
    figure = panel.locator(".jp-OutputArea-output img").first
    for _ in range(40):  # JupyterLab draws only the cells in view: scroll until a stored figure shows
        if figure.count() and figure.is_visible():
            break
        panel.locator(".jp-WindowedPanel-outer").first.evaluate("el => el.scrollBy(0, el.clientHeight * 0.8)")
        page.wait_for_timeout(150)
    expect(figure).to_be_visible()
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    for _ in range(100):  # the kernel starts: it asks Pyodide's CDN for its runtime, which is blocked here
        if any("pyodide" in url for url in blocked):
            break
        page.wait_for_timeout(100)
    page.screenshot(path=str(tmp_path / "jupyterlite.png"))
    context.close()

    print("\nblocked (not local):", *blocked or ["nothing"], sep="\n  ")
    print("failed local requests:", *failed or ["none"], sep="\n  ")
    assert all("pyodide" in url for url in blocked), f"blocked requests other than Pyodide's runtime: {blocked}"
    assert failed == [], f"files missing from the site: {failed}"
