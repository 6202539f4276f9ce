"""CelebA's aligned faces, from tfds or from an image folder (official or Kaggle layout)."""

import os
import warnings
import zipfile

from keras_gans.data.folders import files_to_array
from keras_gans.data.images import ZIP_MEMBER, list_images
from keras_gans.data.pipeline import batches_from_uint8, check_image_size
from keras_gans.data.tfds import tfds_arrays

_CELEBA_SPLITS = {"train": 0, "validation": 1, "test": 2}


_PARTITION_FILES = ("list_eval_partition.txt", "list_eval_partition.csv")


def _parse_partition(lines):
    partition = {}
    for line in lines:
        fields = line.replace(",", " ").split()
        if len(fields) == 2 and fields[1].isdigit():  # skips Kaggle's header row
            partition[fields[0]] = int(fields[1])
    return partition


def _celeba_partition(source):
    """The official `list_eval_partition.txt` or Kaggle's `.csv`: {file name: 0/1/2}, and where it was.

    Looked for in a folder and up to two folders above it, or inside a zip archive.
    """
    if os.path.isfile(source) and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for member in archive.namelist():
                if os.path.basename(member) in _PARTITION_FILES:
                    text = archive.read(member).decode("utf-8", errors="replace")
                    return f"{source}{ZIP_MEMBER}{member}", _parse_partition(text.splitlines())
        return None, None
    folder = os.path.abspath(source)
    for base in (folder, os.path.dirname(folder), os.path.dirname(os.path.dirname(folder))):
        for name in (*_PARTITION_FILES, os.path.join("Eval", "list_eval_partition.txt")):
            file = os.path.join(base, name)
            if os.path.isfile(file):
                with open(file) as lines:
                    return file, _parse_partition(lines)
    return None, None


def load_celeba(image_size=64, batch_size=128, split="train", num_images=None, source="tfds",
                data_dir=None, manual_dir=None, download=False, seed=None, cache_dir=None,
                skip_corrupt=False, shuffle=True, drop_remainder=True):
    """CelebA's aligned faces, centre-cropped and resized, as float32 batches in [-1, 1].

    Liu et al., 2015, "Deep Learning Face Attributes in the Wild": 202,599 faces of
    178x218 pixels (train 162,770, validation 19,867, test 19,962). The GANs 101
    article's experiments use all of them, or subsets of 1,000 / 5,000 / 10,000, at 64x64.

    Two sources:
    - `source="tfds"`: the tfds `celeb_a` dataset, already prepared in `data_dir`,
      or prepared from the official files in `manual_dir`, or downloaded with
      `download=True`. Otherwise this fails within a second with a message that
      says how to get the data; it never waits on the network.
    - `source="path/to/folder"` or `"path/to/archive.zip"`: the JPEGs themselves,
      read from a zip without unpacking it (Kaggle's `celeba-dataset.zip`), or a
      folder such as the official flat
      `img_align_celeba/*.jpg` or Kaggle's nested `img_align_celeba/img_align_celeba/`.
      When `list_eval_partition.txt` (official) or `.csv` (Kaggle) is in the folder
      or up to two levels above it, `split` selects from it; otherwise every image
      is used, with a warning unless `split="all"`.

    Each face is centre-cropped to 178x178 and resized (antialiased) to `image_size`;
    `center_crop_and_resize` explains how this matches the GANs 101 article's "resize to 64, then
    centre crop 64" to within a fifth of an output pixel.

    Args:
        image_size: side of the square images, one of 16, 28, 32, 64, 128.
        batch_size: images per batch.
        split: "train", "validation", "test" or "all" (tfds split syntax such as
            "train[:10%]" also works with `source="tfds"`).
        num_images: a deterministic subset of this many faces: for tfds the first
            ones of the split (stored in a shuffled order), for a folder a seeded
            choice (same seed, same files).
        source: "tfds", or the path of an image folder or of a .zip of images.
        data_dir: tfds data folder (default ~/tensorflow_datasets).
        manual_dir: folder with the official files (img_align_celeba.zip and the
            four list files) for tfds to prepare from, offline.
        download: let tfds download CelebA (1.4 GB) if it is not prepared.
        seed: seed of the folder subset and of the shuffle.
        cache_dir: folder for a uint8 .npy cache of the preprocessed faces
            (2.5 GB for all of them at 64x64), memory-mapped on later calls.
        skip_corrupt: with a folder, leave out files that cannot be decoded.
        shuffle: shuffle every epoch.
        drop_remainder: drop the last incomplete batch.

    Returns:
        A `tf.data.Dataset` of float32 batches (batch_size, image_size, image_size, 3)
        in [-1, 1].

    Example:
    >>> faces = load_celeba(source="datasets/celeba", num_images=5000, seed=0)  # doctest: +SKIP
    """
    check_image_size(image_size)
    if split not in (*_CELEBA_SPLITS, "all") and source != "tfds":
        raise ValueError(f"Invalid value for argument `split`. Expected one of train, validation, test, all. "
                         f"Received: split={split!r}")
    if source == "tfds":
        tfds_split = "train+validation+test" if split == "all" else split
        images = tfds_arrays("celeba", image_size, tfds_split, num_images, 3, data_dir=data_dir,
                             download=download, manual_dir=manual_dir, cache_dir=cache_dir)
    else:
        files = list_images(source)
        if split != "all":
            partition_file, partition = _celeba_partition(source)
            if partition is None:
                warnings.warn(f"No list_eval_partition.txt or .csv found in or above {source!r}, so "
                              f"split={split!r} cannot be applied: using all {len(files)} images. Pass "
                              "split='all' to say that this is what you want.", stacklevel=2)
            else:
                wanted = _CELEBA_SPLITS[split]
                files = [file for file in files if partition.get(os.path.basename(file)) == wanted]
                if not files:
                    raise FileNotFoundError(f"No image of split {split!r} (per {partition_file}) "
                                            f"in {source!r}.")
        images = files_to_array(files, image_size, num_images, 3, seed, skip_corrupt, cache_dir)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle, drop_remainder=drop_remainder)
