"""GAN models: subclassed `keras.Model`s, one paper per file, each with its own `train_step`.

    base.py     GAN: the shared plumbing (no train_step)
    dcgan.py    DCGAN, binary cross-entropy      lsgan.py    LSGAN, least squares
    wgan.py     WGAN, weight clipping            wgan_gp.py  WGANGP, gradient penalty
    sagan.py    SAGAN, hinge loss                conditional.py  ConditionalGAN, labels in (cdcgan)

`variants.py`: `VARIANTS` maps the names the command line uses to the classes,
`build_gan(name, ...)` pairs a variant with the networks it is meant to train and
`default_optimizers(name, ...)` gives its paper's optimizers.
"""

from keras_gans.models.base import GAN
from keras_gans.models.conditional import ConditionalGAN
from keras_gans.models.dcgan import DCGAN
from keras_gans.models.lsgan import LSGAN
from keras_gans.models.sagan import SAGAN
from keras_gans.models.variants import VARIANTS, build_gan, default_optimizers, variant_class
from keras_gans.models.wgan import WGAN
from keras_gans.models.wgan_gp import WGANGP

__all__ = ["GAN", "DCGAN", "LSGAN", "WGAN", "WGANGP", "SAGAN", "ConditionalGAN", "VARIANTS",
           "build_gan", "default_optimizers", "variant_class"]
