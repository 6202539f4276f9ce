"""The pretrained generators shipped in saved_models/ load, draw digits, and `keras-gans generate` uses them.

Each was trained by `keras-gans train` on the 5,000 embedded digits (its model card,
`saved_models/<name>/README.md`, gives the command). The quality checks can fail:
a generator that draws noise, blobs or one digit over and over is not recognised by
the shipped digits classifier as many confident, different digits, and its digits
FID is far above the bound. The bounds sit with a margin above the values measured
on the shipped files (in the model cards), so a regression or a broken file fails.
"""

import os

import keras
import numpy as np
import pytest
from PIL import Image

from keras_gans import cli, data, evaluation

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# name -> digits FID bound for 500 samples (latents seed 0) against the 5,000 real digits.
PRETRAINED = {"dcgan_digits": 20.0, "wgan_gp_digits": 15.0, "cdcgan_digits": 15.0}
NUM_SAMPLES = 500


def draw(generator, latents):
    """Images of a generator; a conditional one draws every class in turn (0, 1, ..., 9, 0, ...)."""
    latents = keras.ops.convert_to_numpy(latents)
    if len(generator.inputs) == 2:
        labels = np.arange(len(latents), dtype="int32") % 10
        return keras.ops.convert_to_numpy(generator([latents, labels], training=False))
    return keras.ops.convert_to_numpy(generator(latents, training=False))


def generator_path(name):
    return os.path.join(ROOT, "saved_models", name, "generator.keras")


@pytest.fixture(scope="module")
def extractor():
    return evaluation.get_feature_extractor("digits")


@pytest.fixture(scope="module")
def real_features(extractor):
    """Digits-classifier features of the 5,000 real digits at 32 px, as the benchmark scores them."""
    images, _ = data.mnist_5k_arrays()
    real = data.to_float(data.resize_uint8(images, 32))
    return extractor.features(real, batch_size=500)


@pytest.fixture(scope="module")
def classifier():
    return keras.saving.load_model(evaluation.DIGITS_CLASSIFIER_PATH, compile=False)


@pytest.fixture(scope="module", params=sorted(PRETRAINED))
def pretrained(request):
    """(name, generator, 500 samples from latents of seed 0)."""
    path = generator_path(request.param)
    assert os.path.exists(path), f"{path} is missing: it ships in the repository"
    generator = keras.saving.load_model(path, compile=False)
    latent_dim = generator.inputs[0].shape[-1]
    latents = keras.ops.convert_to_numpy(keras.random.normal((NUM_SAMPLES, latent_dim), seed=0))
    samples = np.concatenate([draw(generator, latents[i:i + 250]) for i in range(0, NUM_SAMPLES, 250)])
    return request.param, generator, samples


def test_files_are_small_and_documented():
    for name in PRETRAINED:
        folder = os.path.join(ROOT, "saved_models", name)
        assert os.path.getsize(generator_path(name)) < 5 * 2**20
        for file in ("README.md", "history.csv", "samples.png"):
            assert os.path.exists(os.path.join(folder, file)), f"{name} has no {file}"
        with open(os.path.join(folder, "README.md")) as f:
            card = f.read()
        assert "keras-gans train" in card and "digits FID" in card


def test_output_shape_dtype_and_range(pretrained):
    name, generator, samples = pretrained
    assert tuple(generator.inputs[0].shape) == (None, 128)
    assert samples.shape == (NUM_SAMPLES, 32, 32, 1)
    assert samples.dtype == np.float32
    assert samples.min() >= -1.0 and samples.max() <= 1.0
    # Black background, white strokes: most pixels near -1, some near +1.
    assert np.median(samples) < -0.8 and (samples > 0.5).mean() > 0.05


def test_same_latents_give_the_same_images(pretrained):
    _, generator, samples = pretrained
    latents = keras.random.normal((NUM_SAMPLES, 128), seed=0)[:8]
    again = draw(generator, latents)
    np.testing.assert_allclose(again, samples[:8], atol=1e-5)
    other = draw(generator, keras.random.normal((8, 128), seed=1))
    assert np.abs(other - samples[:8]).mean() > 0.1


def test_samples_are_not_one_image_repeated(pretrained):
    _, _, samples = pretrained
    flat = samples.reshape(len(samples), -1)
    distances = np.abs(flat[:, None, :] - flat[None, :100, :]).mean(axis=-1)[:100]
    off_diagonal = distances[~np.eye(100, dtype=bool)]
    assert off_diagonal.min() > 0.01  # no two of 100 samples are the same image
    assert samples.std(axis=0).mean() > 0.25  # pixels vary across samples


def test_the_digits_classifier_recognises_many_different_digits(pretrained, classifier):
    name, _, samples = pretrained
    probabilities = keras.ops.convert_to_numpy(keras.ops.softmax(classifier.predict(samples, verbose=0)))
    confident = probabilities.max(axis=1) > 0.9
    counts = np.bincount(probabilities.argmax(axis=1)[confident], minlength=10)
    assert confident.mean() > 0.5, f"{name}: only {confident.mean():.0%} of samples are confident digits"
    assert (counts >= 10).sum() >= 8, f"{name}: confident digits per class {counts.tolist()}"
    assert counts.max() < 0.3 * confident.sum(), f"{name}: one digit dominates {counts.tolist()}"


def test_digits_fid_is_below_the_bound(pretrained, real_features, extractor):
    name, _, samples = pretrained
    noise = np.random.default_rng(0).uniform(-1, 1, samples.shape).astype("float32")
    fid = evaluation.frechet_distance(real_features, extractor.features(samples))
    noise_fid = evaluation.frechet_distance(real_features, extractor.features(noise))
    assert fid < PRETRAINED[name], f"{name}: digits FID {fid:.1f} of {NUM_SAMPLES} samples"
    assert noise_fid > 10 * PRETRAINED[name]  # the bound separates digits from noise


def test_keras_gans_generate_writes_a_png_from_a_pretrained_generator(tmp_path, capsys):
    output = tmp_path / "grid.png"
    npy = tmp_path / "images.npy"
    assert cli.main(["generate", "--model", generator_path("dcgan_digits"), "-n", "16", "--seed", "3",
                     "--output", str(output), "--npy", str(npy)]) == 0
    assert "Wrote 16 images" in capsys.readouterr().out
    with Image.open(output) as image:
        pixels = np.asarray(image.convert("L"), dtype="float32")
    assert pixels.shape[0] > 4 * 64 and pixels.std() > 20  # a 4x4 grid of 32 px images at scale 2
    images = np.load(npy)
    assert images.shape == (16, 32, 32, 1)


def test_the_conditional_generator_draws_the_digit_it_is_asked_for():
    agreement = evaluation.label_agreement(generator_path("cdcgan_digits"), num_images=NUM_SAMPLES)
    assert agreement["accuracy"] > 0.9, agreement
    assert min(agreement["per_class_accuracy"]) > 0.6, agreement["per_class_accuracy"]
