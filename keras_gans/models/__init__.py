"""GAN models: subclassed `keras.Model`s, one training procedure per file.

`VARIANTS` maps the names the command line uses to the classes, and
`build_gan(name, ...)` pairs a variant with the networks it is meant to train.
"""

from keras_gans.models.gan import DCGAN, GAN
from keras_gans.models.hinge import SAGAN
from keras_gans.models.lsgan import LSGAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

VARIANTS = {"dcgan": DCGAN, "lsgan": LSGAN, "wgan": WGAN, "wgan-gp": WGANGP, "sagan": SAGAN}


def build_gan(name, image_size=32, channels=1, latent_dim=128, width=64, seed=None):
    """A variant with networks suited to it, ready for `compile()`.

    The networks are the DCGAN pair for every variant except two:
    - "wgan-gp": the critic uses layer normalization instead of batch norm (the
      gradient penalty is per example; Gulrajani et al. 2017, section 4);
    - "sagan": `sagan_generator` / `sagan_discriminator` (self-attention,
      spectral norm; 32 or 64 px).

    Args:
        name: a key of `VARIANTS` ("dcgan", "lsgan", "wgan", "wgan-gp", "sagan").
        image_size: 32, 64 or 128 (32 or 64 for "sagan").
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
    if name == "sagan":
        generator = networks.sagan_generator(image_size, channels, latent_dim, width=width)
        discriminator = networks.sagan_discriminator(image_size, channels, width=width)
    else:
        generator = networks.dcgan_generator(image_size, channels, latent_dim, width=width)
        normalization = "layer" if name == "wgan-gp" else "batch"
        discriminator = networks.dcgan_discriminator(image_size, channels, width=width,
                                                     normalization=normalization)
    return VARIANTS[name](generator, discriminator, seed=seed)


__all__ = ["GAN", "DCGAN", "LSGAN", "WGAN", "WGANGP", "SAGAN", "VARIANTS", "build_gan"]
