"""A LeNet-style CNN for the course's 1,000 digits: two conv/pool stages, dropout, one dense layer.

    net = build_lenet(rng=0)            # float64 by default: training runs that agree across CPUs
    print(net.summary())                # 5,258 parameters

    Conv2D(1->8, 3x3)  -> ReLU -> MaxPool2D(2)     (1, 28, 28) -> (8, 26, 26) -> (8, 13, 13)
    Conv2D(8->16, 3x3) -> ReLU -> MaxPool2D(2)     (8, 13, 13) -> (16, 11, 11) -> (16, 5, 5)
    Flatten -> Dropout(0.5) -> Dense(400 -> 10)    (16, 5, 5) -> (400,) -> (10,) logits

The shape of LeCun's LeNet (convolution and subsampling twice, then a classifier), scaled to
the data: 3x3 kernels, 8 and 16 of them, ReLU and max pooling as today's networks use, and a
single dense layer. Trained with the recipe of ``cnnlib.nets.recipe`` (softmax cross-entropy,
mini-batches of 16, momentum 0.9, early stopping) at ``LENET_LR``, which notebook 08 chooses
on the validation split.
"""

from cnnlib._checks import as_generator, check_number, check_positive_int
from cnnlib._checks_extra import check_size_tuple
from cnnlib.layers import Conv2D, Dense, Dropout, Flatten, MaxPool2D, ReLU
from cnnlib.nets.recipe import RECIPE_DROPOUT, RECIPE_DTYPE
from cnnlib.sequential import Sequential

LENET_CHANNELS = (8, 16)


LENET_KERNEL_SIZE = 3


#: Learning rate, chosen in notebook 08 on the validation split from 0.01 and 0.03.
LENET_LR = 0.03


def build_lenet(rng=0, *, channels=LENET_CHANNELS, kernel_size=LENET_KERNEL_SIZE, dropout=RECIPE_DROPOUT,
                image_size=28, dtype=RECIPE_DTYPE):
    """The LeNet-style net above, for ``(N, 1, image_size, image_size)`` inputs -> ``(N, 10)`` logits.

    rng: Generator or int seed for the Glorot-uniform weights (and, through a child generator,
    the dropout masks). dropout: drop probability before the dense layer (0: no Dropout layer).
    The first Conv2D skips the image gradient (``input_grad=False``), as the course's builders do.
    """
    rng = as_generator(rng)
    c1, c2 = check_size_tuple("channels", channels, 2, "(kernels of conv 1, kernels of conv 2)")
    kernel_size = check_positive_int("kernel_size", kernel_size)
    image_size = check_positive_int("image_size", image_size)
    dropout = check_number("dropout", dropout, 0, 1, high_open=True)
    side = ((image_size - kernel_size + 1) // 2 - kernel_size + 1) // 2  # 28 -> 26 -> 13 -> 11 -> 5
    if side < 1:
        raise ValueError(f"image_size={image_size} is too small for two {kernel_size}x{kernel_size} "
                         "convolutions each followed by 2x2 pooling")
    layers = [Conv2D(1, c1, kernel_size, rng=rng, dtype=dtype, input_grad=False), ReLU(), MaxPool2D(2),
              Conv2D(c1, c2, kernel_size, rng=rng, dtype=dtype), ReLU(), MaxPool2D(2), Flatten()]
    dense = Dense(c2 * side * side, 10, rng=rng, dtype=dtype)
    if dropout:
        layers.append(Dropout(dropout, rng=rng.spawn(1)[0]))
    layers.append(dense)
    return Sequential(layers, input_shape=(1, image_size, image_size))
