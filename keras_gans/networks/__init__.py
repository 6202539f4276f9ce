"""Architecture builders: functional Keras models for generators and discriminators."""

from keras_gans.networks.conditional import conditional_discriminator, conditional_generator
from keras_gans.networks.dcgan import dcgan_discriminator, dcgan_generator
from keras_gans.networks.sagan import SelfAttention, sagan_discriminator, sagan_generator
from keras_gans.networks.vgg16 import VGG16Preprocessing, vgg16_discriminator

__all__ = [
    "dcgan_generator", "dcgan_discriminator",
    "sagan_generator", "sagan_discriminator", "SelfAttention",
    "conditional_generator", "conditional_discriminator",
    "vgg16_discriminator", "VGG16Preprocessing",
]
