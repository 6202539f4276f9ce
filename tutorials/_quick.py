"""What every tutorial shares: the quick/full switch, the output folder, a time limit, pictures.

Quick mode runs offline on a laptop CPU in a minute or two, on the 5,000 digits
that ship with the package. Full mode is for a GPU: CelebA faces at 64x64 and
the GANs 101 article's settings (batch 128, latent 128, Adam 2e-4 / beta_1 0.5).

    KERAS_GANS_QUICK=1     quick mode even on a GPU
    KERAS_GANS_QUICK=0     full mode even without a GPU (slow!)
    KERAS_GANS_TIME_SCALE  multiplies every quick-mode training time (the tests use 0.1)
    CELEBA_SOURCE          full mode's CelebA: "tfds" (default; downloads with tfds) or
                           the path of an `img_align_celeba/` folder of JPEGs
    KERAS_GANS_TUTORIAL_OUTPUTS  where the outputs go (default tutorials/outputs/)
"""

import os
import shutil
import time

import keras
import tensorflow as tf

import keras_gans

ROOT = os.path.dirname(os.path.abspath(__file__))


def _quick_mode():
    setting = os.environ.get("KERAS_GANS_QUICK", "")
    if setting in ("0", "1"):
        return setting == "1"
    return not tf.config.list_physical_devices("GPU")


QUICK = _quick_mode()
TIME_SCALE = float(os.environ.get("KERAS_GANS_TIME_SCALE", "1"))

# The settings of each mode. Quick: small networks on 32x32 grey digits.
# Full: the GANs 101 article's DCGAN on 64x64 colour faces.
if QUICK:
    IMAGE_SIZE, CHANNELS, LATENT_DIM, WIDTH, BATCH_SIZE = 32, 1, 64, 32, 32
else:
    IMAGE_SIZE, CHANNELS, LATENT_DIM, WIDTH, BATCH_SIZE = 64, 3, 128, 64, 128


# The discriminator's learning rate. Full mode: the DCGAN paper's 2e-4, the same as
# the generator's. Quick mode: half of it. With small networks, small batches and a
# one-minute run, an equally fast discriminator wins the first few hundred steps
# (tutorial 5 shows it), and that is most of the run.
D_LEARNING_RATE = 1e-4 if QUICK else 2e-4


def describe():
    """Print which mode this run is in, and why."""
    if QUICK:
        print(f"Quick mode: {IMAGE_SIZE}x{IMAGE_SIZE} digits, small networks, time-limited training "
              "(set KERAS_GANS_QUICK=0 on a GPU for the full run).")
    else:
        print(f"Full mode: CelebA at {IMAGE_SIZE}x{IMAGE_SIZE}, the GANs 101 article's settings "
              f"(batch {BATCH_SIZE}, latent {LATENT_DIM}).")


def output_dir(name):
    """`tutorials/outputs/<name>/`, emptied, so the pictures are this run's only."""
    root = os.environ.get("KERAS_GANS_TUTORIAL_OUTPUTS", os.path.join(ROOT, "outputs"))
    path = os.path.join(root, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def load_training_data(num_images=None, seed=0, batch_size=None):
    """Quick: the embedded digits. Full: CelebA faces (tfds, or the folder in CELEBA_SOURCE)."""
    batch_size = batch_size or BATCH_SIZE
    if QUICK:
        return keras_gans.data.load_mnist_5k(IMAGE_SIZE, batch_size, num_images=num_images, seed=seed)
    source = os.environ.get("CELEBA_SOURCE", "tfds")
    return keras_gans.data.load_celeba(IMAGE_SIZE, batch_size, num_images=num_images, seed=seed,
                                       source=source, download=source == "tfds")


def seconds(quick_seconds):
    """A training time limit: `quick_seconds` (times KERAS_GANS_TIME_SCALE) in quick mode, none in full."""
    return max(1.0, quick_seconds * TIME_SCALE) if QUICK else None


def scaled(quick_value, minimum=1):
    """A quick-mode count (epochs, images) times KERAS_GANS_TIME_SCALE, for loops not limited by time."""
    return max(minimum, round(quick_value * TIME_SCALE))


class TimeLimit(keras.callbacks.Callback):
    """Stop `fit` once `limit` seconds of training have passed (None: never).

    Quick mode uses it so a tutorial takes about the same time on any laptop; the
    pictures are whatever the networks reached by then. The clock starts after the
    first step, which is when TensorFlow traces and compiles `train_step` (seconds
    for a big step such as WGAN-GP's), so every model gets the same training time.
    """

    def __init__(self, limit):
        super().__init__()
        self.limit = limit

    def on_train_begin(self, logs=None):
        self.start = None

    def on_train_batch_end(self, batch, logs=None):
        if self.start is None:
            self.start = time.perf_counter()
        elif self.limit is not None and time.perf_counter() - self.start > self.limit:
            self.model.stop_training = True


def show(path):
    """Say where a picture went; in a notebook, also display it."""
    print("wrote", os.path.relpath(path))
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        return
    if get_ipython() is not None and path.endswith((".png", ".gif")):
        display(Image(filename=path))


def save_grid(images, path, nrow=None, scale=2, label=None):
    """Save images in [-1, 1] as one grid PNG, and show it."""
    grid = keras_gans.plotting.image_grid(images, nrow=nrow, scale=scale, label=label)
    keras_gans.plotting.save_png(grid, path)
    show(path)
    return path


def save_figure(figure, path):
    """Save a matplotlib figure as a PNG, and show it."""
    figure.savefig(path, dpi=100, bbox_inches="tight")
    show(path)
    return path
