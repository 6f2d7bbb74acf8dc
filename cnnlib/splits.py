"""A stratified, seeded train/validation split: every class keeps its share in both parts.

    train_idx, val_idx = stratified_split(y_train, val_fraction=0.2, rng=0)
    x_fit, y_fit = x_train[train_idx], y_train[train_idx]     # what the network learns from
    x_val, y_val = x_train[val_idx], y_train[val_idx]         # what chooses epochs and models

The test split is not involved: it stays untouched until the very end.
"""

import numpy as np

from cnnlib._checks import as_array, as_generator, check_ndim


def stratified_split(y, val_fraction=0.2, rng=0):
    """Indices ``(train_idx, val_idx)`` that split ``y: (N,)`` integer labels class by class.

    Of the ``n_c`` samples of class ``c``, ``round(val_fraction * n_c)`` go to validation,
    drawn at random with ``rng`` (Generator, int seed or None = seed 0); the rest to training.
    Both index arrays are sorted (the samples keep their original order), disjoint, and
    together hold every index once. val_fraction: in (0, 1).
    """
    y = as_array("y", y)
    check_ndim("y", y, 1, "(N,) of integer labels")
    if y.dtype.kind not in "iu":
        raise ValueError(f"y must hold integer labels, got dtype {y.dtype}")
    val_fraction = float(val_fraction)
    if not 0.0 < val_fraction < 1.0:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction}")
    rng = as_generator(rng)
    train_parts, val_parts = [], []
    for c in np.unique(y):  # sorted classes: the same draws for the same labels
        members = np.flatnonzero(y == c)  # (n_c,) indices of class c
        n_val = int(round(val_fraction * len(members)))
        chosen = rng.permutation(len(members))
        val_parts.append(members[chosen[:n_val]])
        train_parts.append(members[chosen[n_val:]])
    train_idx, val_idx = np.sort(np.concatenate(train_parts)), np.sort(np.concatenate(val_parts))
    if len(train_idx) == 0 or len(val_idx) == 0:
        raise ValueError(f"val_fraction={val_fraction} of {len(y)} samples leaves "
                         f"{len(train_idx)} for training and {len(val_idx)} for validation; both must be > 0")
    return train_idx, val_idx
