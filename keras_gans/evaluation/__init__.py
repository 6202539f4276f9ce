"""How good are the generated images: FID, KID and diversity.

    distances.py      Frechet and kernel distances of feature arrays (NumPy / SciPy)
    features.py       FeatureExtractor, the digits classifier, Keras' InceptionV3
    fid_inception.py  the Inception network of published FID tables, rebuilt in Keras
    metrics.py        FrechetInceptionDistance, KernelInceptionDistance (keras.metrics.Metric)
    scoring.py        compute_fid / compute_kid: a generator against a dataset in one call
    diversity.py      mean_pairwise_distance: how varied a batch of images is
    digit_classes.py  what the digits classifier says of generated digits: confidence, agreement
                      with a conditional generator's requested labels, per-class digits FID
"""

from keras_gans.evaluation.digit_classes import (
    classifier_confidence,
    conditional_digits_report,
    label_agreement,
    per_class_fid,
)
from keras_gans.evaluation.distances import (
    feature_statistics,
    frechet_distance,
    frechet_distance_from_statistics,
    kernel_distance,
    matrix_sqrt_trace,
    polynomial_kernel,
)
from keras_gans.evaluation.diversity import mean_pairwise_distance
from keras_gans.evaluation.features import DIGITS_CLASSIFIER_PATH, FeatureExtractor, digits_classifier
from keras_gans.evaluation.metrics import (
    FEATURE_EXTRACTORS,
    FrechetInceptionDistance,
    KernelInceptionDistance,
    get_feature_extractor,
)
from keras_gans.evaluation.scoring import compute_fid, compute_kid

__all__ = [
    "DIGITS_CLASSIFIER_PATH", "FEATURE_EXTRACTORS", "FeatureExtractor", "FrechetInceptionDistance",
    "KernelInceptionDistance", "classifier_confidence", "compute_fid", "compute_kid",
    "conditional_digits_report", "digits_classifier", "feature_statistics", "frechet_distance",
    "frechet_distance_from_statistics", "get_feature_extractor", "kernel_distance", "label_agreement",
    "matrix_sqrt_trace", "mean_pairwise_distance", "per_class_fid", "polynomial_kernel",
]
