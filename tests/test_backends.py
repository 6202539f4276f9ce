"""The same GANs on TensorFlow, JAX and PyTorch (issue 27): what one process can check.

Modules a JAX or PyTorch machine imports must not need TensorFlow, and the layers must
have the same derivatives on every backend.
"""

import ast
import os

import keras
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(HERE), "keras_gans")


def _top_level_imports(path):
    """Modules imported when `path` is imported (function bodies excluded: they import when called)."""
    def walk(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.Import):
                yield from (alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and not child.level:
                yield child.module
            yield from walk(child)

    with open(path) as file:
        return list(walk(ast.parse(file.read())))


def test_models_losses_networks_augment_and_precision_import_no_tensorflow():
    # The borrowed GPU machines have JAX and PyTorch but no TensorFlow; only the TensorFlow
    # backend module may import it when it loads.
    paths = [os.path.join(PACKAGE, name) for name in ("losses.py", "augment.py", "precision.py")]
    for folder in ("models", "networks"):
        for root, _, names in os.walk(os.path.join(PACKAGE, folder)):
            paths += [os.path.join(root, name) for name in names if name.endswith(".py")]
    allowed = os.path.join(PACKAGE, "models", "backends", "tensorflow.py")
    offenders = [f"{os.path.relpath(path, PACKAGE)} imports {module}" for path in paths if path != allowed
                 for module in _top_level_imports(path) if module.split(".")[0] == "tensorflow"]
    assert len(paths) > 15 and offenders == []


def test_layer_normalization_has_exact_second_derivatives():
    # WGAN-GP's penalty differentiates the critic's gradient. Keras' LayerNormalization on
    # TensorFlow (tf.nn.moments) gets the second derivative slightly wrong; the package's does not.
    import tensorflow as tf

    from keras_gans.networks.dcgan import LayerNormalization

    x = tf.constant(np.random.default_rng(0).normal(size=(2, 3, 3, 4)), tf.float64)
    v = tf.constant(np.random.default_rng(1).normal(size=(2, 3, 3, 4)), tf.float64)
    c = tf.constant(np.random.default_rng(2).normal(size=(2, 3, 3, 4)), tf.float64)

    def hessian_times_v(layer):
        """H v of f(x) = sum(c * layer(x)) by double backprop, and by central differences of the gradient."""
        def gradient(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                f = tf.reduce_sum(c * layer(x))
            return tape.gradient(f, x)

        with tf.GradientTape() as tape:
            tape.watch(x)
            g = tf.reduce_sum(gradient(x) * v)
        exact = tape.gradient(g, x).numpy()
        h = 1e-5
        return exact, ((gradient(x + h * v) - gradient(x - h * v)) / (2 * h)).numpy()

    ours = LayerNormalization(axis=[1, 2, 3], dtype="float64")
    keras_own = keras.layers.LayerNormalization(axis=[1, 2, 3], dtype="float64")
    np.testing.assert_allclose(ours(x), keras_own(x), atol=1e-12)  # the same values ...
    exact, differences = hessian_times_v(ours)
    np.testing.assert_allclose(exact, differences, rtol=1e-6, atol=1e-8)  # ... and the right second derivative
    exact, differences = hessian_times_v(keras_own)
    assert np.abs(exact - differences).max() > 1e-3 * np.abs(differences).max()  # which Keras' misses on TF
