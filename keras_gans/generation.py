"""Drawing images from a saved generator: load it by path or by name, write a grid and any number of images.

    generator = load_generator("dcgan_digits")           # a generator that ships with the package
    write_images(generator, 50_000, npy="images.npy")      # memory does not grow with the number
"""

import os
import zipfile

import keras
import numpy as np
from numpy.lib import format as npy_format

from keras_gans import checks, files, plotting, shipped
from keras_gans.models import GAN

PRETRAINED = ("dcgan_digits", "wgan_gp_digits")
MAX_GRID_IMAGES = 256


def pretrained_path(name):
    """The `generator.keras` of a generator that ships with the package ("dcgan_digits", "wgan_gp_digits")."""
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
    """A generator network (latents -> images in [-1, 1]).

    Args:
        model: a GAN, a generator model, the path of either saved as `.keras`, or the
            name of a shipped generator ("dcgan_digits", "wgan_gp_digits").

    Returns:
        A Keras model with one (batch, latent_dim) input.
    """
    if isinstance(model, str) and model in PRETRAINED and not os.path.exists(model):
        model = pretrained_path(model)
    if isinstance(model, (str, os.PathLike)):
        model = load_model_file(model)
    generator = model.generator if isinstance(model, GAN) else model
    inputs = getattr(generator, "inputs", None) or []
    if not isinstance(generator, keras.Model) or len(inputs) != 1 or len(inputs[0].shape) != 2:
        raise checks.invalid("model", "a keras_gans GAN, a generator model with one (batch, latent_dim) "
                             "input, or the path of either saved as .keras", model)
    return generator


def generated_batches(generator, num_images, seed=None, batch_size=256):
    """Yield `num_images` generated images, batch by batch, as float32 NumPy arrays in [-1, 1].

    The latents come from one NumPy generator seeded with `seed`, so the same seed
    gives the same images whatever the batch size.
    """
    checks.positive_int("num_images", num_images)
    rng = np.random.default_rng(seed)
    latent_dim = int(generator.inputs[0].shape[-1])
    for start in range(0, num_images, batch_size):
        latents = rng.standard_normal((min(batch_size, num_images - start), latent_dim)).astype("float32")
        yield keras.ops.convert_to_numpy(generator(latents, training=False)).astype("float32")


def write_images(generator, num_images, grid=None, npy=None, seed=None, batch_size=256, verbose=1):
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

    Returns:
        The paths written.
    """
    generator = load_generator(generator)
    checks.positive_int("num_images", num_images)
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
        for batch in generated_batches(generator, num_images, seed, batch_size):
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
        plotting.save_png(plotting.image_grid(images, scale=2 if images.shape[1] <= 32 else 1), grid)
        written.append(grid)
    return written
