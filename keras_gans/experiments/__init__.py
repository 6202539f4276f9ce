"""Experiments a workshop shows: whole studies built from runs (`keras_gans.runs.train`).

    compare.py   the same architecture with each loss, on several dataset sizes (the
                 GANs 101 article's Table 2): `keras-gans compare`
    vgg16.py     a discriminator from scratch against one on frozen VGG16 layers:
                 `keras-gans transfer-experiment`
"""

from keras_gans.experiments import compare, vgg16

__all__ = ["compare", "vgg16"]
