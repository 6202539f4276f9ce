"""Fine-tuning a trained GAN on new data (transfer learning for GANs).

Load a trained GAN, keep its generator, its discriminator or both, start the other
one afresh, and continue training on the new images (as GAN comparison projects
do from MNIST to Fashion-MNIST):

    gan = fine_tune("saved_models/RUN/gan.keras", transfer="both", freeze_discriminator_layers=2)
    gan.fit(new_dataset, epochs=5)

FreezeD (Mo et al. 2020, https://arxiv.org/abs/2002.10964) keeps the first
discriminator layers fixed during fine-tuning: they already detect edges and
textures, and keeping them stops a discriminator that sees few new images from
over-fitting them.

The scratch-vs-VGG16 experiment lives in `keras_gans.experiments.vgg16`.
"""

import os

import keras

from keras_gans import checks
from keras_gans.models import GAN, variant_class

TRANSFERS = ("generator", "discriminator", "both")


def load_gan(path):
    """Load a GAN saved by keras_gans (`gan.save("....keras")`), with its optimizer state.

    Args:
        path: a `.keras` file holding a whole GAN (not a bare `generator.keras`).

    Returns:
        The GAN, compiled with its saved optimizers when it was saved compiled.

    Example:
    >>> gan = load_gan("saved_models/dcgan_mnist5k/gan.keras")  # doctest: +SKIP
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"No saved GAN at {path}")
    model = keras.saving.load_model(path)
    if not isinstance(model, GAN):
        raise ValueError(
            f"Invalid model file {path}. Expected a whole GAN saved by keras_gans (gan.keras), "
            f"with both networks. Received a {type(model).__name__}."
        )
    return model


def image_shape_and_latent_dim(gan):
    """(image_size, channels, latent_dim) of a GAN, read from its generator."""
    _, height, _, channels = gan.generator.outputs[0].shape
    return int(height), int(channels), int(gan.latent_dim)


def check_compatible(gan, image_size, channels, latent_dim, source="the loaded model"):
    """Raise a one-line ValueError unless `gan` makes images of this size from latents of this size."""
    have = image_shape_and_latent_dim(gan)
    if have != (image_size, channels, latent_dim):
        raise ValueError(
            f"{source} makes {have[0]}x{have[0]}x{have[1]} images from {have[2]} latents, but this run "
            f"asks for {image_size}x{image_size}x{channels} images from {latent_dim} latents; "
            f"use --image-size {have[0]} --latent-dim {have[2]} and a dataset with {have[1]} channel(s)."
        )


def freeze_first_layers(discriminator, num_layers):
    """FreezeD: make the first `num_layers` layers that hold weights untrainable.

    Mo et al. 2020, "Freeze the Discriminator", https://arxiv.org/abs/2002.10964.
    Layers are counted in order from the input, counting only layers with weights
    (convolutions and normalisations). A frozen batch-norm layer also runs in
    inference mode (Keras' rule for fine-tuning): it normalises with the moving
    statistics it learned on the source data.

    Args:
        discriminator: a functional Keras model.
        num_layers: how many weighted layers to freeze, from the input upward.

    Returns:
        The names of the frozen layers.

    Example:
    >>> d = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8)
    >>> freeze_first_layers(d, 2)
    ['conv1', 'norm1']
    """
    weighted = _weighted_layers(discriminator, num_layers, "num_layers")
    for layer in weighted[:num_layers]:
        layer.trainable = False
    return [layer.name for layer in weighted[:num_layers]]


def _weighted_layers(discriminator, num_layers, argument):
    weighted = [layer for layer in discriminator.layers if layer.weights]
    if not checks.is_int(num_layers) or not 0 <= num_layers <= len(weighted):
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected an integer from 0 to {len(weighted)} (the "
            f"discriminator's layers with weights). Received: {argument}={num_layers!r}"
        )
    return weighted


def _fresh_copy(network):
    # Same architecture, new layers, weights drawn again from the initializers.
    return keras.models.clone_model(network)


def fine_tune(source, transfer="both", freeze_discriminator_layers=0, keep_optimizer_state=False,
              variant=None, generator=None, discriminator=None, d_optimizer=None, g_optimizer=None,
              seed=None, augment=None, ema=None, expected_shape=None, jit_compile="auto", **variant_options):
    """A GAN that starts from a trained one, ready to `fit` on new data.

    The networks named by `transfer` are taken from `source` with their trained
    weights; the other network is a fresh copy of the source's (same
    architecture, new random weights) unless you pass one.

    Args:
        source: a GAN, or the path of a saved `gan.keras`. Its transferred networks
            are reused, not copied.
        transfer: "generator", "discriminator" or "both".
        freeze_discriminator_layers: FreezeD; freeze this many of the transferred
            discriminator's first weighted layers (see `freeze_first_layers`).
        keep_optimizer_state: True continues each transferred network's optimizer
            (Adam moments, step count, learning rate) from the source; False starts
            both optimizers afresh.
        variant: the GAN class to train with, a `models.VARIANTS` key or a class
            (default: the source's class).
        generator: a generator to use when the generator is not transferred.
        discriminator: a discriminator to use when it is not transferred (e.g. a
            `vgg16_discriminator` with ImageNet weights, which a fresh copy would
            re-initialise).
        d_optimizer: the discriminator's optimizer, unless `keep_optimizer_state` keeps the
            source's for a transferred discriminator (default: the variant's default).
        g_optimizer: the same for the generator.
        seed: seed of the new GAN's latent sampler.
        augment, ema: the new GAN's DiffAugment policy and generator EMA decay (see
            `keras_gans.GAN`; both off by default). A moving average starts from the
            weights the new GAN starts from.
        expected_shape: (image_size, channels, latent_dim) the new data and run need; the
            source must make such images from such latents (None: not checked).
        jit_compile: passed to `compile`.
        **variant_options: more arguments of the new GAN's class, e.g. a conditional GAN's
            `loss="hinge"` (which the source's class does not decide).

    Returns:
        A compiled GAN of class `variant`.

    Example:
    >>> gan = fine_tune("saved_models/RUN/gan.keras", transfer="generator")  # doctest: +SKIP
    >>> gan.fit(keras_gans.data.load("mnist5k", image_size=32), epochs=2)  # doctest: +SKIP
    """
    checks.one_of("transfer", transfer, TRANSFERS)
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        source = load_gan(source)
    else:
        name = f"the {type(source).__name__}"
    if expected_shape is not None:
        check_compatible(source, *expected_shape, source=name)
    keeps_generator = transfer in ("generator", "both")
    keeps_discriminator = transfer in ("discriminator", "both")
    for name, given, kept in (("generator", generator, keeps_generator),
                              ("discriminator", discriminator, keeps_discriminator)):
        if given is not None and kept:
            raise ValueError(
                f"Invalid argument `{name}`: with transfer={transfer!r} the {name} comes from the "
                f"source GAN. Pass `{name}=` only for a network that is not transferred."
            )
    if freeze_discriminator_layers and not keeps_discriminator:
        raise ValueError(
            "Invalid value for argument `freeze_discriminator_layers`. FreezeD freezes layers of a "
            f"transferred discriminator, and transfer={transfer!r} starts it afresh. "
            f"Received: freeze_discriminator_layers={freeze_discriminator_layers}"
        )
    variant = type(source) if variant is None else variant_class(variant)

    if keeps_generator:
        generator = source.generator
    elif generator is None:
        generator = _fresh_copy(source.generator)
    if keeps_discriminator:
        discriminator = source.discriminator
    elif discriminator is None:
        discriminator = _fresh_copy(source.discriminator)
    _weighted_layers(discriminator, freeze_discriminator_layers, "freeze_discriminator_layers")
    freeze_first_layers(discriminator, freeze_discriminator_layers)

    if keep_optimizer_state:
        if not source.compiled:
            raise ValueError("Invalid argument `keep_optimizer_state=True`: the source GAN was saved "
                             "without optimizers (it was never compiled).")
        # The optimizers keep their slots per variable, so a network with layers
        # frozen by FreezeD simply stops updating those slots.
        if keeps_discriminator:
            d_optimizer = getattr(source.d_optimizer, "inner_optimizer", source.d_optimizer)
        if keeps_generator:
            g_optimizer = getattr(source.g_optimizer, "inner_optimizer", source.g_optimizer)

    gan = variant(generator, discriminator, seed=seed, augment=augment, ema=ema, **variant_options)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=jit_compile)
    return gan
