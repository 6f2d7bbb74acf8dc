"""Pictures for the course: each ``plot_*`` function returns a matplotlib ``Figure``.

    from cnnlib.plotting import plot_kernels, plot_feature_maps, feature_maps_state
    from cnnlib.plotting import Panel, plot_panels, plot_digits

Sized and lettered for a projector (1280x720): large fonts, a title on every panel, a colour
bar wherever the values matter. Signed values use a diverging map centred on 0 (white = 0,
red > 0, blue < 0); digits are drawn ``GRAY`` (ink light on a dark background).

=====================  ==================================================================
module                 what it draws
=====================  ==================================================================
``panels``             kernels as a grid, K maps as tiles, one image, ``Panel``s side by side, digits
``stepper``            the convolution stepper: one window position at a time
``kernel_maps``        one kernel's map of an image and its activation
``feature_maps``       every channel of one layer of a network, for one image
``pooling``            maps combined across kernels, and pooled spatially
``training``           loss and accuracy curves
``results``            confusion matrix, misclassified digits, a unit's receptive field
``saliency``           occlusion and gradient saliency maps
``shifts``             test accuracy against the shift of the digits (the shift test)
``draw_a_digit``       every network's maps and probabilities for a drawn digit
``activation_stats``   per-layer spread of activations and gradients; their histograms
``training_setup``     one set-up of the deep net: activations at the start, its first steps
``lr_finder``          the learning-rate finder's loss against the rate; schedules' rates per step
``style``              font sizes, colour maps and limits, colour bars (shared by all)
``mosaic``             many maps as the tiles of one image (fast to redraw)
``render``             off-screen rendering and blitting, for the widgets
=====================  ==================================================================

A picture with a ``*_state`` function computes its numbers there (with the library's own
functions) and draws them in ``plot_*``; the widgets of ``cnnlib.widgets`` keep a ``*View``
of the figure and only update it.
"""

from cnnlib.plotting.activation_stats import plot_activation_histograms, plot_activation_stats
from cnnlib.plotting.draw_a_digit import drawing_state, plot_drawing
from cnnlib.plotting.feature_maps import feature_maps_state, plot_feature_maps
from cnnlib.plotting.kernel_maps import kernel_maps_state, plot_kernel_maps
from cnnlib.plotting.lr_finder import plot_lr_finder, plot_schedules
from cnnlib.plotting.panels import Panel, plot_digits, plot_kernels, plot_panels
from cnnlib.plotting.pooling import plot_pooling, pooling_state
from cnnlib.plotting.results import plot_confusion_matrix, plot_misclassified, plot_receptive_field
from cnnlib.plotting.saliency import plot_saliency
from cnnlib.plotting.shifts import plot_accuracy_against_shift
from cnnlib.plotting.stepper import convolution_step_state, plot_convolution_step
from cnnlib.plotting.training import plot_training_curves
from cnnlib.plotting.training_setup import plot_training_setup, training_setup_state

__all__ = ["plot_kernels", "Panel", "plot_panels", "plot_digits", "convolution_step_state",
           "plot_convolution_step", "kernel_maps_state", "plot_kernel_maps", "feature_maps_state", "plot_feature_maps",
           "pooling_state", "plot_pooling", "plot_training_curves", "plot_confusion_matrix", "plot_misclassified",
           "plot_receptive_field", "plot_saliency", "drawing_state", "plot_drawing", "plot_accuracy_against_shift",
           "plot_activation_stats", "plot_activation_histograms", "training_setup_state", "plot_training_setup",
           "plot_lr_finder", "plot_schedules"]
