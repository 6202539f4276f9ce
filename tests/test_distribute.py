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
    """Latents computed from each real image, so both runs see the same ones.

    (Each replica draws its own random latents, so with random ones the two runs
    could not be compared.) MirroredStrategy runs the replicas in threads, so each
    keeps its own batch in thread-local storage.
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
