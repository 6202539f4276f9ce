"""Any folder or .zip of JPEG/PNG images (CelebA's `img_align_celeba/` among them) as training batches."""

import os

from keras_gans.data.images import ZIP_MEMBER, check_channels, decode_image_files, list_images
from keras_gans.data.pipeline import batches_from_uint8, cached, check_image_size, subset_indices


def image_folder_arrays(path, image_size=64, num_images=None, channels=3, seed=None, skip_corrupt=False,
                        cache_dir=None):
    """The images of a folder as one uint8 array, after the shared preprocessing path.

    The arrays behind `load_image_folder`; see there for the arguments.

    Returns:
        uint8 array (N, image_size, image_size, channels); a read-only `np.memmap`
        when `cache_dir` is given.
    """
    check_image_size(image_size)
    check_channels(channels)
    files = list_images(path)
    return files_to_array(files, image_size, num_images, channels, seed, skip_corrupt, cache_dir)


def files_to_array(files, image_size, num_images, channels, seed, skip_corrupt, cache_dir):
    files = [files[i] for i in subset_indices(len(files), num_images, seed)]

    def build():
        return decode_image_files(files, image_size, channels, skip_corrupt)

    if cache_dir is None:
        return build()
    # The cache is keyed on every file's path, size and modification time (a zip
    # member's: its archive's), so a changed folder is decoded again instead of
    # serving stale images.
    def stat(file):
        on_disk = file.partition(ZIP_MEMBER)[0]
        return file, os.path.getsize(on_disk), os.path.getmtime(on_disk)

    stats = [stat(file) for file in files]
    return cached(cache_dir, ("files", stats, image_size, channels, skip_corrupt), build)


def load_image_folder(path, image_size=64, batch_size=128, num_images=None, channels=3, seed=None,
                      skip_corrupt=False, cache_dir=None, shuffle=True, drop_remainder=True):
    """Any folder (or .zip) of JPEG/PNG images as a `tf.data.Dataset` of float32 batches in [-1, 1].

    The folder is searched recursively, in a stable (sorted) order; a zip archive is
    read as it is, without unpacking. Every image goes
    through the shared path once: decode, centre crop to a square, antialiased
    resize to `image_size`, kept as uint8 (in memory, or in a .npy file in
    `cache_dir` that the next call memory-maps instead of decoding again). Each epoch
    then shuffles (seeded), batches and converts to float32 [-1, 1]. See
    `center_crop_and_resize` for how the crop compares with "resize, then centre crop".

    The decoding happens when the loader is called, so a missing folder, a folder
    without images or a corrupt file is reported here, naming the path, and not in
    the middle of training.

    Args:
        path: the folder, or a .zip archive of images.
        image_size: side of the square images, one of 16, 28, 32, 64, 128.
        batch_size: images per batch.
        num_images: a deterministic subset of this many images (the same `seed`
            gives the same files); None for all. With `skip_corrupt=True` a subset
            can come out short by the number of files skipped.
        channels: 3 (RGB) or 1 (greyscale); other modes are converted.
        seed: seed of the subset and of the shuffle.
        skip_corrupt: leave out files that cannot be decoded, with a warning that
            counts them, instead of raising.
        cache_dir: folder for a uint8 .npy cache of the decoded images.
        shuffle: shuffle every epoch.
        drop_remainder: drop the last incomplete batch.

    Returns:
        A `tf.data.Dataset` of float32 batches (batch_size, image_size, image_size,
        channels) in [-1, 1].

    Raises:
        FileNotFoundError: the folder does not exist or holds no images.
        ValueError: a bad argument, or a file that cannot be decoded.

    Example:
    >>> dataset = load_image_folder("datasets/celeba/img_align_celeba", num_images=1000)  # doctest: +SKIP
    """
    images = image_folder_arrays(path, image_size, num_images, channels, seed, skip_corrupt, cache_dir)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle, drop_remainder=drop_remainder)
