"""Build reveal.js slide decks of the course's notebooks, fully offline.

    python -m coursekit slides                 # every notebook -> .course/slides/
    python -m coursekit slides 01 04           # only these notebooks
    python -m coursekit slides --screenshot    # also retake images/slide_example.png

Each deck is made by nbconvert's slides exporter with the course's template
(coursekit/slides_template/course_reveal: nbconvert's reveal template without its CDN-only Mermaid
import) and theme ``white`` (no web fonts); the navigation cells (coursekit.navigation) are links between
notebooks, not slides, and are left out. The JavaScript a deck loads (reveal.js 4, require.js,
jQuery 2, MathJax 2.7, the widgets' html-manager 1) comes from the npm registry, installed once
into .course/slides-npm/, and only the files a deck uses are copied into .course/slides/assets/.
Every built deck is scanned for a reference to an external host; one found is an error.
Open .course/slides/index.html in a browser (or serve the folder: python3 -m http.server).
"""

import argparse
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from coursekit import ROOT, STATE
from coursekit.navigation import is_nav
from coursekit.notebooks import add_selection_arguments, by_stem, parse_selection

OUT_DIR = STATE / "slides"
NPM_DIR = STATE / "slides-npm"
TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
TEMPLATE = "course_reveal"
EXAMPLE_PNG = ROOT / "images" / "slide_example.png"
EXAMPLE_NOTEBOOK = "weight_sharing"  # the deck whose first figure is the README's example slide
NPM_PACKAGES = ["reveal.js@4", "requirejs@2", "jquery@2", "mathjax@2.7", "@jupyter-widgets/html-manager@1"]
SLIDE_SIZE = (1280, 720)

FONT_SUFFIXES = (".woff2", ".woff", ".ttf", ".eot", ".svg")
# What a deck loads, as (path under node_modules, path under the decks' folder). Directories are copied
# whole; a third element keeps only files with those endings. The widgets' bundle fetches its icon fonts
# relative to its AMD modules: @jupyter-widgets/ and @jupyter-widgets/html-manager/dist/ next to the deck.
VENDORED = [
    ("reveal.js/dist/reveal.js", "assets/reveal.js/dist/reveal.js"),
    ("reveal.js/dist/reveal.css", "assets/reveal.js/dist/reveal.css"),
    ("reveal.js/dist/theme/white.css", "assets/reveal.js/dist/theme/white.css"),
    ("reveal.js/dist/theme/fonts/source-sans-pro", "assets/reveal.js/dist/theme/fonts/source-sans-pro"),
    ("reveal.js/plugin/notes/notes.js", "assets/reveal.js/plugin/notes/notes.js"),
    ("requirejs/require.js", "assets/require.js"),
    ("jquery/dist/jquery.min.js", "assets/jquery.min.js"),
    ("mathjax/MathJax.js", "assets/mathjax/MathJax.js"),
    ("mathjax/config/TeX-AMS_CHTML-full.js", "assets/mathjax/config/TeX-AMS_CHTML-full.js"),
    ("mathjax/config/Safe.js", "assets/mathjax/config/Safe.js"),
    ("mathjax/extensions", "assets/mathjax/extensions"),
    ("mathjax/jax/input/TeX", "assets/mathjax/jax/input/TeX"),
    ("mathjax/jax/output/CommonHTML", "assets/mathjax/jax/output/CommonHTML"),
    ("mathjax/jax/element", "assets/mathjax/jax/element"),
    ("mathjax/localization/en", "assets/mathjax/localization/en"),
    ("mathjax/fonts/HTML-CSS/TeX/woff", "assets/mathjax/fonts/HTML-CSS/TeX/woff"),
    ("@jupyter-widgets/html-manager/dist", "@jupyter-widgets/html-manager/dist"),
    ("@jupyter-widgets/html-manager/dist", "@jupyter-widgets", FONT_SUFFIXES),
]
SKIP_SUFFIXES = (".map", ".LICENSE.txt")
SKIP_NAMES = {"embed.js", "libembed-amd.js"}  # html-manager bundles a deck does not load


def install_npm_assets(npm_dir: Path = NPM_DIR) -> Path:
    """Install the deck's JavaScript packages from the npm registry once; return node_modules."""
    modules = npm_dir / "node_modules"
    if all((modules / entry[0]).exists() for entry in VENDORED):
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm not found: the slides need it once, to fetch reveal.js, require.js, jQuery, "
                           "MathJax and the widgets' html-manager (install Node.js, e.g. apt-get install npm)")
    npm_dir.mkdir(parents=True, exist_ok=True)
    print(f"installing {' '.join(NPM_PACKAGES)} into {npm_dir} (once)", flush=True)
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--prefix", str(npm_dir),
                    *NPM_PACKAGES], check=True, stdout=subprocess.DEVNULL)
    missing = [entry[0] for entry in VENDORED if not (modules / entry[0]).exists()]
    if missing:
        raise RuntimeError(f"npm install finished but these files are missing: {missing}")
    return modules


def vendor_assets(modules: Path, deck_dir: Path) -> int:
    """Copy only the files a deck loads from node_modules into deck_dir; return their bytes."""
    total = 0
    for src, dst, *only in VENDORED:
        source, target = modules / src, deck_dir / dst
        files = [source] if source.is_file() else sorted(p for p in source.rglob("*") if p.is_file())
        for f in files:
            if f.name.endswith(SKIP_SUFFIXES) or f.name in SKIP_NAMES or (only and not f.name.endswith(only[0])):
                continue
            out = target if source.is_file() else target / f.relative_to(source)
            if not out.exists() or out.stat().st_size != f.stat().st_size:
                out.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(f, out)
            total += f.stat().st_size
    return total


def slides_exporter():
    """nbconvert's slides exporter with the course's template; every asset URL is relative to the deck's assets/."""
    from nbconvert import SlidesExporter
    from traitlets.config import Config

    config = Config()
    config.TemplateExporter.extra_template_basedirs = [str(TEMPLATE_DIR)]
    config.SlidesExporter.update(
        template_name=TEMPLATE, reveal_theme="white", reveal_url_prefix="assets/reveal.js",
        reveal_width=str(SLIDE_SIZE[0]), reveal_height=str(SLIDE_SIZE[1]), reveal_transition="none",
        reveal_scroll=True, require_js_url="assets/require.js", jquery_url="assets/jquery.min.js",
        mathjax_url="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        widget_renderer_url="@jupyter-widgets/html-manager/dist/embed-amd.js")
    return SlidesExporter(config=config)


# A load from another host: src=/href= (not <a href>, a link the reader may click), CSS url() and
# @import, ES module imports, and scripts or modules named in quoted strings ending in .js/.css.
_EXTERNAL = r"""(?:https?:)?//[^\s"'<>)]+"""
_LOAD_PATTERNS = [
    re.compile(r"""<(?!a[\s>])[a-z][^<>]*?\s(?:src|href|data)\s*=\s*["']?(""" + _EXTERNAL + ")", re.I),
    re.compile(r"""url\(\s*["']?(""" + _EXTERNAL + ")", re.I),
    re.compile(r"""@import\s+["'](""" + _EXTERNAL + ")", re.I),
    re.compile(r"""\bimport\s*(?:[\w{}*,\s]+from\s*)?\(?\s*["'](""" + _EXTERNAL + ")", re.I),
    re.compile(r"""["']((?:https?:)?//[^\s"'<>]+?\.(?:js|css|mjs)(?:\?[^"']*)?)["']""", re.I),
]


def external_references(html: str) -> list:
    """Every URL on another host that this HTML would load (links in <a href> are not loads)."""
    found = []
    for pattern in _LOAD_PATTERNS:
        for url in pattern.findall(html):
            if url not in found and not url.startswith(("http://localhost", "http://127.0.0.1")):
                found.append(url)
    return found


def build_deck(exporter, notebook: Path, deck_dir: Path) -> Path:
    """Build one deck into deck_dir (its assets/ must be vendored already); return the HTML path."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [cell for cell in nb.cells if not is_nav(cell)]
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": notebook.stem,
                                                                       "path": str(notebook.parent)}})
    html = deck_dir / f"{notebook.stem}.slides.html"
    html.write_text(body, encoding="utf-8")
    bad = external_references(body)
    if bad:
        raise RuntimeError(f"{html.name} references external hosts: {bad}")
    return html


def write_index(decks: list, out_dir: Path) -> Path:
    """A plain page linking every deck."""
    items = "\n".join(f'<li><a href="decks/{d.name}">{d.name.replace(".slides.html", "")}</a></li>' for d in decks)
    index = out_dir / "index.html"
    index.write_text(f"<!DOCTYPE html>\n<html><head><meta charset='utf-8'><title>Course slides</title></head>"
                     f"<body><h1>Course slides</h1><ul>\n{items}\n</ul></body></html>\n", encoding="utf-8")
    return index


def build_slides(notebooks, out_dir: Path = OUT_DIR, npm_dir: Path = NPM_DIR) -> list:
    """Build the decks of the notebooks (registry entries) into out_dir/decks; return their paths.

    Layout: out_dir/index.html, out_dir/decks/NN_name.slides.html, out_dir/decks/assets/ (the
    vendored JavaScript; the widgets' bundle in decks/@jupyter-widgets/), out_dir/images/ (a copy
    of images/, which markdown cells link as ../images/).
    """
    deck_dir = out_dir / "decks"
    vendor_assets(install_npm_assets(npm_dir), deck_dir)
    shutil.copytree(ROOT / "images", out_dir / "images", dirs_exist_ok=True)
    exporter, decks = slides_exporter(), []
    for notebook in notebooks:
        start = time.perf_counter()
        decks.append(build_deck(exporter, notebook.path, deck_dir))
        print(f"  {decks[-1]}  ({time.perf_counter() - start:.1f} s)", flush=True)
    write_index(decks, out_dir)
    return decks


_GO_TO_IMAGE = """selector => {
    const img = document.querySelector('.reveal .slides ' + selector);
    if (!img) return false;
    const where = Reveal.getIndices(img.closest('section'));
    Reveal.slide(where.h, where.v);
    while (Reveal.nextFragment()) {}
    return true;
}"""


def show_first_figure(page, selector: str = "img"):
    """Go to the first slide holding an image (all its fragments shown); return that image's locator."""
    if not page.evaluate(_GO_TO_IMAGE, selector):
        raise RuntimeError(f"no slide holds an image matching {selector!r}")
    image = page.locator(".reveal .slides section.present " + selector).first
    image.wait_for(state="visible")
    page.wait_for_timeout(300)  # reveal.js scales the slide after it becomes current
    return image


def screenshot_example(deck: Path, png: Path = EXAMPLE_PNG) -> Path:
    """Screenshot the deck's first slide with a figure at 1280x720, offline (file:// only), into png."""
    from coursekit.browser import chromium_page

    with chromium_page(viewport={"width": SLIDE_SIZE[0], "height": SLIDE_SIZE[1]}) as page:
        page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(("file:", "data:"))
                   else route.abort())
        page.goto(deck.as_uri())
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        show_first_figure(page, ".jp-OutputArea-output img")
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png))
    return png


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m coursekit slides", description="Build reveal.js decks of the "
                                     f"notebooks, offline, into {OUT_DIR.relative_to(ROOT)}/.")
    add_selection_arguments(parser, check=False)
    parser.add_argument("--screenshot", action="store_true",
                        help=f"also screenshot a slide of the {EXAMPLE_NOTEBOOK} deck into "
                        f"{EXAMPLE_PNG.relative_to(ROOT)}")
    args, chosen = parse_selection(parser, argv)
    start = time.perf_counter()
    try:
        decks = build_slides(chosen)
    except (RuntimeError, subprocess.CalledProcessError) as err:
        print(f"slides: {err}", file=sys.stderr)
        return 1
    print(f"{len(decks)} deck(s) in {time.perf_counter() - start:.0f} s; open {OUT_DIR / 'index.html'}")
    if args.screenshot:
        example = by_stem(EXAMPLE_NOTEBOOK).name.replace(".ipynb", ".slides.html")
        print(f"screenshot: {screenshot_example(next((d for d in decks if d.name == example), decks[0]))}")
    return 0
