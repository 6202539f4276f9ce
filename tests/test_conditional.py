"""The conditional GAN: networks that read labels, its train_step, labelled data, sample grids by class,
generating chosen digits from a saved file, and what the digits classifier says of them."""

import os
import re

import keras
import numpy as np
import pytest
import tensorflow_datasets as tfds
from conftest import LATENT_DIM
from keras import layers

import keras_gans
from keras_gans import cli, data, evaluation, generation, losses, networks
from keras_gans.callbacks import SampleGIF
from keras_gans.models import build_gan
from keras_gans.networks.conditional import projection_logits


def tiny(**options):
    gan = build_gan("cdcgan", 32, 1, LATENT_DIM, width=8, seed=0, **options)
    gan.compile()
    return gan


def labelled(n=32):
    rng = np.random.default_rng(0)
    return rng.uniform(-1, 1, (n, 32, 32, 1)).astype("float32"), (np.arange(n) % 10).astype("int32")


# ------------------------------------------------------------------ networks


def test_projection_head_by_hand():
    """logit = psi(phi) + <V_y, phi> on a 3-feature example."""
    features, labels = keras.Input((3,)), keras.Input((), dtype="int32")
    head = keras.Model([features, labels], projection_logits(features, labels, num_classes=2))
    head.get_layer("to_logit").set_weights([np.array([[1.0], [0.0], [-1.0]])])
    head.get_layer("label_projection").set_weights([np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 2.0]])])
    phi = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]], "float32")
    out = head([phi, np.array([0, 1], "int32")])
    # psi = 1 - 3 = -2; class 0: 0.5 + 1 = 1.5 -> -0.5; class 1: 2 * 3 = 6 -> 4
    np.testing.assert_allclose(np.asarray(out), [[-0.5], [4.0]])


def test_projection_discriminator_is_the_dcgan_logit_plus_the_label_projection():
    disc = networks.conditional_discriminator(32, 1, num_classes=10, width=8, normalization="none")
    phi_model = keras.Model(disc.inputs[0], disc.get_layer("features").output)
    images = np.random.default_rng(1).uniform(-1, 1, (4, 32, 32, 1)).astype("float32")
    labels = np.array([0, 3, 3, 9], "int32")
    phi = np.asarray(phi_model(images))
    psi = np.asarray(disc.get_layer("to_logit").weights[0])
    vectors = np.asarray(disc.get_layer("label_projection").weights[0])
    expected = phi @ psi + np.sum(vectors[labels] * phi, axis=1, keepdims=True)
    np.testing.assert_allclose(np.asarray(disc([images, labels])), expected, rtol=1e-5, atol=1e-6)
    assert phi.shape == (4, 4 * 4 * 32)  # the whole 4x4 map of the DCGAN stack


def test_concatenation_discriminator_reads_the_label_as_one_hot_planes():
    disc = networks.conditional_discriminator(32, 1, num_classes=10, width=8, conditioning="concatenate")
    joined = keras.Model(disc.inputs, disc.get_layer("image_and_label").output)
    out = np.asarray(joined([np.zeros((2, 32, 32, 1), "float32"), np.array([2, 7], "int32")]))
    assert out.shape == (2, 32, 32, 11)
    assert (out[0, ..., 1 + 2] == 1).all() and out[0, ..., 1:].sum() == 32 * 32
    assert (out[1, ..., 1 + 7] == 1).all() and out[1, ..., 1:].sum() == 32 * 32


def test_labels_change_the_generated_image_and_the_saved_generator_takes_latents_and_labels(tmp_path):
    gen = networks.conditional_generator(32, 1, LATENT_DIM, num_classes=10, width=8)
    rng = np.random.default_rng(0)
    # Class vectors as loud as the latents (they start small, U(-0.05, 0.05), and grow in training).
    gen.get_layer("label_embedding").set_weights([rng.standard_normal((10, 32)).astype("float32")])
    latents = rng.standard_normal((2, LATENT_DIM)).astype("float32")
    same = np.asarray(gen([latents, np.array([4, 4], "int32")], training=False))
    other = np.asarray(gen([latents, np.array([4, 5], "int32")], training=False))
    np.testing.assert_array_equal(same[0], other[0])
    # (An untrained generator's outputs are tiny: compare the change with their size.)
    assert np.abs(same[1] - other[1]).max() > 0.1 * np.abs(same[1]).max() > 0
    assert same.min() >= -1 and same.max() <= 1
    gen.save(tmp_path / "generator.keras")
    loaded = keras.saving.load_model(tmp_path / "generator.keras")
    assert [tuple(t.shape) for t in loaded.inputs] == [(None, LATENT_DIM), (None,)]
    assert loaded.inputs[1].dtype == "int32"
    again = np.asarray(loaded([latents, np.array([4, 5], "int32")], training=False))
    np.testing.assert_allclose(again, other, atol=1e-6)


# ------------------------------------------------------------------ the model


@pytest.mark.parametrize("loss, conditioning", [("bce", "projection"), ("least_squares", "concatenate"),
                                                ("hinge", "projection")])
def test_fit_trains_both_networks_with_the_chosen_loss_family(loss, conditioning):
    gan = tiny(loss=loss, conditioning=conditioning)
    assert gan.discriminator_loss is getattr(losses, f"{loss}_discriminator_loss")
    assert gan.generator_loss is getattr(losses, f"{loss}_generator_loss")
    before = [np.array(w) for w in gan.generator.trainable_weights]
    images, labels = labelled()
    history = gan.fit(images, labels, batch_size=16, epochs=1, verbose=0).history
    assert set(history) == {"d_loss", "g_loss", "real_score", "fake_score"}
    assert all(np.isfinite(v[-1]) for v in history.values())
    assert gan.scores_are_probabilities == (loss == "bce")  # raw outputs for the other families
    assert all(not np.array_equal(a, np.array(b)) for a, b in zip(before, gan.generator.trainable_weights))
    assert "train_step" in vars(keras_gans.ConditionalGAN)


def test_keras_file_round_trip_and_generate_by_class(tmp_path):
    gan = tiny(loss="hinge", augment="diffaugment", ema=0.99)
    images, labels = labelled(16)
    gan.fit(images, labels, batch_size=8, epochs=1, verbose=0)
    gan.save(tmp_path / "gan.keras")
    loaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert type(loaded) is keras_gans.ConditionalGAN
    assert loaded.num_classes == 10 and loaded.loss_family == "hinge"
    assert (loaded.augment, loaded.ema) == ("color,translation,cutout", 0.99)
    np.testing.assert_allclose(loaded.generate(12, labels=[1, 2], seed=3),
                               gan.generate(12, labels=[1, 2], seed=3), atol=1e-6)
    # labels=[1, 2] is repeated: image i is class 1 or 2, drawn from the same latent as labels given in full.
    np.testing.assert_allclose(gan.generate(4, labels=[1, 2], seed=3),
                               gan.generate(4, labels=[1, 2, 1, 2], seed=3), atol=1e-6)
    assert gan.generate(10, seed=0).shape == (10, 32, 32, 1)


def test_bad_labels_and_unlabelled_data_are_refused_with_the_exact_message():
    gan = tiny()
    message = ("Invalid value for argument `labels`. Expected class numbers from 0 to 9 (an int or a "
               "sequence of at most 3). Received: labels=[0, 10]")
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        gan.generate(3, labels=[0, 10])
    with pytest.raises(ValueError, match="ConditionalGAN trains on \\(images, labels\\) batches"):
        gan.fit(labelled(16)[0], batch_size=8, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Expected a model with two inputs, \\[latents"):
        keras_gans.ConditionalGAN(networks.dcgan_generator(32, 1, LATENT_DIM, width=8), tiny().discriminator)
    with pytest.raises(ValueError, match="Expected one of bce, least_squares, hinge. Received: loss='wgan'"):
        tiny(loss="wgan")


# ------------------------------------------------------------------ data


def test_digits_and_tfds_sets_come_with_their_labels():
    images, labels = next(iter(data.load("mnist5k", batch_size=64, seed=0, labels=True)))
    plain = next(iter(data.load("mnist5k", batch_size=64, seed=0)))
    np.testing.assert_array_equal(images, plain)  # the same batches, now with labels
    assert labels.dtype == "int32" and labels.shape == (64,)
    classifier = evaluation.digit_classes.digits_classifier_model()
    assert np.mean(np.argmax(classifier(images), axis=1) == labels.numpy()) > 0.9  # the right digits
    with tfds.testing.mock_data(num_examples=20):
        batches = data.load("cifar10", batch_size=20, labels=True, shuffle=False)
        batch_images, batch_labels = next(iter(batches))
        read = [int(example["label"]) for example in tfds.load("cifar10", split="train")]
    assert batch_images.shape == (20, 32, 32, 3)
    np.testing.assert_array_equal(batch_labels, read)  # in the order of the images
    with pytest.raises(ValueError, match="'celeba' has none. Received: labels=True"):
        data.load("celeba", labels=True)


# ------------------------------------------------------------------ samples and generation


def test_sample_grid_has_one_row_per_class_and_one_latent_per_column(tmp_path):
    gan = tiny()
    samples = SampleGIF(str(tmp_path), num_images=30)
    samples.set_model(gan)
    samples.on_train_begin()
    assert samples.latents.shape == (3, LATENT_DIM)
    images, nrow = samples.grid_images()
    assert nrow == 3 and images.shape == (30, 32, 32, 1)
    for digit in (0, 4, 9):
        for column in range(3):
            expected = gan.generate(samples.latents[column:column + 1], labels=[digit])[0]
            np.testing.assert_allclose(images[digit * 3 + column], expected, atol=1e-6)
    frame = keras_gans.plotting.read_png(tmp_path / "epoch_000.png")
    assert frame.shape[0] > 2 * frame.shape[1]  # 10 rows of 3: a tall grid


def test_write_images_and_the_generate_command_draw_chosen_classes(tmp_path):
    gan = tiny()
    path = str(tmp_path / "generator.keras")
    gan.generator.save(path)
    grid, npy = str(tmp_path / "grid.png"), str(tmp_path / "images.npy")
    assert cli.main(["generate", "--model", path, "--labels", "0,1,2", "-n", "6", "--seed", "1",
                     "--output", grid, "--npy", npy]) == 0
    batches = generation.generated_batches(gan.generator, 6, seed=1, labels=[0, 1, 2, 0, 1, 2])
    expected = np.concatenate(list(batches))
    np.testing.assert_allclose(np.load(npy), expected, atol=1e-6)
    assert generation.generation_labels(gan.generator, 12).tolist() == [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]
    with pytest.raises(ValueError, match="this generator is not conditional"):
        unconditional = networks.dcgan_generator(32, 1, LATENT_DIM, width=8)
        generation.write_images(unconditional, 4, grid=grid, labels=[1])


def test_label_agreement_and_per_class_fid_of_a_generator_that_draws_each_class_mean():
    """A stand-in generator: each label gives the mean real digit of its class, the latents add nothing."""
    images, digits = data.mnist_5k_arrays()
    real = data.to_float(data.resize_uint8(images, 32))
    means = np.stack([real[digits == d].mean(axis=0).reshape(-1) for d in range(10)])
    latents, labels = keras.Input((LATENT_DIM,)), keras.Input((), dtype="int32")
    drawn = layers.Embedding(10, 32 * 32, name="label_embedding")(labels)
    unused = layers.Dense(32 * 32, kernel_initializer="zeros", use_bias=False)(latents)
    generator = keras.Model([latents, labels], layers.Reshape((32, 32, 1))(layers.Add()([drawn, unused])))
    generator.get_layer("label_embedding").set_weights([means])
    agreement = evaluation.label_agreement(generator, num_images=100)
    assert agreement["accuracy"] >= 0.9 and len(agreement["per_class_accuracy"]) == 10
    scores = evaluation.per_class_fid(generator, num_per_class=20)
    assert len(scores) == 10 and all(np.isfinite(scores))
    assert min(scores) > 1.0  # one image per class: no spread, far from the real digits' spread
    confidence = evaluation.classifier_confidence(real[::25])  # the digits are stored class by class
    assert confidence["mean_confidence"] > 0.9 and min(confidence["class_counts"]) > 0


def test_train_command_trains_cdcgan_on_the_digits_with_labels(tmp_path):
    run = str(tmp_path / "run")
    assert cli.main(["train", "--model", "cdcgan", "--output", run, "--epochs", "1", "--num-images", "64",
                     "--batch-size", "32", "--width", "8", "--latent-dim", "16", "--verbose", "0", "--loss",
                     "hinge", "--augment", "translation", "--ema", "0.9"]) == 0
    generator = keras.saving.load_model(os.path.join(run, "generator.keras"))
    assert networks.conditional.is_conditional(generator)
    gan = keras.saving.load_model(os.path.join(run, "gan.keras"))
    assert (gan.loss_family, gan.augment, gan.ema) == ("hinge", "translation", 0.9)
    assert cli.main(["train", "--model", "dcgan", "--loss", "hinge", "--output", str(tmp_path / "x")]) == 1


def test_fid_callback_scores_a_conditional_gan():
    gan = tiny()
    images, labels = labelled(32)
    fid = keras_gans.callbacks.FIDCallback(images, num_images=20, feature_extractor="digits", batch_size=10)
    history = gan.fit(images, labels, batch_size=16, epochs=1, verbose=0, callbacks=[fid]).history
    assert np.isfinite(history["fid"][0]) and fid.labels.tolist() == [*range(10), *range(10)]


def test_predict_takes_latents_and_labels():
    gan = tiny()
    latents = np.random.default_rng(0).standard_normal((3, LATENT_DIM)).astype("float32")
    labels = np.array([1, 2, 3], "int32")
    predicted = gan.predict([latents, labels], verbose=0)
    np.testing.assert_allclose(predicted, gan.generate(latents, labels=labels), atol=1e-6)
