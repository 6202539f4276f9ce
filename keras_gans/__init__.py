"""keras_gans: learn, teach and run Generative Adversarial Networks with Keras 3.

    import keras_gans
    gan = keras_gans.DCGAN(keras_gans.networks.dcgan_generator(32, channels=1),
                           keras_gans.networks.dcgan_discriminator(32, channels=1))
    gan.compile()
    gan.fit(keras_gans.data.load_mnist_5k(), epochs=5)
    images = gan.generate(16, seed=0)

The layers, lowest first (a module imports only from layers below it):

    checks, files, pixels, shipped, losses,     argument checks, atomic files, pixel ranges, shipped files,
    precision, augment                          loss maths, mixed precision, DiffAugment
    networks/                                   generator and discriminator builders
    models/                                     the GANs, one paper per file, each with its train_step
    data/                                       tf.data pipelines, one module per source
    plotting/, generation                       pictures; drawing from a saved generator
    evaluation/                                 FID, KID, feature extractors, diversity
    callbacks/                                  samples + GIF, histories, diagnostics, FID, checkpoints
    runs, transfer                              one way to run a training run; fine-tuning
    experiments/                                the workshop comparison, scratch vs VGG16
    cli, tutorial                               the `keras-gans` command; what the tutorials share

Importing the package registers its Keras objects, so `keras.saving.load_model`
finds them in any process that imported keras_gans.
"""

from keras_gans import (
    augment,
    callbacks,
    checks,
    data,
    evaluation,
    experiments,
    files,
    generation,
    losses,
    models,
    networks,
    plotting,
    precision,
    runs,
    transfer,
)
from keras_gans.models import DCGAN, GAN, LSGAN, SAGAN, WGAN, WGANGP, ConditionalGAN
from keras_gans.precision import enable_mixed_precision

__version__ = "0.1.0"

__all__ = [
    "ConditionalGAN", "DCGAN", "GAN", "LSGAN", "SAGAN", "WGAN", "WGANGP", "augment", "callbacks", "checks",
    "data",
    "enable_mixed_precision", "evaluation", "experiments", "files", "generation", "losses", "models",
    "networks", "plotting", "precision", "runs", "transfer",
]
