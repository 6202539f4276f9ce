"""The loss variants: LSGAN, WGAN, WGAN-GP and SAGAN, each with its own train_step."""

import os
import threading

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, random_images, tiny_networks
from keras import layers, ops

import keras_gans
from keras_gans.models import VARIANTS, build_gan

PIXELS = 32 * 32


def tiny(name, **options):
    """A variant with the networks `build_gan` gives it, at width 8 / latent 16."""
    gan = build_gan(name, image_size=32, channels=1, latent_dim=LATENT_DIM, width=8, seed=0)
    if options:
        gan = type(gan)(gan.generator, gan.discriminator, seed=0, **options)
    return gan


def dataset(n=32, batch_size=16):
    return tf.data.Dataset.from_tensor_slices(random_images(n)).batch(batch_size)


# ------------------------------------------------------------------ registry


def test_variants_are_registered_and_importable_from_the_top():
    assert list(VARIANTS) == ["dcgan", "lsgan", "wgan", "wgan-gp", "sagan", "cdcgan"]
    for name in ("LSGAN", "WGAN", "WGANGP", "SAGAN", "ConditionalGAN"):
        cls = getattr(keras_gans, name)
        assert name in keras_gans.__all__ and issubclass(cls, keras_gans.GAN)
        # Each variant writes its own algorithm: train_step is defined in its class.
        assert "train_step" in vars(cls)
        assert keras.saving.get_registered_name(cls) == f"keras_gans>{name}"


def test_the_class_says_whether_a_variant_trains_on_labels():
    assert keras_gans.ConditionalGAN.conditional is True
    assert [name for name, cls in VARIANTS.items() if cls.conditional] == ["cdcgan"]
    assert [name for name, variant in keras_gans.models.VARIANTS.items() if variant.conditional] == ["cdcgan"]
    assert tiny("cdcgan").conditional and not tiny("dcgan").conditional


def test_build_gan_picks_networks_suited_to_each_variant():
    def layer_types(model):
        return {type(layer).__name__ for layer in model.layers}

    assert "BatchNormalization" in layer_types(tiny("wgan").discriminator)  # the paper's DCGAN critic
    critic = layer_types(tiny("wgan-gp").discriminator)
    assert "LayerNormalization" in critic and "BatchNormalization" not in critic
    sagan = tiny("sagan")
    assert {"SelfAttention", "SpectralNormalization"} <= layer_types(sagan.discriminator)
    assert "SelfAttention" in layer_types(sagan.generator)
    with pytest.raises(ValueError, match="Expected one of dcgan, lsgan, wgan, wgan-gp, sagan, cdcgan"):
        build_gan("began")


@pytest.mark.parametrize("name, d_class, d_lr, g_lr, beta_1, beta_2", [
    ("lsgan", "Adam", 2e-4, 2e-4, 0.5, 0.999),
    ("wgan", "RMSprop", 5e-5, 5e-5, None, None),
    ("wgan-gp", "Adam", 1e-4, 1e-4, 0.0, 0.9),
    ("sagan", "Adam", 4e-4, 1e-4, 0.0, 0.9),
])
def test_default_optimizers_are_the_papers(name, d_class, d_lr, g_lr, beta_1, beta_2):
    gan = tiny(name)
    gan.compile()
    for optimizer, lr in ((gan.d_optimizer, d_lr), (gan.g_optimizer, g_lr)):
        assert type(optimizer).__name__ == d_class
        assert float(optimizer.learning_rate) == pytest.approx(lr)
        if beta_1 is not None:
            assert optimizer.beta_1 == beta_1 and optimizer.beta_2 == beta_2
    if name == "wgan":
        assert gan.d_optimizer.rho == 0.99


# ---------------------------------------------- metrics of a step, by hand


def constant_generator(value):
    """Every latent gives the same image, all pixels = `value`."""
    z = keras.Input((LATENT_DIM,))
    x = layers.Dense(PIXELS, kernel_initializer="zeros",
                     bias_initializer=keras.initializers.Constant(value))(z)
    return keras.Model(z, layers.Reshape((32, 32, 1))(x))


def mean_pixel_critic(scale):
    """f(x) = scale * mean(x): a linear critic whose input gradient has norm scale / sqrt(pixels)."""
    x = keras.Input((32, 32, 1))
    h = layers.Flatten()(x)
    out = layers.Dense(1, kernel_initializer=keras.initializers.Constant(scale / PIXELS), use_bias=False)(h)
    return keras.Model(x, out)


# Real images are all +0.5 and fakes all -0.5, so f(real) = scale / 2 and f(fake) = -scale / 2.
# With learning rate 0 nothing moves, and each metric is the loss of these two numbers.
@pytest.mark.parametrize("name, scale, expected", [
    # 0.5 * ((0.5 - 1)^2 + (-0.5 - 0)^2) = 0.25;  0.5 * (-0.5 - 1)^2 = 1.125
    ("lsgan", 1.0, {"d_loss": 0.25, "g_loss": 1.125, "real_score": 0.5, "fake_score": -0.5}),
    # kernel 2/1024 lies inside the clip range: f(real) = 1, f(fake) = -1
    ("wgan", 2.0, {"d_loss": -2.0, "g_loss": 1.0, "wasserstein_estimate": 2.0,
                   "real_score": 1.0, "fake_score": -1.0}),
    # ||grad f|| = 2 / sqrt(1024) = 0.0625 everywhere: penalty (0.0625 - 1)^2 = 0.87890625,
    # d_loss = -2 + 10 * 0.87890625
    ("wgan-gp", 2.0, {"d_loss": 6.7890625, "g_loss": 1.0, "wasserstein_estimate": 2.0,
                      "gradient_penalty": 0.87890625, "real_score": 1.0, "fake_score": -1.0}),
    # relu(1 - 0.5) + relu(1 - 0.5) = 1;  -(-0.5) = 0.5
    ("sagan", 1.0, {"d_loss": 1.0, "g_loss": 0.5, "real_score": 0.5, "fake_score": -0.5}),
])
def test_one_step_reports_the_losses_worked_out_by_hand(name, scale, expected):
    gan = VARIANTS[name](constant_generator(-0.5), mean_pixel_critic(scale), seed=0)
    gan.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=keras.optimizers.SGD(0.0))
    history = gan.fit(np.full((8, 32, 32, 1), 0.5, "float32"), batch_size=8, epochs=1, verbose=0)
    assert set(history.history) == set(expected) == set(gan.metric_names)
    for key, value in expected.items():
        assert history.history[key][0] == pytest.approx(value, abs=1e-5), key
    scores = gan.evaluate(np.full((8, 32, 32, 1), 0.5, "float32"), batch_size=8, verbose=0, return_dict=True)
    for key, value in expected.items():
        assert scores[key] == pytest.approx(value, abs=1e-5), key


# ------------------------------------------------------------------ WGAN


def test_one_critic_update_leaves_every_critic_weight_inside_the_clip_range():
    gan = tiny("wgan", discriminator_steps=1, clip_value=0.01)
    # A big step, so that the update itself would leave the range.
    gan.compile(d_optimizer=keras.optimizers.SGD(1.0), g_optimizer=keras.optimizers.SGD(0.0))
    before = [np.array(w) for w in gan.discriminator.trainable_weights]
    assert max(np.abs(w).max() for w in before) > 0.5  # batch-norm scales start near 1
    gan.fit(random_images(16), batch_size=16, epochs=1, verbose=0)
    assert int(gan.d_optimizer.iterations) == 1
    after = [np.array(w) for w in gan.discriminator.trainable_weights]
    for weight in after:
        assert np.all(np.abs(weight) <= 0.01 + 1e-7)
    assert all(not np.array_equal(a, b) for a, b in zip(before, after))


def test_bad_options_are_refused_with_a_clear_message():
    generator, critic = tiny("wgan").generator, tiny("wgan").discriminator
    with pytest.raises(ValueError, match=r"Expected a positive integer \(critic updates per generator "
                                         r"update\). Received: discriminator_steps=0"):
        keras_gans.WGAN(generator, critic, discriminator_steps=0)
    with pytest.raises(ValueError, match=r"Invalid value for argument `clip_value`. Expected a number "
                                         r"greater than 0. Received: clip_value=-0.01"):
        keras_gans.WGAN(generator, critic, clip_value=-0.01)
    with pytest.raises(ValueError, match="A WGAN-GP critic must not use batch normalization"):
        keras_gans.WGANGP(generator, critic)  # the DCGAN critic has batch norm
    with pytest.raises(ValueError, match="Received: gradient_penalty_weight=0"):
        keras_gans.WGANGP(generator, tiny("wgan-gp").discriminator, gradient_penalty_weight=0)


# --------------------------------------------------------------- WGAN-GP


def test_interpolation_factors_are_uniform_and_differ_between_examples():
    gan = tiny("wgan-gp")
    alpha = ops.convert_to_numpy(gan.draw_interpolation_factors(256))
    assert alpha.shape == (256, 1, 1, 1)
    assert alpha.min() >= 0.0 and alpha.max() <= 1.0
    assert len(np.unique(alpha)) == 256
    assert 0.4 < alpha.mean() < 0.6 and 0.25 < alpha.std() < 0.33  # U[0, 1]: mean 1/2, std 0.289


class RecordingWGANGP(keras_gans.WGANGP):
    """Keeps every alpha its train_step draws (run eagerly, so the list fills)."""

    def draw_interpolation_factors(self, batch_size):
        alpha = super().draw_interpolation_factors(batch_size)
        self.drawn.append(ops.convert_to_numpy(alpha))
        return alpha


def test_train_step_draws_a_fresh_alpha_per_example_for_every_critic_update():
    networks = tiny("wgan-gp")
    gan = RecordingWGANGP(networks.generator, networks.discriminator, discriminator_steps=2, seed=0)
    gan.drawn = []
    gan.compile(run_eagerly=True)
    gan.fit(random_images(8), batch_size=8, epochs=1, verbose=0)
    assert len(gan.drawn) == 2
    for alpha in gan.drawn:
        assert alpha.shape == (8, 1, 1, 1) and len(np.unique(alpha)) == 8
    assert not np.array_equal(gan.drawn[0], gan.drawn[1])


# ------------------------------------------- train, save, load, train on


@pytest.mark.parametrize("name, options", [
    ("lsgan", {}),
    ("wgan", {"discriminator_steps": 3, "clip_value": 0.02}),
    # One critic step keeps this test quick: every critic step is unrolled into the
    # traced graph, and WGAN-GP's holds a double backprop.
    ("wgan-gp", {"discriminator_steps": 1, "gradient_penalty_weight": 5.0}),
    ("sagan", {}),
])
def test_trains_saves_loads_and_keeps_training(tmp_path, name, options):
    # Also: the critic's optimizer steps `discriminator_steps` times per generator step.
    gan = tiny(name, **options)
    gan.compile()
    g_before = {w.path: np.array(w) for w in gan.generator.trainable_weights}
    history = gan.fit(dataset(16, 8), epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    for weight in gan.generator.trainable_weights:
        # SAGAN's attention starts switched off (gamma = 0), so its 1x1 convolutions
        # get no gradient until gamma has moved; gamma itself must move.
        if "attention" in weight.path and "gamma" not in weight.path:
            continue
        assert not np.array_equal(g_before[weight.path], np.array(weight)), weight.path
    steps = options.get("discriminator_steps", 1)
    assert int(gan.g_optimizer.iterations) == 2
    assert int(gan.d_optimizer.iterations) == 2 * steps

    path = os.path.join(tmp_path, f"{name}.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    assert type(loaded) is type(gan)
    for key, value in options.items():
        assert getattr(loaded, key) == value
    latents = np.random.default_rng(0).normal(size=(4, LATENT_DIM)).astype("float32")
    np.testing.assert_array_equal(gan.generate(latents), loaded.generate(latents))
    assert type(loaded.d_optimizer) is type(gan.d_optimizer)
    assert float(loaded.d_optimizer.learning_rate) == pytest.approx(float(gan.d_optimizer.learning_rate))
    assert int(loaded.d_optimizer.iterations) == int(gan.d_optimizer.iterations)

    history = loaded.fit(dataset(16, 8), epochs=1, verbose=0)
    assert set(history.history) == set(gan.metric_names)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert int(loaded.g_optimizer.iterations) == 4
    assert int(loaded.d_optimizer.iterations) == 4 * steps


# ------------------------------------------------------ mixed precision


@pytest.mark.parametrize("name", ["lsgan", "wgan", "wgan-gp", "sagan"])
def test_fifty_steps_under_mixed_float16_stay_finite(name):
    keras_gans.enable_mixed_precision("mixed_float16", verbose=False)
    gan = tiny(name, discriminator_steps=1) if name.startswith("wgan") else tiny(name)
    gan.compile()
    assert isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer)
    assert gan.discriminator(random_images(2), training=False).dtype == "float32"
    steps = []
    count = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: steps.append(batch))
    history = gan.fit(tf.data.Dataset.from_tensor_slices(random_images(4 * 50)).batch(4), epochs=1, verbose=0,
                      callbacks=[count])
    assert len(steps) == 50
    # A LossScaleOptimizer skips (and does not count) a step whose gradients overflowed
    # while it lowers its scale from 2^15; most steps must have been applied.
    assert 40 <= int(gan.g_optimizer.iterations) <= 50
    for name_, values in history.history.items():
        assert np.isfinite(values[-1]), name_
    images = gan.generate(4, seed=0)
    assert images.dtype == np.float32 and np.all(np.isfinite(images))


# ------------------------------------------------------- tf.distribute


# MirroredStrategy runs each replica's train_step in its own thread and switches
# between them at every optimizer step, so each replica keeps its batch thread-locally.
_replica = threading.local()


class FixedWGANGP(keras_gans.WGANGP):
    """Latents and alphas computed from each real image, so one and two replicas see the same ones."""

    def train_step(self, data):
        _replica.real_images = data
        return super().train_step(data)

    def draw_latents(self, batch_size):
        return ops.reshape(_replica.real_images, (batch_size, -1))[:, :LATENT_DIM] * 3.0

    def draw_interpolation_factors(self, batch_size):
        return ops.reshape((_replica.real_images[:, 0, 0, :] + 1.0) / 2.0, (batch_size, 1, 1, 1))


def test_wgan_gp_with_two_replicas_updates_like_one(mirrored):
    # No batch norm in the generator: its batch statistics would differ per replica.
    weights = FixedWGANGP(*tiny_networks(normalization="none", critic_normalization="layer")).get_weights()
    images = random_images(8)

    def one_step(strategy):
        with strategy.scope():
            gan = FixedWGANGP(*tiny_networks(normalization="none", critic_normalization="layer"),
                              discriminator_steps=2, seed=0)
            gan.set_weights(weights)
            gan.compile(d_optimizer=keras.optimizers.SGD(1e-3), g_optimizer=keras.optimizers.SGD(1e-3))
        gan.fit(tf.data.Dataset.from_tensor_slices(images).batch(8), epochs=1, verbose=0)
        return gan

    two, one = one_step(mirrored), one_step(tf.distribute.get_strategy())
    assert any(not np.allclose(a, b) for a, b in zip(weights, one.get_weights()))
    for start, a, b in zip(weights, one.get_weights(), two.get_weights()):
        # The same update, to float32 noise that the penalty's second derivatives amplify
        # (a fixed atol of 2e-5 failed now and then): a wrong replica scaling would be off
        # by about 100% of the update.
        assert np.abs(a - b).max() <= 0.01 * np.abs(a - start).max() + 1e-7


def test_sagan_trains_under_the_strategy(mirrored):
    # Spectral norm writes the normalised kernel back in every training call, an
    # assignment inside each replica (as WGAN's clipping is).
    with mirrored.scope():
        gan = tiny("sagan")
        gan.compile()
    history = gan.fit(dataset(32, 16), epochs=1, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    kernel = np.array(gan.discriminator.get_layer("sn_conv2").layer.kernel)
    largest_singular_value = np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]
    # It starts near 0.3 (N(0, 0.02) weights); spectral norm holds it near 1 (the
    # optimizer's last step moves it a little after the last normalisation).
    assert 0.8 < largest_singular_value < 1.25
    assert gan.generate(2, seed=0).shape == (2, 32, 32, 1)
