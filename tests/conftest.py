"""Shared pytest set-up.

Plots in the test process are drawn off-screen. This is set with ``matplotlib.use``
and not through the MPLBACKEND variable on purpose: an environment variable would
be inherited by the Jupyter kernels that nbval starts, and the notebooks must
draw their figures with Jupyter's inline backend, exactly as a student sees them.
"""

import matplotlib

matplotlib.use("Agg")
