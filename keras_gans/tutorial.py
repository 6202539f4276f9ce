"""What the tutorials share: their settings, output folders, data, and pictures in notebooks.

Every tutorial starts with one visible cell that holds all its settings, one line per mode:

    MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
    LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
    CELEBA = "tfds"   # full mode's faces: "tfds", or the path of img_align_celeba/ or of Kaggle's .zip
    QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
                 steps=600, time_limit=600)
    FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
                steps=3000, time_limit=3600)

and its setup cell turns them into one read-only object, printed in two lines:

    settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
    settings.width, settings.steps      # 32, 600

Training is by steps, so a reader on any machine gets the same pictures (up to
floating-point differences between CPU kinds); `LENGTH` multiplies every step count
(the settings named `steps` or ending in `_steps`) and nothing else, so it never asks
for more images than exist. `time_limit` (seconds) is only a safety stop for a machine
far slower than planned (`keras_gans.callbacks.TimeLimit` says when it fires).

Environment variables fill only what the first cell does not say, and never override it:

    KERAS_GANS_PRECISION=NAME     the dtype policy (default: mixed_float16 in full mode on a GPU, else float32)
    KERAS_GANS_TUTORIAL_OUTPUTS   where the outputs go (default: ./outputs/)
    KERAS_GANS_CACHE_DIR          full mode's decoded faces (default: ~/.keras/keras_gans/cache)
"""

import os
import shutil

import tensorflow as tf

from keras_gans import checks, data, plotting, precision

MODES = ("quick", "full")

# The settings `configure` prints on its first line, in this order, when a tutorial has them.
_MAIN = ("image_size", "channels", "latent_dim", "width", "batch_size", "steps", "d_lr", "g_lr")


def _is_steps(name):
    return name == "steps" or name.endswith("_steps")


class Settings:
    """A tutorial's settings in force: read-only attributes (`settings.width`), made by `configure`.

    Attributes:
        mode: "quick" or "full".
        length: the `LENGTH` the step counts were multiplied by.
        celeba: full mode's CelebA source ("tfds", or a folder or a .zip of its images).
        policy: the global dtype policy in force ("float32", "mixed_float16", ...).
        and every key of the mode's dictionary, its step counts multiplied by `length`.
    """

    def __init__(self, **values):
        object.__setattr__(self, "_values", dict(values))

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"These settings have no `{name}`. They are: {', '.join(self._values)}. "
                                 "Add it to the first cell's QUICK and FULL.") from None

    def __setattr__(self, name, value):
        raise AttributeError(f"The settings are read-only: change `{name}` in the first cell and run again.")

    def as_dict(self):
        """The settings as a new dict."""
        return dict(self._values)

    def __repr__(self):
        return "Settings(" + ", ".join(f"{key}={value!r}" for key, value in self._values.items()) + ")"

    def describe(self):
        """The settings in two lines: the ones every tutorial has, then its own."""
        v = self._values
        mode = {"quick": "Quick mode", "full": "Full mode"}[v["mode"]]
        parts = []
        if "image_size" in v:
            parts.append(f"{v['image_size']}x{v['image_size']}x{v.get('channels', '?')} images")
        for key, label in (("latent_dim", "latent"), ("width", "width"), ("batch_size", "batch")):
            if key in v:
                parts.append(f"{label} {v[key]}")
        if "steps" in v:
            parts.append(f"{v['steps']:,} steps (LENGTH {v['length']:g})")
        if "d_lr" in v and "g_lr" in v:
            parts.append(f"learning rates D {v['d_lr']:g} / G {v['g_lr']:g}")
        parts.append(v["policy"])
        first = f"{mode}: " + ", ".join(parts) + "."
        own = {key: value for key, value in v.items()
               if key not in (*_MAIN, "mode", "length", "celeba", "policy")}
        if v["mode"] == "full":
            own = {"celeba": v["celeba"], **own}
        if not own:
            return first
        return first + "\n  and " + ", ".join(f"{key}={value!r}" for key, value in own.items()) + \
            (f" (steps after LENGTH {v['length']:g})" if any(_is_steps(key) for key in own) else "")


def configure(mode, quick, full, length=1.0, celeba="tfds"):
    """The settings of one mode, step counts times `length`; sets the dtype policy and prints them.

    Args:
        mode: "quick" or "full".
        quick: dict of quick mode's settings (e.g. `image_size`, `width`, `steps`).
        full: dict of full mode's settings, usually the same keys.
        length: multiplies every step count (`steps` and keys ending in `_steps`), at least 1
            step each. Nothing else changes: image counts and sizes stay as the cell says.
        celeba: full mode's faces: "tfds" (a download), or the path of a folder or a .zip.

    Returns:
        A read-only `Settings`.

    Example:
    >>> settings = configure("quick", dict(width=32, steps=600), dict(width=64, steps=3000), length=0.5)
    Quick mode: width 32, 300 steps (LENGTH 0.5), float32.
    >>> settings.steps
    300
    """
    mode = checks.one_of("mode", mode, MODES)
    length = checks.positive_number("length", length)
    chosen = {"quick": quick, "full": full}[mode]
    if not isinstance(chosen, dict):
        raise checks.invalid(mode.upper(), "a dict of settings", chosen)
    values = {key: max(1, round(value * length)) if _is_steps(key) and value is not None else value
              for key, value in chosen.items()}
    on_gpu = bool(tf.config.list_physical_devices("GPU"))
    policy = os.environ.get("KERAS_GANS_PRECISION") or ("mixed_float16" if mode == "full" and on_gpu else "float32")
    precision.enable_mixed_precision(policy, verbose=False)
    settings = Settings(mode=mode, length=length, celeba=celeba, policy=policy, **values)
    print(settings.describe())
    return settings


def output_dir(name):
    """`outputs/<name>/` (or under KERAS_GANS_TUTORIAL_OUTPUTS), emptied, so the pictures are this run's only."""
    root = os.environ.get("KERAS_GANS_TUTORIAL_OUTPUTS", "outputs")
    path = os.path.join(root, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def pretrained_or_random(name, build, weights="imagenet"):
    """`build(weights)`; when ImageNet weights cannot be downloaded, `build(None)`, said in one line.

    Args:
        name: the network's name, for the message.
        build: a function of the weights ("imagenet", a file, or None) that builds the network.
        weights: "imagenet" (a download), a weights file, or None (random weights, offline).

    Returns:
        (what `build` returned, the weights it was built with).
    """
    if weights != "imagenet":
        return build(weights), weights
    try:
        return build("imagenet"), "imagenet"
    except Exception as error:  # Keras' download raises a bare Exception
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"{name}'s ImageNet weights could not be downloaded ({reason[:120]}); going on with random "
              "weights, so what follows shows the method, not the benefit of ImageNet features.")
        return build(None), None


def data_source(settings):
    """(name, options) of the mode's images, for `keras_gans.data.load`, `compare` and the command line.

    Quick: the embedded digits. Full: CelebA from `settings.celeba`: tfds (downloaded if
    needed) or a folder or .zip of its images, its decoded faces kept in a uint8 cache
    (KERAS_GANS_CACHE_DIR, default ~/.keras/keras_gans/cache) so the next tutorial does
    not decode them again.
    """
    if settings.mode == "quick":
        return "mnist5k", {}
    cache = os.environ.get("KERAS_GANS_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".keras",
                                                                   "keras_gans", "cache")
    if settings.celeba == "tfds":
        return "celeba", {"download": True, "cache_dir": cache}
    return settings.celeba, {"cache_dir": cache}


# Full mode's faces when a tutorial does not say how many: 50,000 of CelebA's 202,599.
FULL_NUM_IMAGES = 50_000


def load_training_data(settings, num_images=None, seed=0, batch_size=None):
    """The mode's training images as batches: quick, the 5,000 embedded digits; full, CelebA faces.

    Args:
        settings: what `configure` returned (its mode, `image_size`, `batch_size`, `celeba`).
        num_images: how many images (a fixed subset for the seed); None: all 5,000 digits, or
            `FULL_NUM_IMAGES` faces.
        seed: the seed of the subset and of the shuffling.
        batch_size: None: `settings.batch_size`.

    Returns:
        A `tf.data.Dataset` of float32 batches in [-1, 1], one pass over the images.
    """
    name, options = data_source(settings)
    if settings.mode == "full" and num_images is None:
        num_images = FULL_NUM_IMAGES if name == "celeba" else min(FULL_NUM_IMAGES, len(data.list_images(name)))
    return data.load(name, image_size=settings.image_size, batch_size=batch_size or settings.batch_size,
                     num_images=num_images, seed=seed, **options)


def show(path):
    """Say where a picture went; in a notebook, also display it."""
    print("wrote", path)
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return
    if get_ipython() is not None and path.endswith((".png", ".gif")):
        display(Image(filename=path))


def save_grid(images, path, nrow=None, scale=2, label=None):
    """Save images in [-1, 1] as one grid PNG, and show it."""
    plotting.save_png(plotting.image_grid(images, nrow=nrow, scale=scale, label=label), path)
    show(path)
    return path


def save_figure(figure, path):
    """Save a matplotlib figure as a PNG, and show it."""
    figure.savefig(path, dpi=100, bbox_inches="tight")
    show(path)
    return path

