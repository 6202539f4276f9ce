"""Doctests: every docstring's `Example:` runs in the fast tier (`--doctest-modules`), with the names
Keras' own docstrings assume already imported."""

import os

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _doctest_names(doctest_namespace):
    import keras_gans

    doctest_namespace.update(keras=keras, np=np, ops=keras.ops, keras_gans=keras_gans)
