"""keras_gans: learn, teach and run Generative Adversarial Networks with Keras 3.

    import keras_gans
    gan = keras_gans.DCGAN(keras_gans.networks.dcgan_generator(32, channels=1),
                           keras_gans.networks.dcgan_discriminator(32, channels=1))
    gan.compile()
    gan.fit(keras_gans.data.load_mnist_5k(), epochs=5)
    images = gan.generate(16, seed=0)

The layers, lowest first (a module imports only from layers below it):

    checks, files, pixels, shipped, losses,     argument checks, atomic files, pixel ranges, shipped files,
    precision, augment, batches, presets        loss maths, mixed precision, DiffAugment, batch helpers,
                                                the named settings
    networks/                                   generator and discriminator builders
    models/                                     the GANs, one paper per file, each with its train_step
    data/                                       tf.data pipelines, one module per source
    plotting/, generation                       pictures; drawing from a saved generator
    evaluation/                                 FID, KID, feature extractors, diversity
    callbacks/                                  samples + GIF, histories, diagnostics, FID, checkpoints
    run_folder, runs, transfer                  a run's folder; one way to run a training run; fine-tuning
    experiments/                                the workshop comparison, scratch vs VGG16
    cli, tutorial                               the `keras-gans` command; what the tutorials share

Importing the package imports the layers up to `models/` (which register the GANs and
their layers with Keras, so `keras.saving.load_model` finds them in any process that
imported keras_gans). None of them needs TensorFlow, so the models train on the JAX and
PyTorch backends on a machine without it. The layers from `data/` up use `tf.data` and are
imported when first used (`keras_gans.data`, `from keras_gans import runs`).
"""

import importlib

from keras_gans import augment, batches, checks, files, losses, models, networks, pixels, precision, presets
from keras_gans.models import DCGAN, GAN, LSGAN, SAGAN, WGAN, WGANGP, ConditionalGAN
from keras_gans.precision import enable_mixed_precision

__version__ = "0.1.0"

# The public modules imported on first use. `metrics` (the FID and KID metrics, as
# `keras.metrics` holds Keras' own) and `compare` are the names of version 0.1.
_ON_FIRST_USE = ("callbacks", "compare", "data", "evaluation", "experiments", "generation", "metrics", "plotting",
                 "run_folder", "runs", "transfer")

__all__ = [
    "ConditionalGAN", "DCGAN", "GAN", "LSGAN", "SAGAN", "WGAN", "WGANGP", "augment", "batches", "checks",
    "enable_mixed_precision", "files", "losses", "models", "networks", "pixels", "precision", "presets",
    *_ON_FIRST_USE,
]


def __getattr__(name):
    if name in _ON_FIRST_USE:
        return importlib.import_module(f"keras_gans.{name}")
    raise AttributeError(f"module 'keras_gans' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
