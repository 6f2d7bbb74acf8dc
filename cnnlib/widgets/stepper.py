"""The convolution stepper widget: a window sliding over an image, one position at a time."""

import ipywidgets as widgets

from cnnlib._checks import check_positive_int
from cnnlib.conv import conv_output_size
from cnnlib.plotting.stepper import MODES, STEPPER_SIZE, ConvolutionStepView, convolution_step_state
from cnnlib.widgets.base import BIG, PictureWidget, big_label


class ConvolutionStepper(PictureWidget):
    """Slide a kernel over an image one position at a time (built by ``convolution_stepper``)."""

    def __init__(self, image, kernel, mode="correlation", padding=0, stride=1, interval_ms=500):
        self.state = convolution_step_state(image, kernel, 0, mode, padding, stride)  # validates
        interval_ms = check_positive_int("interval_ms", interval_ms)
        kh, kw = self.state.kernel.shape
        (h, w) = self.state.image.shape
        # the smallest padding with which the kernel fits the padded image
        min_padding = max(0, -(-(kh - h) // 2), -(-(kw - w) // 2))
        last = self.state.num_positions - 1
        self.position = widgets.IntSlider(value=0, min=0, max=last, description="position", style=BIG,
                                          layout=widgets.Layout(width="420px"))
        self.play = widgets.Play(value=0, min=0, max=last, interval=interval_ms, description="play")
        widgets.jslink((self.play, "value"), (self.position, "value"))
        self.mode = widgets.ToggleButtons(options=list(MODES), value=mode, description="mode", style=BIG)
        self.padding = widgets.IntSlider(value=padding, min=min_padding, max=max(kh, kw, padding + 1) - 1,
                                         description="padding P", style=BIG, layout=widgets.Layout(width="300px"))
        self.stride = widgets.IntSlider(value=stride, min=1, max=max(3, kh, kw, stride), description="stride S",
                                        style=BIG, layout=widgets.Layout(width="300px"))
        self.sum_label = big_label()
        controls = [widgets.HBox([self.play, self.position, self.mode]),
                    widgets.HBox([self.padding, self.stride]), self.sum_label]
        super().__init__(controls, figsize=STEPPER_SIZE)
        self._resizing = False
        self._redraw()
        for control in (self.position, self.mode):
            control.observe(self._on_move, names="value")
        for control in (self.padding, self.stride):
            control.observe(self._on_resize, names="value")

    def _on_move(self, change):
        if not self._resizing:
            self._redraw()

    def _on_resize(self, change):
        """New padding or stride: a new output size, so the position slider gets a new range."""
        (h, w), (kh, kw) = self.state.image.shape, self.state.kernel.shape
        p, s = self.padding.value, self.stride.value
        last = conv_output_size(h, kh, s, p) * conv_output_size(w, kw, s, p) - 1
        self._resizing = True  # one redraw below, not one more for a clamped position
        try:
            self.position.max = last  # clamps the position if it is now past the end
            self.play.max = last
        finally:
            self._resizing = False
        self._redraw()

    def _redraw(self):
        s = self.state = convolution_step_state(self.state.image, self.state.kernel, self.position.value,
                                                self.mode.value, self.padding.value, self.stride.value)
        self.show_state(s, ConvolutionStepView)
        self.sum_label.value = (f"<span style='font-size:20px'>{s.mode}: output[{s.row}, {s.col}] = "
                                f"sum of window × kernel = <b>{s.total:.4g}</b></span>")

    def describe(self):
        (h, w), (kh, kw) = self.state.image.shape, self.state.kernel.shape
        return f"image {h}×{w}, kernel {kh}×{kw}"


def convolution_stepper(image, kernel, mode="correlation", padding=0, stride=1, interval_ms=500):
    """A widget that slides ``kernel`` over ``image`` one window at a time.

    image: (H, W), e.g. an 8×8 or a 28×28 digit; kernel: (KH, KW); mode: "correlation" or
    "convolution" (the kernel rotated 180°); padding P >= 0; stride S >= 1; interval_ms:
    time between steps of the Play button.
    Shows the padded image with the window, window × kernel = products, their sum, and the
    output map (H', W') filled in up to the current position, H' = (H + 2P - KH) // S + 1.
    Controls: ``.play`` and ``.position`` (0 .. H'*W' - 1, linked in the browser), ``.mode``,
    ``.padding``, ``.stride``; ``.sum_label`` states the current sum; ``.state`` is the
    current ``ConvolutionStep`` (see ``cnnlib.plotting.stepper``).
    """
    return ConvolutionStepper(image, kernel, mode, padding, stride, interval_ms)
