"""The dense net of notebook 08's controlled experiment: 784 -> 100 ReLU -> dropout -> 10, trained
with the same recipe as LeNet (``cnnlib.nets.recipe``), so that the comparison changes only the
architecture.

    net = build_fair_dense_net(rng=0)     # 784*100 + 100 + 100*10 + 10 = 79,510 weights
    train_with_recipe(net, x_fit, y_fit, x_val, y_val, lr=FAIR_DENSE_LR, rng=1)

Unlike notebook 02's dense baseline (``cnnlib.nets.dense_net``: squared error, plain SGD, no
dropout, uniform weights) it is initialised like the CNN (Glorot-uniform, zero biases) and has a
Dropout layer before its output layer, where LeNet has one.
"""

from cnnlib._checks import as_generator, check_number, check_positive_int
from cnnlib.layers import Dense, Dropout, Flatten, ReLU
from cnnlib.nets.recipe import RECIPE_DROPOUT, RECIPE_DTYPE
from cnnlib.sequential import Sequential

#: Hidden ReLU units, chosen in notebook 08 on the validation split from 7, 40 and 100.
FAIR_DENSE_HIDDEN = 100


#: Learning rate, chosen in notebook 08 on the validation split (with the width) from 0.01 and 0.03.
FAIR_DENSE_LR = 0.03


def build_fair_dense_net(rng=0, *, hidden=FAIR_DENSE_HIDDEN, dropout=RECIPE_DROPOUT, dtype=RECIPE_DTYPE):
    """Flatten -> Dense(784 -> hidden) -> ReLU -> Dropout(dropout) -> Dense(hidden -> 10) logits.

    rng: Generator or int seed for the Glorot-uniform weights (and, through a child generator, the
    dropout masks, as in ``build_lenet``). dropout: 0 leaves the Dropout layer out.
    """
    rng = as_generator(rng)
    hidden = check_positive_int("hidden", hidden)
    dropout = check_number("dropout", dropout, 0, 1, high_open=True)
    layers = [Flatten(), Dense(784, hidden, rng=rng, dtype=dtype), ReLU()]
    output = Dense(hidden, 10, rng=rng, dtype=dtype)
    if dropout:
        layers.append(Dropout(dropout, rng=rng.spawn(1)[0]))
    layers.append(output)
    return Sequential(layers, input_shape=(1, 28, 28))
