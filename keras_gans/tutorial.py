"""What the tutorials share: the quick/full switch, time limits, output folders, pictures in notebooks.

Every tutorial starts with one visible cell:

    MODE = "quick"       # "quick": the embedded digits, minutes on any CPU or GPU (the workshop default)
                         # "full": CelebA at 64x64 with the GANs 101 article's settings (for a GPU)
    TIME_SCALE = 1.0     # multiplies every training time limit, in either mode
    CELEBA = "tfds"      # full mode's faces: "tfds" (a 1.4 GB download), or the path of a folder
                         # of images (img_align_celeba/) or of a .zip of them (Kaggle's archive)
    from keras_gans import tutorial
    tutorial.configure(MODE, TIME_SCALE, CELEBA)

Quick mode runs offline on a laptop CPU, on the 5,000 digits that ship with the
package. Full mode trains on CelebA faces; every training loop in it is limited in
time too, so that a tutorial ends in about 20 minutes on a free Colab T4 (each
tutorial's header gives its estimate). On a GPU, full mode trains under
`mixed_float16`.

Environment variables, when set, win over the arguments (the tests use them):

    KERAS_GANS_QUICK=1|0          quick or full mode
    KERAS_GANS_TIME_SCALE=0.1     the time scale
    CELEBA_SOURCE=PATH|tfds       full mode's CelebA
    KERAS_GANS_PRECISION=NAME     a dtype policy instead of the mode's default
    KERAS_GANS_WIDTH=8, KERAS_GANS_BATCH_SIZE=16   smaller networks and batches (rehearsals, tests)
    KERAS_GANS_TUTORIAL_OUTPUTS   where the outputs go (default: ./outputs/)
"""

import os
import shutil

import keras
import tensorflow as tf

from keras_gans import checks, data, plotting, precision
from keras_gans.callbacks import TimeLimit  # noqa: F401 (tutorials call it tutorial.TimeLimit)

MODES = ("quick", "full")

# The settings of each mode: (image size, channels, latent size, width, batch size).
# Quick: small networks on 32x32 grey digits. Full: the GANs 101 article's DCGAN on
# 64x64 colour faces.
SETTINGS = {"quick": (32, 1, 64, 32, 32), "full": (64, 3, 128, 64, 128)}

# Set by `configure` (quick mode until it is called).
MODE, QUICK, TIME_SCALE, CELEBA = "quick", True, 1.0, "tfds"
IMAGE_SIZE, CHANNELS, LATENT_DIM, WIDTH, BATCH_SIZE = SETTINGS["quick"]
# The discriminator's learning rate. Full mode: the DCGAN paper's 2e-4, the same as
# the generator's. Quick mode: half of it. With small networks, small batches and a
# one-minute run, an equally fast discriminator wins the first few hundred steps
# (tutorial 5 shows it), and that is most of the run.
D_LEARNING_RATE = 1e-4


def configure(mode="quick", time_scale=1.0, celeba="tfds"):
    """Choose the mode, the time scale and full mode's CelebA source (environment variables win).

    Args:
        mode: "quick" or "full".
        time_scale: multiplies every training time limit (e.g. 0.1 for a rehearsal).
        celeba: "tfds", or the path of a folder or a .zip of CelebA images.

    Returns:
        The mode in force.
    """
    global MODE, QUICK, TIME_SCALE, CELEBA, IMAGE_SIZE, CHANNELS, LATENT_DIM, WIDTH, BATCH_SIZE
    global D_LEARNING_RATE
    setting = os.environ.get("KERAS_GANS_QUICK", "")
    mode = {"1": "quick", "0": "full"}.get(setting, mode)
    MODE = checks.one_of("mode", mode, MODES)
    QUICK = MODE == "quick"
    TIME_SCALE = checks.positive_number("time_scale", float(os.environ.get("KERAS_GANS_TIME_SCALE", time_scale)))
    CELEBA = os.environ.get("CELEBA_SOURCE", celeba)
    IMAGE_SIZE, CHANNELS, LATENT_DIM, WIDTH, BATCH_SIZE = SETTINGS[MODE]
    WIDTH = int(os.environ.get("KERAS_GANS_WIDTH", WIDTH))
    BATCH_SIZE = int(os.environ.get("KERAS_GANS_BATCH_SIZE", BATCH_SIZE))
    D_LEARNING_RATE = 1e-4 if QUICK else 2e-4
    default_policy = "mixed_float16" if not QUICK and tf.config.list_physical_devices("GPU") else "float32"
    precision.enable_mixed_precision(os.environ.get("KERAS_GANS_PRECISION", default_policy), verbose=False)
    describe()
    return MODE


def describe():
    """Print which mode this run is in."""
    policy = keras.mixed_precision.global_policy().name
    if QUICK:
        print(f"Quick mode: {IMAGE_SIZE}x{IMAGE_SIZE} digits, small networks, time-limited training "
              f"(time scale {TIME_SCALE:g}; MODE = \"full\" trains on CelebA faces).")
    else:
        print(f"Full mode: CelebA ({CELEBA}) at {IMAGE_SIZE}x{IMAGE_SIZE}, batch {BATCH_SIZE}, latent "
              f"{LATENT_DIM}, width {WIDTH}, {policy}, time-limited training (time scale {TIME_SCALE:g}).")


def pretrained_or_random(name, build):
    """`build("imagenet")`; offline (ImageNet weights are a download), `build(None)`, said in one line.

    Returns:
        (what `build` returned, "imagenet" or None).
    """
    try:
        return build("imagenet"), "imagenet"
    except Exception as error:  # Keras' download raises a bare Exception
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        print(f"{name}'s ImageNet weights could not be downloaded ({reason[:120]}); going on with random "
              "weights, so what follows shows the method, not the benefit of ImageNet features.")
        return build(None), None


def output_dir(name):
    """`outputs/<name>/` (or under KERAS_GANS_TUTORIAL_OUTPUTS), emptied, so the pictures are this run's only."""
    root = os.environ.get("KERAS_GANS_TUTORIAL_OUTPUTS", "outputs")
    path = os.path.join(root, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def data_source():
    """(name, options) of this mode's images, for `keras_gans.data.load`, `compare` and the command line.

    Quick: the embedded digits. Full: CelebA from `CELEBA`: tfds (downloaded if needed)
    or a folder or .zip of its images. Full mode keeps the decoded faces in a uint8
    cache (KERAS_GANS_CACHE_DIR, default ~/.keras/keras_gans/cache), so the next
    tutorial does not decode them again.
    """
    if QUICK:
        return "mnist5k", {}
    cache = os.environ.get("KERAS_GANS_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".keras", "keras_gans",
                                                                "cache"))
    if CELEBA == "tfds":
        return "celeba", {"download": True, "cache_dir": cache}
    return CELEBA, {"cache_dir": cache}


# Full mode's faces by default: decoding 50,000 of them takes about a minute on Colab's two CPUs.
FULL_NUM_IMAGES = 50_000


def load_training_data(num_images=None, seed=0, batch_size=None):
    """This mode's training images as batches: quick, the embedded digits; full, CelebA faces (50,000 by default)."""
    name, options = data_source()
    if not QUICK and num_images is None:
        num_images = FULL_NUM_IMAGES if name == "celeba" else min(FULL_NUM_IMAGES, len(data.list_images(name)))
    return data.load(name, image_size=IMAGE_SIZE, batch_size=batch_size or BATCH_SIZE, num_images=num_images,
                     seed=seed, **options)


def seconds(quick_seconds, full_seconds=None):
    """A training time limit: `quick_seconds` or `full_seconds` for the mode, times the time scale.

    Full mode's limit defaults to ten times quick mode's.
    """
    full_seconds = 10 * quick_seconds if full_seconds is None else full_seconds
    return max(1.0, (quick_seconds if QUICK else full_seconds) * TIME_SCALE)



def scaled(quick_value, full_value=None, minimum=1):
    """A count (epochs, steps, images) for loops not limited by time: the mode's value times the time scale."""
    value = quick_value if QUICK or full_value is None else full_value
    return max(minimum, round(value * TIME_SCALE))


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
