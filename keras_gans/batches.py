"""Batches: the images of a batch however `fit` or a dataset hands it over, and work done batch by batch.

Two small helpers that every layer above uses, so there is one way to do each:

    images_of(batch)                  x, (x,), (x, y) or (x, y, w) -> x
    in_batches(function, arrays, 256) function on slices of the arrays -> one NumPy array
"""

import keras
import numpy as np


def images_of(batch):
    """The images of a batch as `fit` and the package's datasets hand it over: `x`, `(x,)`, `(x, y)` or `(x, y, w)`.

    Example:
    >>> tuple(images_of((np.zeros((2, 4, 4, 1)), np.array([3, 7]))).shape)
    (2, 4, 4, 1)
    """
    return keras.utils.unpack_x_y_sample_weight(batch)[0]


def in_batches(function, arrays, batch_size):
    """`function` applied to consecutive slices of `arrays` (a list of equally long arrays), as one float32 array.

    Generating or scoring thousands of images at once would hold all their activations in
    memory; this holds one batch's.

    Args:
        function: takes one slice of each array (as separate arguments) and returns a batch.
        arrays: a list of arrays (or tensors) with the same first dimension.
        batch_size: rows per call.

    Returns:
        The concatenated results as a float32 NumPy array.

    Example:
    >>> in_batches(lambda x: x * 2, [np.arange(5.0)], batch_size=2)
    array([0., 2., 4., 6., 8.], dtype=float32)
    """
    total = int(arrays[0].shape[0])
    parts = [keras.ops.convert_to_numpy(function(*(array[start:start + batch_size] for array in arrays)))
             for start in range(0, total, batch_size)]
    return np.concatenate(parts).astype("float32")
