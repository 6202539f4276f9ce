"""GAN models: subclassed `keras.Model`s, one training procedure per file.

`VARIANTS` maps the names the command line uses to the classes, and
`build_gan(name, ...)` pairs a variant with the networks it is meant to train.
"""

from keras_gans.models.gan import DCGAN, GAN

VARIANTS = {"dcgan": DCGAN}


def build_gan(name, image_size=32, channels=1, latent_dim=128, width=64, seed=None):
    """A variant with networks suited to it, ready for `compile()`.

    Args:
        name: a key of `VARIANTS` ("dcgan", ...).
        image_size: 32, 64 or 128.
        channels: image channels.
        latent_dim: size of the latent vector.
        width: base channel count of both networks.
        seed: seed of the model's latent sampler.

    Returns:
        An uncompiled GAN.

    Example:
    >>> gan = build_gan("dcgan", image_size=32, channels=1, width=8)
    """
    from keras_gans import networks

    if name not in VARIANTS:
        raise ValueError(
            f"Invalid value for argument `name`. Expected one of {', '.join(VARIANTS)}. "
            f"Received: name={name!r}"
        )
    generator = networks.dcgan_generator(image_size, channels, latent_dim, width=width)
    discriminator = networks.dcgan_discriminator(image_size, channels, width=width)
    return VARIANTS[name](generator, discriminator, seed=seed)


__all__ = ["GAN", "DCGAN", "VARIANTS", "build_gan"]
