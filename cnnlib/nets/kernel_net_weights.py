"""The shape and the initial weights of the source's 3x3 kernel net, as its code draws them.

Shared by the corrected net (``cnnlib.nets.kernel_net``) and the replica of the source's code
(``cnnlib.nets.faithful_kernel_net``): both start from the same two draws of
``numpy.random.RandomState(KERNEL_SEED)``, the kernels ``0.02*U[0,1) - 0.01`` of shape (9, 16), then
the dense weights ``0.2*U[0,1) - 0.1`` of shape (hidden, 10).
"""

#: 16 kernels of 3 x 3 pixels.
KERNEL_NUM_KERNELS = 16
KERNEL_SIZE = 3
#: The seed's np.random.seed(1).
KERNEL_SEED = 1


def initial_weights(random_state, positions):
    """The source's first two draws from ``random_state`` (a ``numpy.random.RandomState``).

    positions: window positions per axis (25 in the source's code, 26 for a valid correlation).
    Returns kernels (9, 16) (column k is kernel k, its 3x3 window in row-major order) and dense
    weights (positions**2 * 16, 10) (row ``position * 16 + kernel``: the source's position-major layout).
    """
    kernels = 0.02 * random_state.random_sample((KERNEL_SIZE * KERNEL_SIZE, KERNEL_NUM_KERNELS)) - 0.01
    weights = 0.2 * random_state.random_sample((positions * positions * KERNEL_NUM_KERNELS, 10)) - 0.1
    return kernels, weights
