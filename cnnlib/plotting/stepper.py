"""The convolution stepper's numbers and picture: one window position at a time.

``convolution_step_state(image, kernel, position, mode, padding, stride)`` returns a
``ConvolutionStep`` with every number the picture shows; ``plot_convolution_step(state)``
draws it::

    image (H, W) zero-padded to (H+2P, W+2P), window at output position (row, col)
    window (KH, KW) ⊙ kernel (KH, KW) = products (KH, KW);  sum = output[row, col]
    output (H', W'),  H' = (H + 2P - KH) // S + 1  (same for W')

In "convolution" mode the kernel is rotated by 180° before it slides; in "correlation"
mode (what CNN layers compute) it is used as it is. The output map comes from
``cnnlib.conv.conv2d_forward``, so the picture shows the library's own numbers.
"""

from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Rectangle

from cnnlib._checks import as_float_array, check_choice, check_finite, check_index, check_ndim, check_nonempty
from cnnlib.conv import conv2d_forward, conv_output_size
from cnnlib.correlation import convolve2d, correlate2d
from cnnlib.plotting.mosaic import CellValues, show_array
from cnnlib.plotting.style import (
    DIVERGING,
    GRAY,
    LABEL_SIZE,
    MAX_ANNOTATED_SIDE,
    SUPTITLE_SIZE,
    TITLE_SIZE,
    WIDGET_WIDTH,
    add_colorbar,
    bare_axes,
    colormap,
    new_figure,
    symmetric_limits,
)

MODES = ("correlation", "convolution")


# The figure's size in inches: 346 pixels high at the widgets' 72 dpi.
STEPPER_SIZE = (WIDGET_WIDTH, 4.8)


@dataclass(frozen=True)
class ConvolutionStep:
    """Everything the stepper shows for one window position.

    image (H, W) as given; padded (H+2P, W+2P); kernel (KH, KW) as given; kernel_used
    (KH, KW) is the kernel that slides (rotated 180° in convolution mode); window and
    products (KH, KW); total = products.sum() = output[row, col]; output (H', W') the whole
    map; position = row * W' + col counts windows in reading order.
    """

    image: np.ndarray
    padded: np.ndarray
    kernel: np.ndarray
    kernel_used: np.ndarray
    mode: str
    padding: int
    stride: int
    position: int
    row: int
    col: int
    top: int
    left: int
    window: np.ndarray
    products: np.ndarray
    total: float
    output: np.ndarray

    @property
    def num_positions(self):
        """H' * W', the number of window positions."""
        return self.output.size

    @property
    def filled(self):
        """(H', W') bool: the positions visited so far (reading order, up to this one)."""
        return (np.arange(self.output.size) <= self.position).reshape(self.output.shape)

    @property
    def size_formula(self):
        """``H' = (H + 2P − K) // S + 1 = ...`` with this state's numbers (and W' if it differs)."""
        (h, w), (kh, kw), p, s = self.image.shape, self.kernel.shape, self.padding, self.stride
        ho, wo = self.output.shape
        text = f"H' = (H + 2P − K) // S + 1 = ({h} + 2·{p} − {kh}) // {s} + 1 = {ho}"
        if (w, kw) != (h, kh):
            text += f";  W' = ({w} + 2·{p} − {kw}) // {s} + 1 = {wo}"
        return text


def convolution_step_state(image, kernel, position=0, mode="correlation", padding=0, stride=1):
    """The numbers of one step of the sliding window.

    image: (H, W); kernel: (KH, KW); position: 0 .. H'*W' - 1 in reading order;
    mode: "correlation" or "convolution"; padding P >= 0 zeros on every side; stride S >= 1.
    Returns a ``ConvolutionStep`` (float arrays; integer images become float64).
    """
    image = as_float_array("image", image)
    kernel = as_float_array("kernel", kernel)
    check_ndim("image", image, 2, "(H, W)")
    check_ndim("kernel", kernel, 2, "(KH, KW)")
    check_nonempty("image", image, "(image is (H, W))")
    check_nonempty("kernel", kernel, "(kernel is (KH, KW))")
    check_finite("image", image)
    check_finite("kernel", kernel)
    check_choice("mode", mode, MODES)
    h_out = conv_output_size(image.shape[0], kernel.shape[0], stride, padding)  # validates P, S
    w_out = conv_output_size(image.shape[1], kernel.shape[1], stride, padding)
    position = check_index("position", position, h_out * w_out, why=f"an output of {h_out}×{w_out}")
    kernel_used = kernel[::-1, ::-1] if mode == "convolution" else kernel
    out, _ = conv2d_forward(image[None, None], kernel_used[None, None], stride=stride, padding=padding)
    padded = np.pad(image, padding)  # (H+2P, W+2P)
    row, col = divmod(int(position), w_out)
    top, left = row * stride, col * stride
    window = padded[top:top + kernel.shape[0], left:left + kernel.shape[1]]  # (KH, KW)
    products = window * kernel_used
    return ConvolutionStep(image=image, padded=padded, kernel=kernel, kernel_used=kernel_used, mode=mode,
                           padding=padding, stride=stride, position=int(position), row=row, col=col,
                           top=top, left=left, window=window, products=products,
                           total=float(products.sum()), output=out[0, 0])


def _is_integer_valued(a):
    return bool(np.all(a == np.round(a)))


class ConvolutionStepView:
    """The stepper's picture, built once and then updated in place (fast enough for a Play button).

    ``update(state)`` shows another position, mode, padding or stride for the same image and
    kernel; ``fits(state)`` says whether it can (else build a new one). ``dynamic`` lists the
    artists that change at every step, ``slow`` those that change with ``slow_key``
    (mode, padding, stride), for ``cnnlib.plotting.render.FastRedraw``. Colour scales are fixed per image and
    kernel (covering every padding, stride and mode), so colours compare across steps.
    """

    def __init__(self, fig, state):
        self.fig = fig
        self.image, self.kernel = state.image, state.kernel  # keep them alive: the key holds their ids
        self.key = self._key(state)
        image, kernel = state.image, state.kernel
        kh, kw = kernel.shape
        side = 0.5 * max(3, kh, kw)  # window, kernel and products grow with the kernel: room for the values
        grid = fig.add_gridspec(1, 5, width_ratios=[2.4, side, side, side, 2.4], left=0.01, right=0.92,
                                top=0.74, bottom=0.1, wspace=0.35)
        ax_img, ax_win, ax_ker, ax_prod, ax_out = (fig.add_subplot(grid[0, i]) for i in range(5))
        for ax in (ax_img, ax_win, ax_ker, ax_prod, ax_out):
            bare_axes(ax, "")
        # The padded image in grey, a dashed frame around the original image, the window in orange.
        lo, hi = min(0.0, float(image.min())), float(image.max())
        hi = hi if hi > lo else lo + 1
        self.img = ax_img.imshow(state.padded, cmap=GRAY, vmin=lo, vmax=hi, interpolation="nearest")
        self.border = ax_img.add_patch(Rectangle((0, 0), 1, 1, fill=False, edgecolor="tab:cyan",
                                                 linestyle="--", linewidth=2))
        self.frame = ax_img.add_patch(Rectangle((-0.5, -0.5), kw, kh, fill=False, edgecolor="tab:orange",
                                                linewidth=3, zorder=3))
        # Window, kernel, products: small arrays with their numbers written in.
        self.win = ax_win.imshow(state.window, cmap=GRAY, vmin=lo, vmax=hi, interpolation="nearest")
        klim = symmetric_limits(kernel)
        self.ker = ax_ker.imshow(state.kernel_used, cmap=DIVERGING, vmin=klim[0], vmax=klim[1],
                                 interpolation="nearest")
        plim = symmetric_limits(np.abs(image).max() * np.abs(kernel))  # bounds any window's products
        self.prod = ax_prod.imshow(state.products, cmap=DIVERGING, vmin=plim[0], vmax=plim[1],
                                   interpolation="nearest")
        ax_win.set_title("window", fontsize=TITLE_SIZE)
        ax_prod.set_title("window × kernel", fontsize=TITLE_SIZE)
        annotate = max(kh, kw) <= MAX_ANNOTATED_SIDE
        self.values = [CellValues(ax, (kh, kw), im) for ax, im in
                       ((ax_win, self.win), (ax_ker, self.ker), (ax_prod, self.prod))] if annotate else []
        self.integers = _is_integer_valued(image)
        self.kernel_integers = _is_integer_valued(kernel)
        # The output map, filled in up to the current position; unvisited cells light grey.
        # "full" outputs hold every value any padding <= K-1 can give, in both modes.
        olim = symmetric_limits(correlate2d(image, kernel, "full"), convolve2d(image, kernel, "full"))
        self.out = ax_out.imshow(state.output, cmap=colormap(DIVERGING, bad="0.85"), vmin=olim[0],
                                 vmax=olim[1], interpolation="nearest")
        self.cell = ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, edgecolor="tab:orange",
                                               linewidth=3, zorder=3))
        add_colorbar(fig, self.out, ax_out)
        self.axes = ax_img, ax_ker, ax_out
        self.suptitle = fig.suptitle("", fontsize=SUPTITLE_SIZE, y=0.97)
        self.sum_text = ax_prod.text(0.5, -0.06, "", transform=ax_prod.transAxes, ha="center", va="top",
                                     fontsize=LABEL_SIZE + 2, fontweight="bold")
        self.out_text = ax_out.text(0.5, -0.04, "", transform=ax_out.transAxes, ha="center", va="top",
                                    fontsize=LABEL_SIZE)
        # What changes from step to step, and what only with the mode, padding or stride
        # (a widget redraws only these, see cnnlib.plotting.render.FastRedraw).
        texts = [[t for row in cells.texts for t in row] for cells in self.values] or [[], [], []]
        self.dynamic = [self.frame, self.win, self.prod, self.out, self.cell, self.sum_text, self.out_text,
                        *texts[0], *texts[2]]
        self.slow = [self.img, self.border, self.ker, ax_img.title, ax_ker.title, ax_out.title, self.suptitle,
                     *texts[1]]
        self.update(state)

    @staticmethod
    def _key(state):
        key = (id(state.image), id(state.kernel))  # the states of one stepper share these arrays
        if state.image.shape[0] != state.image.shape[1] or state.kernel.shape[0] != state.kernel.shape[1]:
            key += (state.padding, state.stride)  # the panels' aspect ratios change with them
        return key

    def fits(self, state):
        """True if this figure can show ``state`` (the same image and kernel arrays)."""
        return self._key(state) == self.key

    def update(self, state):
        """Show ``state`` (same image and kernel as when built)."""
        ax_img, ax_ker, ax_out = self.axes
        show_array(self.img, state.padded)
        p, (h, w) = state.padding, state.image.shape
        self.border.set_bounds(p - 0.5, p - 0.5, w, h)
        self.border.set_visible(p > 0)
        self.frame.set_xy((state.left - 0.5, state.top - 0.5))
        ax_img.set_title(f"image {h}×{w}" + (f", padding {p}" if p else ""), fontsize=TITLE_SIZE)
        self.win.set_data(state.window)
        self.ker.set_data(state.kernel_used)
        self.prod.set_data(state.products)
        for cells, values, integers in zip(self.values, (state.window, state.kernel_used, state.products),
                                           (self.integers, self.kernel_integers,
                                            self.integers and self.kernel_integers)):
            cells.update(values, integers)
        ax_ker.set_title("kernel rotated 180°" if state.mode == "convolution" else "kernel",
                         fontsize=TITLE_SIZE)
        total = f"{state.total:.0f}" if self.integers and self.kernel_integers else f"{state.total:.3f}"
        self.sum_text.set_text(f"sum = {total}")
        show_array(self.out, np.where(state.filled, state.output, np.nan))
        self.cell.set_xy((state.col - 0.5, state.row - 0.5))
        ho, wo = state.output.shape
        ax_out.set_title(f"output {ho}×{wo}", fontsize=TITLE_SIZE)
        self.out_text.set_text(f"step {state.position + 1} of {state.num_positions}: "
                               f"output[{state.row}, {state.col}] = {total}")
        self.suptitle.set_text(f"{state.mode}, padding {p}, stride {state.stride}\n{state.size_formula}")
        self.slow_key = (state.mode, p, state.stride)  # what the slow artists show
        self.static_key = None  # the rest never changes


def plot_convolution_step(state, fig=None):
    """Draw one ``ConvolutionStep``: padded image with the window, window ⊙ kernel = products
    (their sum written below), and the output map filled in up to this position.

    Returns the Figure (a new pyplot figure unless ``fig`` is given; ``fig`` is cleared).
    """
    fig = new_figure(STEPPER_SIZE, fig)
    ConvolutionStepView(fig, state)
    return fig
