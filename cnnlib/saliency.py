"""What a trained network looks at: occlusion sensitivity and gradient saliency, for one image.

``occlusion_map(net, image, label)`` covers the image with a small patch at every position and
records how much the probability of ``label`` drops: a large drop means the covered pixels were
evidence for that class (a negative drop: they were evidence against it).

``gradient_saliency(net, image, label)`` is the gradient of the class score (the network's output
for ``label``, before softmax: the logit) with respect to every input pixel, computed by cnnlib's
own ``backward``. The course's builders make their first ``Conv2D`` with ``input_grad=False`` (the
images need no gradient during training); ``gradient_saliency`` switches that flag on for the one
backward pass it makes and restores it afterwards (also after an error), so the network is
unchanged and needs no copy.

Both take the image as the network sees it: (C, H, W) or (H, W) floats, already scaled the way
the network was trained (e.g. ``x - 0.5`` for the pooling net), and run in test mode (no dropout).
"""

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_index, check_ndim, check_number, check_positive_int
from cnnlib.activations import softmax


def _check_net(net):
    if not hasattr(net, "layers") or not hasattr(net, "forward") or not hasattr(net, "backward"):
        raise ValueError(f"net must be a cnnlib Sequential (layers, forward, backward), got {type(net).__name__}")


def _check_image(image):
    """(C, H, W) or (H, W) floats -> (C, H, W) and whether it came as (H, W)."""
    image = as_float_array("image", image)
    flat = image.ndim == 2
    if flat:
        image = image[None]  # (1, H, W)
    check_ndim("image", image, 3, "(C, H, W) or (H, W)")
    check_finite("image", image)
    return image, flat


def _check_label(label, num_classes):
    return check_index("label", label, num_classes, why=f"the network has {num_classes} outputs")


def class_probabilities(net, images):
    """softmax of the network's outputs in test mode: images (N, C, H, W) -> probs (N, classes)."""
    logits = np.asarray(net.forward(images, training=False))
    if logits.ndim != 2:
        raise ValueError(f"the network must output class scores of shape (N, classes), got shape {logits.shape}")
    return softmax(logits)


def occlusion_map(net, image, label, patch=4, stride=2, fill=0.0):
    """How much the probability of ``label`` drops when a patch of the image is covered.

    net: a cnnlib Sequential whose outputs are class scores (logits); image: (C, H, W) or (H, W)
    as the network sees it; label: the class to explain; patch: side of the square patch (pixels);
    stride: step between patch positions; fill: the value the covered pixels get (use the
    network's background: 0 for inputs in [0, 1], -0.5 for inputs centred on [-0.5, 0.5]).
    Returns drop: (H, W) float64, for every pixel the mean of ``p(label | image) - p(label |
    image with the patch covered)`` over the patch positions that cover it (0 where none does).
    All patched images go through the network in one batch, together with the original.
    """
    _check_net(net)
    image, _ = _check_image(image)
    patch = check_positive_int("patch", patch)
    stride = check_positive_int("stride", stride)
    fill = check_number("fill", fill)
    _, height, width = image.shape
    if patch > min(height, width):
        raise ValueError(f"patch must fit in the image: got patch {patch} for an image of {height}x{width}")
    tops = range(0, height - patch + 1, stride)
    lefts = range(0, width - patch + 1, stride)
    positions = [(top, left) for top in tops for left in lefts]
    batch = np.repeat(image[None], len(positions) + 1, axis=0)  # (1 + P, C, H, W); index 0: the original
    for i, (top, left) in enumerate(positions, start=1):
        batch[i, :, top:top + patch, left:left + patch] = fill
    probs = class_probabilities(net, batch)
    label = _check_label(label, probs.shape[1])
    drops = probs[0, label] - probs[1:, label]  # (P,)
    total = np.zeros((height, width))
    count = np.zeros((height, width))
    for drop, (top, left) in zip(drops, positions):
        total[top:top + patch, left:left + patch] += drop
        count[top:top + patch, left:left + patch] += 1
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def gradient_saliency(net, image, label):
    """d (class score of ``label``) / d (image), through the network's own backward pass.

    net: a cnnlib Sequential whose outputs are class scores (logits); image: (C, H, W) or (H, W)
    as the network sees it; label: the class. Returns grad: the image's shape, float64 (the
    computation runs in the image's dtype: pass float64 for exact checks). Layers built with
    ``input_grad=False`` compute the image gradient for this call only.
    """
    _check_net(net)
    image, flat = _check_image(image)
    logits = np.asarray(net.forward(image[None], training=False))  # (1, classes)
    if logits.ndim != 2:
        raise ValueError(f"the network must output class scores of shape (N, classes), got shape {logits.shape}")
    label = _check_label(label, logits.shape[1])
    dout = np.zeros_like(logits)
    dout[0, label] = 1.0  # d score / d logits
    switched = [layer for layer in net.layers if getattr(layer, "input_grad", True) is False]
    for layer in switched:
        layer.input_grad = True
    try:
        grad = net.backward(dout)
    finally:
        for layer in switched:
            layer.input_grad = False
    grad = np.asarray(grad, dtype=np.float64)[0]  # (C, H, W)
    return grad[0] if flat else grad
