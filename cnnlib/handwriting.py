"""From a hand-drawn digit to an MNIST-like image: plain functions that the draw-a-digit widget and the tests call.

``strokes_to_image(strokes, canvas_size)`` paints mouse/touch strokes as thick anti-aliased lines;
``mnist_preprocess(image)`` then does what the makers of MNIST did with each scanned digit:

1. crop to the ink's bounding box;
2. scale (area averaging, which anti-aliases) so that the longer side is 20 pixels, keeping the
   aspect ratio (steps 1 and 2: ``scale_to_box``);
3. place it in a 28x28 frame so that the ink's centre of mass lands at pixel (14, 14) (row,
   column, counted from 0), by a whole-pixel shift (``center_by_mass``).

``shrink_to_frame(image)`` does none of that: it only shrinks the whole drawing to 28x28, so a digit
reaches the networks where, and as large as, it was drawn (the demo's "centre like MNIST" switched off).

Measured on the bundled MNIST training digits: the longer side of the ink's box is 20 pixels in
998 of 1,000, and the centre of mass is at (13.99, 14.01) on average (std 0.29): the same rule.

An empty drawing (no ink at all) has no box and no centre of mass: ``mnist_preprocess`` raises a
ValueError saying so (the widget checks ``has_ink`` first and shows "draw a digit").
"""

from fractions import Fraction

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_ndim, check_number, check_positive_int

#: MNIST's frame, the box the digit is scaled into, and where its centre of mass goes (row, column).
FRAME = 28
BOX = 20
CENTER = 14


def _canvas_shape(canvas_size):
    """canvas_size: an int (square) or (height, width) -> (height, width) of positive ints."""
    size = (canvas_size, canvas_size) if isinstance(canvas_size, (int, np.integer)) else canvas_size
    try:
        height, width = size
        ok = all(isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s > 0 for s in (height, width))
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"canvas_size must be a positive int or (height, width) of positive ints, "
                         f"got {canvas_size!r}")
    return int(height), int(width)


def _check_stroke(i, stroke):
    """A stroke -> float64 (P, 2) array of (x, y) points, P >= 1, finite."""
    try:
        points = np.asarray(stroke, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"stroke {i} must be a list of (x, y) points, got {stroke!r:.80}") from None
    if points.ndim != 2 or points.shape[1] != 2 or points.shape[0] == 0:
        raise ValueError(f"stroke {i} must be a non-empty list of (x, y) points, shape (P, 2); "
                         f"got shape {points.shape}")
    check_finite(f"stroke {i}", points)
    return points


#: Above this magnitude a square or a product of two coordinates could overflow: measure in a scaled unit.
HUGE = 2.0 ** 500


def _scale_exponent(largest):
    """0 for ordinary magnitudes; for ``largest`` > HUGE the e with largest * 2**-e < 1, so that values
    scaled by 2**-e (``numpy.ldexp``: exact, only the exponent moves) can be squared without overflow."""
    return int(np.frexp(largest)[1]) if largest > HUGE else 0


def _clip_to_box(p, q, low, high):
    """The part of the segment p -> q inside the box ``low <= (x, y) <= high``, or None if it misses it.

    Computed exactly with rationals and only then rounded, so that huge (finite) coordinates, whose
    differences overflow or swallow the canvas's few pixels in floating point, still give the right line.
    """
    start = [Fraction(float(v)) for v in p]
    step = [Fraction(float(b)) - a for a, b in zip(start, q)]
    t0, t1 = Fraction(0), Fraction(1)
    for a, d, lo, hi in zip(start, step, low, high):
        if d == 0:
            if not lo <= a <= hi:
                return None
            continue
        enter, leave = sorted(((Fraction(lo) - a) / d, (Fraction(hi) - a) / d))
        t0, t1 = max(t0, enter), min(t1, leave)
        if t0 > t1:
            return None
    return tuple(np.array([float(a + t * d) for a, d in zip(start, step)]) for t in (t0, t1))


def _paint_segment(image, p, q, radius):
    """Max-blend a segment p -> q of half-width ``radius`` into image (H, W), in place.

    A pixel's ink is ``clip(radius + 0.5 - distance, 0, 1)``, with distance measured from the pixel's
    centre (column + 0.5, row + 0.5) to the segment: a one-pixel soft edge (anti-aliasing). A segment
    that leaves the box the ink can reach (the canvas and ``radius + 1`` around it) is clipped to that
    box first (the same ink: a pixel is never nearer the part outside); coordinates beyond ``HUGE``
    are measured in a scaled unit, so that no length overflows.
    """
    height, width = image.shape
    reach = radius + 1.0
    low, high = (-reach, -reach), (width + reach, height + reach)
    if not all(lo <= v <= hi for point in (p, q) for v, lo, hi in zip(point, low, high)):
        clipped = _clip_to_box(p, q, low, high)
        if clipped is None:
            return  # the segment passes no pixel it could ink
        p, q = clipped
    c0, c1 = int(max(0, np.floor(min(p[0], q[0]) - reach))), int(min(width, np.ceil(max(p[0], q[0]) + reach)))
    r0, r1 = int(max(0, np.floor(min(p[1], q[1]) - reach))), int(min(height, np.ceil(max(p[1], q[1]) + reach)))
    if c0 >= c1 or r0 >= r1:
        return  # entirely off the canvas
    xs = np.arange(c0, c1) + 0.5  # (w,)
    ys = np.arange(r0, r1)[:, None] + 0.5  # (h, 1)
    e = _scale_exponent(max(abs(p[0]), abs(p[1]), abs(q[0]), abs(q[1])))  # 0 unless the line width is huge
    if e:
        p, q, xs, ys = (np.ldexp(a, -e) for a in (p, q, xs, ys))
    d = q - p
    length2 = float(d @ d)
    t = 0.0 if length2 == 0 else np.clip(((xs - p[0]) * d[0] + (ys - p[1]) * d[1]) / length2, 0, 1)  # (h, w)
    distance = np.hypot(xs - (p[0] + t * d[0]), ys - (p[1] + t * d[1]))  # (h, w)
    if e:
        with np.errstate(over="ignore"):
            distance = np.ldexp(distance, e)  # inf where farther than any float: no ink there
    ink = np.clip(radius + 0.5 - distance, 0.0, 1.0)
    ink[ink < 1e-9] = 0.0  # rounding dust at the edge would widen the ink's box by a pixel
    np.maximum(image[r0:r1, c0:c1], ink, out=image[r0:r1, c0:c1])


def strokes_to_image(strokes, canvas_size, line_width=None):
    """Paint strokes as thick anti-aliased lines on a black canvas.

    strokes: a list of strokes, each a list of (x, y) points in canvas pixels (x to the right, y
    down, as mouse events give them); a stroke of one point is a dot. canvas_size: an int (square)
    or (height, width). line_width: in canvas pixels (default: the canvas's shorter side / 14, the
    thickness of an MNIST pen stroke once the digit is scaled to 20 pixels).
    Returns image: (height, width) float64 in [0, 1], background 0, ink 1.
    """
    height, width = _canvas_shape(canvas_size)
    if line_width is None:
        line_width = min(height, width) / 14
    line_width = check_number("line_width", line_width, 0, low_open=True)
    if not isinstance(strokes, (list, tuple)):
        raise ValueError(f"strokes must be a list of strokes (lists of (x, y) points), got {type(strokes).__name__}")
    image = np.zeros((height, width))
    for i, stroke in enumerate(strokes):
        points = _check_stroke(i, stroke)
        if len(points) == 1:
            points = np.vstack([points, points])
        for p, q in zip(points[:-1], points[1:]):
            _paint_segment(image, p, q, line_width / 2)
    return image


def _checked_drawing(image, name="image"):
    """image: (H, W) finite, non-negative floats -> float64 (``name``: the argument, for the message)."""
    image = as_float_array(name, image).astype(np.float64, copy=False)
    check_ndim(name, image, 2, "(H, W)")
    check_finite(name, image)
    if image.size and image.min() < 0:
        raise ValueError(f"{name} must be non-negative (background 0, ink bright), got a minimum of "
                         f"{image.min():.3g}")
    return image


def has_ink(image):
    """True if the image (H, W) of finite real numbers has any pixel above 0."""
    image = as_float_array("image", image)
    check_ndim("image", image, 2, "(H, W)")
    check_finite("image", image)
    return bool(np.any(image > 0))


def area_resample_matrix(n_in, scale):
    """(n_out, n_in) weights that average input pixels over each output pixel's footprint.

    n_in: a positive int; scale: a finite number > 0, input pixels per output pixel.
    Output pixel i covers input interval [i * scale, (i + 1) * scale); n_out = ceil(n_in / scale).
    Each weight is the overlap with input pixel j divided by scale (rows sum to 1, except where the
    footprint runs past the input, which counts as background).
    """
    n_in = check_positive_int("n_in", n_in)
    scale = check_number("scale", scale, 0, low_open=True)
    n_out = max(1, int(np.ceil(n_in / scale - 1e-9)))
    lo = np.arange(n_out)[:, None] * scale  # (n_out, 1)
    j = np.arange(n_in)[None, :]  # (1, n_in)
    overlap = np.clip(np.minimum(lo + scale, j + 1) - np.maximum(lo, j), 0, None)  # (n_out, n_in)
    return overlap / scale


def center_of_mass(image):
    """(row, column) of the centre of mass of image (H, W) (non-negative, with some ink), pixel indices
    counted from 0. Huge values are scaled down first (exactly), so that their sum does not overflow."""
    image = _checked_drawing(image)
    if not has_ink(image):
        raise ValueError(f"image of shape {image.shape} has no ink (all zero): it has no centre of mass")
    image = np.ldexp(image, -_scale_exponent(image.max()))
    total = image.sum()
    rows, cols = np.arange(image.shape[0]), np.arange(image.shape[1])
    return float(image.sum(axis=1) @ rows / total), float(image.sum(axis=0) @ cols / total)


def scale_to_box(image):
    """Steps 1 and 2 of MNIST's recipe: crop a drawing to its ink's box and scale it so that the box's longer
    side is 20 pixels (aspect ratio kept; area averaging). image: (H, W) non-negative floats, ink bright.
    Returns small: (h, w) float64 with max(h, w) = 20, its brightest pixel 1. Raises ValueError for no ink."""
    image = _checked_drawing(image)
    if not has_ink(image):
        raise ValueError(f"image of shape {image.shape} has no ink (all zero): nothing to preprocess; "
                         f"draw something first")
    rows = np.flatnonzero(image.any(axis=1))
    cols = np.flatnonzero(image.any(axis=0))
    crop = image[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]  # (h, w): the ink's box
    crop = np.ldexp(crop, -_scale_exponent(crop.max()))  # huge values scaled (exactly): no sum overflows
    scale = max(crop.shape) / BOX
    small = area_resample_matrix(crop.shape[0], scale) @ crop @ area_resample_matrix(crop.shape[1], scale).T
    return small / small.max()  # (<= 20, <= 20)


def center_by_mass(small):
    """Step 3 of MNIST's recipe: place small (h, w), h and w at most 28, in a 28x28 frame of zeros, moved by
    whole pixels so that its centre of mass is within half a pixel of (14, 14): its top-left corner goes to
    ``round(14 - centre of mass)`` in each direction (numpy's rounding: halves to even). Ink that the move
    pushes past the frame (a very lopsided digit) is cut off. Returns x: (28, 28) float64."""
    small = _checked_drawing(small, "small")
    if max(small.shape) > FRAME:
        raise ValueError(f"small must fit the {FRAME}x{FRAME} frame, got shape {small.shape}")
    if not has_ink(small):
        raise ValueError(f"small of shape {small.shape} has no ink (all zero): it has no centre of mass")
    com_row, com_col = center_of_mass(small)
    top, left = int(np.round(CENTER - com_row)), int(np.round(CENTER - com_col))
    x = np.zeros((FRAME, FRAME))
    r0, c0 = max(top, 0), max(left, 0)
    r1, c1 = min(top + small.shape[0], FRAME), min(left + small.shape[1], FRAME)
    x[r0:r1, c0:c1] = small[r0 - top:r1 - top, c0 - left:c1 - left]
    return x


def mnist_preprocess(image):
    """Crop, scale and centre a drawing the way MNIST's digits were made: ``center_by_mass(scale_to_box(image))``.

    image: (H, W) non-negative floats, ink bright (e.g. from ``strokes_to_image``).
    Returns x: (28, 28) float64 in [0, 1], background 0: the ink scaled so that its box's longer
    side is 20 pixels (aspect ratio kept), moved by whole pixels so that its centre of mass is
    within half a pixel of (14, 14), its brightest pixel 1. Ink that the shift pushes past
    the frame (a very lopsided drawing) is cut off. Raises ValueError for an image with no ink.
    """
    return center_by_mass(scale_to_box(image))


def shrink_to_frame(image):
    """The drawing as it is, only smaller: image (H, W) area-averaged to 28x28 (each axis by its own factor,
    so a square canvas keeps its shape), its brightest pixel 1. Where and how large the digit was drawn is
    kept: no crop, no scaling to a 20-pixel box, no centring. An empty image gives zeros.
    Returns x: (28, 28) float64 in [0, 1]."""
    image = _checked_drawing(image)
    if min(image.shape) < FRAME:
        raise ValueError(f"image must be at least {FRAME}x{FRAME} to shrink to {FRAME}x{FRAME}, got shape "
                         f"{image.shape}")
    height, width = image.shape
    x = area_resample_matrix(height, height / FRAME) @ image @ area_resample_matrix(width, width / FRAME).T
    return x / x.max() if has_ink(x) else x  # (28, 28)


def drawing_to_mnist(strokes, canvas_size, line_width=None):
    """``mnist_preprocess(strokes_to_image(strokes, canvas_size, line_width))``: (28, 28) in [0, 1]."""
    return mnist_preprocess(strokes_to_image(strokes, canvas_size, line_width))
