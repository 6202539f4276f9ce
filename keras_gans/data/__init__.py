"""tf.data pipelines that serve training images.

The contract every loader keeps: a `tf.data.Dataset` of float32 batches
(B, H, W, C) in [-1, 1], already shuffled, batched and prefetched. Images are
decoded and resized once and kept as **uint8** (4x smaller than float32); they are
converted to float32 only after the cache, batch by batch.

Loaders:
    load_mnist_5k       digits.py     the 5,000 embedded MNIST digits (offline, about a second)
    load_image_folder   folders.py    any folder of JPEG/PNG images, recursive
    load_celeba         celeba.py     CelebA from tfds (`celeb_a`) or from an image folder
    load_tfds           tfds.py       MNIST, Fashion-MNIST, KMNIST, CIFAR-10 from tfds
    (the digits and the tfds sets also give `(images, labels)` batches with `labels=True`)
    load                here          any of them by the name the command line uses

Decoding, cropping and resizing live in `images.py`; the shared uint8 -> batches
tail (subset, cache, shuffle, batch, [-1, 1], prefetch) in `pipeline.py`.
"""

import os
import zipfile

from keras_gans.data.celeba import load_celeba
from keras_gans.data.digits import MNIST_5K_PATH, load_mnist_5k, mnist_5k_arrays
from keras_gans.data.folders import image_folder_arrays, load_image_folder
from keras_gans.data.images import (
    IMAGE_EXTENSIONS,
    center_crop_and_resize,
    decode_centre_square,
    decode_image_files,
    list_images,
    resize_square,
)
from keras_gans.data.pipeline import (
    SUPPORTED_SIZES,
    batches_from_uint8,
    image_shape,
    resize_uint8,
    steps_per_epoch,
    subset_indices,
)
from keras_gans.data.tfds import LABELLED as TFDS_LABELLED
from keras_gans.data.tfds import TFDS_DATASETS, load_tfds, tfds_arrays, tfds_labels
from keras_gans.pixels import to_float, to_uint8

DATASETS = ("mnist5k", "mnist", "fashion_mnist", "kmnist", "cifar10", "celeba")


# The datasets whose images carry a class label (`load(..., labels=True)`), and how many classes.
LABELLED = {"mnist5k": 10, **{name: 10 for name in TFDS_LABELLED}}


def load(name, image_size=32, batch_size=64, num_images=None, seed=None, data_dir=None, download=False,
         skip_corrupt=False, labels=False, **options):
    """A training dataset by the name the command line uses, or an image folder.

    Args:
        name: one of `DATASETS` ("mnist5k": the embedded digits, offline; "mnist",
            "fashion_mnist", "kmnist", "cifar10": tfds; "celeba": tfds `celeb_a`), or
            the path of a folder or a .zip of images (which is what `load_image_folder` reads).
        image_size, batch_size, num_images, seed: as for the named loader.
        data_dir: the tfds data folder (tfds datasets and CelebA; not used otherwise).
        download: let tfds download a dataset that is not prepared (tfds datasets and CelebA).
        skip_corrupt: leave out image files that cannot be decoded (folders, CelebA folders).
        labels: batches of `(images, labels)` (labels (B,) int32), for a conditional GAN;
            only the datasets of `LABELLED` have them.
        **options: further keyword arguments of the loader (e.g. `cache_dir`, or
            `source=` a CelebA folder).

    Returns:
        A `tf.data.Dataset` of float32 batches in [-1, 1].
    """
    common = dict(image_size=image_size, batch_size=batch_size, num_images=num_images, seed=seed)
    if labels:
        if name not in LABELLED:
            raise ValueError(
                f"Invalid value for argument `labels`. Only {', '.join(LABELLED)} have class labels; "
                f"{name!r} has none. Received: labels=True")
        common["labels"] = True
    if name == "mnist5k":
        return load_mnist_5k(**common, **options)
    if name == "celeba":
        return load_celeba(**common, data_dir=data_dir, download=download, skip_corrupt=skip_corrupt,
                           **options)
    if name in TFDS_DATASETS:
        return load_tfds(name, **common, data_dir=data_dir, download=download, **options)
    if isinstance(name, (str, os.PathLike)) and (os.path.isdir(name) or zipfile.is_zipfile(name)):
        return load_image_folder(name, **common, skip_corrupt=skip_corrupt, **options)
    raise ValueError(
        f"Invalid value for argument `name`. Expected one of {', '.join(DATASETS)}, or a folder or .zip "
        f"of images. Received: name={name!r}"
    )


__all__ = [
    "DATASETS", "IMAGE_EXTENSIONS", "LABELLED", "MNIST_5K_PATH", "SUPPORTED_SIZES", "TFDS_DATASETS",
    "batches_from_uint8", "center_crop_and_resize", "decode_centre_square", "decode_image_files",
    "image_folder_arrays", "image_shape", "list_images", "load", "load_celeba", "load_image_folder", "load_mnist_5k",
    "load_tfds", "mnist_5k_arrays", "resize_square", "resize_uint8", "steps_per_epoch", "subset_indices", "tfds_arrays",
    "tfds_labels",
    "to_float", "to_uint8",
]
