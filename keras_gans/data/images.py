"""Image files to uint8 squares: decode, centre crop, resize.

Shared by image folders, CelebA and tfds: a JPEG is decoded straight into its
centre square (at half size when that is still twice the target), every image is
centre-cropped to a square and resized with area averaging when shrinking.
"""

import os
import warnings
import zipfile
import zlib

import numpy as np
import tensorflow as tf

from keras_gans import checks
from keras_gans.data.pipeline import collect

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp")
SUPPORTED_CHANNELS = (1, 3)


def check_channels(channels):
    """Image files are read as 1 (greyscale) or 3 (RGB) channels; other modes are converted."""
    if channels not in SUPPORTED_CHANNELS:
        raise checks.invalid("channels", "1 (greyscale) or 3 (RGB)", channels)
    return channels


def centre_square(height, width):
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

    How this relates to the GANs 101 article's "resize to 64, then centre crop 64" (torchvision
    `Resize(64)` + `CenterCrop(64)`) on a 178x218 (W x H) CelebA face: the article
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
    top, left, side = centre_square(shape[0], shape[1])
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
            top, left, side = centre_square(height, width)
            return tf.io.decode_and_crop_jpeg(contents, tf.stack([top, left, side, side]), channels=channels)

        def half():  # the crop window is in the half-size image, whose sides libjpeg rounds up
            top, left, side = centre_square((height + 1) // 2, (width + 1) // 2)
            return tf.io.decode_and_crop_jpeg(contents, tf.stack([top, left, side, side]), channels=channels,
                                              ratio=2)

        if image_size is None:
            return full()
        return tf.cond(tf.minimum(height, width) >= 2 * image_size, half, full)

    def other():
        image = tf.io.decode_image(contents, channels=channels, expand_animations=False)
        shape = tf.shape(image)
        top, left, side = centre_square(shape[0], shape[1])
        return image[top:top + side, left:left + side]

    square = tf.cond(tf.strings.substr(contents, 0, 3) == b"\xff\xd8\xff", jpeg, other)
    square.set_shape((None, None, channels))
    return square


ZIP_MEMBER = "::"  # "archive.zip::folder/image.jpg" names an image inside a zip archive


def list_images(path):
    """Every JPEG/PNG/BMP image in a folder (recursively) or in a .zip archive, as a sorted list.

    A zip is read as it is, without unpacking (Kaggle's CelebA archive, say): its images
    are listed as "archive.zip::folder/image.jpg". The order is stable (sorted relative
    paths), so subsets and caches do not depend on the file system. Hidden files and
    folders (names starting with "."), and macOS' `__MACOSX/` copies, are left out.

    Raises:
        FileNotFoundError: `path` is neither a folder nor a zip, or holds no image.
    """
    path = os.fspath(path)
    if os.path.isfile(path) and zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            members = [name for name in archive.namelist() if _is_image_name(name)]
        files = [f"{path}{ZIP_MEMBER}{name}" for name in sorted(members)]
    elif os.path.isdir(path):
        files = []
        for folder, subfolders, names in os.walk(path):
            subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
            files.extend(os.path.join(folder, name) for name in names if _is_image_name(name))
        files.sort(key=lambda file: os.path.relpath(file, path))
    else:
        what = "is a file, but not a zip archive" if os.path.exists(path) else "does not exist"
        raise FileNotFoundError(f"Invalid value for argument `path`. Expected a folder or a .zip of images. "
                                f"{path!r} {what}.")
    if not files:
        raise FileNotFoundError(
            f"No images in {path!r}: searched it (and its subfolders) for files ending in "
            f"{', '.join(IMAGE_EXTENSIONS)}."
        )
    return files


def _is_image_name(name):
    parts = name.replace("\\", "/").split("/")
    return (name.lower().endswith(IMAGE_EXTENSIONS) and "__MACOSX" not in parts
            and not any(part.startswith(".") for part in parts))


def _encoded_images(files):
    """(index, encoded bytes) of every file, as a dataset: read by TensorFlow, or from their zip archives."""
    if not any(ZIP_MEMBER in file for file in files):
        dataset = tf.data.Dataset.from_tensor_slices((np.arange(len(files)), tf.constant(files, tf.string)))
        return dataset.map(lambda index, file: (index, tf.io.read_file(file)),
                           num_parallel_calls=tf.data.AUTOTUNE, deterministic=False)

    def read():
        archives = {}
        try:
            for index, file in enumerate(files):
                archive, _, member = file.partition(ZIP_MEMBER)
                if member:
                    if archive not in archives:  # open each archive once: its directory is read on opening
                        archives[archive] = zipfile.ZipFile(archive)
                    try:
                        yield index, archives[archive].read(member)
                    except (zipfile.BadZipFile, KeyError, OSError, zlib.error):
                        continue  # found missing by its index, and named, like an undecodable file
                else:
                    with open(file, "rb") as f:
                        yield index, f.read()
        finally:
            for archive in archives.values():
                archive.close()

    signature = (tf.TensorSpec((), tf.int64), tf.TensorSpec((), tf.string))
    return tf.data.Dataset.from_generator(read, output_signature=signature)


def decode_image_files(files, image_size=64, channels=3, skip_corrupt=False):
    """Decode, centre-crop and resize image files into one uint8 array, in parallel.

    Greyscale, RGBA and palette images are converted to `channels` (alpha dropped,
    grey repeated, palette expanded; RGB to grey uses the ITU-R 601 luma weights).
    Images smaller than `image_size` are upscaled, with a warning.

    Args:
        files: list of image paths (JPEG, PNG, BMP), or images in zip archives
            ("archive.zip::member.jpg", as `list_images` names them).
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
    check_channels(channels)

    def decode(index, contents):
        square = decode_centre_square(contents, channels, image_size)
        return index, resize_square(square, image_size), tf.shape(square)[0] < image_size

    files = list(files)
    # Decoding errors are dropped here and found again by their missing index, which
    # is how a bad file gets named (tf.data's own error would not name it).
    dataset = _encoded_images(files).map(decode, num_parallel_calls=tf.data.AUTOTUNE,
                                         deterministic=False).ignore_errors()
    images, kept, small = collect(dataset, len(files), image_size, channels)

    bad = [file for file, ok in zip(files, kept) if not ok]
    if bad:
        listed = ", ".join(bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        if not skip_corrupt:
            raise ValueError(
                f"Could not decode {len(bad)} of {len(files)} image files (corrupt, truncated or not an "
                f"image): {listed}. Delete or replace them, or leave them out with skip_corrupt=True "
                "(keras-gans: --skip-corrupt)."
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
