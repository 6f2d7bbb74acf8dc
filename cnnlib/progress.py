"""Progress display for training loops: a tqdm bar in a terminal, silence (or a widget) in Jupyter.

``progress`` values accepted by ``cnnlib.train.fit`` and the network trainers:

* ``"auto"`` (default): a tqdm bar on stderr when stderr is a terminal; nothing
  in a Jupyter notebook or when output is piped, so a training cell stores no
  output and no changing rates (strict nbval stays green).
* ``"bar"``: always show progress: an ipywidgets ``IntProgress`` (steps done /
  total, no rates) in Jupyter, a tqdm bar on stderr elsewhere.
* ``"tqdm"``: a tqdm bar on stderr, wherever it runs (the CLI uses this).
* ``"widget"``: the ipywidgets ``IntProgress``.
* ``None`` or ``False``: nothing.
"""

import sys

PROGRESS_CHOICES = ("auto", "bar", "tqdm", "widget", None, False)


def in_notebook():
    """True inside a Jupyter kernel (IPython's ZMQ shell), False in a terminal or plain Python."""
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def resolve_progress(progress):
    """Map a ``progress`` value to ``"tqdm"``, ``"widget"`` or None (see the module docstring)."""
    if progress is True:
        progress = "bar"
    if progress not in PROGRESS_CHOICES:
        raise ValueError(f"progress must be one of {PROGRESS_CHOICES} or True, got {progress!r}")
    if progress in (None, False):
        return None
    if progress == "auto":
        if in_notebook():
            return None
        stream = sys.stderr
        return "tqdm" if stream is not None and hasattr(stream, "isatty") and stream.isatty() else None
    if progress == "bar":
        return "widget" if in_notebook() else "tqdm"
    return progress


class _NoProgress:
    def update(self, n=1):
        pass

    def set_postfix(self, values):
        pass

    def close(self):
        pass


class _TqdmProgress:
    def __init__(self, total, desc, unit):
        from tqdm import tqdm

        self.bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, leave=True)

    def update(self, n=1):
        self.bar.update(n)

    def set_postfix(self, values):
        self.bar.set_postfix({k: (f"{v:.4f}" if isinstance(v, float) else v) for k, v in values.items()},
                             refresh=False)

    def close(self):
        self.bar.close()


class _WidgetProgress:
    """An ipywidgets IntProgress: only 'done / total', never a rate, so stored outputs stay stable."""

    def __init__(self, total, desc, unit):
        import ipywidgets
        from IPython.display import display

        self.bar = ipywidgets.IntProgress(value=0, min=0, max=max(total, 1), description=desc)
        display(self.bar)

    def update(self, n=1):
        self.bar.value = min(self.bar.value + n, self.bar.max)

    def set_postfix(self, values):
        pass

    def close(self):
        self.bar.bar_style = "success"


def make_progress(progress, total, desc="training", unit="batch"):
    """A progress object with ``update(n)``, ``set_postfix(dict)`` and ``close()`` for ``total`` steps."""
    kind = resolve_progress(progress)
    if kind == "tqdm":
        return _TqdmProgress(total, desc, unit)
    if kind == "widget":
        return _WidgetProgress(total, desc, unit)
    return _NoProgress()
