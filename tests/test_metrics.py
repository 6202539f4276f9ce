"""FID / KID: the distances against independent computations, the metrics, extractors, callback, CLI."""

import math
import os

import keras
import numpy as np
import pytest
from conftest import random_images, tiny_networks

from keras_gans import cli, data, plotting
from keras_gans import evaluation as metrics
from keras_gans.callbacks import FIDCallback


def reference_frechet(a, b):
    """FID computed another way: Tr sqrt(S1 S2) = sum sqrt(eig(sqrt(S1) S2 sqrt(S1))), via eigh."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    w, v = np.linalg.eigh(s1)
    root_s1 = (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    eig = np.linalg.eigvalsh(root_s1 @ s2 @ root_s1)
    trace_root = np.sum(np.sqrt(np.clip(eig, 0, None)))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * trace_root)


def reference_kid(a, b, degree=3, coef0=1.0):
    """The unbiased polynomial-kernel MMD^2 with explicit loops over pairs."""
    m, d = len(a), a.shape[1]

    def k(x, y):
        return (float(np.dot(x, y)) / d + coef0) ** degree

    aa = sum(k(a[i], a[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    bb = sum(k(b[i], b[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    ab = sum(k(a[i], b[j]) for i in range(m) for j in range(m)) / (m * m)
    return aa + bb - 2 * ab


@pytest.fixture(scope="module")
def digits():
    """1,000 real digits at 32 px in [-1, 1], in random order (the file is sorted by class)."""
    images, _ = data.mnist_5k_arrays()
    images = images[np.random.default_rng(0).permutation(len(images))[:1000]]
    return data.to_float(data.resize_uint8(images, 32))


@pytest.fixture(scope="module")
def digits_extractor():
    return metrics.get_feature_extractor("digits")


# ------------------------------------------------------------- distances


def test_frechet_distance_matches_reference():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(400, 16))
    b = rng.normal(size=(300, 16)) @ rng.normal(size=(16, 16)) * 0.5 + 0.3
    expected = reference_frechet(a, b)
    assert abs(metrics.frechet_distance(a, b) - expected) / expected < 1e-6


def test_frechet_distance_hand_computed():
    # a: mean 1, variance 2 (n - 1); b: mean 2, variance 2. FID = 1 + 2 + 2 - 2 * sqrt(2 * 2) = 1.
    assert metrics.frechet_distance([[0.0], [2.0]], [[1.0], [3.0]]) == pytest.approx(1.0, abs=1e-12)


def test_frechet_distance_of_a_set_with_itself_is_zero():
    a = np.random.default_rng(1).normal(size=(200, 8))
    assert abs(metrics.frechet_distance(a, a)) < 1e-8


def test_frechet_distance_singular_covariance_stays_finite():
    # 10 samples in 32 dimensions: both covariances have rank 9 at most.
    rng = np.random.default_rng(2)
    value = metrics.frechet_distance(rng.normal(size=(10, 32)), rng.normal(size=(10, 32)))
    assert math.isfinite(value) and value > 0


def test_large_imaginary_square_root_is_an_error():
    # diag(1, -1) has the square root diag(1, i): the imaginary part is not rounding noise.
    with pytest.raises(ValueError, match="imaginary component of 1"):
        metrics.matrix_sqrt_trace(np.diag([1.0, -1.0]), np.eye(2))


def test_frechet_distance_rejects_mismatched_features():
    with pytest.raises(ValueError, match=r"Expected the same feature dimension as `features_a` \(4\)"):
        metrics.frechet_distance(np.zeros((5, 4)), np.zeros((5, 3)))
    with pytest.raises(ValueError, match=r"at least 2 feature vectors.*Received shape: \(1, 4\)"):
        metrics.frechet_distance(np.zeros((1, 4)), np.zeros((5, 4)))


def test_kernel_distance_matches_direct_computation():
    rng = np.random.default_rng(3)
    a, b = rng.normal(size=(12, 5)), rng.normal(size=(12, 5)) + 0.5
    # One subset of every row: a permutation of each set, which the MMD does not see.
    mean, std = metrics.kernel_distance(a, b, num_subsets=1, subset_size=12)
    assert mean == pytest.approx(reference_kid(a, b), rel=1e-10)
    assert std == 0.0


def test_kernel_distance_is_about_zero_for_one_distribution_and_positive_otherwise():
    rng = np.random.default_rng(4)
    same, _ = metrics.kernel_distance(rng.normal(size=(300, 8)), rng.normal(size=(300, 8)), 20, 100)
    different, _ = metrics.kernel_distance(rng.normal(size=(300, 8)), rng.normal(size=(300, 8)) + 1, 20, 100)
    assert abs(same) < 0.05 < different


# ------------------------------------------------------------- extractors


def test_digits_score_real_vs_real_small_and_vs_noise_large(digits, digits_extractor):
    real_a = digits_extractor.features(digits[:500])
    real_b = digits_extractor.features(digits[500:])
    noise = digits_extractor.features(np.random.default_rng(0).uniform(-1, 1, digits[:500].shape))
    real_vs_real = metrics.frechet_distance(real_a, real_b)
    real_vs_noise = metrics.frechet_distance(real_a, noise)
    assert real_vs_real < 5.0
    assert real_vs_noise > 100 * real_vs_real


def test_digits_extractor_resizes_and_converts_channels(digits_extractor):
    assert digits_extractor.feature_dim == 128
    rgb_64 = np.zeros((3, 64, 64, 3), "float32")
    assert tuple(digits_extractor(rgb_64).shape) == (3, 128)
    # A grey 28 px digit and the same digit as RGB give the same features.
    digit = np.random.default_rng(0).uniform(-1, 1, (1, 28, 28, 1)).astype("float32")
    np.testing.assert_allclose(digits_extractor.features(digit),
                               digits_extractor.features(np.repeat(digit, 3, axis=-1)), rtol=1e-5, atol=1e-5)


def test_feature_extractors_with_random_weights():
    digits_random = metrics.get_feature_extractor("digits", weights=None)
    assert digits_random.features(np.zeros((2, 32, 32, 1))).shape == (2, 128)
    inception = metrics.get_feature_extractor("inception_v3", weights=None)
    features = inception.features(random_images(2, 32, 1))  # grey 32 px -> RGB 299 px
    assert features.shape == (2, 2048) and features.dtype == np.float64
    assert np.isfinite(features).all()


def test_unknown_feature_extractor_is_an_error():
    with pytest.raises(ValueError, match="Expected one of 'digits', 'inception_v3', 'fid_inception'.*"
                                         "Received: feature_extractor='vgg'"):
        metrics.get_feature_extractor("vgg")


def test_a_keras_model_is_a_feature_extractor():
    inputs = keras.Input((16, 16, 1))
    model = keras.Model(inputs, keras.layers.Flatten()(keras.layers.AveragePooling2D(8)(inputs)))
    extractor = metrics.get_feature_extractor(model)
    assert extractor.feature_dim == 4
    assert extractor.features(np.ones((3, 32, 32, 1))).shape == (3, 4)


# ------------------------------------------------------------- metrics


def test_fid_metric_streaming_equals_one_pass(digits, digits_extractor):
    real, fake = digits[:120], digits[120:220]
    fid = metrics.FrechetInceptionDistance(digits_extractor)
    for i in range(0, 120, 7):  # uneven batches
        fid.update_state(real_images=real[i:i + 7])
    for i in range(0, 100, 33):
        fid.update_state(fake_images=fake[i:i + 33])
    one_pass = metrics.frechet_distance(digits_extractor.features(real), digits_extractor.features(fake))
    assert float(fid.result()) == pytest.approx(one_pass, rel=1e-5)
    mu, sigma, count = fid.statistics("real")
    np.testing.assert_allclose(sigma, np.cov(digits_extractor.features(real), rowvar=False), atol=1e-6)
    assert count == 120


def test_fid_metric_reset_and_cached_real_statistics(digits, digits_extractor, tmp_path):
    fid = metrics.FrechetInceptionDistance(digits_extractor, reset_real_features=False)
    fid.update_state(real_images=digits[:100], fake_images=digits[100:150])
    expected = float(fid.result())
    fid.reset_state()  # keeps the real statistics
    with pytest.raises(ValueError, match="at least 2 fake images; 0 seen"):
        fid.result()
    fid.update_state(fake_images=digits[100:150])
    assert float(fid.result()) == pytest.approx(expected, rel=1e-6)

    path = fid.save_real_statistics(str(tmp_path / "real.npz"))
    cached = metrics.FrechetInceptionDistance(digits_extractor, real_statistics=path)
    cached.update_state(fake_images=digits[100:150])
    assert float(cached.result()) == pytest.approx(expected, rel=1e-5)
    cached.reset_state()  # reset_real_features=True goes back to the file
    assert cached.statistics("real")[2] == 100

    other = metrics.FrechetInceptionDistance(metrics.get_feature_extractor("digits", weights=None))
    other.extractor.name = "random_digits"
    with pytest.raises(ValueError, match="made with the `digits` feature extractor"):
        other.load_real_statistics(path)


def test_kid_metric_equals_kernel_distance(digits, digits_extractor):
    kid = metrics.KernelInceptionDistance(digits_extractor, num_subsets=5, subset_size=40, seed=1,
                                          reset_real_features=False)
    kid.update_state(real_images=digits[:30], fake_images=digits[100:150])
    kid.update_state(real_images=digits[30:60])
    expected = metrics.kernel_distance(digits_extractor.features(digits[:60]),
                                       digits_extractor.features(digits[100:150]), 5, 40, seed=1)
    assert float(kid.result()) == pytest.approx(expected[0], rel=1e-5)
    assert kid.result_std == pytest.approx(expected[1], rel=1e-5)
    kid.reset_state()
    assert kid.features("real").shape == (60, 128)
    with pytest.raises(ValueError, match="No fake images seen"):
        kid.result()


# ------------------------------------------------------------- whole evaluations


def test_compute_fid_and_kid_with_a_generator(digits, tmp_path):
    generator, _ = tiny_networks()
    path = str(tmp_path / "real.npz")
    first = metrics.compute_fid(generator, digits[:64], num_images=40, batch_size=16,
                                feature_extractor="digits", real_statistics=path, verbose=0)
    assert os.path.exists(path)
    # The second call reads the cached real statistics (the dataset is not used) and
    # draws the same latents: the same score.
    again = metrics.compute_fid(generator, None, num_images=40, batch_size=16,
                                feature_extractor="digits", real_statistics=path, verbose=0)
    assert math.isfinite(first) and first > 0
    assert again == pytest.approx(first, rel=1e-5)
    mean, std = metrics.compute_kid(generator, digits[:64], num_images=40, batch_size=16,
                                    feature_extractor="digits", num_subsets=3, subset_size=20, verbose=0)
    assert math.isfinite(mean) and std >= 0
    # An array of generated images is scored as it is.
    fid = metrics.FrechetInceptionDistance("digits")
    fid.update_state(real_images=digits[:40], fake_images=digits[500:540])  # num_images=40 of each
    from_array = metrics.compute_fid(digits[500:600], digits[:64], num_images=40, batch_size=16,
                                     feature_extractor="digits", verbose=0)
    assert from_array == pytest.approx(float(fid.result()), rel=1e-5)
    with pytest.raises(ValueError, match="Expected a keras_gans GAN, a generator model with one"):
        metrics.compute_fid(keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Flatten()]),
                            digits, num_images=4, feature_extractor="digits", verbose=0)


def test_fid_callback_records_scores_in_history_and_plots(digits, tmp_path):
    import keras_gans

    generator, discriminator = tiny_networks()
    gan = keras_gans.DCGAN(generator, discriminator, seed=0)
    gan.compile()
    callback = FIDCallback(digits[:64], every_n_epochs=2, num_images=32, batch_size=16,
                                   feature_extractor="digits", name="digits_fid")
    history = gan.fit(digits[:64], batch_size=32, epochs=3, verbose=0, callbacks=[callback])
    scores = history.history["digits_fid"]
    assert math.isnan(scores[0]) and all(math.isfinite(s) and s > 0 for s in scores[1:])
    assert sorted(callback.scores) == [2, 3]  # every 2 epochs, and the last one
    assert callback.scores[2] == pytest.approx(scores[1])
    figure = plotting.plot_quality(history, "digits_fid", path=str(tmp_path / "fid.png"))
    assert os.path.getsize(tmp_path / "fid.png") > 1000
    assert list(figure.axes[0].lines[0].get_xdata()) == [2, 3]


def test_cli_evaluate_prints_the_score(tmp_path, capsys):
    generator, _ = tiny_networks()
    path = str(tmp_path / "generator.keras")
    generator.save(path)
    code = cli.main(["evaluate", "--model", path, "--dataset", "mnist5k", "--num-images", "40",
                     "--batch-size", "20", "--feature-extractor", "digits", "--kid"])
    out = capsys.readouterr().out
    assert code == 0
    assert "FID (digits, 40 generated and 40 real images):" in out
    assert "KID (digits" in out


def test_cli_evaluate_scores_saved_images(digits, tmp_path, capsys):
    path = str(tmp_path / "samples.npy")
    np.save(path, digits[:30])
    code = cli.main(["evaluate", "--model", path, "--num-images", "30", "--feature-extractor", "digits"])
    assert code == 0
    assert "FID (digits, 30 generated and 30 real images):" in capsys.readouterr().out
