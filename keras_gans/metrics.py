"""Quality scores of generated images: FID and KID, with pluggable feature extractors.

Both scores compare two sets of images through the features a fixed network
gives them: the Frechet Inception Distance (FID) compares the mean and covariance
of the two feature clouds, the Kernel Inception Distance (KID) compares them with
a polynomial kernel. Lower is better; 0 means the two sets look alike to that
network. A score is only comparable with scores made by the same network, on the
same number of images, at the same image size:

- `feature_extractor="digits"`: a small classifier trained on the 5,000 embedded
  MNIST digits and shipped in `saved_models/digits_classifier/`; its 128-d
  `features` layer gives a "digits FID" offline, in seconds, on a CPU. Only for
  MNIST-like images, and not comparable with any published number.
- `feature_extractor="inception_v3"`: `keras.applications.InceptionV3` average-pool
  features (2048-d) with ImageNet weights (downloaded once by Keras) or a weights
  file. A real Inception FID, but not the published one: published FIDs use the
  TensorFlow Inception graph of 2015-12-05 (see `fid_inception.py`).
- `feature_extractor="fid_inception"`: that 2015 network rebuilt from Keras layers
  (`keras_gans.fid_inception`), for numbers comparable with published tables.
- any Keras model (or `FeatureExtractor`) that maps images to (batch, d) features.

Public API: `frechet_distance`, `frechet_distance_from_statistics`,
`kernel_distance`, `FrechetInceptionDistance`, `KernelInceptionDistance`,
`compute_fid`, `compute_kid`, `FIDCallback`, `plot_quality`, `get_feature_extractor`.
"""

import math
import os
import warnings

import keras
import numpy as np
from keras import ops

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS_CLASSIFIER_PATH = os.path.join(_ROOT, "saved_models", "digits_classifier", "digits_classifier.keras")
FEATURE_EXTRACTORS = ("digits", "inception_v3", "fid_inception")

# ---------------------------------------------------------------------------
# The distances (pure NumPy / SciPy functions)
# ---------------------------------------------------------------------------


def _check_features(name, features, min_count=2):
    features = np.asarray(features, dtype="float64")
    if features.ndim != 2 or features.shape[0] < min_count:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a 2-D array of at least {min_count} "
            f"feature vectors, shape (n, d). Received shape: {features.shape}"
        )
    return features


def _check_feature_pair(features_a, features_b):
    """Both feature arrays checked, and of the same feature dimension."""
    features_a = _check_features("features_a", features_a)
    features_b = _check_features("features_b", features_b)
    if features_a.shape[1] != features_b.shape[1]:
        raise ValueError(
            "Invalid value for argument `features_b`. Expected the same feature dimension as "
            f"`features_a` ({features_a.shape[1]}). Received shape: {features_b.shape}"
        )
    return features_a, features_b


def feature_statistics(features):
    """Mean and unbiased covariance (divided by n - 1) of a set of feature vectors.

    Args:
        features: (n, d) array, one feature vector per row, n >= 2.

    Returns:
        `(mu, sigma)`: float64 arrays of shapes (d,) and (d, d).

    Example:
    >>> mu, sigma = feature_statistics(np.array([[0.0, 1.0], [2.0, 3.0]]))
    >>> mu.tolist(), sigma.tolist()
    ([1.0, 2.0], [[2.0, 2.0], [2.0, 2.0]])
    """
    features = _check_features("features", features)
    return features.mean(axis=0), np.cov(features, rowvar=False, ddof=1)


def matrix_sqrt_trace(sigma_a, sigma_b, eps=1e-6):
    """Tr( sqrt(sigma_a @ sigma_b) ), made stable the way pytorch-fid and clean-fid do it.

    `scipy.linalg.sqrtm` of the product of two covariance matrices is exact in
    theory (the product has non-negative real eigenvalues) but fragile in floating
    point: with fewer images than feature dimensions the covariances are singular,
    and rounding leaves tiny negative or complex eigenvalues. So, as the reference
    implementations (Heusel et al.'s TTUR code, pytorch-fid) do:

    1. if the square root is not finite, or does not square back to the product
       (relative error above 1e-3: the product is numerically singular), add
       `eps * I` to both covariances and take the square root again;
    2. drop the imaginary part if it is rounding noise (every diagonal imaginary
       part below 1e-3 in absolute value); otherwise raise a `ValueError`, since
       the result would be meaningless.

    Args:
        sigma_a, sigma_b: (d, d) covariance matrices.
        eps: the diagonal offset of step 1.

    Returns:
        The trace, a Python float.
    """
    from scipy import linalg

    product = sigma_a @ sigma_b
    with warnings.catch_warnings():
        # SciPy warns "Matrix is singular and may not have a square root"; the
        # check below handles exactly that case.
        warnings.simplefilter("ignore", linalg.LinAlgWarning)
        covmean = linalg.sqrtm(product)
        norm = np.linalg.norm(product)
        singular = not np.isfinite(covmean).all() or (
            norm > 0 and np.linalg.norm(covmean @ covmean - product) > 1e-3 * norm)
        if singular:
            offset = np.eye(sigma_a.shape[0]) * eps
            covmean = linalg.sqrtm((sigma_a + offset) @ (sigma_b + offset))
    if np.iscomplexobj(covmean):
        largest = np.max(np.abs(np.diagonal(covmean).imag))
        if largest > 1e-3:
            raise ValueError(
                f"The matrix square root in the Frechet distance has an imaginary component of "
                f"{largest:.3g}; the covariances are too ill-conditioned. Use more images (at least "
                "as many as feature dimensions) or a larger `eps`."
            )
        covmean = covmean.real
    return float(np.trace(covmean))


def frechet_distance_from_statistics(mu_a, sigma_a, mu_b, sigma_b, eps=1e-6):
    """Frechet distance between two Gaussians given by their means and covariances.

    Dowson & Landau 1982; used as the FID by Heusel et al. 2017,
    https://arxiv.org/abs/1706.08500.

        d^2 = |mu_a - mu_b|^2 + Tr(sigma_a + sigma_b - 2 sqrt(sigma_a sigma_b))

    Args:
        mu_a, mu_b: (d,) means.
        sigma_a, sigma_b: (d, d) covariances.
        eps: diagonal offset used when the product of the covariances is singular
            (see `matrix_sqrt_trace`).

    Returns:
        The squared distance d^2 as a Python float (the FID is this value; it is
        not square-rooted).
    """
    mu_a, mu_b = np.atleast_1d(np.asarray(mu_a, "float64")), np.atleast_1d(np.asarray(mu_b, "float64"))
    sigma_a = np.atleast_2d(np.asarray(sigma_a, "float64"))
    sigma_b = np.atleast_2d(np.asarray(sigma_b, "float64"))
    if mu_a.shape != mu_b.shape or sigma_a.shape != sigma_b.shape or sigma_a.shape != mu_a.shape * 2:
        raise ValueError(
            "Invalid statistics. Expected means of shape (d,) and covariances of shape (d, d), the "
            f"same d for both sets. Received: mu_a {mu_a.shape}, sigma_a {sigma_a.shape}, "
            f"mu_b {mu_b.shape}, sigma_b {sigma_b.shape}"
        )
    diff = mu_a - mu_b
    trace_covmean = matrix_sqrt_trace(sigma_a, sigma_b, eps=eps)
    return float(diff @ diff + np.trace(sigma_a) + np.trace(sigma_b) - 2.0 * trace_covmean)


def frechet_distance(features_a, features_b, eps=1e-6):
    """Frechet distance between two sets of feature vectors (the FID on Inception features).

    Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to
    a Local Nash Equilibrium", https://arxiv.org/abs/1706.08500. Each set is
    summarised by its mean and unbiased covariance (n - 1, as the reference
    implementations use), then

        FID = |mu_a - mu_b|^2 + Tr(sigma_a + sigma_b - 2 sqrt(sigma_a sigma_b))

    Args:
        features_a: (n_a, d) features of the first set (n_a >= 2).
        features_b: (n_b, d) features of the second set (n_b >= 2).
        eps: diagonal offset used when the covariance product is singular
            (see `matrix_sqrt_trace`).

    Returns:
        A Python float >= 0 (up to rounding); 0 for two identical sets.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=(500, 4))
    >>> round(frechet_distance(a, a), 6)
    0.0
    >>> frechet_distance(a, a + 1.0) > 3.9   # the means differ by 1 in 4 dimensions
    True
    """
    features_a, features_b = _check_feature_pair(features_a, features_b)
    return frechet_distance_from_statistics(*feature_statistics(features_a),
                                            *feature_statistics(features_b), eps=eps)


def polynomial_kernel(x, y, degree=3, gamma=None, coef0=1.0):
    """k(x, y) = (gamma <x, y> + coef0) ^ degree for every pair of rows; gamma = 1 / d by default."""
    gamma = 1.0 / x.shape[1] if gamma is None else gamma
    return (gamma * (x @ y.T) + coef0) ** degree


def kernel_distance(features_a, features_b, num_subsets=100, subset_size=1000, degree=3, gamma=None,
                    coef0=1.0, seed=0):
    """Kernel distance (the KID on Inception features): an unbiased squared MMD, averaged over subsets.

    Binkowski et al. 2018, "Demystifying MMD GANs", https://arxiv.org/abs/1801.01401.
    For each subset, m = min(subset_size, n_a, n_b) rows drawn without replacement
    from each set, with the polynomial kernel k(x, y) = (<x, y> / d + 1)^3:

        MMD^2 = sum_{i != j} k(a_i, a_j) / (m (m - 1)) + sum_{i != j} k(b_i, b_j) / (m (m - 1))
                - 2 sum_{i, j} k(a_i, b_j) / m^2

    Unlike the FID, this estimator is unbiased: its expected value does not depend
    on the number of images, so small evaluations are comparable with large ones.

    Args:
        features_a, features_b: (n, d) features of the two sets (n >= 2 each).
        num_subsets: number of random subsets averaged.
        subset_size: largest subset size m.
        degree, gamma, coef0: the polynomial kernel (gamma None means 1 / d).
        seed: seed of the subset draws.

    Returns:
        `(mean, std)` of the subset estimates, Python floats.

    Example:
    >>> rng = np.random.default_rng(0)
    >>> mean, std = kernel_distance(rng.normal(size=(200, 8)), rng.normal(size=(200, 8)), 10, 100)
    >>> abs(mean) < 0.05
    True
    """
    features_a, features_b = _check_feature_pair(features_a, features_b)
    if num_subsets < 1 or subset_size < 2:
        raise ValueError(
            "Invalid values for arguments `num_subsets` and `subset_size`. Expected num_subsets >= 1 "
            f"and subset_size >= 2. Received: num_subsets={num_subsets}, subset_size={subset_size}"
        )
    m = min(subset_size, len(features_a), len(features_b))
    rng = np.random.default_rng(seed)
    estimates = []
    for _ in range(num_subsets):
        a = features_a[rng.choice(len(features_a), m, replace=False)]
        b = features_b[rng.choice(len(features_b), m, replace=False)]
        k_aa = polynomial_kernel(a, a, degree, gamma, coef0)
        k_bb = polynomial_kernel(b, b, degree, gamma, coef0)
        k_ab = polynomial_kernel(a, b, degree, gamma, coef0)
        within = (k_aa.sum() - np.trace(k_aa) + k_bb.sum() - np.trace(k_bb)) / (m * (m - 1))
        estimates.append(within - 2.0 * k_ab.sum() / (m * m))
    return float(np.mean(estimates)), float(np.std(estimates))


# ---------------------------------------------------------------------------
# Feature extractors
# ---------------------------------------------------------------------------


def digits_classifier(num_classes=10, feature_dim=128):
    """The architecture of the digits classifier: 32x32x1 images in [-1, 1] -> logits.

    Three 3x3 conv + 2x2 max-pool blocks (32, 64, 128 filters), global average
    pooling, a 128-unit ReLU layer named `features` (the FID features), dropout and
    the logits. `saved_models/digits_classifier/train_digits_classifier.py` trains it.
    """
    inputs = keras.Input((32, 32, 1), name="images")
    x = inputs
    for filters in (32, 64, 128):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name="features")(x)
    x = keras.layers.Dropout(0.3)(features)
    logits = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, logits, name="digits_classifier")


class FeatureExtractor:
    """A network that maps images in [-1, 1] to feature vectors, with its input conventions.

    Images of another size are resized (bilinear; antialiased when shrinking) to
    the network's `image_size`; grey images are repeated to 3 channels for an RGB
    network, and RGB images averaged to grey for a grey one.

    Args:
        model: a Keras model mapping (B, image_size, image_size, channels) images
            in [-1, 1] to (B, d) features.
        name: a name for messages and cache files.

    Example:
    >>> extractor = get_feature_extractor("digits")
    >>> extractor(np.zeros((2, 28, 28, 1), "float32")).shape
    (2, 128)
    """

    def __init__(self, model, name=None):
        if len(model.inputs) != 1 or len(model.inputs[0].shape) != 4 or len(model.outputs[0].shape) != 2:
            raise ValueError(
                "Invalid value for argument `model`. Expected a model with one image input "
                "(batch, height, width, channels) and a (batch, features) output. Received: inputs "
                f"{[tuple(t.shape) for t in model.inputs]}, outputs {[tuple(t.shape) for t in model.outputs]}"
            )
        self.model = model
        self.name = name or model.name
        _, height, width, self.channels = model.inputs[0].shape
        self.image_size = (height, width)
        self.feature_dim = int(model.outputs[0].shape[-1])

    def preprocess(self, images):
        """Bring a float batch in [-1, 1] to the network's size and channel count."""
        images = ops.convert_to_tensor(images, "float32")
        channels = images.shape[-1]
        if channels != self.channels:
            if channels == 1 and self.channels == 3:
                images = ops.repeat(images, 3, axis=-1)
            elif channels == 3 and self.channels == 1:
                images = ops.mean(images, axis=-1, keepdims=True)
            else:
                raise ValueError(
                    f"Invalid images for the `{self.name}` feature extractor. Expected 1 or 3 channels. "
                    f"Received shape: {tuple(images.shape)}"
                )
        size = tuple(images.shape[1:3])
        if None not in self.image_size and size != self.image_size:
            shrinking = size[0] > self.image_size[0]
            images = ops.image.resize(images, self.image_size, interpolation="bilinear", antialias=shrinking)
        return images

    def __call__(self, images):
        """Features of a batch of images in [-1, 1], as a (B, d) float32 tensor."""
        return self.model(self.preprocess(images), training=False)

    def features(self, images, batch_size=100):
        """Features of an array of images, batch by batch, as a float64 NumPy array (n, d)."""
        return np.concatenate([
            ops.convert_to_numpy(self(images[i:i + batch_size])).astype("float64")
            for i in range(0, len(images), batch_size)
        ])


def _digits_extractor(weights):
    path = DIGITS_CLASSIFIER_PATH if weights == "default" else weights
    if path is None:
        classifier = digits_classifier()  # random weights: for tests of the mechanics
    else:
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"The digits classifier is not at {path}. It ships in the repository's "
                "`saved_models/digits_classifier/` folder; clone the repository or train it with "
                "`python saved_models/digits_classifier/train_digits_classifier.py`."
            )
        classifier = keras.saving.load_model(path, compile=False)
    model = keras.Model(classifier.inputs, classifier.get_layer("features").output, name="digits_features")
    return FeatureExtractor(model, name="digits")


def _inception_v3_extractor(weights):
    weights = "imagenet" if weights == "default" else weights
    is_file = weights not in (None, "imagenet")
    if is_file and not os.path.exists(weights):
        raise FileNotFoundError(f"No InceptionV3 weights file at {weights}")
    # Keras' InceptionV3 expects pixels in [-1, 1] (its `preprocess_input` is
    # x / 127.5 - 1), the package's range, so the images go in unchanged.
    model = keras.applications.InceptionV3(include_top=False, weights=None if is_file else weights,
                                           input_shape=(299, 299, 3), pooling="avg")
    if is_file:
        model.load_weights(weights)
    return FeatureExtractor(model, name="inception_v3")


def get_feature_extractor(feature_extractor="inception_v3", weights="default"):
    """A `FeatureExtractor` by name, or wrap a Keras model.

    Args:
        feature_extractor: "digits", "inception_v3", "fid_inception", a Keras model
            mapping images to (B, d) features, or a `FeatureExtractor` (returned as is).
        weights: "default" (the shipped digits classifier; ImageNet weights for
            InceptionV3, downloaded once by Keras; the converted FID Inception
            weights), a path to a weights file, or None for random weights (tests).

    Returns:
        A `FeatureExtractor`.
    """
    if isinstance(feature_extractor, FeatureExtractor):
        return feature_extractor
    if isinstance(feature_extractor, keras.Model):
        return FeatureExtractor(feature_extractor)
    if feature_extractor == "digits":
        return _digits_extractor(weights)
    if feature_extractor == "inception_v3":
        return _inception_v3_extractor(weights)
    if feature_extractor == "fid_inception":
        from keras_gans import fid_inception

        return fid_inception.FIDInceptionExtractor(weights)
    raise ValueError(
        "Invalid value for argument `feature_extractor`. Expected one of "
        f"{', '.join(map(repr, FEATURE_EXTRACTORS))}, a Keras model or a FeatureExtractor. "
        f"Received: feature_extractor={feature_extractor!r}"
    )


# ---------------------------------------------------------------------------
# The metrics
# ---------------------------------------------------------------------------


class FrechetInceptionDistance(keras.metrics.Metric):
    """FID as a streaming Keras metric: lower is better, 0 for identical image sets.

    Heusel et al. 2017, https://arxiv.org/abs/1706.08500.

        FID = |mu_r - mu_g|^2 + Tr(sigma_r + sigma_g - 2 sqrt(sigma_r sigma_g))

    where mu and sigma are the mean and unbiased covariance (n - 1) of the features
    of the real (r) and generated (g) images. Batches stream in: the metric keeps,
    per set, the count, the sum of the features and the sum of their outer products
    in float64 (sums of float32 outer products lose digits over 10,000 images), so
    feeding the images in any batches gives the same result as one pass.

    The real statistics rarely change: compute them once, `save_real_statistics()`
    to a file and pass that file as `real_statistics=` afterwards. Call `result()`
    and `update_state()` eagerly (not inside a compiled `train_step`): the matrix
    square root runs in SciPy.

    Args:
        feature_extractor: "inception_v3" (default), "digits", "fid_inception", a
            Keras model or a `FeatureExtractor`; see `get_feature_extractor`.
        weights: weights of the named extractor ("default", a file, or None).
        real_statistics: path of an `.npz` written by `save_real_statistics()`; the
            real statistics start from it (and return to it on `reset_state()`).
        reset_real_features: if False, `reset_state()` keeps the real statistics and
            clears only the generated ones (what a callback scoring every epoch wants).
        eps: diagonal offset of the matrix square root (see `matrix_sqrt_trace`).
        name: metric name.

    Example:
    >>> fid = FrechetInceptionDistance(feature_extractor="digits")
    >>> real = keras_gans.data.load_mnist_5k(batch_size=100, num_images=500)
    >>> for batch in real:
    ...     fid.update_state(real_images=batch)
    >>> fid.update_state(fake_images=np.random.uniform(-1, 1, (500, 32, 32, 1)))
    >>> float(fid.result()) > 100      # noise is far from digits
    True
    """

    def __init__(self, feature_extractor="inception_v3", weights="default", real_statistics=None,
                 reset_real_features=True, eps=1e-6, name="fid", **kwargs):
        super().__init__(name=name, **kwargs)
        self.extractor = get_feature_extractor(feature_extractor, weights)
        self.reset_real_features = reset_real_features
        self.eps = eps
        d = self.extractor.feature_dim
        self._sums = {}
        for kind in ("real", "fake"):
            self._sums[kind] = (
                self.add_variable((), "zeros", dtype="float64", name=f"{kind}_count"),
                self.add_variable((d,), "zeros", dtype="float64", name=f"{kind}_sum"),
                self.add_variable((d, d), "zeros", dtype="float64", name=f"{kind}_outer_sum"),
            )
        self.real_statistics_path = real_statistics
        if real_statistics is not None:
            self.load_real_statistics(real_statistics)

    def _accumulate(self, kind, images):
        features = ops.cast(self.extractor(images), "float64")
        count, total, outer = self._sums[kind]
        count.assign_add(ops.cast(ops.shape(features)[0], "float64"))
        total.assign_add(ops.sum(features, axis=0))
        outer.assign_add(ops.matmul(ops.transpose(features), features))

    def update_state(self, real_images=None, fake_images=None):
        """Add a batch of real and/or generated images (float, [-1, 1], (B, H, W, C))."""
        if real_images is None and fake_images is None:
            raise ValueError("`update_state()` needs `real_images=` or `fake_images=` (or both).")
        if real_images is not None:
            self._accumulate("real", real_images)
        if fake_images is not None:
            self._accumulate("fake", fake_images)

    def statistics(self, kind):
        """`(mu, sigma, count)` of the "real" or "fake" images seen so far (NumPy float64)."""
        count, total, outer = (ops.convert_to_numpy(v) for v in self._sums[kind])
        if count < 2:
            raise ValueError(
                f"The FID needs at least 2 {kind} images; {int(count)} seen. Call "
                f"`update_state({kind}_images=...)` first."
            )
        mu = total / count
        # Unbiased covariance from the running sums: (sum x x^T - n mu mu^T) / (n - 1).
        sigma = (outer - count * np.outer(mu, mu)) / (count - 1)
        return mu, sigma, int(count)

    def result(self):
        mu_r, sigma_r, _ = self.statistics("real")
        mu_g, sigma_g, _ = self.statistics("fake")
        return ops.convert_to_tensor(
            frechet_distance_from_statistics(mu_r, sigma_r, mu_g, sigma_g, eps=self.eps), "float32")

    def reset_state(self):
        for kind in ("real", "fake") if self.reset_real_features else ("fake",):
            for variable in self._sums[kind]:
                variable.assign(ops.zeros(variable.shape, dtype=variable.dtype))
        if self.reset_real_features and self.real_statistics_path is not None:
            self.load_real_statistics(self.real_statistics_path)

    def save_real_statistics(self, path):
        """Write the real images' mean, covariance and count to an `.npz` file."""
        mu, sigma, count = self.statistics("real")
        np.savez(path, mu=mu, sigma=sigma, count=count, feature_extractor=self.extractor.name)
        return path

    def load_real_statistics(self, path):
        """Set the real statistics from a file of `save_real_statistics()` (replacing any seen)."""
        with np.load(path) as archive:
            mu, sigma, count = archive["mu"], archive["sigma"], float(archive["count"])
            name = str(archive["feature_extractor"])
        if name != self.extractor.name or mu.shape != (self.extractor.feature_dim,):
            raise ValueError(
                f"The real statistics in {path} were made with the `{name}` feature extractor "
                f"({mu.shape[0]} features); this metric uses `{self.extractor.name}` "
                f"({self.extractor.feature_dim} features)."
            )
        count_v, total_v, outer_v = self._sums["real"]
        count_v.assign(count)
        total_v.assign(count * mu)
        outer_v.assign((count - 1) * sigma + count * np.outer(mu, mu))

    def get_config(self):
        return {"name": self.name, "feature_extractor": self.extractor.name, "eps": self.eps,
                "reset_real_features": self.reset_real_features,
                "real_statistics": self.real_statistics_path}


class KernelInceptionDistance(keras.metrics.Metric):
    """KID as a Keras metric: an unbiased squared MMD between feature sets, lower is better.

    Binkowski et al. 2018, https://arxiv.org/abs/1801.01401; see `kernel_distance`
    for the formula. The unbiased estimator needs every feature vector (not only
    sums), so the metric keeps the features themselves, in float64 NumPy arrays,
    and works eagerly only. `result()` is the mean over `num_subsets` random
    subsets of `subset_size` images; `result_std` holds their standard deviation.

    Args:
        feature_extractor, weights: as for `FrechetInceptionDistance`.
        num_subsets: number of subsets averaged (100 in the paper's code).
        subset_size: images per subset (1,000 in the paper's code; fewer if fewer seen).
        real_features: path of an `.npy` written by `save_real_features()`.
        reset_real_features: if False, `reset_state()` keeps the real features.
        seed: seed of the subset draws (the same seed gives the same result).
        name: metric name.

    Example:
    >>> kid = KernelInceptionDistance(feature_extractor="digits", num_subsets=10, subset_size=100)
    >>> kid.update_state(real_images=real_batch, fake_images=fake_batch)  # doctest: +SKIP
    >>> float(kid.result())  # doctest: +SKIP
    """

    def __init__(self, feature_extractor="inception_v3", weights="default", num_subsets=100,
                 subset_size=1000, real_features=None, reset_real_features=True, seed=0, name="kid",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.extractor = get_feature_extractor(feature_extractor, weights)
        self.num_subsets = num_subsets
        self.subset_size = subset_size
        self.reset_real_features = reset_real_features
        self.seed = seed
        self.real_features_path = real_features
        self.result_std = None
        self._features = {"real": [], "fake": []}
        if real_features is not None:
            self._features["real"] = [np.load(real_features)]

    def update_state(self, real_images=None, fake_images=None):
        """Add a batch of real and/or generated images (float, [-1, 1], (B, H, W, C))."""
        if real_images is None and fake_images is None:
            raise ValueError("`update_state()` needs `real_images=` or `fake_images=` (or both).")
        for kind, images in (("real", real_images), ("fake", fake_images)):
            if images is not None:
                features = ops.convert_to_numpy(self.extractor(images)).astype("float64")
                self._features[kind].append(features)

    def features(self, kind):
        """All "real" or "fake" features seen so far, (n, d) float64."""
        if not self._features[kind]:
            raise ValueError(f"No {kind} images seen. Call `update_state({kind}_images=...)` first.")
        return np.concatenate(self._features[kind])

    def result(self):
        mean, self.result_std = kernel_distance(self.features("real"), self.features("fake"),
                                                self.num_subsets, self.subset_size, seed=self.seed)
        return ops.convert_to_tensor(mean, "float32")

    def reset_state(self):
        self._features["fake"] = []
        if self.reset_real_features:
            path = self.real_features_path
            self._features["real"] = [] if path is None else [np.load(path)]

    def save_real_features(self, path):
        """Write the real features to an `.npy` file (pass it as `real_features=` later)."""
        np.save(path, self.features("real"))
        return path

    def get_config(self):
        return {"name": self.name, "feature_extractor": self.extractor.name,
                "num_subsets": self.num_subsets, "subset_size": self.subset_size,
                "reset_real_features": self.reset_real_features, "seed": self.seed,
                "real_features": self.real_features_path}


# ---------------------------------------------------------------------------
# Whole evaluations: a generator against a dataset
# ---------------------------------------------------------------------------


def _as_generator(generator_or_model):
    """A generator network (latents -> images) from a GAN, a generator, or a `.keras` path."""
    if isinstance(generator_or_model, str):
        if not os.path.exists(generator_or_model):
            raise FileNotFoundError(f"No saved model at {generator_or_model}")
        generator_or_model = keras.saving.load_model(generator_or_model, compile=False)
    generator = getattr(generator_or_model, "generator", generator_or_model)
    if not isinstance(generator, keras.Model) or len(generator.inputs[0].shape) != 2:
        raise ValueError(
            "Invalid value for argument `generator_or_model`. Expected a keras_gans GAN, a generator "
            "model with a (batch, latent_dim) input, the path of one saved as `.keras`, or an array of "
            "generated images. "
            f"Received: {generator_or_model!r}"
        )
    return generator


def _real_batches(dataset, image_size, batch_size, seed):
    """Batches of real images in [-1, 1] from a dataset name, a `tf.data.Dataset` or an array."""
    if isinstance(dataset, str):
        from keras_gans import data

        dataset = data.load(dataset, image_size=image_size, batch_size=batch_size, seed=seed)
    if isinstance(dataset, np.ndarray):
        for i in range(0, len(dataset), batch_size):
            yield dataset[i:i + batch_size]
        return
    for batch in dataset:
        yield batch[0] if isinstance(batch, (tuple, list)) else batch


def _progress(verbose, target):
    return keras.utils.Progbar(target, unit_name="image") if verbose else None


def _generated_batches(generator_or_model, num_images, batch_size, seed):
    """(image_size, count, batches): `num_images` images from a generator, or an array's first ones."""
    if isinstance(generator_or_model, np.ndarray):
        images = generator_or_model[:num_images]
        if images.ndim != 4 or len(images) < 2:
            raise ValueError(
                "Invalid value for argument `generator_or_model`. Expected generated images of shape "
                f"(n >= 2, height, width, channels). Received shape: {generator_or_model.shape}"
            )
        batches = (images[i:i + batch_size] for i in range(0, len(images), batch_size))
        return images.shape[1], len(images), batches
    generator = _as_generator(generator_or_model)
    rng = np.random.default_rng(seed)
    latent_dim = generator.inputs[0].shape[-1]

    def batches():
        for start in range(0, num_images, batch_size):
            n = min(batch_size, num_images - start)
            yield generator(rng.standard_normal((n, latent_dim)).astype("float32"), training=False)

    return generator.outputs[0].shape[1], num_images, batches()


def _feed(metric, generator_or_model, dataset, num_images, batch_size, seed, verbose,
          real_images_needed=True):
    """Feed up to `num_images` real and generated images to `metric`; return both counts."""
    if not isinstance(num_images, (int, np.integer)) or num_images < 2:
        raise ValueError(
            "Invalid value for argument `num_images`. Expected an integer >= 2. "
            f"Received: num_images={num_images!r}"
        )
    image_size, fake_count, fake_batches = _generated_batches(generator_or_model, num_images, batch_size,
                                                              seed)
    progbar = _progress(verbose, 2 * num_images if real_images_needed else num_images)
    done = 0
    real_count = 0
    if real_images_needed:
        for batch in _real_batches(dataset, image_size, batch_size, seed):
            batch = batch[: num_images - real_count]
            metric.update_state(real_images=batch)
            real_count += int(batch.shape[0])
            done += int(batch.shape[0])
            if progbar:
                progbar.update(done)
            if real_count >= num_images:
                break
        if real_count < 2:
            raise ValueError("Invalid value for argument `dataset`. It gave fewer than 2 images.")
        if progbar and real_count < num_images:  # a small dataset: all of it was used
            done = num_images
            progbar.update(done)
    for batch in fake_batches:
        metric.update_state(fake_images=batch)
        done += int(batch.shape[0])
        if progbar:
            progbar.update(done)
    if progbar and fake_count < num_images:
        progbar.update(progbar.target)
    return real_count, fake_count


def compute_fid(generator_or_model, dataset, num_images=10_000, batch_size=100,
                feature_extractor="inception_v3", weights="default", real_statistics=None, seed=0, verbose=1):
    """FID of a generator against real images, on `num_images` generated images.

    Heusel et al. 2017, https://arxiv.org/abs/1706.08500 (see
    `FrechetInceptionDistance`). The FID depends on the number of images (fewer
    images, higher FID): compare scores made with the same `num_images` and the
    same feature extractor. Published tables use 10,000 or 50,000 images and the
    "fid_inception" network.

    Args:
        generator_or_model: a keras_gans GAN, a generator model (latents -> images
            in [-1, 1]), the path of either saved as `.keras`, or an array of
            generated images (N, H, W, C) in [-1, 1] (its first `num_images` are used).
        dataset: real images: a dataset name of `keras_gans.data.load` (e.g.
            "mnist5k", loaded at the generator's image size), a `tf.data.Dataset` of
            batches in [-1, 1] (or `(images, labels)`), or an array of images.
        num_images: generated images; also the most real images used (a smaller
            dataset or array is used whole: "mnist5k" has 5,000).
        batch_size: images per forward pass.
        feature_extractor, weights: see `get_feature_extractor`.
        real_statistics: an `.npz` of `FrechetInceptionDistance.save_real_statistics`;
            if it exists, `dataset` is not read; if not, it is written after reading.
        seed: seed of the latents (and of a named dataset's shuffle).
        verbose: 1 shows a progress bar.

    Returns:
        The FID, a Python float.

    Example:
    >>> compute_fid("saved_models/RUN/generator.keras", "mnist5k", num_images=5000,
    ...             feature_extractor="digits")  # doctest: +SKIP
    """
    cached = real_statistics is not None and os.path.exists(real_statistics)
    metric = FrechetInceptionDistance(feature_extractor, weights,
                                      real_statistics=real_statistics if cached else None)
    _, fake_count = _feed(metric, generator_or_model, dataset, num_images, batch_size, seed, verbose,
                          real_images_needed=not cached)
    if real_statistics is not None and not cached:
        metric.save_real_statistics(real_statistics)
    value = float(metric.result())
    if verbose:
        real_count = metric.statistics("real")[2]
        print(f"FID ({metric.extractor.name}, {fake_count} generated and {real_count} real images): "
              f"{value:.3f}")
    return value


def compute_kid(generator_or_model, dataset, num_images=10_000, batch_size=100,
                feature_extractor="inception_v3", weights="default", num_subsets=100, subset_size=1000,
                seed=0, verbose=1):
    """KID of a generator against real images: `(mean, std)` over subsets.

    Binkowski et al. 2018, https://arxiv.org/abs/1801.01401 (see
    `KernelInceptionDistance`). Arguments as for `compute_fid`, plus `num_subsets`
    and `subset_size` of the estimator.

    Returns:
        `(mean, std)`, Python floats.
    """
    metric = KernelInceptionDistance(feature_extractor, weights, num_subsets=num_subsets,
                                     subset_size=subset_size, seed=seed)
    real_count, fake_count = _feed(metric, generator_or_model, dataset, num_images, batch_size, seed, verbose)
    mean = float(metric.result())
    if verbose:
        print(f"KID ({metric.extractor.name}, {fake_count} generated and {real_count} real images): "
              f"{mean:.5f} +- {metric.result_std:.5f}")
    return mean, metric.result_std


# ---------------------------------------------------------------------------
# Over training: a callback and a plot
# ---------------------------------------------------------------------------


class FIDCallback(keras.callbacks.Callback):
    """Compute the FID every few epochs during `fit` and record it in the logs and history.

    The real statistics are computed once, at the start of training, from up to
    `num_images` real images; each scoring generates `num_images` images from the
    same fixed latents, so successive scores differ only because the generator
    changed. The score goes into the epoch's logs under `name`, so `History`,
    `CSVLogger` and `TensorBoard` record it; epochs that are not scored get NaN (so
    every row has the column). Put this callback before `CSVLogger` in the list.

    Args:
        real_images: a dataset name, a `tf.data.Dataset` or an array of real images
            in [-1, 1] (as `compute_fid`'s `dataset`).
        every_n_epochs: score every this many epochs (and after the last).
        num_images: real and generated images per score (1,000 is quick with
            "digits"; the FID of fewer images is higher, so compare like with like).
        feature_extractor, weights: see `get_feature_extractor`.
        batch_size: images per forward pass.
        seed: seed of the fixed latents.
        name: the log key ("fid"; e.g. "digits_fid").

    Example:
    >>> score = FIDCallback("mnist5k", feature_extractor="digits", name="digits_fid")
    >>> history = gan.fit(dataset, epochs=10, callbacks=[score])  # doctest: +SKIP
    >>> plot_quality(history, "digits_fid", path="fid.png")  # doctest: +SKIP
    """

    def __init__(self, real_images, every_n_epochs=1, num_images=1000, feature_extractor="inception_v3",
                 weights="default", batch_size=100, seed=0, name="fid"):
        super().__init__()
        self.real_images = real_images
        self.every_n_epochs = every_n_epochs
        self.num_images = num_images
        self.feature_extractor = feature_extractor
        self.weights = weights
        self.batch_size = batch_size
        self.seed = seed
        self.name = name
        self.metric = None
        self.scores = {}  # epoch (counted from 1) -> score

    def on_train_begin(self, logs=None):
        if self.metric is None:
            self.metric = FrechetInceptionDistance(self.feature_extractor, self.weights,
                                                   reset_real_features=False, name=self.name)
            generator = _as_generator(self.model)
            image_size = generator.outputs[0].shape[1]
            count = 0
            for batch in _real_batches(self.real_images, image_size, self.batch_size, self.seed):
                batch = batch[: self.num_images - count]
                self.metric.update_state(real_images=batch)
                count += int(batch.shape[0])
                if count >= self.num_images:
                    break
            rng = np.random.default_rng(self.seed)
            shape = (self.num_images, generator.inputs[0].shape[-1])
            self.latents = rng.standard_normal(shape).astype("float32")

    def score(self):
        """The FID of the model's generator now, on the fixed latents."""
        generator = _as_generator(self.model)
        self.metric.reset_state()  # generated statistics only
        for i in range(0, self.num_images, self.batch_size):
            latents = self.latents[i:i + self.batch_size]
            self.metric.update_state(fake_images=generator(latents, training=False))
        return float(self.metric.result())

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        value = math.nan
        if done % self.every_n_epochs == 0 or done == self.params.get("epochs"):
            value = self.score()
            self.scores[done] = value
        if logs is not None:
            logs[self.name] = value


def plot_quality(history, name="fid", path=None, axes=None, label=None):
    """Plot a quality score (FID, KID) over training epochs; unscored (NaN) epochs are skipped.

    Args:
        history: a Keras `History` (what `fit` returns), its `.history` dict, a
            `FIDCallback` (its `scores`), or a dict {epoch: score}.
        name: the score's key in the history ("fid").
        path: if given, also save the figure there as a PNG.
        axes: a Matplotlib axes to draw on (e.g. to overlay several runs).
        label: legend label of the line.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> figure = plot_quality({1: 80.0, 2: 40.0, 3: 25.0}, path="/tmp/fid.png")
    """
    if axes is None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure(figsize=(6, 4), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)  # headless: an Agg canvas whatever the session's backend
        axes = figure.add_subplot()
    figure = axes.figure
    if isinstance(history, FIDCallback):
        history = history.scores
    history = getattr(history, "history", history)
    if name in history:  # a Keras history dict: one value per epoch, from epoch 1
        epochs, values = np.arange(1, len(history[name]) + 1), np.asarray(history[name], "float64")
    else:  # {epoch: score}
        epochs, values = np.asarray(list(history), "float64"), np.asarray(list(history.values()), "float64")
    keep = np.isfinite(values)
    if not keep.any():
        raise ValueError(f"Invalid value for argument `history`. It has no finite `{name}` values.")
    axes.plot(epochs[keep], values[keep], marker="o", label=label)
    # "digits_fid" -> "digits FID"
    title = " ".join(word.upper() if word in ("fid", "kid") else word for word in name.split("_"))
    axes.set_xlabel("epoch")
    axes.set_ylabel(title)
    axes.set_title(f"{title} over training (lower is better)")
    axes.grid(alpha=0.3)
    if label:
        axes.legend()
    if path:
        figure.savefig(path)
    return figure
