"""DiffAugment: random, differentiable augmentations the discriminator sees every image through.

Zhao, Liu, Lin, Zhu and Han 2020, "Differentiable Augmentation for Data-Efficient
GAN Training", https://arxiv.org/abs/2006.10738. With few training images the
discriminator memorises them, its verdict stops carrying information and the
generator's samples degrade. Augmenting only the real images would teach the
generator to draw augmented images; DiffAugment instead passes **every** image the
discriminator sees, real or generated, through the same kind of random
transformation T, in both training steps:

    d_loss = loss(D(T(x)), D(T(G(z))))        g_loss = loss(D(T(G(z'))))

T is differentiable, so the generator's gradient flows back through it. Each image
draws its own random parameters. The three families of the paper:

    color        brightness x + (u - 0.5); saturation (x - mean_c) * 2u + mean_c;
                 contrast (x - mean) * (u + 0.5) + mean, u ~ U[0, 1] per image, in that order;
                 on grey images (one channel) brightness and contrast only: the mean over
                 one channel is the pixel itself, so saturation is the identity there
                 (`random_color` skips it)
    translation  shift by up to 1/8 of the side in each direction (whole pixels),
                 the pixels moved in are 0
    cutout       zero a square of half the side, centred anywhere in the image

The paper's images are in [-1, 1] as the package's are, so its 0 (of the shifted-in
border and the cut square) is mid-grey here too. Only `keras.ops` are used.

    images = diff_augment(images, "translation,cutout", seed=keras.random.SeedGenerator(0))
"""

import keras
from keras import ops

from keras_gans import checks

OPERATIONS = ("color", "translation", "cutout")
DIFFAUGMENT = "diffaugment"  # the paper's policy: all three, "color,translation,cutout"
TRANSLATION_RATIO = 0.125
CUTOUT_RATIO = 0.5


def parse_policy(augment):
    """The operations of an `augment=` value, in the order they are applied, or () for none.

    Args:
        augment: None (no augmentation), "diffaugment" (the paper's policy: color,
            translation and cutout) or comma-separated names from `OPERATIONS`, e.g.
            "translation,cutout". "color" is brightness, saturation and contrast; for
            grey images brightness and contrast (see `random_color`), as in the paper's code.

    Returns:
        A tuple of operation names (empty for None).

    Example:
    >>> parse_policy("diffaugment")
    ('color', 'translation', 'cutout')
    """
    if augment is None:
        return ()
    expected = (f"None, {DIFFAUGMENT!r} or comma-separated names from {', '.join(OPERATIONS)} "
                "(e.g. 'translation,cutout')")
    if not isinstance(augment, str):
        raise checks.invalid("augment", expected, augment)
    names = [name.strip() for name in augment.lower().split(",") if name.strip()]
    if names == [DIFFAUGMENT]:
        return OPERATIONS
    if not names or any(name not in OPERATIONS for name in names) or len(set(names)) != len(names):
        raise checks.invalid("augment", expected, augment)
    return tuple(name for name in OPERATIONS if name in names)  # always the paper's order


def policy_string(augment):
    """The canonical string of a policy ("translation,cutout"), or None for no augmentation."""
    names = parse_policy(augment)
    return ",".join(names) if names else None


# ------------------------------------------------------------ the operations, deterministic


def translate(images, shifts):
    """Shift each image by whole pixels; the pixels moved in are 0.

    out[b, i, j] = images[b, i - dy_b, j - dx_b] (0 where that is outside the image),
    written as two products with 0/1 matrices (one for the rows, one for the
    columns), so the gradient flows back to every pixel that moved.

    Args:
        images: (B, H, W, C) float images.
        shifts: (B, 2) integers (dy, dx): down and right for positive values.

    Returns:
        The shifted images, same shape and dtype.

    Example:
    >>> image = keras.ops.reshape(keras.ops.arange(4.0), (1, 2, 2, 1))  # [[0, 1], [2, 3]]
    >>> keras.ops.convert_to_numpy(translate(image, [[1, 0]]))[0, :, :, 0]  # one row down
    array([[0., 0.],
           [0., 1.]], dtype=float32)
    """
    images = ops.convert_to_tensor(images)
    shifts = ops.cast(shifts, "int32")
    height, width = images.shape[1], images.shape[2]

    def moves(size, shift):
        # (B, size_out, size_in): 1 where output index i reads input index i - shift.
        positions = ops.arange(size, dtype="int32")
        sources = positions[None, :] - shift[:, None]
        return ops.cast(ops.equal(sources[:, :, None], positions[None, None, :]), images.dtype)

    rows, columns = moves(height, shifts[:, 0]), moves(width, shifts[:, 1])
    images = ops.einsum("bik,bkwc->biwc", rows, images)
    return ops.einsum("bjl,bilc->bijc", columns, images)


def cut_out(images, corners, size):
    """Set a `size` x `size` square of each image to 0 (the part of it inside the image).

    Args:
        images: (B, H, W, C) float images.
        corners: (B, 2) integers (top, left) of each square; it may start above or
            left of the image, or run past its bottom or right edge.
        size: side of the square, in pixels.

    Returns:
        images * mask, with mask 0 inside the square and 1 elsewhere.
    """
    images = ops.convert_to_tensor(images)
    corners = ops.cast(corners, "int32")
    height, width = images.shape[1], images.shape[2]

    def inside(length, start):
        positions = ops.arange(length, dtype="int32")[None, :]
        return ops.logical_and(positions >= start[:, None], positions < start[:, None] + size)

    rows, columns = inside(height, corners[:, 0]), inside(width, corners[:, 1])
    square = ops.logical_and(rows[:, :, None], columns[:, None, :])
    mask = 1.0 - ops.cast(square, images.dtype)
    return images * mask[..., None]


def adjust_color(images, brightness, saturation, contrast):
    """DiffAugment's colour operations with given factors, one per image (each (B,)).

    x + (brightness - 0.5), then (x - channel mean) * 2 * saturation + channel mean,
    then (x - image mean) * (contrast + 0.5) + image mean; factors of 0.5 change nothing.
    `saturation=None` skips the middle step (grey images: it is the identity there).
    """
    images = ops.convert_to_tensor(images)

    def per_image(factor):
        return ops.reshape(ops.cast(factor, images.dtype), (-1, 1, 1, 1))

    images = images + (per_image(brightness) - 0.5)
    if saturation is not None:
        mean = ops.mean(images, axis=-1, keepdims=True)
        images = (images - mean) * (2.0 * per_image(saturation)) + mean
    mean = ops.mean(images, axis=[1, 2, 3], keepdims=True)
    return (images - mean) * (per_image(contrast) + 0.5) + mean


# ------------------------------------------------------------ the operations, random


def random_translation(images, seed=None, ratio=TRANSLATION_RATIO):
    """`translate` by (dy, dx) drawn per image, each uniform in [-s, s], s = round(side * ratio)."""
    height, width = images.shape[1], images.shape[2]
    batch = ops.shape(images)[0]
    limits = (int(height * ratio + 0.5), int(width * ratio + 0.5))
    shifts = [keras.random.randint((batch,), -limit, limit + 1, dtype="int32", seed=seed) for limit in limits]
    return translate(images, ops.stack(shifts, axis=1))


def random_cutout(images, seed=None, ratio=CUTOUT_RATIO):
    """`cut_out` a square of side round(H * ratio), its centre drawn per image over the whole image.

    As in the paper's code: the centre row is uniform in [0, H - 1] (in [0, H] for
    an even side), and the square is cut where it overlaps the image.
    """
    height, width = images.shape[1], images.shape[2]
    batch = ops.shape(images)[0]
    size = int(height * ratio + 0.5)
    centres = [keras.random.randint((batch,), 0, length + (1 - size % 2), dtype="int32", seed=seed)
               for length in (height, width)]
    return cut_out(images, ops.stack(centres, axis=1) - size // 2, size)


def random_color(images, seed=None):
    """`adjust_color` with brightness, saturation and contrast factors drawn uniform in [0, 1] per image.

    Grey images (one channel) get brightness and contrast, and no saturation factor is
    drawn for them: saturation scales each pixel's distance to the mean of its channels,
    which for one channel is the pixel itself (the paper's code computes it, to no effect).
    """
    batch = ops.shape(images)[0]
    brightness = keras.random.uniform((batch,), seed=seed)
    saturation = None if images.shape[-1] == 1 else keras.random.uniform((batch,), seed=seed)
    contrast = keras.random.uniform((batch,), seed=seed)
    return adjust_color(images, brightness, saturation, contrast)


RANDOM_OPERATIONS = {"color": random_color, "translation": random_translation, "cutout": random_cutout}


def diff_augment(images, policy, seed=None):
    """Apply a DiffAugment policy to a batch: each image draws its own random parameters.

    Zhao et al. 2020, https://arxiv.org/abs/2006.10738: T(x) = cutout(translation(color(x))),
    the operations the policy names, in that order.

    Args:
        images: (B, H, W, C) float images in [-1, 1].
        policy: an `augment=` value (see `parse_policy`), or a tuple of its names.
        seed: an int or a `keras.random.SeedGenerator` (a GAN passes its own, so a
            seeded run is reproducible and a resumed one continues the same draws).

    Returns:
        The augmented images, same shape and dtype; the images themselves when the
        policy is None.

    Example:
    >>> images = keras.random.uniform((8, 32, 32, 1), -1, 1)
    >>> tuple(diff_augment(images, "translation,cutout", seed=keras.random.SeedGenerator(0)).shape)
    (8, 32, 32, 1)
    """
    names = policy if isinstance(policy, tuple) else parse_policy(policy)
    for name in names:
        images = RANDOM_OPERATIONS[name](images, seed=seed)
    return images
