"""The GAN base and DCGAN: training updates the right weights, generate, save and load."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, random_images, tiny_networks

import keras_gans


def dataset(n=64, batch_size=16):
    return tf.data.Dataset.from_tensor_slices(random_images(n)).batch(batch_size)


def make_gan(seed=0, **compile_kwargs):
    gan = keras_gans.DCGAN(*tiny_networks(), seed=seed)
    gan.compile(**compile_kwargs)
    return gan


def snapshot(model):
    return [np.array(w) for w in model.trainable_weights]


def changed(before, model):
    return [not np.array_equal(a, np.array(b)) for a, b in zip(before, model.trainable_weights)]


def test_public_api_from_the_top():
    for name in ("GAN", "DCGAN", "losses", "networks", "data", "callbacks", "enable_mixed_precision"):
        assert hasattr(keras_gans, name) and name in keras_gans.__all__


def test_fit_reports_the_four_metrics_and_updates_both_networks():
    gan = make_gan()
    assert isinstance(gan, keras.Model) and gan.latent_dim == LATENT_DIM
    g_before, d_before = snapshot(gan.generator), snapshot(gan.discriminator)
    history = gan.fit(dataset(), epochs=2, verbose=0)
    assert set(history.history) == {"d_loss", "g_loss", "real_score", "fake_score"}
    for values in history.history.values():
        assert np.all(np.isfinite(values))
    assert 0 < history.history["real_score"][-1] < 1
    assert all(changed(g_before, gan.generator)) and all(changed(d_before, gan.discriminator))
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 8


def test_each_optimizer_moves_only_its_own_network():
    frozen_generator = make_gan(g_optimizer=keras.optimizers.Adam(0.0))
    g_before, d_before = snapshot(frozen_generator.generator), snapshot(frozen_generator.discriminator)
    frozen_generator.fit(dataset(), epochs=1, verbose=0)
    assert not any(changed(g_before, frozen_generator.generator))
    assert all(changed(d_before, frozen_generator.discriminator))

    frozen_discriminator = make_gan(d_optimizer=keras.optimizers.Adam(0.0))
    d_before = snapshot(frozen_discriminator.discriminator)
    frozen_discriminator.fit(dataset(), epochs=1, verbose=0)
    assert not any(changed(d_before, frozen_discriminator.discriminator))


def test_default_optimizers_are_the_dcgan_papers_adam():
    gan = make_gan()
    for optimizer in (gan.d_optimizer, gan.g_optimizer):
        assert isinstance(optimizer, keras.optimizers.Adam)
        assert float(optimizer.learning_rate) == pytest.approx(2e-4) and optimizer.beta_1 == 0.5
    # Built in compile(), before any fit: their slots exist already.
    assert len(gan.d_optimizer.variables) > 2 and len(gan.g_optimizer.variables) > 2


def test_compile_refuses_a_single_optimizer():
    gan = keras_gans.DCGAN(*tiny_networks())
    with pytest.raises(ValueError, match="A GAN takes `d_optimizer=` and `g_optimizer=`"):
        gan.compile(optimizer="adam")


def test_generate_is_float32_in_range_and_seeded():
    gan = make_gan()
    images = gan.generate(5, seed=3)
    assert images.shape == (5, 32, 32, 1) and images.dtype == np.float32
    assert images.min() >= -1 and images.max() <= 1
    np.testing.assert_array_equal(images, gan.generate(5, seed=3))
    assert not np.array_equal(gan.generate(5), gan.generate(5))  # the model's sampler moves on
    latents = np.random.default_rng(0).normal(size=(3, LATENT_DIM)).astype("float32")
    np.testing.assert_array_equal(gan.generate(latents), gan.generate(latents))
    with pytest.raises(ValueError, match=r"Expected an int or latents of shape \(batch, 16\)"):
        gan.generate(np.zeros((3, 7)))


def test_same_seed_same_training():
    first, second = make_gan(seed=5), make_gan(seed=5)
    second.set_weights(first.get_weights())
    data = random_images(32)
    first.fit(data, batch_size=16, epochs=1, verbose=0, shuffle=False)
    second.fit(data, batch_size=16, epochs=1, verbose=0, shuffle=False)
    for a, b in zip(first.generator.weights, second.generator.weights):
        np.testing.assert_array_equal(np.array(a), np.array(b))


def test_call_predict_and_evaluate():
    gan = make_gan()
    latents = np.zeros((4, LATENT_DIM), "float32")
    assert gan(latents).shape == (4, 32, 32, 1)
    assert gan.discriminator(random_images(4)).shape == (4, 1)
    assert gan.predict(latents, verbose=0).shape == (4, 32, 32, 1)
    scores = gan.evaluate(dataset(), verbose=0, return_dict=True)
    assert set(scores) == {"d_loss", "g_loss", "real_score", "fake_score"}


def test_keras_round_trip_generates_identically_and_keeps_training(tmp_path):
    gan = make_gan(seed=1)
    gan.fit(dataset(), epochs=1, verbose=0)
    path = os.path.join(tmp_path, "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is keras_gans.DCGAN and loaded.seed == 1
    latents = np.random.default_rng(1).normal(size=(6, LATENT_DIM)).astype("float32")
    np.testing.assert_array_equal(gan.generate(latents), loaded.generate(latents))
    assert int(loaded.d_optimizer.iterations) == int(gan.d_optimizer.iterations) == 4
    for a, b in zip(gan.d_optimizer.variables, loaded.d_optimizer.variables):
        np.testing.assert_array_equal(np.array(a), np.array(b))
    history = loaded.fit(dataset(), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert int(loaded.g_optimizer.iterations) == 8


def test_jit_compile_keeps_keras_own_meaning():
    # "auto" is Keras' choice (XLA on a TensorFlow GPU, never on a TensorFlow CPU), whatever the
    # CPU kind: the run layer makes its own choice in the open (keras_gans.runs.choose_jit_compile).
    chosen = {}
    for jit_compile in ("auto", True, False):
        gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
        gan.compile(jit_compile=jit_compile)
        plain = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        plain.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
        assert gan.jit_compile == plain.jit_compile
        chosen[jit_compile] = gan.jit_compile
    assert chosen == {"auto": False, True: True, False: False}  # these tests run on a CPU
