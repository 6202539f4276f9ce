"""GAN models: subclassed `keras.Model`s, one training procedure per file."""

from keras_gans.models.gan import DCGAN, GAN

__all__ = ["GAN", "DCGAN"]
