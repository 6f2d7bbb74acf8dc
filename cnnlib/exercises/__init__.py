"""Checked exercises: one checker per exercise of notebooks 01-14.

A student writes a function (or a class) in a notebook and passes it to its
checker, e.g. ``check_correlate2d(my_correlate2d)``. The checker runs it on
several cases, hard ones included (non-square inputs, stride and padding,
overlapping windows, ties, float32), compares each result with cnnlib's own
reference and prints ONE sentence: "Correct! ...", "Not yet: ..." (which case,
which shape or position, and the likely slip) or "Not attempted: ...". It also
returns a ``CheckResult`` that is true exactly when the answer is correct.

Every checker takes ``time_limit`` (seconds per call, default 5; anything but
a number of seconds > 0 is a ValueError before the answer runs) and
``quiet=True`` (return the result without printing it). An exercise that asks
for a function to be written by hand switches cnnlib's own version off while
the answer runs.

Some exercises ask to *predict or interpret* instead: their answer is a value
(``my_counts = (30, 0)``; a function that returns it will do too), which the
checker compares with what it measures with cnnlib, saying what is wrong
without giving the right value away.
"""

from cnnlib.exercises._report import CheckResult
from cnnlib.exercises.augmentation import check_pad_and_crop, check_random_shift_augment, check_small_shift_prediction
from cnnlib.exercises.controlled_experiment import check_early_stopping_rule, check_fair_ratio_test, check_margin
from cnnlib.exercises.convolution import (
                                           check_conv_backward,
                                           check_conv_input_grad,
                                           check_conv_kernel_grad,
                                           check_convolve_via_rotation,
                                           check_stride_prediction,
)
from cnnlib.exercises.dense_overfitting import (
                                           check_dense_backward,
                                           check_early_stopping_reading,
                                           check_mse_grad,
                                           check_weights_per_example,
)
from cnnlib.exercises.draw_a_digit import (
                                           check_center_by_mass,
                                           check_corner_digit_box,
                                           check_kernel_net_shift_prediction,
)
from cnnlib.exercises.equivariance import check_equivariant_layers, check_gap_backward, check_unfilled_region
from cnnlib.exercises.init_and_batchnorm import check_batchnorm_backward, check_he_std, check_spread_prediction
from cnnlib.exercises.keras_bridge import (
                                           check_cnnlib_kernel_layout,
                                           check_dense_rows_to_keras,
                                           check_flatten_index,
                                           check_keras_kernel_layout,
)
from cnnlib.exercises.kernel_net import (
                                          check_kernel_update_sign,
                                          check_step_cosine,
                                          check_tanh_dropout_backward,
                                          check_window_rows,
)
from cnnlib.exercises.layers import (
                                           check_layer_backward,
                                           check_network_backward,
                                           check_receptive_field,
                                           check_which_maps_move,
)
from cnnlib.exercises.learning_rate import check_diverging_rates, check_one_cycle
from cnnlib.exercises.modern_cnn import check_conv_bn_params, check_residual_backward
from cnnlib.exercises.pooling import (
                                           check_maxpool_backward,
                                           check_maxpool_forward,
                                           check_pooled_shift,
                                           check_softmax_ce_grad,
)
from cnnlib.exercises.weight_sharing import (
                                           check_correlate2d,
                                           check_output_size,
                                           check_param_counts,
                                           check_shift_prediction,
)

#: The exercises of each notebook, in the order they appear there.
EXERCISES = {
    "01": (check_output_size, check_correlate2d, check_param_counts, check_shift_prediction),
    "02": (check_weights_per_example, check_dense_backward, check_mse_grad, check_early_stopping_reading),
    "03": (check_window_rows, check_kernel_update_sign, check_tanh_dropout_backward, check_step_cosine),
    "04": (check_convolve_via_rotation, check_conv_kernel_grad, check_conv_input_grad, check_conv_backward,
           check_stride_prediction),
    "05": (check_maxpool_forward, check_maxpool_backward, check_softmax_ce_grad, check_pooled_shift),
    "06": (check_layer_backward, check_network_backward, check_receptive_field, check_which_maps_move),
    "07": (check_keras_kernel_layout, check_cnnlib_kernel_layout, check_dense_rows_to_keras, check_flatten_index),
    "08": (check_early_stopping_rule, check_margin, check_fair_ratio_test),
    "09": (check_unfilled_region, check_gap_backward, check_equivariant_layers),
    "10": (check_pad_and_crop, check_random_shift_augment, check_small_shift_prediction),
    "11": (check_center_by_mass, check_corner_digit_box, check_kernel_net_shift_prediction),
    "12": (check_he_std, check_spread_prediction, check_batchnorm_backward),
    "13": (check_one_cycle, check_diverging_rates),
    "14": (check_conv_bn_params, check_residual_backward),
}

__all__ = ["CheckResult", "EXERCISES"] + [check.__name__ for checks in EXERCISES.values() for check in checks]
