"""DiffAugment: each operation does what it says, is differentiable, and every variant's train_step
passes every image its discriminator sees through it, real and generated, in both steps."""

import re

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM

from keras_gans import augment
from keras_gans.models import build_gan


def pattern(batch=2, size=8, channels=1):
    """Distinct values 1..n (none is 0), so a moved or zeroed pixel shows."""
    count = batch * size * size * channels
    return np.arange(1, count + 1, dtype="float32").reshape(batch, size, size, channels)


def test_translation_shifts_a_known_pattern_by_the_given_amount_and_fills_with_zero():
    images = pattern()
    shifted = np.asarray(augment.translate(images, [[2, -1], [0, 3]]))
    # Image 0: 2 down, 1 left. Image 1: 3 right.
    expected = np.zeros_like(images)
    expected[0, 2:, :-1] = images[0, :-2, 1:]
    expected[1, :, 3:] = images[1, :, :-3]
    np.testing.assert_array_equal(shifted, expected)


def test_random_translation_shifts_each_image_by_its_own_drawn_amount():
    images = np.ones((64, 32, 32, 1), "float32")
    shifted = np.asarray(augment.random_translation(images, seed=keras.random.SeedGenerator(1)))
    # The zero border each image got tells its shift: at most 4 = 32 / 8 pixels, per image.
    empty_rows = (shifted[..., 0] == 0).all(axis=2).sum(axis=1)
    empty_columns = (shifted[..., 0] == 0).all(axis=1).sum(axis=1)
    assert empty_rows.max() == 4 and empty_columns.max() == 4  # the extremes occur among 64 draws
    assert len(set(zip(empty_rows, empty_columns))) > 5  # images draw different shifts
    # The same seed, the same shifts, and the pixels are the pattern's own, moved.
    again = augment.random_translation(pattern(64, 32), seed=keras.random.SeedGenerator(1))
    assert set(np.unique(np.asarray(again))) <= set(np.unique(pattern(64, 32))) | {0.0}


def test_cutout_zeroes_a_square_and_keeps_the_rest():
    images = pattern(batch=2, size=6)
    cut = np.asarray(augment.cut_out(images, [[1, 2], [-2, 4]], size=3))
    mask = np.ones_like(images)
    mask[0, 1:4, 2:5] = 0
    mask[1, 0:1, 4:6] = 0  # a square starting above and running past the right edge: its overlap only
    np.testing.assert_array_equal(cut, images * mask)
    random_cut = np.asarray(augment.random_cutout(np.ones((16, 32, 32, 1), "float32"), seed=0))
    zeros = (random_cut == 0).sum(axis=(1, 2, 3))
    assert zeros.max() == 16 * 16 and zeros.min() > 0  # half the side, whole or in part


def test_color_factors_of_one_half_change_nothing_and_others_follow_the_formula():
    images = np.random.default_rng(0).uniform(-1, 1, (3, 4, 4, 3)).astype("float32")
    half = np.full(3, 0.5, "float32")
    np.testing.assert_allclose(augment.adjust_color(images, half, half, half), images, atol=1e-6)
    brighter = np.asarray(augment.adjust_color(images, np.full(3, 0.75, "float32"), half, half))
    np.testing.assert_allclose(brighter, images + 0.25, atol=1e-6)
    grey = np.asarray(augment.adjust_color(images, half, np.zeros(3, "float32"), half))
    np.testing.assert_allclose(grey, np.repeat(images.mean(axis=-1, keepdims=True), 3, axis=-1), atol=1e-6)


def test_color_on_grey_images_is_brightness_and_contrast_by_hand():
    image = np.array([[0.2, -0.4], [0.6, 0.0]], "float32").reshape(1, 2, 2, 1)
    # Brightness 0.75: + 0.25 -> [[0.45, -0.15], [0.85, 0.25]], mean 0.35.
    # Contrast 1.0: (x - 0.35) * 1.5 + 0.35 -> [[0.5, -0.4], [1.1, 0.2]].
    out = augment.adjust_color(image, [0.75], None, [1.0])
    np.testing.assert_allclose(np.asarray(out)[0, :, :, 0], [[0.5, -0.4], [1.1, 0.2]], atol=1e-6)
    # Saturation is the identity on one channel (the channel mean is the pixel): with or without it,
    # and a grey image stored as R = G = B gets the same result in each channel.
    np.testing.assert_allclose(augment.adjust_color(image, [0.75], [0.9], [1.0]), out, atol=1e-6)
    rgb = np.repeat(image, 3, axis=-1)
    np.testing.assert_allclose(augment.adjust_color(rgb, [0.75], [0.1], [1.0]), np.repeat(out, 3, axis=-1),
                               atol=1e-6)


def test_random_color_draws_brightness_and_contrast_for_grey_images():
    images = np.random.default_rng(1).uniform(-1, 1, (4, 8, 8, 1)).astype("float32")
    out = np.asarray(augment.diff_augment(images, "color", seed=keras.random.SeedGenerator(5)))
    # The same sampler draws brightness, then contrast (no saturation factor for one channel).
    seed = keras.random.SeedGenerator(5)
    brightness, contrast = (np.asarray(keras.random.uniform((4,), seed=seed)) for _ in range(2))
    brighter = images + (brightness - 0.5)[:, None, None, None]
    mean = brighter.mean(axis=(1, 2, 3), keepdims=True)
    expected = (brighter - mean) * (contrast + 0.5)[:, None, None, None] + mean
    np.testing.assert_allclose(out, expected, atol=1e-5)
    assert np.abs(out - images).max() > 0.1  # it does change grey images


def test_every_operation_passes_the_gradient_back_to_the_pixels():
    images = tf.constant(pattern(batch=4, size=8, channels=3) / 400.0)
    for name in augment.OPERATIONS:
        with tf.GradientTape() as tape:
            tape.watch(images)
            out = augment.diff_augment(images, name, seed=keras.random.SeedGenerator(3))
            total = tf.reduce_sum(out)
        gradient = tape.gradient(total, images)
        assert gradient is not None and np.isfinite(gradient).all(), name
        assert np.abs(np.asarray(gradient)).sum() > 0, name
    # Translation by a known shift: exactly the pixels that stay in the frame get gradient 1.
    with tf.GradientTape() as tape:
        tape.watch(images)
        total = tf.reduce_sum(augment.translate(images, [[1, 0]] * 4))
    gradient = np.asarray(tape.gradient(total, images))
    assert (gradient[:, :-1] == 1).all() and (gradient[:, -1] == 0).all()


def test_policies_are_parsed_and_bad_ones_refused_in_keras_wording():
    assert augment.parse_policy(None) == ()
    assert augment.parse_policy("diffaugment") == ("color", "translation", "cutout")
    assert augment.policy_string(" Cutout,translation ") == "translation,cutout"
    message = ("Invalid value for argument `augment`. Expected None, 'diffaugment' or comma-separated names "
               "from color, translation, cutout (e.g. 'translation,cutout'). Received: augment='blur'")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        augment.parse_policy("blur")
    # Every operation suits grey images too ("color" is then brightness and contrast).
    assert build_gan("dcgan", 32, 1, LATENT_DIM, width=8, augment="cutout,color").augment == "color,cutout"


@pytest.mark.parametrize("name, critic_steps", [("dcgan", 1), ("lsgan", 1), ("wgan", 5), ("wgan-gp", 5),
                                                ("sagan", 1)])
def test_each_train_step_augments_real_and_generated_images_in_both_steps(name, critic_steps, monkeypatch):
    gan = build_gan(name, 32, 1, LATENT_DIM, width=8, seed=0, augment="translation,cutout")
    real = np.full((4, 32, 32, 1), 0.5, "float32")
    seen = []

    def spy(images):
        seen.append("real" if np.array_equal(np.asarray(images), real) else "generated")
        return augment.diff_augment(images, gan._augment_operations, seed=gan.seed_generator)

    monkeypatch.setattr(gan, "diff_augment", spy)
    gan.compile(run_eagerly=True)
    gan.fit(real, batch_size=4, epochs=1, verbose=0)
    # Each critic update augments the real batch and the generated one; the generator step its images.
    assert seen == ["real", "generated"] * critic_steps + ["generated"]


def test_no_augmentation_by_default_and_the_policy_travels_in_the_keras_file(tmp_path):
    plain = build_gan("dcgan", 32, 1, LATENT_DIM, width=8, seed=0)
    images = np.ones((2, 32, 32, 1), "float32")
    assert plain.augment is None and plain.diff_augment(images) is images
    gan = build_gan("wgan-gp", 32, 1, LATENT_DIM, width=8, seed=0, augment="diffaugment")
    assert gan.augment == "color,translation,cutout"  # the paper's policy, grey digits included
    gan.save(tmp_path / "gan.keras")
    assert keras.saving.load_model(tmp_path / "gan.keras").augment == "color,translation,cutout"
