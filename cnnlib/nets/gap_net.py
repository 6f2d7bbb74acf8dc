"""A CNN with a global-average-pooling head (notebook 09): LeNet's two conv/pool stages, a third
3x3 convolution, then the mean of each map instead of a flattened grid of positions.

    net = build_gap_net(rng=0)            # 6,218 weights

    Conv2D(1->8, 3x3)   -> ReLU -> MaxPool2D(2)    (1, 28, 28)  -> (8, 26, 26)  -> (8, 13, 13)
    Conv2D(8->16, 3x3)  -> ReLU -> MaxPool2D(2)    (8, 13, 13)  -> (16, 11, 11) -> (16, 5, 5)
    Conv2D(16->32, 3x3) -> ReLU                    (16, 5, 5)   -> (32, 3, 3)
    GlobalAvgPool2D -> Dropout(0.5) -> Dense(32 -> 10)   (32, 3, 3) -> (32,) -> (10,) logits

LeNet's dense layer has one weight per map *and position* (400 inputs); here each of the 32 maps
is averaged over its positions first, so the dense layer cannot tell where in the image a pattern
was found — only how strongly it was found. Trained with the recipe of ``cnnlib.nets.recipe`` at
LeNet's learning rate (``GAP_LR``): nothing is tuned for it.
"""

from cnnlib._checks import as_generator, check_number
from cnnlib._checks_extra import check_size_tuple
from cnnlib.layers import Conv2D, Dense, Dropout, GlobalAvgPool2D, MaxPool2D, ReLU
from cnnlib.nets.lenet import LENET_LR
from cnnlib.nets.recipe import RECIPE_DROPOUT, RECIPE_DTYPE
from cnnlib.sequential import Sequential

GAP_CHANNELS = (8, 16, 32)


#: The learning rate the recipe trains it with: LeNet's, chosen in notebook 08.
GAP_LR = LENET_LR


def build_gap_net(rng=0, *, channels=GAP_CHANNELS, dropout=RECIPE_DROPOUT, dtype=RECIPE_DTYPE):
    """The GAP-head CNN above, for ``(N, 1, 28, 28)`` inputs -> ``(N, 10)`` logits.

    rng: Generator or int seed for the Glorot-uniform weights (and, through a child generator,
    the dropout masks). channels: the three convolutions' kernel counts. dropout: 0 leaves the
    Dropout layer out. The first Conv2D skips the image gradient (``input_grad=False``).
    """
    rng = as_generator(rng)
    c1, c2, c3 = check_size_tuple("channels", channels, 3, "(kernels of conv 1, conv 2, conv 3)")
    dropout = check_number("dropout", dropout, 0, 1, high_open=True)
    layers = [Conv2D(1, c1, 3, rng=rng, dtype=dtype, input_grad=False), ReLU(), MaxPool2D(2),
              Conv2D(c1, c2, 3, rng=rng, dtype=dtype), ReLU(), MaxPool2D(2),
              Conv2D(c2, c3, 3, rng=rng, dtype=dtype), ReLU(), GlobalAvgPool2D()]
    dense = Dense(c3, 10, rng=rng, dtype=dtype)
    if dropout:
        layers.append(Dropout(dropout, rng=rng.spawn(1)[0]))
    layers.append(dense)
    return Sequential(layers, input_shape=(1, 28, 28))
