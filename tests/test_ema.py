"""Generator EMA: it follows its formula, is what a GAN samples from and saves, and reloads exactly."""

import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, random_images

from keras_gans import runs
from keras_gans.models import build_gan


def tiny(name="dcgan", **options):
    gan = build_gan(name, 32, 1, LATENT_DIM, width=8, seed=0, **options)
    gan.compile()
    return gan


def weights(model):
    return [np.array(w) for w in model.weights]


def test_the_average_follows_w_ema_equals_d_w_ema_plus_one_minus_d_w_after_each_step():
    gan = tiny(ema=0.5)
    images = random_images(8)
    average = weights(gan.ema_generator)
    assert all(np.array_equal(a, g) for a, g in zip(average, weights(gan.generator)))  # starts as a copy
    for step in range(1, 13):
        gan.train_on_batch(images)
        decay = min(0.5, (1 + step) / (10 + step))  # the ramp reaches 0.5 at step 8
        expected = [decay * a + (1 - decay) * w for a, w in zip(average, weights(gan.generator))]
        average = weights(gan.ema_generator)
        for a, e in zip(average, expected):  # every weight, batch-norm averages included
            np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-7)
    assert not np.allclose(average[0], weights(gan.generator)[0])


def _batches(images, batch_size=16):
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size)


def test_generate_samples_from_the_average_and_the_run_saves_it_as_generator_keras(tmp_path):
    gan = tiny(ema=0.9)
    dataset = keras.ops.convert_to_numpy(random_images(32))
    result = runs.train(gan, _batches(dataset), str(tmp_path / "run"), epochs=1, num_samples=4, verbose=0,
                        diagnostics=False)
    latents = np.random.default_rng(0).standard_normal((3, LATENT_DIM)).astype("float32")
    from_average = np.asarray(gan.ema_generator(latents, training=False))
    np.testing.assert_allclose(gan.generate(latents), from_average, atol=1e-6)
    assert not np.allclose(from_average, np.asarray(gan.generator(latents, training=False)), atol=1e-4)
    saved = keras.saving.load_model(result["paths"]["generator.keras"])
    np.testing.assert_allclose(np.asarray(saved(latents, training=False)), from_average, atol=1e-6)
    assert gan.sampling_generator is gan.ema_generator
    plain = tiny()
    assert plain.ema is None and plain.sampling_generator is plain.generator


def test_keras_file_round_trip_keeps_the_average(tmp_path):
    gan = tiny("lsgan", ema=0.999, augment="translation")
    gan.fit(random_images(16), batch_size=8, epochs=1, verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert (loaded.ema, loaded.augment) == (0.999, "translation")
    for a, b in zip(weights(gan.ema_generator), weights(loaded.ema_generator)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(loaded.generate(4, seed=1), gan.generate(4, seed=1), atol=1e-6)


@pytest.mark.parametrize("ema", [0.0, 1.0, -0.5, True, "0.9"])
def test_a_bad_decay_is_refused_in_keras_wording(ema):
    message = ("Invalid value for argument `ema`. Expected None or a decay between 0 and 1, e.g. 0.999. "
               f"Received: ema={ema!r}")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        build_gan("dcgan", 32, 1, LATENT_DIM, width=8, ema=ema)


def test_checkpoint_files_hold_the_average(tmp_path):
    gan = tiny(ema=0.9)
    gan.train_on_batch(random_images(8))
    path = str(tmp_path / "state.weights.h5")
    gan.save_weights(path)
    other = tiny(ema=0.9)
    other.load_weights(path)
    for a, b in zip(weights(gan.ema_generator), weights(other.ema_generator)):
        np.testing.assert_array_equal(a, b)
    assert os.path.getsize(path) > 0
