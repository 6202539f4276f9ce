"""The variants by the names the command line uses, and the networks each is meant to train."""

from keras_gans import checks, networks
from keras_gans.models.base import GAN
from keras_gans.models.conditional import ConditionalGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.lsgan import LSGAN
from keras_gans.models.sagan import SAGAN
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

VARIANTS = {"dcgan": DCGAN, "lsgan": LSGAN, "wgan": WGAN, "wgan-gp": WGANGP, "sagan": SAGAN,
            "cdcgan": ConditionalGAN}


def variant_class(variant):
    """A GAN class from a `VARIANTS` key ("lsgan") or the class itself."""
    if isinstance(variant, type) and issubclass(variant, GAN):
        return variant
    return VARIANTS[checks.one_of("variant", variant, VARIANTS)]


def build_gan(name, image_size=32, channels=1, latent_dim=128, width=64, seed=None, num_classes=10,
              conditioning="projection", **options):
    """A variant with networks suited to it, ready for `compile()`.

    The networks are the DCGAN pair for every variant except three:
    - "wgan-gp": the critic uses layer normalization instead of batch norm (the
      gradient penalty is per example; Gulrajani et al. 2017, section 4);
    - "sagan": `sagan_generator` / `sagan_discriminator` (self-attention,
      spectral norm; 32 or 64 px);
    - "cdcgan": `conditional_generator` / `conditional_discriminator`, the DCGAN
      stacks with a label input (a projection discriminator by default).

    Args:
        name: a key of `VARIANTS` ("dcgan", "lsgan", "wgan", "wgan-gp", "sagan", "cdcgan").
        image_size: 32, 64 or 128 (32 or 64 for "sagan").
        channels: image channels.
        latent_dim: size of the latent vector.
        width: base channel count of both networks.
        seed: seed of the model's latent sampler.
        num_classes: "cdcgan" only: the number of classes.
        conditioning: "cdcgan" only: "projection" or "concatenate" (see
            `keras_gans.networks.conditional_discriminator`).
        **options: more arguments of the variant, e.g. `augment="diffaugment"`,
            `ema=0.999`, and for "cdcgan" `loss="hinge"`.

    Returns:
        An uncompiled GAN.

    Example:
    >>> gan = build_gan("dcgan", image_size=32, channels=1, width=8)
    >>> gan = build_gan("cdcgan", image_size=32, channels=1, width=8, augment="diffaugment", ema=0.999)
    """
    checks.one_of("name", name, VARIANTS)
    if name == "sagan":
        generator = networks.sagan_generator(image_size, channels, latent_dim, width=width)
        discriminator = networks.sagan_discriminator(image_size, channels, width=width)
    elif name == "cdcgan":
        generator = networks.conditional_generator(image_size, channels, latent_dim, num_classes, width=width)
        discriminator = networks.conditional_discriminator(image_size, channels, num_classes, width=width,
                                                           conditioning=conditioning)
    else:
        generator = networks.dcgan_generator(image_size, channels, latent_dim, width=width)
        normalization = "layer" if name == "wgan-gp" else "batch"
        discriminator = networks.dcgan_discriminator(image_size, channels, width=width,
                                                     normalization=normalization)
    return VARIANTS[name](generator, discriminator, seed=seed, **options)


def default_optimizers(variant, d_lr=None, g_lr=None, beta_1=None):
    """A variant's own optimizers (its paper's), with other learning rates or Adam beta_1 where given.

    Args:
        variant: a `VARIANTS` key or a GAN class.
        d_lr, g_lr: learning rates of the discriminator's and the generator's optimizer.
        beta_1: Adam's beta_1 for both (only for variants trained with Adam).

    Returns:
        (d_optimizer, g_optimizer), new optimizers.

    Example:
    >>> d_optimizer, g_optimizer = default_optimizers("dcgan", d_lr=1e-4)
    """
    variant = variant_class(variant)
    pair = []
    defaults = (variant.default_d_optimizer(), variant.default_g_optimizer())
    for optimizer, learning_rate in zip(defaults, (d_lr, g_lr)):
        config = optimizer.get_config()
        if learning_rate is not None:
            config["learning_rate"] = checks.positive_number("learning_rate", learning_rate)
        if beta_1 is not None:
            if "beta_1" not in config:
                raise ValueError(f"beta_1 applies to Adam; {variant.__name__} trains with "
                                 f"{type(optimizer).__name__}. Leave beta_1 (--beta-1) out.")
            config["beta_1"] = beta_1
        pair.append(type(optimizer).from_config(config))
    return tuple(pair)
