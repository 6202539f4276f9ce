"""FID and KID as streaming `keras.metrics.Metric`s, and the feature extractors by name.

Both scores compare two sets of images through the features a fixed network
gives them: the Frechet Inception Distance (FID) compares the mean and covariance
of the two feature clouds, the Kernel Inception Distance (KID) compares them with
a polynomial kernel. Lower is better; 0 means the two sets look alike to that
network. A score is only comparable with scores made by the same network, on the
same number of images, at the same image size (see `features.py`).
"""

import keras
import numpy as np
from keras import ops

from keras_gans.evaluation import fid_inception
from keras_gans.evaluation.distances import frechet_distance_from_statistics, kernel_distance
from keras_gans.evaluation.features import FeatureExtractor, digits_extractor, inception_v3_extractor

FEATURE_EXTRACTORS = ("digits", "inception_v3", "fid_inception")


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
        return digits_extractor(weights)
    if feature_extractor == "inception_v3":
        return inception_v3_extractor(weights)
    if feature_extractor == "fid_inception":
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
