"""The source notebooks' kernel net exactly as their code computes it, slips included.

``FaithfulKernelNet`` replays the code path of seeds 000/001/003 (``build_kernel_net(faithful=True)``
in ``cnnlib.nets.kernel_net`` builds it): 16 kernels of 3x3, tanh, the seed's dropout mask x 2, one
dense layer to 10 logits, in float64, with the seed's three slips, each of which ``fixes`` can undo:

- ``"windows"``: ``range(28 - 3)`` visits 25 window positions per axis, not 26, so the
  last row and column are never seen and the hidden layer has 25*25*16 = 10,000 units;
- ``"sign"``: the seed's deltas are negative gradients, and ``kernels -= alpha * k_update``
  then climbs the loss for the kernels (gradient *ascent*);
- ``"derivative"``: the tanh derivative ``1 - h**2`` is taken of the dropout-scaled
  activation ``h = 2 * mask * tanh(.)`` (so ``1 - 4 tanh**2`` for kept units), and the
  backward mask lacks the x 2.

Its weights are the source's first two draws (``cnnlib.nets.kernel_net_weights``); it then draws
one ``randint(2)`` dropout mask per batch from the same ``RandomState``, so with Keras' first
1,000 MNIST images it replays the seed.
"""

import numpy as np

from cnnlib._checks import as_float_array, check_finite, check_float_dtype, check_positive_int, check_seed, check_shape
from cnnlib.nets.kernel_net_weights import KERNEL_NUM_KERNELS, KERNEL_SEED, KERNEL_SIZE, initial_weights

#: The slips of the seed's code that ``FaithfulKernelNet(fixes=...)`` can undo.
KERNEL_NET_SLIPS = ("windows", "sign", "derivative")


def _check_fixes(fixes):
    """``fixes`` as a tuple of names from ``KERNEL_NET_SLIPS`` (one name or an iterable of names)."""
    if isinstance(fixes, str):
        fixes = (fixes,)
    if not isinstance(fixes, (tuple, list, set, frozenset)):
        raise ValueError(f"fixes must be a name or a tuple of names from {KERNEL_NET_SLIPS}, got {fixes!r}")
    for fix in fixes:
        if fix not in KERNEL_NET_SLIPS:
            raise ValueError(f"unknown fix {fix!r}; expected any of {', '.join(map(repr, KERNEL_NET_SLIPS))}")
    return tuple(fixes)


class FaithfulKernelNet:
    """The seed's kernel net, written as its code computes it (float64 by default, like the seed).

    seed: seeds the ``RandomState`` for the weights and the dropout masks.
    fixes: any of ``KERNEL_NET_SLIPS`` to undo that slip (none: exactly the seed).
    image_size: side of the square input images (28 for MNIST; small ones for tests).
    Parameters: ``kernels: (9, 16)`` (column k is kernel k, row-major 3x3) and
    ``w: (hidden, 10)`` with hidden index ``position * 16 + kernel`` (the seed's layout).
    forward: x (N, 1, S, S) -> logits (N, 10); backward(dlogits) fills ``grads`` so that
    ``SGD(lr=2/128).step(net)`` makes exactly the seed's update (ascent on the kernels
    unless "sign" is fixed) and returns None (the image needs no gradient).
    eval_dtype: the dtype of a test-mode forward (``training=False``; default: ``dtype``).
    Training needs float64 to replay the seed; test accuracy only needs the argmax of
    the logits, which float32 gives about four times faster (``build_kernel_net`` uses it).
    """

    def __init__(self, seed=KERNEL_SEED, fixes=(), image_size=28, dtype=np.float64, eval_dtype=None):
        fixes = _check_fixes(fixes)
        self.fixes = frozenset(fixes)
        seed = check_seed("seed", seed)
        dtype = check_float_dtype("dtype", dtype)
        self.image_size = check_positive_int("image_size", image_size)
        # The seed's range(28 - 3) gives 25 positions; a valid correlation has 28 - 3 + 1 = 26.
        self.positions = self.image_size - KERNEL_SIZE + (1 if "windows" in self.fixes else 0)
        if self.positions < 1:
            smallest = self.image_size - self.positions + 1
            raise ValueError(f"image_size must leave room for a 3x3 window: at least {smallest} with "
                             f"fixes={tuple(sorted(self.fixes))}, got {image_size!r}")
        self.hidden_size = self.positions * self.positions * KERNEL_NUM_KERNELS
        self.random_state = np.random.RandomState(seed)
        kernels, weights = initial_weights(self.random_state, self.positions)
        self.params = {"kernels": kernels.astype(dtype), "w": weights.astype(dtype)}
        self.eval_dtype = dtype if eval_dtype is None else check_float_dtype("eval_dtype", eval_dtype)
        self.grads = {}
        self._cache = None

    def windows(self, x, dtype=None):
        """The seed's image sections as rows: x (N, 1, S, S) -> (N*p*p, 9) in ``dtype`` (default x's),
        window-major like the seed: row ``(n*p + i)*p + j`` is the 3x3 window at (i, j) of image n."""
        n, p, k = x.shape[0], self.positions, KERNEL_SIZE
        rows = np.empty((n, p, p, k * k), dtype=x.dtype if dtype is None else dtype)  # (N, p, p, 9)
        for r in range(k):
            for c in range(k):  # pixel (r, c) of every window: the images shifted by (r, c)
                rows[..., r * k + c] = x[:, 0, r:r + p, c:c + p]
        return rows.reshape(n * p * p, k * k)  # (N*p*p, 9)

    def forward(self, x, training=False):
        """x: (N, 1, S, S) -> logits (N, 10); training draws the seed's dropout mask."""
        x = as_float_array("x", x)
        if x.ndim != 4 or x.shape[1:] != (1, self.image_size, self.image_size):
            raise ValueError(f"FaithfulKernelNet expects images of shape (N, 1, {self.image_size}, "
                             f"{self.image_size}), got {x.shape}")
        check_finite("x", x)
        dtype = None if training else self.eval_dtype
        kernels, w = self.params["kernels"], self.params["w"]
        if dtype is not None:  # a test-mode forward in eval_dtype
            kernels, w = kernels.astype(dtype, copy=False), w.astype(dtype, copy=False)
        cols = self.windows(x, dtype)  # (N*p*p, 9)
        pre = cols @ kernels  # (N*p*p, 16)
        h = np.tanh(pre, out=pre).reshape(x.shape[0], self.hidden_size)  # (N, p*p*16), position-major
        mask = None
        if training:
            # the seed's 0/1 mask: randint(2) from its RandomState, as 0.0/1.0 in h's dtype (drawn as int32, the
            # same numbers as the seed's int64 from the same random bits, and half the memory to convert)
            mask = self.random_state.randint(2, size=h.shape, dtype=np.int32).astype(h.dtype)
            h *= mask
            h *= 2  # h = tanh(pre) * mask * 2, bit for bit, in place
        self._cache = (cols, mask, h)
        return h @ w  # (N, 10) logits

    def backward(self, dlogits):
        """dlogits: (N, 10), the mean-loss gradient (softmax(logits) - one_hot) / N. Returns None."""
        if self._cache is None:
            raise RuntimeError("FaithfulKernelNet.backward was called before forward")
        cols, mask, h = self._cache
        if mask is None:
            raise RuntimeError("FaithfulKernelNet.backward needs a forward pass with training=True")
        dlogits = as_float_array("dlogits", dlogits)
        check_shape("dlogits (one row of 10 per image of the last forward pass)", dlogits, (h.shape[0], 10))
        check_finite("dlogits", dlogits)
        self.grads["w"] = h.T @ dlogits  # (hidden, 10)
        dpre = dlogits @ self.params["w"].T  # (N, hidden): dh, turned into dpre in place below
        if "derivative" in self.fixes:  # dh * (mask * 2) * (1 - t*t) with t = tanh(pre): through h = 2 * mask * t
            dpre *= mask
            dpre *= 2
            slope = np.multiply(h, 0.5)  # t exactly where the mask kept the unit; elsewhere dpre is already 0
            slope *= slope
            np.subtract(1, slope, out=slope)
        else:  # the seed: dh * (1 - h*h) * mask, the derivative of the scaled h and a mask without x 2;
            slope = np.multiply(h, h)  # (1 - h*h) * mask is mask - h*h, since h = 0 wherever mask = 0
            np.subtract(mask, slope, out=slope)
        dpre *= slope
        dk = cols.T @ dpre.reshape(-1, KERNEL_NUM_KERNELS)  # (9, 16)
        self.grads["kernels"] = dk if "sign" in self.fixes else -dk  # the seed climbs the kernels' loss
        return None

    def __call__(self, x):
        return self.forward(x, training=False)

    def named_parameters(self):
        return dict(self.params)

    def named_gradients(self):
        if set(self.grads) != set(self.params):
            raise RuntimeError("call backward before reading gradients")
        return dict(self.grads)

    def num_params(self):
        return int(sum(p.size for p in self.params.values()))

    def conv_weights(self):
        """The kernels as cnnlib conv weights: (16, 1, 3, 3)."""
        return self.params["kernels"].T.reshape(KERNEL_NUM_KERNELS, 1, KERNEL_SIZE, KERNEL_SIZE)  # (K, C, KH, KW)

    def summary(self, input_shape=None):
        """A short description with the hidden size and parameter counts."""
        fixed = ", ".join(sorted(self.fixes)) or "none"
        return (f"FaithfulKernelNet (the seed's code path; fixes: {fixed})\n"
                f"  windows: {self.positions}x{self.positions} positions of 3x3, 16 kernels -> hidden "
                f"{self.hidden_size:,}\n"
                f"  kernels (9, 16): 144 parameters; dense ({self.hidden_size}, 10): "
                f"{self.hidden_size * 10:,} parameters\n"
                f"total parameters: {self.num_params():,}")

    def __repr__(self):
        return f"FaithfulKernelNet(fixes={tuple(sorted(self.fixes))}, hidden_size={self.hidden_size})"
