"""Architecture builders: functional Keras models for generators and discriminators."""

from keras_gans.networks.dcgan import dcgan_discriminator, dcgan_generator

__all__ = ["dcgan_generator", "dcgan_discriminator"]
