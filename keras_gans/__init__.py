"""keras_gans: learn, teach and run Generative Adversarial Networks with Keras 3.

    import keras_gans
    gan = keras_gans.DCGAN(keras_gans.networks.dcgan_generator(32, channels=1),
                           keras_gans.networks.dcgan_discriminator(32, channels=1))
    gan.compile()
    gan.fit(keras_gans.data.load_mnist_5k(), epochs=5)
    images = gan.generate(16, seed=0)

Submodules and classes are imported on first use, so `keras-gans --help` and
argument errors answer at once instead of waiting for TensorFlow to load.
"""

import importlib
import os

# TensorFlow's C++ start-up chatter drowns a learner's first screen; keep errors.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"

_SUBMODULES = ("callbacks", "compare", "data", "losses", "metrics", "models", "networks", "plotting", "runs",
               "transfer")
_ATTRIBUTES = {
    "GAN": "keras_gans.models",
    "DCGAN": "keras_gans.models",
    "LSGAN": "keras_gans.models",
    "WGAN": "keras_gans.models",
    "WGANGP": "keras_gans.models",
    "SAGAN": "keras_gans.models",
    "enable_mixed_precision": "keras_gans.precision",
}

__all__ = [*_ATTRIBUTES, *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"keras_gans.{name}")
    if name in _ATTRIBUTES:
        return getattr(importlib.import_module(_ATTRIBUTES[name]), name)
    raise AttributeError(f"module 'keras_gans' has no attribute {name!r}")


def __dir__():
    return sorted([*globals(), *__all__])
