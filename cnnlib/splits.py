"""A stratified, seeded train/validation split: every class keeps its share in both parts.

    train_idx, val_idx = stratified_split(y_train, val_fraction=0.2, rng=0)
    x_fit, y_fit = x_train[train_idx], y_train[train_idx]     # what the network learns from
    x_val, y_val = x_train[val_idx], y_train[val_idx]         # what chooses epochs and models

The test split is not involved: it stays untouched until the very end.
"""

import numpy as np

from cnnlib._checks import as_generator, check_number
from cnnlib._checks_extra import check_int_labels


def stratified_split(y, val_fraction=0.2, rng=0):
    """Indices ``(train_idx, val_idx)`` that split ``y: (N,)`` integer labels class by class.

    Of the ``n_c`` samples of class ``c``, ``round(val_fraction * n_c)`` go to validation,
    drawn at random with ``rng`` (Generator, int seed or None = seed 0); the rest to training.
    Both index arrays are sorted (the samples keep their original order), disjoint, and
    together hold every index once. val_fraction: in (0, 1).
    Every class must end up in both parts (so it needs at least 2 samples, more for a small or
    large val_fraction): a class left out of one part raises ValueError, as scikit-learn does.
    """
    y = check_int_labels("y", y)
    if y.size == 0:
        raise ValueError("y is empty: expected (N,) integer labels with N >= 2 to split")
    val_fraction = check_number("val_fraction", val_fraction, 0, 1, low_open=True, high_open=True)
    rng = as_generator(rng)
    train_parts, val_parts = [], []
    for c in np.unique(y):  # sorted classes: the same draws for the same labels
        members = np.flatnonzero(y == c)  # (n_c,) indices of class c
        n_val = int(round(val_fraction * len(members)))
        if not 0 < n_val < len(members):
            raise ValueError(f"class {c} has {len(members)} sample(s): val_fraction={val_fraction:g} puts "
                             f"{n_val} in validation and {len(members) - n_val} in training; a stratified split "
                             f"needs every class in both parts (at least 2 samples per class, and a val_fraction "
                             f"that rounds to one or more of them but not all)")
        chosen = rng.permutation(len(members))
        val_parts.append(members[chosen[:n_val]])
        train_parts.append(members[chosen[n_val:]])
    return np.sort(np.concatenate(train_parts)), np.sort(np.concatenate(val_parts))
