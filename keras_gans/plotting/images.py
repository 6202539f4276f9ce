"""Pictures made of images: sample grids, labelled tables of grids, side-by-side frames, PNG and GIF files.

Every file is written atomically (`keras_gans.files`): a kill mid-write keeps the old file.
"""

import math

import imageio.v3 as iio
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans import files
from keras_gans.pixels import to_uint8


def image_grid(images, nrow=None, padding=2, scale=1, label=None):
    """Tile a batch of images into one uint8 picture.

    Args:
        images: (N, H, W, C) float images in [-1, 1] (or uint8), C = 1 or 3.
        nrow: images per row (default: a square-ish grid).
        padding: pixels of white between the images and around them.
        scale: integer upscaling (nearest neighbour) so small images stay visible.
        label: optional text written in a strip above the grid (e.g. "epoch 3").

    Returns:
        (H', W', 3) uint8 array.

    Example:
    >>> tuple(image_grid(np.zeros((4, 8, 8, 1)), nrow=2).shape)  # 2 images of 8 and 3 borders of 2 each way
    (22, 22, 3)
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "Invalid value for argument `images`. Expected a batch of shape (N, H, W, 1 or 3). "
            f"Received shape: {images.shape}"
        )
    if images.dtype != np.uint8:
        images = to_uint8(images)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    if scale > 1:
        images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    n, h, w, _ = images.shape
    nrow = nrow or math.ceil(math.sqrt(n))
    ncol = math.ceil(n / nrow)
    grid = np.full((ncol * (h + padding) + padding, nrow * (w + padding) + padding, 3), 255, "uint8")
    for i, image in enumerate(images):
        top, left = padding + (i // nrow) * (h + padding), padding + (i % nrow) * (w + padding)
        grid[top:top + h, left:left + w] = image
    if label:
        grid = _with_label(grid, label)
    return grid


def _with_label(grid, label):
    font_size = max(12, grid.shape[1] // 24)
    # A long label gets a smaller font rather than being cut off at the right edge
    # (a caption that is cut off can lose exactly the words that matter).
    while font_size > 8 and _font(font_size).getlength(label) > grid.shape[1] - 8:
        font_size -= 1
    strip = Image.new("RGB", (grid.shape[1], font_size + 8), "white")
    ImageDraw.Draw(strip).text((4, 3), label, fill="black", font=_font(font_size))
    return np.concatenate([np.asarray(strip), grid], axis=0)


def save_png(image, path):
    """Write a uint8 (H, W, 3) array as a PNG, atomically."""
    files.write_atomically(path, lambda temporary: iio.imwrite(temporary, image, extension=".png"))


def read_png(path):
    """Read a PNG as a uint8 (H, W, 3) array."""
    return iio.imread(path)[..., :3]


def save_gif(frames, path, fps=2, loop=0):
    """Write uint8 frames (each (H, W, 3), same size) as an animated GIF.

    Args:
        frames: a list of uint8 arrays (for example grids from `image_grid`).
        path: where to write.
        fps: frames per second (2 shows each frame for half a second).
        loop: 0 repeats for ever; n plays n times.

    Returns:
        `path`.

    Example:
    >>> save_gif([np.zeros((8, 8, 3), "uint8"), np.ones((8, 8, 3), "uint8")], "/tmp/a.gif", fps=4)
    '/tmp/a.gif'
    """
    if not len(frames):
        raise ValueError("Invalid value for argument `frames`. Expected at least one frame. Received: []")
    if not fps > 0:
        raise ValueError(f"Invalid value for argument `fps`. Expected a positive number. Received: fps={fps}")
    shapes = sorted({np.shape(frame) for frame in frames})
    if len(shapes) > 1:
        raise ValueError(
            "Invalid value for argument `frames`. Expected frames of one size (a GIF has one canvas). "
            f"Received sizes: {shapes}"
        )
    files.write_atomically(path, lambda temporary: iio.imwrite(temporary, np.stack(frames), extension=".gif",
                                                               duration=1000 / fps, loop=loop))
    return path


def _font(size):
    return ImageFont.load_default(size)


def samples_table(samples, models, num_images, scale=2, padding=6):
    """One picture of the final samples: a row per variant, a column per subset size, labelled.

    Args:
        samples: dict (variant, num_images) -> images (N, H, W, C) in [-1, 1].
        models: the row order.
        num_images: the column order.
        scale: integer upscaling of each image.
        padding: pixels between cells.

    Returns:
        (H, W, 3) uint8 array.
    """
    cells = {key: image_grid(images, nrow=math.ceil(math.sqrt(len(images))), scale=scale)
             for key, images in samples.items()}
    cell_h, cell_w = next(iter(cells.values())).shape[:2]
    font_size = max(14, cell_w // 12)
    left, top = 7 * font_size, 2 * font_size
    width = left + len(num_images) * (cell_w + padding) + padding
    height = top + len(models) * (cell_h + padding) + padding
    canvas = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(canvas)
    for j, n in enumerate(num_images):
        x = left + padding + j * (cell_w + padding)
        draw.text((x + 4, font_size // 3), f"{n:,} images", fill="black", font=_font(font_size))
    for i, name in enumerate(models):
        y = top + padding + i * (cell_h + padding)
        draw.text((6, y + cell_h // 2 - font_size // 2), name.upper(), fill="black", font=_font(font_size))
        for j, n in enumerate(num_images):
            x = left + padding + j * (cell_w + padding)
            canvas.paste(Image.fromarray(cells[(name, n)]), (x, y))
    return np.asarray(canvas)


def side_by_side(left, right, title, gap=8):
    """Two uint8 pictures of the same height next to each other, with a title strip above."""
    white = np.full((left.shape[0], gap, 3), 255, "uint8")
    return _with_label(np.concatenate([left, white, right], axis=1), title)
