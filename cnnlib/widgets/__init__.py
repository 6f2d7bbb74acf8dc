"""Interactive widgets (ipywidgets 8) for the course: every factory in one place.

    from cnnlib.widgets.stepper import convolution_stepper
    from cnnlib.widgets.kernel_explorer import kernel_explorer
    from cnnlib.widgets.feature_map_explorer import feature_map_explorer
    from cnnlib.widgets.pooling_explorer import pooling_explorer
    from cnnlib.widgets.training_monitor import TrainingMonitor
from cnnlib.widgets.training_setup import TrainingSetupExplorer, training_setup_explorer
    from cnnlib.widgets.draw_a_digit import draw_a_digit
    from cnnlib.widgets.training_setup import training_setup_explorer

    convolution_stepper(image, kernel)          image (H, W), kernel (KH, KW)
    kernel_explorer(net_or_kernels, images)     kernels (K, C, KH, KW) / Conv2D / Sequential /
                                                the seed's kernel net; images (N, C, H, W) or (N, H, W)
    feature_map_explorer(net, images)           a Sequential; images (N, C, H, W) or (N, H, W)
    pooling_explorer(maps)                      maps (K, H, W) or (N, K, H, W)
    TrainingMonitor()                           a callback for cnnlib.train.fit(..., callback=...)
    draw_a_digit(nets)                          nets {name: TrainedNet(net, centered)}, from
                                                cnnlib.plotting.draw_a_digit
    training_setup_explorer(runs, stats)        a grid of short runs of notebook 12's deep net:
                                                {(init, batch_norm, lr): DeepNetRun}, {(init, batch_norm): stats}

How they behave in a notebook:

- Make the widget the last expression of a cell (or ``display(widget)``). Its stored output
  is one widget view whose text (``repr``, e.g. ``ConvolutionStepper(image 8×8, kernel 3×3)``)
  is short and the same on every run, so strict ``pytest --nbval`` passes.
- Callbacks only change widget values and never print; the picture is a matplotlib figure
  outside pyplot, rendered by Agg to PNG bytes in an ``ipywidgets.Image`` (no ipympl, no open
  pyplot figures, nothing for ``plt.show()`` to pick up).
- A control move redraws only the artists that change (blitting over a background drawn once),
  well under 100 ms on the course's sizes: ``python bench/widgets.py`` prints the times.
- Every widget keeps the numbers it shows in ``.state`` and its controls as attributes
  (``stepper.position.value = 5``), so tests and notebooks can drive it without a browser.

The pictures are plain functions in ``cnnlib.plotting.stepper``, ``cnnlib.plotting.kernel_maps``,
``cnnlib.plotting.feature_maps``, ``cnnlib.plotting.pooling``, ``cnnlib.plotting.training``,
``cnnlib.plotting.draw_a_digit`` and ``cnnlib.plotting.training_setup`` (each returns a Figure).
"""

from cnnlib.widgets.feature_map_explorer import FeatureMapExplorer, feature_map_explorer
from cnnlib.widgets.kernel_explorer import KernelExplorer, kernel_explorer
from cnnlib.widgets.pooling_explorer import PoolingExplorer, pooling_explorer
from cnnlib.widgets.stepper import ConvolutionStepper, convolution_stepper
from cnnlib.widgets.training_monitor import TrainingMonitor
from cnnlib.widgets.training_setup import TrainingSetupExplorer, training_setup_explorer

__all__ = ["convolution_stepper", "kernel_explorer", "feature_map_explorer", "pooling_explorer",
           "TrainingMonitor", "ConvolutionStepper", "KernelExplorer", "FeatureMapExplorer", "PoolingExplorer",
           "training_setup_explorer", "TrainingSetupExplorer"]
