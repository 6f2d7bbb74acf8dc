"""The one training recipe of notebook 08's controlled experiment, for every network compared there
and in the notebooks after it::

    x_fit, y_fit, x_val, y_val = recipe_split(x_train, y_train)      # 800 to learn from, 200 to choose
    net = build_lenet(seed)
    result = train_with_recipe(net, x_fit, y_fit, x_val, y_val, lr=LENET_LR, rng=seed + 1)
    result.best_epoch, result.best_val_accuracy                      # net holds the best epoch's weights

What is the same for every network: softmax cross-entropy on logits; mini-batches of 16,
reshuffled every epoch; SGD with momentum 0.9; dropout 0.5 before the last dense layer (the
builders put it there); early stopping on the validation split (at most 20 epochs, stop 10 epochs
after the best validation accuracy, keep that epoch's weights); float64 weights and images, so
that printed accuracies are the same on every CPU. What each network gets for itself: its
learning rate (and the dense net its width), chosen on the validation split in notebook 08 and
kept as constants beside its builder (``LENET_LR``, ``FAIR_DENSE_LR``, ``FAIR_DENSE_HIDDEN``).
"""

import numpy as np

from cnnlib._checks import check_batch
from cnnlib.early_stopping import fit_early_stopping
from cnnlib.optimizers import Momentum
from cnnlib.splits import stratified_split

RECIPE_LOSS = "softmax_cross_entropy"


RECIPE_BATCH_SIZE = 16


RECIPE_MOMENTUM = 0.9


#: Drop probability of the Dropout layer before each network's last dense layer.
RECIPE_DROPOUT = 0.5


RECIPE_MAX_EPOCHS = 20


#: Epochs without a new best validation accuracy before training stops. Half the budget: the validation
#: accuracy is a count out of 200 and wanders by a few images from epoch to epoch, and with a patience of 5
#: some seeds of LeNet stopped on an early plateau, several points below the others.
RECIPE_PATIENCE = 10


RECIPE_DTYPE = np.float64


#: The validation split: 20 % of each digit's training images (200 of 1,000), drawn with seed 0.
RECIPE_VAL_FRACTION = 0.2


RECIPE_SPLIT_SEED = 0


#: Shift augmentation of notebook 10: each training image moved by up to this many pixels in each direction
#: (``cnnlib.augment.random_shifts(AUGMENT_MAX_SHIFT)``). LeNet trained with it, seed 0, is the course's best
#: CNN: notebook 10 measured it best on shifted digits and about as good as LeNet on centred ones; notebook 11
#: draws digits for it.
AUGMENT_MAX_SHIFT = 3


def recipe_split(x, y):
    """(x_fit, y_fit, x_val, y_val): the stratified, seeded split of the training images that the
    recipe learns from (80 %) and chooses with (20 %). x: (N, ...), y: (N,) labels."""
    x = check_batch("x", x)
    fit_idx, val_idx = stratified_split(y, val_fraction=RECIPE_VAL_FRACTION, rng=RECIPE_SPLIT_SEED)
    if len(x) != len(y):
        raise ValueError(f"x and y must hold the same number of samples, got {len(x)} images and {len(y)} labels")
    return x[fit_idx], y[fit_idx], x[val_idx], y[val_idx]


def train_with_recipe(net, x_fit, y_fit, x_val, y_val, *, lr, rng, augment=None, max_epochs=RECIPE_MAX_EPOCHS,
                      patience=RECIPE_PATIENCE, progress=None):
    """Train ``net`` with the recipe at learning rate ``lr``; return the ``EarlyStoppingResult``.

    x_fit: (N, 1, 28, 28) float images, y_fit: (N,) labels; x_val, y_val: the validation split.
    rng: the generator (or int seed) that shuffles the batches and draws ``augment``'s shifts
    (the notebooks use the network's seed + 1). augment: optional ``augment(x_batch, rng)``, e.g.
    ``cnnlib.augment.random_shifts(3)``; the validation split is never augmented.
    ``net`` ends with the weights of its best epoch on the validation split.
    """
    return fit_early_stopping(net, x_fit, y_fit, x_val, y_val, max_epochs=max_epochs, patience=patience,
                              batch_size=RECIPE_BATCH_SIZE, optimizer=Momentum(lr, RECIPE_MOMENTUM),
                              loss=RECIPE_LOSS, rng=rng, augment=augment, progress=progress)
