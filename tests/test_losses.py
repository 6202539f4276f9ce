"""Every loss against numbers worked out by hand."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import ops

from keras_gans import losses

LN3 = math.log(3.0)  # sigmoid(ln 3) = 0.75, sigmoid(-ln 3) = 0.25


def value(x):
    return float(ops.convert_to_numpy(x))


def test_labels_are_real_one_fake_zero():
    assert losses.REAL_LABEL == 1.0 and losses.FAKE_LABEL == 0.0


def test_bce_discriminator_loss_by_hand():
    # real: -log 0.5 = 0.693147, -log 0.75 = 0.287682 -> mean 0.490415
    # fake: -log(1 - 0.5) = 0.693147, -log(1 - 0.25) = 0.287682 -> mean 0.490415
    loss = losses.bce_discriminator_loss(ops.array([0.0, LN3]), ops.array([0.0, -LN3]))
    assert value(loss) == pytest.approx(0.980829, abs=1e-6)


def test_bce_generator_losses_by_hand():
    fake = ops.array([0.0, -LN3])
    # non-saturating: mean(-log 0.5, -log 0.25) = (0.693147 + 1.386294) / 2
    assert value(losses.bce_generator_loss(fake)) == pytest.approx(1.039721, abs=1e-6)
    # minimax: mean(log(1 - 0.5), log(1 - 0.25)) = (-0.693147 - 0.287682) / 2
    assert value(losses.minimax_generator_loss(fake)) == pytest.approx(-0.490415, abs=1e-6)


def test_bce_is_finite_for_huge_logits_in_float16():
    real = ops.array([100.0, 60000.0], dtype="float16")
    fake = ops.array([-100.0, -60000.0], dtype="float16")
    assert value(losses.bce_discriminator_loss(real, fake)) == pytest.approx(0.0, abs=1e-6)
    assert value(losses.bce_generator_loss(fake)) == pytest.approx((100 + 60000) / 2, rel=1e-3)
    assert losses.bce_generator_loss(fake).dtype == "float32"


def test_least_squares_by_hand():
    real, fake = ops.array([1.0, 0.5]), ops.array([0.0, 0.5])
    # 0.5 * (mean(0, 0.25) + mean(0, 0.25)) = 0.125
    assert value(losses.least_squares_discriminator_loss(real, fake)) == pytest.approx(0.125)
    # labels a=-1, b=1: 0.5 * (0.125 + mean(1, 2.25)) = 0.875
    assert value(losses.least_squares_discriminator_loss(real, fake, a=-1.0, b=1.0)) == pytest.approx(0.875)
    # 0.5 * mean((0 - 1)^2, (0.5 - 1)^2) = 0.3125; with c=0: 0.5 * mean(0, 0.25) = 0.0625
    assert value(losses.least_squares_generator_loss(fake)) == pytest.approx(0.3125)
    assert value(losses.least_squares_generator_loss(fake, c=0.0)) == pytest.approx(0.0625)


def test_wasserstein_by_hand():
    real, fake = ops.array([2.0, 4.0]), ops.array([1.0, 3.0])
    assert value(losses.wasserstein_discriminator_loss(real, fake)) == pytest.approx(2.0 - 3.0)
    assert value(losses.wasserstein_generator_loss(fake)) == pytest.approx(-2.0)


def test_hinge_by_hand():
    real, fake = ops.array([2.0, 0.5]), ops.array([-2.0, 0.0])
    # mean(relu(-1), relu(0.5)) + mean(relu(-1), relu(1)) = 0.25 + 0.5
    assert value(losses.hinge_discriminator_loss(real, fake)) == pytest.approx(0.75)
    assert value(losses.hinge_generator_loss(fake)) == pytest.approx(1.0)


def linear_critic(weights):
    """f(x) = w . x, so grad f = w everywhere."""
    critic = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
                               keras.layers.Dense(1, use_bias=False)])
    critic.layers[-1].kernel.assign(np.reshape(weights, (4, 1)).astype("float32"))
    return critic


@pytest.mark.parametrize("w, expected", [([3.0, 4.0, 0.0, 0.0], 16.0), ([0.6, 0.8, 0.0, 0.0], 0.0),
                                         ([0.5, 0.5, 0.5, 0.5], 0.0), ([2.0, 0.0, 0.0, 0.0], 1.0)])
def test_gradient_penalty_of_a_linear_critic_is_norm_minus_one_squared(w, expected):
    real, fake = keras.random.normal((5, 2, 2, 1), seed=1), keras.random.normal((5, 2, 2, 1), seed=2)
    penalty = losses.gradient_penalty(linear_critic(w), real, fake, seed=3)
    assert value(penalty) == pytest.approx(expected, abs=1e-5)


def test_gradient_penalty_is_finite_where_the_gradient_is_zero():
    critic = linear_critic([0.0, 0.0, 0.0, 0.0])
    real, fake = ops.ones((3, 2, 2, 1)), ops.zeros((3, 2, 2, 1))
    with tf.GradientTape() as tape:
        penalty = losses.gradient_penalty(critic, real, fake)
    gradient = tape.gradient(penalty, critic.trainable_variables)[0]
    assert value(penalty) == pytest.approx(1.0, abs=1e-5)  # (sqrt(1e-12) - 1)^2
    assert np.all(np.isfinite(ops.convert_to_numpy(gradient)))


def test_gradient_penalty_uses_the_given_interpolation():
    # With alpha = 1 every point is the real image; the linear critic does not care.
    critic = linear_critic([3.0, 4.0, 0.0, 0.0])
    real = ops.ones((2, 2, 2, 1))
    assert value(losses.gradient_penalty(critic, real, -real, alpha=ops.ones((2,)))) == pytest.approx(16.0)
