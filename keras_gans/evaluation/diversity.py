"""How varied a set of images is: the number behind the collapse check of `Diagnostics`."""

import numpy as np


def mean_pairwise_distance(images):
    """Mean RMS pixel distance between every pair of images: how varied a batch is.

    spread = mean over pairs i < j of sqrt(mean((x_i - x_j)^2))

    0 when all images are the same; about 0.82 for uniform noise in [-1, 1];
    about 0.65 for the embedded MNIST digits at 32 px.

    Args:
        images: (N, ...) array, N >= 2.

    Returns:
        float.

    Example:
    >>> mean_pairwise_distance(np.array([[0.0, 0.0], [1.0, 1.0]]))
    1.0
    """
    x = np.asarray(images, dtype="float64").reshape(len(images), -1)
    if len(x) < 2:
        raise ValueError(
            f"Invalid value for argument `images`. Expected at least 2 images. Received: {len(x)}"
        )
    squares = np.sum(x * x, axis=1)
    # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, for all pairs at once
    distances = np.maximum(squares[:, None] + squares[None, :] - 2.0 * x @ x.T, 0.0) / x.shape[1]
    upper = np.triu_indices(len(x), k=1)
    return float(np.mean(np.sqrt(distances[upper])))
