"""The distances behind FID and KID, as pure NumPy / SciPy functions of feature arrays.

    frechet_distance(features_a, features_b)     Heusel et al. 2017 (FID)
    kernel_distance(features_a, features_b)      Binkowski et al. 2018 (KID)
"""

import warnings

import numpy as np
from scipy import linalg


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
    >>> abs(round(frechet_distance(a, a), 6))
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
