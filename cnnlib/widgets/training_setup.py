"""The training set-up explorer: pick an initialisation, batch normalisation on or off and a learning rate;
see the deep net's activation spread per block at the start and its first steps of training."""

import html

import ipywidgets as widgets

from cnnlib.plotting.training_setup import (
    SETUP_SIZE,
    TrainingSetupView,
    setup_caption,
    setup_limits,
    training_setup_state,
)
from cnnlib.widgets.base import BIG, PictureWidget, big_label


class TrainingSetupExplorer(PictureWidget):
    """Every set-up of a grid, one at a time (built by ``training_setup_explorer``)."""

    def __init__(self, runs, stats, init=None, batch_norm=False, lr=None):
        if not isinstance(runs, dict) or not runs:
            raise ValueError(f"runs must be a dict {{(init, batch_norm, lr): DeepNetRun}}, got {type(runs).__name__}")
        keys = list(runs)
        if not all(isinstance(k, tuple) and len(k) == 3 for k in keys):
            raise ValueError(f"every key of runs must be (init, batch_norm, lr), got {keys[0]!r}")
        inits = list(dict.fromkeys(k[0] for k in keys))
        lrs = sorted(set(k[2] for k in keys))
        norms = sorted(set(bool(k[1]) for k in keys))
        missing = [(i, b, r) for i in inits for b in norms for r in lrs if (i, b, r) not in runs]
        missing += [(i, b) for i in inits for b in norms if (i, b) not in stats]
        if missing:
            raise ValueError(f"runs and stats must cover the whole grid of {len(inits)} initialisations × "
                             f"{len(norms)} batch-norm settings × {len(lrs)} learning rates; missing {missing[0]!r}")
        self.runs, self.stats = runs, stats
        total = max(int(run.history.step[-1]) if len(run.history) else 1 for run in runs.values())
        self.states = {key: training_setup_state(stats[key[:2]], run, key[0], key[1], key[2], total)
                       for key, run in runs.items()}
        self.limits = setup_limits(list(self.states.values()))
        self.init = widgets.ToggleButtons(options=inits, value=inits[0] if init is None else init,
                                          description="initialisation", style=BIG)
        self.batch_norm = widgets.ToggleButtons(options=[("on" if b else "off", b) for b in norms], value=batch_norm,
                                                description="batch norm", style=BIG)
        self.lr = widgets.SelectionSlider(options=[(f"{r:g}", r) for r in lrs], value=lrs[0] if lr is None else lr,
                                          description="learning rate", style=BIG,
                                          layout=widgets.Layout(width="420px"))
        self.caption = big_label()
        super().__init__([self.init, widgets.HBox([self.batch_norm, self.lr]), self.caption], figsize=SETUP_SIZE)
        self._redraw()
        for control in (self.init, self.batch_norm, self.lr):
            control.observe(self._redraw, names="value")

    def _redraw(self, change=None):
        self.state = self.states[self.init.value, self.batch_norm.value, self.lr.value]
        self.show_state(self.state, TrainingSetupView, limits=self.limits, captions=False)
        title, outcome = setup_caption(self.state)
        self.caption.value = (f"<span style='font-size:20px'><b>{html.escape(title)}</b></span><br>"
                              f"<span style='font-size:17px'>{html.escape(outcome)}</span>")

    def describe(self):
        return (f"{len(self.init.options)} initialisations × {len(self.batch_norm.options)} batch-norm settings × "
                f"{len(self.lr.options)} learning rates")


def training_setup_explorer(runs, stats, init=None, batch_norm=False, lr=None):
    """A widget over a grid of short training runs of the deep net (``cnnlib.nets.deep_net``).

    runs: {(init label, batch_norm, lr): DeepNetRun} for every combination of the labels, the
    batch-norm settings and the learning rates it holds; stats: {(init label, batch_norm):
    LayerStatistics} of the freshly built networks (``cnnlib.activation_stats.layer_statistics``).
    init, batch_norm, lr: the set-up shown first. Nothing is computed when a control moves: the
    picture (``cnnlib.plotting.training_setup``) only shows the chosen run.
    Controls: ``.init``, ``.batch_norm``, ``.lr``; ``.state`` is the ``TrainingSetupState`` shown.
    """
    return TrainingSetupExplorer(runs, stats, init, batch_norm, lr)
