"""Drawing images from a saved generator: load it by path or by name, write a grid and any number of images.

    generator = load_generator("dcgan_digits")           # a generator that ships with the package
    write_images(generator, 50_000, npy="images.npy")      # memory does not grow with the number
    write_images("cdcgan_digits", 30, grid="sevens.png", labels=[7])   # a conditional one: chosen classes
"""

import os
import zipfile

import keras
import numpy as np
from numpy.lib import format as npy_format

from keras_gans import checks, files, plotting, shipped
from keras_gans.models import GAN
from keras_gans.networks.conditional import is_conditional, labels_for, num_classes_of

PRETRAINED = ("dcgan_digits", "wgan_gp_digits", "cdcgan_digits")
MAX_GRID_IMAGES = 256


def pretrained_path(name):
    """The `generator.keras` of a generator that ships with the package (one of `PRETRAINED`)."""
    checks.one_of("name", name, PRETRAINED)
    return shipped.path(f"saved_models/{name}/generator.keras")


def load_model_file(path):
    """`keras.saving.load_model(path, compile=False)`, with a clear error for each way a path is wrong."""
    path = os.fspath(path)
    if os.path.isdir(path):
        raise ValueError(f"{path} is a folder; pass a model file in it (its gan.keras or generator.keras).")
    if not os.path.exists(path):
        raise FileNotFoundError(f"No saved model at {path}")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{path} is not a complete .keras file (damaged, cut short, or another format).")
    try:
        return keras.saving.load_model(path, compile=False)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
        raise ValueError(f"{path} could not be loaded as a Keras model ({type(error).__name__}: "
                         f"{str(error).splitlines()[0] if str(error) else 'no details'}).") from None


def load_generator(model):
    """A generator network (latents -> images in [-1, 1]; a conditional one takes [latents, labels]).

    Args:
        model: a GAN, a generator model, the path of either saved as `.keras`, or the
            name of a shipped generator (one of `PRETRAINED`). A GAN gives the network
            it samples from (`GAN.sampling_generator()`: its moving average with `ema=`).

    Returns:
        A Keras model with one (batch, latent_dim) input, or a conditional one with two,
        [latents (batch, latent_dim), labels (batch,)].
    """
    if isinstance(model, str) and model in PRETRAINED and not os.path.exists(model):
        model = pretrained_path(model)
    if isinstance(model, (str, os.PathLike)):
        model = load_model_file(model)
    generator = model.sampling_generator() if isinstance(model, GAN) else model
    inputs = getattr(generator, "inputs", None) or []
    plain = len(inputs) == 1 and len(inputs[0].shape) == 2
    if not isinstance(generator, keras.Model) or not (plain or is_conditional(generator)):
        raise checks.invalid("model", "a keras_gans GAN, a generator model with one (batch, latent_dim) "
                             "input (or [latents, labels] inputs), or the path of either saved as .keras",
                             model)
    return generator


def generation_labels(generator, num_images, labels=None):
    """The class of each image a generator is asked for: None for an unconditional generator.

    For a conditional one, `labels` as `keras_gans.networks.conditional.labels_for`
    takes it (None: the classes in turn, 0, 1, ..., so every class gets the same share).
    """
    if not is_conditional(generator):
        if labels is not None:
            raise checks.invalid("labels", "None: this generator is not conditional (it takes latents only)",
                                 labels)
        return None
    num_classes = num_classes_of(generator)
    if num_classes is None:
        raise ValueError("This conditional generator has no `label_embedding` layer to tell its number of "
                         "classes (keras_gans.networks.conditional_generator makes one).")
    return labels_for(num_images, labels, num_classes)


def generated_batches(generator, num_images, seed=None, batch_size=256, labels=None):
    """Yield `num_images` generated images, batch by batch, as float32 NumPy arrays in [-1, 1].

    The latents come from one NumPy generator seeded with `seed`, so the same seed
    gives the same images whatever the batch size. A conditional generator draws the
    classes `labels` asks for (see `generation_labels`; by default every class in turn).
    """
    checks.positive_int("num_images", num_images)
    classes = generation_labels(generator, num_images, labels)
    rng = np.random.default_rng(seed)
    latent_dim = int(generator.inputs[0].shape[-1])
    for start in range(0, num_images, batch_size):
        latents = rng.standard_normal((min(batch_size, num_images - start), latent_dim)).astype("float32")
        inputs = latents if classes is None else [latents, classes[start:start + len(latents)]]
        yield keras.ops.convert_to_numpy(generator(inputs, training=False)).astype("float32")


def write_images(generator, num_images, grid=None, npy=None, seed=None, batch_size=256, verbose=1,
                 labels=None):
    """Generate `num_images` images and write them, holding one batch in memory at a time.

    Args:
        generator: see `load_generator` (anything it accepts).
        num_images: how many images.
        grid: a PNG of the first images as one grid (at most `MAX_GRID_IMAGES`, a
            picture a person can look at; ask for more and it is refused).
        npy: a `.npy` file of all the images, float32 (N, H, W, C) in [-1, 1],
            filled batch by batch (memory-mapped), so its size is not limited by memory.
        seed: seed of the latents.
        batch_size: images per forward pass.
        verbose: show a progress bar for more than one batch.
        labels: a conditional generator's classes: None (each class in turn: 0, 1, ...,
            so a grid of 10 columns has one class per column), an int, or a sequence
            (repeated when shorter than `num_images`).

    Returns:
        The paths written.
    """
    generator = load_generator(generator)
    checks.positive_int("num_images", num_images)
    classes = generation_labels(generator, num_images, labels)  # bad labels are refused before any file
    nrow = None  # a square grid; for classes in turn, one class per column
    if classes is not None and labels is None:
        nrow = min(num_images, num_classes_of(generator))
    elif classes is not None and np.ndim(labels) == 1 and len(labels) < num_images:
        nrow = len(labels)
    if grid is None and npy is None:
        raise ValueError("Nothing to write: pass `grid=` a PNG path, `npy=` a .npy path, or both.")
    if grid is not None and npy is None and num_images > MAX_GRID_IMAGES:
        raise ValueError(f"A grid of {num_images} images is too large to look at (at most "
                         f"{MAX_GRID_IMAGES}). Ask for fewer, or write them all to a .npy file (--npy); "
                         "the grid then shows the first ones.")
    shape = (num_images, *generator.outputs[0].shape[1:])
    out = None
    if npy is not None:
        # A .npy header, then each batch's bytes as it comes: nothing but one batch is held in
        # memory. Written under a temporary name and renamed when complete.
        out = open(files.temporary_path(npy), "wb")
        npy_format.write_array_header_1_0(out, {"descr": "<f4", "fortran_order": False, "shape": shape})
    progress = None
    if verbose and num_images > batch_size:
        progress = keras.utils.Progbar(num_images, unit_name="image")
    grid_images, done = [], 0
    try:
        for batch in generated_batches(generator, num_images, seed, batch_size, labels=labels):
            if out is not None:
                out.write(np.ascontiguousarray(batch, "<f4").tobytes())
            if grid is not None and done < MAX_GRID_IMAGES:
                grid_images.append(batch[:MAX_GRID_IMAGES - done])
            done += len(batch)
            if progress:
                progress.update(done)
    except BaseException:
        if out is not None:
            out.close()
            os.remove(out.name)
        raise
    written = []
    if out is not None:
        out.close()
        os.replace(out.name, npy)
        written.append(npy)
    if grid is not None:
        images = np.concatenate(grid_images)
        scale = 2 if images.shape[1] <= 32 else 1
        plotting.save_png(plotting.image_grid(images, nrow=nrow, scale=scale), grid)
        written.append(grid)
    return written
