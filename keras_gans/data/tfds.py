"""MNIST, Fashion-MNIST, KMNIST, CIFAR-10 and CelebA from TensorFlow Datasets, without network waits."""

import os

import numpy as np
import tensorflow as tf

from keras_gans import checks
from keras_gans.data.images import check_channels, decode_centre_square, resize_square
from keras_gans.data.pipeline import batches_from_uint8, cached, check_image_size, collect

# Our name -> (tfds name, native channels, side of the images).
TFDS_DATASETS = {
    "mnist": ("mnist", 1, 28),
    "fashion_mnist": ("fashion_mnist", 1, 28),
    "kmnist": ("kmnist", 1, 28),
    "cifar10": ("cifar10", 3, 32),
    "celeba": ("celeb_a", 3, None),
}

# The ones with one class label per image (10 classes each).
LABELLED = ("mnist", "fashion_mnist", "kmnist", "cifar10")

_CELEBA_FILES = ("img_align_celeba.zip", "list_eval_partition.txt", "list_attr_celeba.txt",
                 "list_landmarks_align_celeba.txt", "identity_CelebA.txt")

_CELEBA_HOW_TO = (
    "Get CelebA one of these ways:\n"
    "  1. Kaggle's copy as it is: `kaggle datasets download -d jessicali9530/celeba-dataset` "
    "(or the official img_align_celeba.zip from https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html), then "
    "load_celeba(source='celeba-dataset.zip') (keras-gans: --dataset celeba-dataset.zip); a zip is read "
    "without unpacking, and an unpacked img_align_celeba/ folder works the same way.\n"
    "  2. Through tfds with files you fetched yourself: put " + ", ".join(_CELEBA_FILES)
    + " in one folder and pass manual_dir='that/folder'.\n"
    "  3. Let tfds download it (1.4 GB from Google Drive, often over its daily quota): download=True "
    "(--download)."
)


def _tfds_split(name, split, data_dir=None, download=False, manual_dir=None):
    """A tfds split with its images still encoded, without any network wait unless `download=True`.

    The prepared copy in `data_dir` is tried first with `download=False`, which fails
    in a fraction of a second when it is not there (a plain `tfds.load` would start
    downloading, and retries for minutes without a network).
    """
    import tensorflow_datasets as tfds

    # The images stay encoded: the shared path decodes them (a JPEG straight into its centre square).
    options = dict(split=split, shuffle_files=False, decoders={"image": tfds.decode.SkipDecoding()})
    try:
        return tfds.load(name, data_dir=data_dir, download=False, **options)
    except AssertionError:  # tfds' "could not find data" error is an AssertionError
        pass
    where = data_dir or "~/tensorflow_datasets"
    if manual_dir is not None:
        if name == "celeb_a":
            missing = [file for file in _CELEBA_FILES if not os.path.isfile(os.path.join(manual_dir, file))]
            if missing:
                raise FileNotFoundError(
                    f"Invalid value for argument `manual_dir`: {manual_dir!r} lacks {', '.join(missing)}, "
                    "so tfds would try to download them. " + _CELEBA_HOW_TO)
        builder = tfds.builder(name, data_dir=data_dir)
        builder.download_and_prepare(download_config=tfds.download.DownloadConfig(manual_dir=manual_dir))
        return builder.as_dataset(**options)
    if download:
        try:
            return tfds.load(name, data_dir=data_dir, download=True, **options)
        except Exception as error:  # tfds raises several kinds (quota, checksum, network)
            reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            if name != "celeb_a":
                raise OSError(f"tfds could not download {name!r} ({reason}).") from None
            raise OSError(f"tfds could not download CelebA ({reason}). tfds fetches it from Google Drive, "
                          "which refuses downloads once a file's daily quota is used up. " + _CELEBA_HOW_TO) from None
    message = f"The tfds dataset {name!r} is not prepared in {where}, and download=False. "
    if name == "celeb_a":
        raise FileNotFoundError(message + _CELEBA_HOW_TO)
    raise FileNotFoundError(message + "Pass download=True (keras-gans: --download; needs the network), or "
                                      f"data_dir= (--data-dir) where tfds.builder({name!r})"
                                      ".download_and_prepare() put it.")


def tfds_arrays(name, image_size=32, split="train", num_images=None, channels=None, pad=True,
                data_dir=None, download=False, manual_dir=None, cache_dir=None):
    """A tfds image dataset as one uint8 array, after the shared preprocessing path.

    The arrays behind `load_tfds` and `load_celeba`; see there for the arguments.

    Returns:
        uint8 array (N, image_size, image_size, channels); a read-only `np.memmap`
        when `cache_dir` is given.
    """
    if name not in TFDS_DATASETS:
        raise ValueError(f"Invalid value for argument `name`. Expected one of {', '.join(TFDS_DATASETS)}. "
                         f"Received: name={name!r}")
    tfds_name, native_channels, side = TFDS_DATASETS[name]
    channels = native_channels if channels is None else channels
    check_image_size(image_size)
    check_channels(channels)
    if num_images is not None:
        checks.positive_int("num_images", num_images)
    pad = pad and side == 28 and image_size >= 32

    def prepare(index, example):
        # The same path as image files: the decoder converts the channels and crops.
        square = decode_centre_square(example["image"], channels, image_size)
        if pad:  # 28 -> 32 with a 2-pixel black border (the LeNet convention), then resize
            square = tf.pad(square, [[2, 2], [2, 2], [0, 0]])
        return index, resize_square(square, image_size), False

    def build():
        examples = _tfds_split(tfds_name, split, data_dir, download, manual_dir)
        if num_images is not None:
            # tfds stores every split in a fixed order shuffled at preparation time, so
            # the first `num_images` examples are a fixed, well-mixed subset, read
            # without touching the rest of the split.
            examples = examples.take(num_images)
        count = int(examples.cardinality())
        if count < 0:  # unknown: count by reading the (already subset) split once
            count = int(examples.reduce(np.int64(0), lambda total, _: total + 1))
        if num_images is not None and count < num_images:
            raise ValueError(f"Invalid value for argument `num_images`. The split has {count} images. "
                             f"Received: num_images={num_images}")
        dataset = examples.enumerate().map(prepare, num_parallel_calls=tf.data.AUTOTUNE, deterministic=False)
        return collect(dataset, count, image_size, channels)[0]

    return cached(cache_dir, ("tfds", tfds_name, split, num_images, image_size, channels, pad,
                               os.fspath(data_dir) if data_dir else None), build)


def tfds_labels(name, split="train", num_images=None, data_dir=None, download=False, cache_dir=None):
    """The class labels of a tfds dataset, in the order of `tfds_arrays`' images, as an int array (N,).

    Only the "label" feature is read (the images stay encoded and are not decoded).
    CelebA has no class labels (it has 40 binary attributes) and is refused.
    """
    if name not in LABELLED:
        raise ValueError(f"Invalid value for argument `name`. Class labels exist for {', '.join(LABELLED)}. "
                         f"Received: name={name!r}")
    tfds_name = TFDS_DATASETS[name][0]

    def build():
        examples = _tfds_split(tfds_name, split, data_dir, download)
        if num_images is not None:
            examples = examples.take(num_images)
        labels = [batch for batch in examples.map(lambda example: example["label"]).batch(4096)
                  .as_numpy_iterator()]
        return np.concatenate(labels).astype("int32") if labels else np.zeros((0,), "int32")

    return np.asarray(cached(cache_dir, ("tfds-labels", tfds_name, split, num_images,
                                         os.fspath(data_dir) if data_dir else None), build))


def load_tfds(name, image_size=32, batch_size=64, split="train", num_images=None, channels=None, pad=True,
              seed=None, data_dir=None, download=False, cache_dir=None, shuffle=True, drop_remainder=True,
              labels=False):
    """MNIST, Fashion-MNIST, KMNIST or CIFAR-10 from TensorFlow Datasets, as float32 batches.

    The data must be prepared by tfds beforehand (in `data_dir`), or `download=True`
    fetches it; without either this fails at once with a message, never waiting on
    the network. The examples go through the same path as image folders: centre
    crop (a no-op for these square images), antialiased resize, uint8 array (in
    memory or memory-mapped from `cache_dir`), then seeded shuffle, batch, float32
    [-1, 1], prefetch.

    The 28x28 sets (MNIST, Fashion-MNIST, KMNIST) are padded with 2 black pixels per
    side to 32x32 when `pad=True` and `image_size >= 32` (the digit keeps its pixels
    and its margin grows, as in LeNet's 32x32 input), then resized if `image_size` is
    not 32; with `pad=False` they are resized directly (the digit fills the frame).

    Args:
        name: "mnist", "fashion_mnist", "kmnist" or "cifar10" ("celeba" works too,
            but `load_celeba` has the folder route and friendlier defaults).
        image_size: side of the square images, one of 16, 28, 32, 64, 128.
        batch_size: images per batch.
        split: tfds split, e.g. "train", "test", "train+test".
        num_images: the first `num_images` examples of the split: a fixed subset
            (tfds stores splits in a shuffled order), the same whatever the seed.
        channels: 1 or 3; None keeps the dataset's own (1 for the MNIST family).
        pad: pad 28 px images to 32 instead of stretching them (see above).
        seed: seed of the shuffle.
        data_dir: tfds data folder (default ~/tensorflow_datasets).
        download: let tfds download and prepare the dataset if it is missing.
        cache_dir: folder for a uint8 .npy cache of the preprocessed images.
        shuffle: shuffle every epoch.
        drop_remainder: drop the last incomplete batch.
        labels: also give each image's class: batches of `(images, labels)`, the labels
            (batch_size,) int32 (MNIST, Fashion-MNIST, KMNIST and CIFAR-10 have 10 classes).

    Returns:
        A `tf.data.Dataset` of float32 batches (batch_size, image_size, image_size,
        channels) in [-1, 1], or of `(images, labels)` with `labels=True`.

    Example:
    >>> dataset = load_tfds("fashion_mnist", image_size=32, download=True)  # doctest: +SKIP
    """
    classes = None
    if labels:  # first, so an unlabelled dataset is refused before its images are read
        classes = tfds_labels(name, split, num_images, data_dir, download, cache_dir)
    images = tfds_arrays(name, image_size, split, num_images, channels, pad, data_dir, download,
                         cache_dir=cache_dir)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle, drop_remainder=drop_remainder,
                              labels=classes)
