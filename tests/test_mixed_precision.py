"""mixed_float16: loss-scaled optimizers, float32 outputs, finite losses (on the CPU)."""

import keras
import numpy as np
import tensorflow as tf
from conftest import random_images, tiny_networks

import keras_gans


def test_enable_mixed_precision_on_a_cpu_says_so_and_changes_nothing(capsys):
    assert keras_gans.enable_mixed_precision() == "float32"
    assert "no GPU visible" in capsys.readouterr().out
    assert keras_gans.enable_mixed_precision("mixed_float16", verbose=False) == "mixed_float16"
    assert keras.mixed_precision.global_policy().name == "mixed_float16"


def test_thirty_steps_under_mixed_float16_stay_finite():
    keras_gans.enable_mixed_precision("mixed_float16", verbose=False)
    gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
    gan.compile()
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.g_optimizer, keras.optimizers.LossScaleOptimizer)
    assert gan.generator.layers[2].compute_dtype == "float16"
    data = tf.data.Dataset.from_tensor_slices(random_images(16 * 30)).batch(16)
    history = gan.fit(data, epochs=1, verbose=0)
    for name in ("d_loss", "g_loss"):
        assert np.isfinite(history.history[name][-1])
    assert int(gan.g_optimizer.iterations) == 30
    images = gan.generate(4, seed=0)
    assert images.dtype == np.float32 and np.all(np.isfinite(images))
    for weight in gan.generator.trainable_weights + gan.discriminator.trainable_weights:
        assert weight.dtype == "float32"
