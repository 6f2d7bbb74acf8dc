"""The slides: one deck built offline and shown in headless Chromium with the network cut off.

coursekit.slides builds notebook 01's deck into pytest's temporary folder (reveal.js and the other scripts
come from the npm cache in .course/slides-npm/, installed on first use). The browser may load only from the
local server: every other request is aborted and recorded, and the test fails if there was one. It checks the
title slide, that ArrowRight moves to the next slide, that a figure is drawn from its offline copy, and
screenshots a slide into the temporary folder.

Skipped only where Chromium or npm is missing.
"""

import shutil

import pytest

from coursekit import slides
from coursekit.browser import new_page, serve_folder
from coursekit.notebooks import by_stem

NOTEBOOK = by_stem("weight_sharing")
NPM_READY = all((slides.NPM_DIR / "node_modules" / entry[0]).exists() for entry in slides.VENDORED)


def test_external_references_finds_loads_from_other_hosts():
    html = """<script src="https://unpkg.com/reveal.js@4/dist/reveal.js"></script>
    <link rel="stylesheet" href="//cdn.example.org/theme.css">
    <script type="module">import mermaid from 'https://cdn.jsdelivr.net/npm/mermaid@10/dist/mermaid.esm.min.mjs';</script>
    <style>@import url(https://fonts.googleapis.com/css?family=Roboto);
    .x { background: url('http://img.example.com/a.png') }</style>
    <script>var s = 'https://cdn.example.net/embed-amd.js';</script>"""
    assert sorted(slides.external_references(html)) == sorted([
        "https://unpkg.com/reveal.js@4/dist/reveal.js", "//cdn.example.org/theme.css",
        "http://img.example.com/a.png", "https://fonts.googleapis.com/css?family=Roboto",
        "https://cdn.jsdelivr.net/npm/mermaid@10/dist/mermaid.esm.min.mjs", "https://cdn.example.net/embed-amd.js"])


def test_external_references_ignores_local_files_and_clicked_links():
    html = """<script src="assets/require.js"></script><link href="assets/reveal.js/dist/reveal.css">
    <img src="../images/a.png"><img src="data:image/png;base64,AAAA">
    <a href="https://creativecommons.org/licenses/by-sa/3.0/">licence</a>
    <!-- see https://github.com/hakimel/reveal.js#configuration -->
    <script src="http://localhost:8000/x.js"></script>"""
    assert slides.external_references(html) == []


@pytest.fixture
def served(tmp_path):
    """Build notebook 01's deck into tmp_path and serve it on localhost; yield (base URL, deck path)."""
    if shutil.which("npm") is None and not NPM_READY:
        pytest.skip("npm not found: it is needed once to fetch reveal.js and the deck's other scripts")
    out = tmp_path / "slides"
    (deck,) = slides.build_slides([NOTEBOOK], out_dir=out)
    with serve_folder(out) as base:
        yield base, deck


def test_deck_renders_offline_and_advances(served, browser, tmp_path):
    from playwright.sync_api import expect

    base, deck = served
    assert slides.external_references(deck.read_text(encoding="utf-8")) == []
    blocked, local_failures, errors = [], [], []

    def only_local(route):
        url = route.request.url
        if url.startswith((base, "data:", "blob:", "about:")):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    page = new_page(browser, {"width": slides.SLIDE_SIZE[0], "height": slides.SLIDE_SIZE[1]})
    page.route("**/*", only_local)
    page.on("response", lambda r: local_failures.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/decks/{deck.name}")
    page.wait_for_function("window.Reveal && Reveal.isReady()")

    current = page.locator(".reveal .slides section.present").last
    expect(current.locator("h1")).to_contain_text(NOTEBOOK.heading)
    banner = current.locator("img").first  # the title slide's picture: the course banner
    expect(banner).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=banner.element_handle())
    assert banner.bounding_box()["width"] > slides.SLIDE_SIZE[0] / 2
    first = page.evaluate("JSON.stringify(Reveal.getIndices())")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"JSON.stringify(Reveal.getIndices()) !== '{first}'")
    expect(page.locator(".reveal .slides section.present").last.locator("h1")).to_have_count(0)

    # The first figure slide: the picture is there, decoded, and readable (wider than half the slide).
    figure = slides.show_first_figure(page)
    box = figure.bounding_box()
    assert figure.evaluate("img => img.complete && img.naturalWidth > 0")
    assert box["width"] > slides.SLIDE_SIZE[0] / 2, box
    shot = tmp_path / "slide.png"
    page.screenshot(path=str(shot))
    page.context.close()

    assert shot.stat().st_size > 20_000  # a rendered slide, not a blank page
    assert blocked == [], f"the deck tried to reach the network: {blocked}"
    assert local_failures == [], f"files missing from the deck's folder: {local_failures}"
    assert errors == [], f"JavaScript errors: {errors}"
