"""Pictures of training: image grids and GIFs (loss curves come with the history tools)."""

import math

import imageio.v3 as iio
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans.data import to_uint8


def image_grid(images, nrow=None, padding=2, scale=1, label=None):
    """Tile a batch of images into one uint8 picture.

    Args:
        images: (N, H, W, C) float images in [-1, 1] (or uint8), C = 1 or 3.
        nrow: images per row (default: a square-ish grid).
        padding: pixels of white between images.
        scale: integer upscaling (nearest neighbour) so small images stay visible.
        label: optional text written in a strip above the grid (e.g. "epoch 3").

    Returns:
        (H', W', 3) uint8 array.

    Example:
    >>> image_grid(np.zeros((4, 8, 8, 1)), nrow=2).shape
    (20, 20, 3)
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
    strip = Image.new("RGB", (grid.shape[1], font_size + 8), "white")
    ImageDraw.Draw(strip).text((4, 3), label, fill="black", font=ImageFont.load_default(font_size))
    return np.concatenate([np.asarray(strip), grid], axis=0)


def save_png(image, path):
    """Write a uint8 (H, W, 3) array as a PNG."""
    iio.imwrite(path, image)


def read_png(path):
    """Read a PNG as a uint8 (H, W, 3) array."""
    return iio.imread(path)[..., :3]


def save_gif(frames, path, fps=2, loop=0):
    """Write uint8 frames (each (H, W, 3), same size) as an animated GIF.

    Args:
        frames: a list of uint8 arrays.
        path: where to write.
        fps: frames per second.
        loop: 0 repeats for ever; n plays n times.
    """
    if not len(frames):
        raise ValueError("Invalid value for argument `frames`. Expected at least one frame. Received: []")
    iio.imwrite(path, np.stack(frames), extension=".gif", duration=1000 / fps, loop=loop)
