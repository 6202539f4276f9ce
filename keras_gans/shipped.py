"""The files that ship with keras_gans: the embedded digits, example pictures, a classifier, the generators.

In the repository they live in the top-level `datasets/` and `saved_models/` folders.
A wheel (`pip install git+...`, as Colab installs it) carries the same files inside
the package, in `keras_gans/_shipped/` (`setup.py` copies them there when it builds),
so an installed package works offline from any folder, as a clone does.
"""

import os

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
_INSTALLED = os.path.join(_PACKAGE, "_shipped")
_REPOSITORY = os.path.dirname(_PACKAGE)

# Paths relative to the repository root; setup.py reads this list (keep it plain literals).
FILES = (
    "datasets/mnist_5k.npz",
    "datasets/README.md",
    "datasets/landscapes.zip",
    "saved_models/digits_classifier/digits_classifier.keras",
    "saved_models/dcgan_digits/generator.keras",
    "saved_models/dcgan_digits/README.md",
    "saved_models/wgan_gp_digits/generator.keras",
    "saved_models/wgan_gp_digits/README.md",
    "saved_models/cdcgan_digits/generator.keras",
    "saved_models/cdcgan_digits/README.md",
)


def path(relative):
    """Where the shipped file `relative` (e.g. "datasets/mnist_5k.npz") is: installed copy first, then the clone.

    Returns the path even when neither exists (the caller's error names it).
    """
    installed = os.path.join(_INSTALLED, relative)
    return installed if os.path.exists(installed) else os.path.join(_REPOSITORY, relative)
