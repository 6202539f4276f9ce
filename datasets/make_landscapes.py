"""Make `landscapes.zip`: small pictures of skies, suns and mountain ranges, drawn by this script.

    python datasets/make_landscapes.py                          # datasets/landscapes.zip (1,000 JPEGs)
    python datasets/make_landscapes.py --count 3000 --output /tmp/more.zip --seed 1

They stand in for "your own pictures" in tutorial 13: colour photographs of one
kind of scene, of different sizes and shapes (landscape, portrait, square), as a
phone or a camera makes them, so the centre crop has something to cut. Every
picture is drawn here from random numbers (a sky gradient in one of four
palettes, a sun or moon with a glow, two to four mountain ridges that fade with
distance, sometimes a lake), so the set may be shipped and changed freely: no
photograph, no person, no licence of anyone else. The same seed gives the same
pictures.
"""

import argparse
import io
import os
import zipfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
# (width, height) of the pictures: landscape, portrait and square, like a phone's.
SHAPES = ((160, 120), (120, 160), (176, 99), (128, 128), (150, 100), (100, 150))
PALETTES = {  # sky top, sky at the horizon, sun, far mountains, near mountains
    "day": ((40, 90, 200), (170, 210, 245), (255, 250, 215), (120, 150, 190), (40, 80, 50)),
    "sunset": ((60, 40, 120), (250, 150, 80), (255, 230, 140), (150, 90, 120), (50, 30, 50)),
    "dusk": ((15, 20, 60), (200, 110, 120), (255, 200, 170), (90, 70, 110), (25, 20, 40)),
    "night": ((5, 5, 25), (30, 50, 90), (235, 235, 220), (40, 50, 80), (10, 12, 25)),
}


def _mix(a, b, t):
    return np.asarray(a, "float32") * (1 - t) + np.asarray(b, "float32") * t


def _ridge(rng, width, height, base, roughness):
    """The height of a mountain ridge at every column: random sines plus a little jitter."""
    x = np.linspace(0, 1, width)
    y = np.full(width, base * height, "float32")
    for octave in range(1, 6):
        frequency = rng.uniform(1, 3) * 2 ** (octave - 1)
        y += roughness * height / octave ** 1.3 * np.sin(2 * np.pi * (frequency * x + rng.uniform()))
    return y


def landscape(rng):
    """One picture as a uint8 array (height, width, 3)."""
    width, height = SHAPES[rng.integers(len(SHAPES))]
    name = list(PALETTES)[rng.integers(len(PALETTES))]
    top, horizon_colour, sun_colour, far, near = PALETTES[name]
    rows = np.arange(height, dtype="float32")[:, None, None]
    columns = np.arange(width, dtype="float32")[None, :, None]
    horizon = rng.uniform(0.45, 0.75) * height
    t = np.clip(rows / horizon, 0, 1) ** rng.uniform(0.6, 1.4)
    image = _mix(top, horizon_colour, t) * np.ones((1, width, 1), "float32")

    # The sun (or the moon): a disk with a soft glow, somewhere in the sky.
    sun_x, sun_y = rng.uniform(0.15, 0.85) * width, rng.uniform(0.15, 0.6) * horizon
    radius = rng.uniform(0.04, 0.09) * min(width, height)
    distance = np.sqrt((columns - sun_x) ** 2 + (rows - sun_y) ** 2)
    glow = np.exp(-np.maximum(distance - radius, 0) / (2.5 * radius)) * 0.6
    image = _mix(image, sun_colour, np.clip(glow, 0, 1))
    image = np.where(distance <= radius, np.asarray(sun_colour, "float32"), image)

    # Mountain ridges, far (pale, close to the sky's colour) to near (dark).
    layers = rng.integers(2, 5)
    for layer in range(layers):
        depth = layer / max(1, layers - 1)
        base = horizon / height - 0.25 + 0.22 * depth + rng.uniform(-0.04, 0.04)
        ridge = _ridge(rng, width, height, base, rng.uniform(0.03, 0.09))
        colour = _mix(_mix(far, near, depth), horizon_colour, 0.35 * (1 - depth))
        below = rows[:, :, 0] >= ridge[None, :]
        shade = 1 - 0.25 * np.clip((rows[:, :, 0] - ridge[None, :]) / height, 0, 1)
        image = np.where(below[..., None], colour * shade[..., None], image)

    # Sometimes a lake: the bottom rows mirror the sky, darker and rippled.
    if rng.uniform() < 0.35:
        shore = int(rng.uniform(0.78, 0.9) * height)
        mirror = image[2 * shore - height:shore][::-1] if 2 * shore >= height else image[:height - shore][::-1]
        ripple = 0.85 + 0.1 * np.sin(np.arange(len(mirror))[:, None, None] * 1.7 + columns / 9)
        image[shore:shore + len(mirror)] = mirror * ripple

    image += rng.normal(0, 3, image.shape)  # a little sensor noise
    return np.clip(image, 0, 255).astype("uint8")


def make(path, count=1000, seed=0, quality=80):
    """Write `count` pictures as JPEGs into the zip archive `path` (landscapes/NNNN.jpg)."""
    rng = np.random.default_rng(seed)
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:  # JPEGs do not compress further
        for index in range(count):
            buffer = io.BytesIO()
            Image.fromarray(landscape(rng)).save(buffer, format="JPEG", quality=quality)
            info = zipfile.ZipInfo(f"landscapes/{index:04d}.jpg", date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(info, buffer.getvalue())
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=os.path.join(HERE, "landscapes.zip"))
    args = parser.parse_args(argv)
    path = make(args.output, args.count, args.seed)
    print(f"wrote {path}: {args.count} pictures, {os.path.getsize(path) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
