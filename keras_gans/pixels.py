"""The two pixel conventions and the conversions between them.

Inside the package images are float32 in [-1, 1] (the range of a `tanh`
generator). At the edges (image files, caches, GIFs) they are uint8 in [0, 255].

    x_float = x_uint8 / 127.5 - 1            x_uint8 = round((x_float + 1) * 127.5), clipped
"""

import numpy as np


def to_float(images):
    """uint8 [0, 255] -> float32 [-1, 1] (a NumPy array; any backend's tensors and arrays go in)."""
    return np.asarray(images, dtype="float32") / 127.5 - 1.0


def to_uint8(images):
    """float32 [-1, 1] -> uint8 [0, 255] (a NumPy array), for files and GIFs."""
    images = np.asarray(images, dtype="float32")
    return np.clip(np.round((images + 1.0) * 127.5), 0, 255).astype("uint8")
