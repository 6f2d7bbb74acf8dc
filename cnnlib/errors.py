"""The one error class of cnnlib's own: every other bad input raises a plain ``ValueError``.

``NonFiniteError`` is a ``ValueError`` raised where an array holds NaN or inf but finite numbers are
needed (``cnnlib._checks.check_finite``). During training it means the numbers overflowed — a
learning rate or an initialisation too large for the network — which ``cnnlib.lr_finder`` and
``cnnlib.nets.deep_net.train_deep_net`` catch to report a diverged run::

    try:
        fit(net, x, y, optimizer=SGD(100.0))
    except NonFiniteError:
        print("the run diverged")
"""


class NonFiniteError(ValueError):
    """NaN or inf where finite numbers are needed (a ValueError, so ``except ValueError`` catches it too)."""
