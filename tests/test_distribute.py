"""Training under tf.distribute.MirroredStrategy: the update does not depend on the replica count."""

import threading

import keras
import numpy as np
import tensorflow as tf
from conftest import LATENT_DIM, random_images, tiny_networks
from keras import ops

import keras_gans

_replica = threading.local()


class FixedLatentDCGAN(keras_gans.DCGAN):
    """Latents computed from each real image, so the one- and two-replica runs see the same ones.

    With random latents they could not be compared: each replica draws its own
    (`test_each_replica_draws_its_own_random_numbers`), and one replica draws other ones
    than two. MirroredStrategy runs the replicas in threads, so each keeps its own batch
    in thread-local storage.
    """

    def train_step(self, data):
        _replica.images = data
        return super().train_step(data)

    def draw_latents(self, batch_size):
        return ops.reshape(_replica.images, (batch_size, -1))[:, :LATENT_DIM] * 3.0


def one_step(strategy, weights, images):
    with strategy.scope():
        gan = FixedLatentDCGAN(*tiny_networks(normalization="none"), seed=0)
        gan.set_weights(weights)
        # Plain SGD: Adam's first step is almost sign(gradient) and would hide a
        # gradient that is twice too large.
        gan.compile(d_optimizer=keras.optimizers.SGD(0.5), g_optimizer=keras.optimizers.SGD(0.5))
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(8)
    history = gan.fit(dataset, epochs=1, verbose=0)
    return gan, history.history


def test_two_replicas_update_like_one(mirrored):
    reference = FixedLatentDCGAN(*tiny_networks(normalization="none"), seed=0)
    weights = reference.get_weights()
    images = random_images(8)

    assert mirrored.num_replicas_in_sync == 2
    two, two_history = one_step(mirrored, weights, images)
    one, one_history = one_step(tf.distribute.get_strategy(), weights, images)

    moved = [not np.allclose(a, b) for a, b in zip(weights, one.get_weights())]
    assert all(moved)
    for a, b in zip(one.get_weights(), two.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(one_history["d_loss"], two_history["d_loss"], rtol=1e-5)


def test_random_latents_train_under_the_strategy(mirrored):
    with mirrored.scope():
        gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
        gan.compile()
    history = gan.fit(tf.data.Dataset.from_tensor_slices(random_images(32)).batch(16), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])
    assert gan.generate(2, seed=0).shape == (2, 32, 32, 1)


def replica_draws(strategy, gan):
    """What each replica of `strategy` draws from `gan`'s sampler in one step: latents, alphas, augmented images."""
    images = random_images(4)

    @tf.function
    def draw():
        return strategy.run(lambda: (gan.draw_latents(4), gan.draw_interpolation_factors(4),
                                     gan.diff_augment(images)))

    return [[np.array(value) for value in strategy.experimental_local_results(part)] for part in draw()]


def wgan_gp(strategy):
    with strategy.scope():
        return keras_gans.WGANGP(*tiny_networks(critic_normalization="layer"), seed=3, augment="translation,cutout")


def test_each_replica_draws_its_own_random_numbers(mirrored):
    # Issue 25: the sampler's state is one mirrored variable, so without the replica id in the
    # seed both replicas drew the same latents, alphas and DiffAugment parameters.
    draws = replica_draws(mirrored, wgan_gp(mirrored))
    for name, (first, second) in zip(("latents", "alphas", "augmentation"), draws):
        assert not np.allclose(first, second), f"both replicas drew the same {name}"
    # Reproducible: the same seed draws the same numbers on each replica again.
    for again, before in zip(replica_draws(mirrored, wgan_gp(mirrored)), draws):
        for a, b in zip(again, before):
            np.testing.assert_array_equal(a, b)


def test_one_replica_draws_keras_own_seeded_numbers():
    strategy = tf.distribute.get_strategy()
    (latents,), (alphas,), _ = replica_draws(strategy, wgan_gp(strategy))
    sampler = keras.random.SeedGenerator(3)
    np.testing.assert_array_equal(latents, keras.random.normal((4, LATENT_DIM), seed=sampler))
    np.testing.assert_array_equal(alphas, keras.random.uniform((4, 1, 1, 1), seed=sampler))
