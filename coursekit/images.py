"""Draw the figures that the course's markdown cells show, into ``images/``.

    python -m coursekit images                # (re)write every drawn PNG
    python -m coursekit images --check        # redraw in memory, report PNGs that would change
    python -m coursekit images --screenshot   # also the JupyterLab screenshot (needs Chromium + Playwright)

The drawings are deterministic: Agg backend, fixed dpi, fixed data (no randomness at all), and
no software/date metadata in the PNG files, so a rerun with the same matplotlib writes the same bytes.

Figures:
    images/sliding_window.png   a 3x3 window stepping over an 8x8 image, and the 6x6 output filling in
    images/weight_sharing.png   dense connections (every weight different) vs a shared 3-weight kernel (1-D)
    images/course_banner.png    digit -> 3x3 kernel -> feature map -> max pooling: under every notebook's title

Screenshot (only with --screenshot; a browser's pixels are not byte-for-byte reproducible, so --check
skips it):
    images/widgets_in_jupyterlab.png   the convolution stepper and the kernel explorer in JupyterLab, the
                                       stepper's slider moved three steps (the same session as
                                       tests/browser/test_browser.py, from coursekit/browser.py)
"""

import argparse
import io
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from coursekit import ROOT  # noqa: E402

IMAGES = ROOT / "images"
DPI = 100
PNG_METADATA = {"Software": None}  # keep the matplotlib version out of the file

# A hand-drawn 8x8 "2" (1 = ink). Notebook 01 uses the same picture.
DIGIT_ROWS = (
    "........",
    "..####..",
    ".#....#.",
    ".....#..",
    "....#...",
    "...#....",
    ".######.",
    "........",
)
DIGIT = np.array([[1.0 if ch == "#" else 0.0 for ch in row] for row in DIGIT_ROWS])  # (8, 8)


def _grid(ax, n_rows, n_cols):
    """Thin cell borders and no ticks on an imshow of shape (n_rows, n_cols)."""
    ax.set_xticks(np.arange(-0.5, n_cols, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, n_rows, 1), minor=True)
    ax.grid(which="minor", color="0.6", linewidth=0.8)
    ax.tick_params(which="both", length=0, labelbottom=False, labelleft=False)


def sliding_window_figure():
    """Three steps of a 3x3 window on the 8x8 digit (top) and the 6x6 output so far (bottom)."""
    kernel_size = 3
    out_size = DIGIT.shape[0] - kernel_size + 1  # 6
    steps = [(0, 0), (0, 1), (1, 0), (5, 5)]
    labels = ["step 1", "step 2", f"step {out_size + 1}: next row", f"step {out_size * out_size}: last"]
    fig, axes = plt.subplots(2, len(steps), figsize=(14, 7.2), gridspec_kw={"height_ratios": [8, 6]})
    for col, ((i, j), label) in enumerate(zip(steps, labels)):
        top, bottom = axes[0, col], axes[1, col]
        top.imshow(DIGIT, cmap="Greys", vmin=0, vmax=1.6)
        _grid(top, 8, 8)
        top.add_patch(Rectangle((j - 0.5, i - 0.5), kernel_size, kernel_size, fill=False,
                                edgecolor="tab:orange", linewidth=4))
        top.set_title(f"{label}\nwindow rows {i}..{i + 2}, cols {j}..{j + 2}", fontsize=13)

        done = np.zeros((out_size, out_size))
        number = i * out_size + j  # how many positions came before this one
        done.flat[:number] = 0.35
        done[i, j] = 1.0
        bottom.imshow(done, cmap="Oranges", vmin=0, vmax=1)
        _grid(bottom, out_size, out_size)
        bottom.set_title(f"output[{i}, {j}] (6 x 6 map)", fontsize=13)
    axes[0, 0].set_ylabel("8 x 8 input", fontsize=14)
    axes[1, 0].set_ylabel("6 x 6 output", fontsize=14)
    fig.suptitle("One 3 x 3 kernel, one position at a time: 6 positions per row x 6 rows = 36 outputs",
                 fontsize=15)
    fig.tight_layout()
    return fig


def _connections(ax, n_in, n_out, pairs, colors, title):
    """Draw inputs (bottom row) and outputs (top row) with one line per (input, output, colour)."""
    x_in = np.arange(n_in)
    x_out = np.arange(n_out) + (n_in - n_out) / 2
    for (a, b), color in zip(pairs, colors):
        ax.plot([x_in[a], x_out[b]], [0, 1], color=color, linewidth=2, alpha=0.9, zorder=1)
    ax.scatter(x_in, np.zeros(n_in), s=380, color="white", edgecolor="black", linewidth=1.5, zorder=2)
    ax.scatter(x_out, np.ones(n_out), s=380, color="0.85", edgecolor="black", linewidth=1.5, zorder=2)
    ax.text(-0.9, 0, "inputs", ha="right", va="center", fontsize=13)
    ax.text(-0.9, 1, "outputs", ha="right", va="center", fontsize=13)
    ax.set_xlim(-3.2, n_in)
    ax.set_ylim(-0.25, 1.25)
    ax.axis("off")
    ax.set_title(title, fontsize=14)


def weight_sharing_figure():
    """Dense layer (8 -> 6, 48 different weights) vs a 3-weight kernel reused at 6 positions (1-D)."""
    n_in, n_out, k = 8, 6, 3
    cmap = plt.get_cmap("viridis")
    fig, (left, right) = plt.subplots(1, 2, figsize=(14, 4.6))

    dense_pairs = [(a, b) for b in range(n_out) for a in range(n_in)]
    dense_colors = [cmap(t) for t in np.linspace(0, 1, len(dense_pairs))]  # every weight its own colour
    _connections(left, n_in, n_out, dense_pairs, dense_colors,
                 f"dense: every input to every output\n{n_in} x {n_out} = {n_in * n_out} different weights")

    shared = ["tab:red", "tab:blue", "tab:green"]  # the kernel's three weights
    conv_pairs = [(b + t, b) for b in range(n_out) for t in range(k)]
    conv_colors = [shared[t] for b in range(n_out) for t in range(k)]
    # In the 1-D conv picture output b sits above inputs b..b+2, so centre it over them.
    _connections(right, n_in, n_out, conv_pairs, conv_colors,
                 f"kernel of {k} weights, reused at every position\n"
                 f"{n_out} positions x {k} = {n_out * k} connections, only {k} different weights")
    fig.tight_layout()
    return fig


def _banner_panel(ax, values, title, cmap, limit):
    ax.imshow(values, cmap=cmap, vmin=-limit if cmap != "gray" else 0, vmax=limit)
    _grid(ax, *values.shape)
    ax.set_title(title, fontsize=15)


def course_banner_figure():
    """The course in one strip, on every title slide: digit -> kernel -> feature map -> max pooled."""
    kernel = np.array([[-1.0, -1.0, -1.0], [2.0, 2.0, 2.0], [-1.0, -1.0, -1.0]])  # horizontal strokes
    feature_map = np.array([[np.sum(DIGIT[i:i + 3, j:j + 3] * kernel) for j in range(6)] for i in range(6)])
    pooled = feature_map.reshape(3, 2, 3, 2).max(axis=(1, 3))  # 2x2 max pooling: 6x6 -> 3x3
    limit = np.abs(feature_map).max()
    fig = plt.figure(figsize=(12, 3.2))
    widths = [8, 1.6, 3, 1.6, 6, 2.4, 3]  # panels and the signs between them
    grid = fig.add_gridspec(1, len(widths), width_ratios=widths, wspace=0.08, left=0.02, right=0.98,
                            top=0.84, bottom=0.04)
    panels = [(DIGIT, "8×8 digit", "gray", 1.0), (kernel, "3×3 kernel", "RdBu_r", 2.0),
              (feature_map, "6×6 feature map", "RdBu_r", limit), (pooled, "pooled 3×3", "RdBu_r", limit)]
    gaps = ["⋆", "=", "2×2 max"]  # correlate the digit with the kernel, get the map, pool it
    for k, (values, title, cmap, lim) in enumerate(panels):
        _banner_panel(fig.add_subplot(grid[0, 2 * k]), values, title, cmap, lim)
        if k < len(gaps):
            ax = fig.add_subplot(grid[0, 2 * k + 1])
            ax.axis("off")
            if k == len(gaps) - 1:
                ax.annotate("", xy=(0.95, 0.45), xytext=(0.05, 0.45), xycoords="axes fraction",
                            arrowprops={"arrowstyle": "-|>", "color": "0.3", "linewidth": 2.5})
                ax.text(0.5, 0.55, gaps[k], ha="center", fontsize=14, transform=ax.transAxes)
            else:
                ax.text(0.5, 0.45, gaps[k], ha="center", va="center", fontsize=48 if k == 0 else 30,
                        transform=ax.transAxes)
    return fig


FIGURES = {
    "sliding_window.png": sliding_window_figure,
    "weight_sharing.png": weight_sharing_figure,
    "course_banner.png": course_banner_figure,
}


def render(make_figure):
    """Draw one figure and return its PNG bytes."""
    fig = make_figure()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata=PNG_METADATA)
    plt.close(fig)
    return buffer.getvalue()


def jupyterlab_screenshot(path):
    """Run the widgets notebook in JupyterLab + headless Chromium and save the page as a PNG."""
    from playwright.sync_api import expect

    from coursekit import browser

    if not browser.CHROMIUM.exists():
        raise SystemExit(f"--screenshot needs Chromium at {browser.CHROMIUM} (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        with browser.lab_server(Path(tmp)) as lab, browser.chromium_page() as page:
            stepper, _ = browser.run_widgets_notebook(page, lab.url("widgets.ipynb"))
            browser.press_position_slider(stepper, "ArrowRight", 3)
            expect(browser.sum_label(stepper)).to_contain_text("output[8, 9]")  # the last key press drawn
            browser.wait_for_picture(page, stepper)
            browser.screenshot(page, path)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m coursekit images", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report figures whose PNG would change")
    parser.add_argument("--screenshot", action="store_true",
                        help="also take images/widgets_in_jupyterlab.png in JupyterLab (Chromium + Playwright)")
    args = parser.parse_args(argv)
    if args.screenshot and not args.check:
        jupyterlab_screenshot(IMAGES / "widgets_in_jupyterlab.png")
        print("screenshot written: widgets_in_jupyterlab.png")
    changed = []
    for name, make_figure in FIGURES.items():
        path = IMAGES / name
        data = render(make_figure)
        if path.exists() and path.read_bytes() == data:
            continue
        changed.append(name)
        if not args.check:
            IMAGES.mkdir(exist_ok=True)
            path.write_bytes(data)
    verb = "would change" if args.check else "written"
    print(f"{len(changed)} of {len(FIGURES)} figures {verb}" + (f": {', '.join(changed)}" if changed else ""))
    return 1 if (args.check and changed) else 0
