"""Generator EMA: it follows its formula, is what a GAN samples from and saves, and reloads exactly."""

import os
import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, random_images

from keras_gans import runs
from keras_gans.models import base, build_gan, ema
from keras_gans.models.ema import recompute_batch_norm_statistics

recompute = recompute_batch_norm_statistics


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
    assert gan.sampling_generator() is gan.ema_generator
    plain = tiny()
    assert plain.ema is None and plain.sampling_generator() is plain.generator


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


def test_the_warm_up_reaches_the_decay_only_after_thousands_of_steps():
    # d = min(ema, (1 + t) / (10 + t)) equals ema from t = (10 ema - 1) / (1 - ema) on.
    for decay, reached in ((0.9, 80), (0.99, 890), (0.999, 8990)):
        assert (1 + reached) / (10 + reached) == pytest.approx(decay)
        assert (1 + reached - 1) / (10 + reached - 1) < decay


def test_recomputed_statistics_are_the_mean_of_the_batch_statistics_by_hand():
    norm = keras.layers.BatchNormalization(momentum=0.9)
    scaled = keras.layers.SpectralNormalization(keras.layers.Dense(2))
    inner = keras.Sequential([keras.Input((2,)), norm])  # nested: found inside the outer model
    inputs = keras.Input((2,))
    model = keras.Model(inputs, [inner(inputs), scaled(inputs)])
    kernel = np.array(scaled.kernel)
    # Batch means [1, 2] and [5, 0]; batch variances (1/B) [1, 1] and [1, 0].
    first, second = np.array([[0, 1], [2, 3]], "float32"), np.array([[4, 0], [6, 0]], "float32")
    recompute_batch_norm_statistics(model, [first, second])
    np.testing.assert_allclose(np.array(norm.moving_mean), [3, 1], atol=1e-6)
    np.testing.assert_allclose(np.array(norm.moving_variance), [1, 0.5], atol=1e-6)
    assert norm.momentum == 0.9  # put back
    # Spectral normalisation rewrites its kernel in training mode; it is put back too.
    np.testing.assert_array_equal(np.array(scaled.kernel), kernel)


def test_after_a_recompute_on_one_batch_inference_mode_matches_training_mode():
    # Every batch-norm layer then holds the statistics of its own input in training mode, so
    # the whole generator in inference mode reproduces its training-mode output on that batch.
    gan = tiny(ema=0.9)
    for _ in range(3):
        gan.train_on_batch(random_images(8))
    generator = gan.ema_generator
    latents = keras.random.normal((64, LATENT_DIM), seed=3)
    training = np.asarray(generator(latents, training=True))
    assert not np.allclose(np.asarray(generator(latents, training=False)), training, atol=1e-3)
    recompute_batch_norm_statistics(generator, [latents])
    np.testing.assert_allclose(np.asarray(generator(latents, training=False)), training, atol=1e-4)


def test_standing_statistics_are_recomputed_when_the_generator_moved_and_only_then(monkeypatch):
    calls = []
    monkeypatch.setattr(base, "recompute_batch_norm_statistics",
                        lambda generator, batches: calls.append(len(batches)) or recompute(generator, batches))
    gan = tiny(ema=0.9, standing_statistics=True)
    images = random_images(8)
    gan.train_on_batch(images)
    before = [np.array(v) for v in gan.ema_generator.variables]
    state = np.array(gan.seed_generator.state)
    first = gan.generate(4, seed=0)
    assert calls == [ema.STATISTICS_BATCHES]
    np.testing.assert_array_equal(gan.generate(4, seed=0), first)  # no change, no recompute
    assert len(calls) == 1
    np.testing.assert_array_equal(np.array(gan.seed_generator.state), state)  # the sampler is untouched
    # Only the batch-norm statistics changed.
    statistics = {id(v) for layer in ema.batch_normalization_layers(gan.ema_generator)
                  for v in (layer.moving_mean, layer.moving_variance)}
    for variable, old in zip(gan.ema_generator.variables, before):
        assert (id(variable) in statistics) != np.array_equal(np.array(variable), old), variable.path
    # `predict` (a traced graph) sees the same statistics; a step makes them stale again.
    np.testing.assert_allclose(gan.predict(gan.latents_for(4, seed=0), verbose=0), first, atol=1e-6)
    gan.train_on_batch(images)
    gan.generate(4, seed=0)
    assert len(calls) == 2
    # Off: the average keeps the statistics `update_ema` gave it.
    plain = tiny(ema=0.9, standing_statistics=False)
    plain.train_on_batch(images)
    averaged = [np.array(v) for v in plain.ema_generator.variables]
    plain.generate(4, seed=0)
    for variable, old in zip(plain.ema_generator.variables, averaged):
        np.testing.assert_array_equal(np.array(variable), old)
    assert len(calls) == 2


def test_sampling_with_standing_statistics_does_not_change_training():
    images = random_images(8)
    quiet, sampling = tiny(ema=0.9, standing_statistics=True), tiny(ema=0.9, standing_statistics=True)
    sampling.set_weights(quiet.get_weights())
    for _ in range(3):
        quiet.train_on_batch(images)
        sampling.train_on_batch(images)
        sampling.generate(4, seed=0)  # a frame of fixed latents, as SampleGIF draws after each epoch
    for a, b in zip(weights(quiet.generator) + weights(quiet.discriminator),
                    weights(sampling.generator) + weights(sampling.discriminator), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_conditional_average_recomputes_with_every_class_and_reloads(tmp_path):
    gan = tiny("cdcgan", ema=0.9, standing_statistics=True)
    gan.train_on_batch(random_images(10), np.arange(10) % 10)
    images = gan.generate(10, labels=list(range(10)), seed=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert loaded.standing_statistics is True
    np.testing.assert_allclose(loaded.generate(10, labels=list(range(10)), seed=0), images, atol=1e-5)


def test_standing_statistics_are_on_by_default_and_refused_unless_a_bool():
    assert tiny(ema=0.9).standing_statistics is True
    message = ("Invalid value for argument `standing_statistics`. Expected True or False. "
               "Received: standing_statistics=1")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        build_gan("dcgan", 32, 1, LATENT_DIM, width=8, ema=0.9, standing_statistics=1)


def test_saving_and_loading_do_not_recompute_the_statistics(tmp_path, monkeypatch):
    # Keras saves by reading every attribute; a recompute there would make a resumed run's
    # average depend on when it was checkpointed.
    calls = []
    monkeypatch.setattr(base, "recompute_batch_norm_statistics", lambda generator, batches: calls.append(1))
    gan = tiny(ema=0.9)
    gan.train_on_batch(random_images(8))
    gan.save_weights(tmp_path / "state.weights.h5")
    gan.load_weights(tmp_path / "state.weights.h5")
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert calls == []
    loaded.generate(2, seed=0)
    assert calls == [1]
