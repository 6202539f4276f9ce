"""What the shipped digits classifier says about generated digits: how sure it is, whether a
conditional generator draws the digit it was asked for, and a digits FID per class.

    classifier_confidence(images)            any digits: the classifier's mean top probability,
                                             the share it is more than 90% sure of, the classes it sees
    label_agreement(generator)               a conditional generator: how often the classifier reads
                                             the requested digit, overall and per class
    per_class_fid(generator)                 a conditional generator: each class's digits FID against
                                             the real digits of that class
    conditional_digits_report(generator)     the three above, as `keras-gans evaluate` prints them

The classifier is `saved_models/digits_classifier/` (97.2% on held-out real digits), so
every number here is only as good as it is, and only meaningful for 32x32 grey digits.
"""

import functools

import keras
import numpy as np

from keras_gans import batches
from keras_gans.evaluation.distances import frechet_distance
from keras_gans.evaluation.features import DIGITS_CLASSIFIER_PATH
from keras_gans.evaluation.metrics import get_feature_extractor
from keras_gans.generation import generated_batches, load_generator
from keras_gans.networks.conditional import num_classes_of

CONFIDENT = 0.9
DIGITS = 10


@functools.lru_cache(maxsize=2)
def digits_classifier_model(path=DIGITS_CLASSIFIER_PATH):
    """The shipped digits classifier (32x32x1 images in [-1, 1] -> 10 logits), loaded once."""
    return keras.saving.load_model(path, compile=False)


def digit_probabilities(images, batch_size=500):
    """The classifier's probabilities of the ten digits for each image, (N, 10) float64."""
    classifier = digits_classifier_model()
    logits = batches.in_batches(lambda part: classifier(part, training=False), [images], batch_size)
    logits = logits.astype("float64")
    logits -= logits.max(axis=1, keepdims=True)
    probabilities = np.exp(logits)
    return probabilities / probabilities.sum(axis=1, keepdims=True)


def classifier_confidence(images):
    """How sure the digits classifier is that the images are digits (of any class).

    A generator that draws blurs or half-digits leaves the classifier unsure; one that
    draws clean digits of every class makes it sure, spread over all ten classes.

    Args:
        images: (N, 32, 32, 1) float images in [-1, 1].

    Returns:
        A dict: `mean_confidence` (the mean of each image's top probability),
        `confident_share` (the share of images whose top probability is above 0.9)
        and `class_counts` (how many images the classifier puts in each class).

    Example:
    >>> classifier_confidence(gan.generate(500, seed=0))["mean_confidence"]  # doctest: +SKIP
    0.93...
    """
    probabilities = digit_probabilities(np.asarray(images, "float32"))
    top = probabilities.max(axis=1)
    return {"mean_confidence": float(top.mean()), "confident_share": float((top > CONFIDENT).mean()),
            "class_counts": np.bincount(probabilities.argmax(axis=1), minlength=DIGITS).tolist()}


def _images(generator, num_images, labels, seed, batch_size=250):
    return np.concatenate(list(generated_batches(generator, num_images, seed, batch_size, labels=labels)))


def _check_digits(generator):
    generator = load_generator(generator)
    classes = num_classes_of(generator)
    if classes != DIGITS or tuple(generator.outputs[0].shape[1:]) != (32, 32, 1):
        raise ValueError(
            "Invalid value for argument `generator`. Expected a conditional generator of 32x32 grey digits "
            f"with 10 classes (the digits classifier reads those). Received: {classes} classes, images of "
            f"shape {tuple(generator.outputs[0].shape[1:])}")
    return generator


def label_agreement(generator, num_images=1000, seed=0):
    """How often the digits classifier reads the digit a conditional generator was asked for.

    The requested labels take every class in turn (0, 1, ..., 9, 0, ...), so each class
    has the same share of `num_images`.

    Args:
        generator: a conditional digits generator (anything `load_generator` takes).
        num_images: images generated.
        seed: seed of the latents.

    Returns:
        A dict: `accuracy` (the share of images classified as their requested digit),
        `per_class_accuracy` (the same for each requested digit, a list of 10) and
        `mean_probability` (the classifier's mean probability of the requested digit).

    Example:
    >>> label_agreement("cdcgan_digits")["accuracy"]  # doctest: +SKIP
    0.97...
    """
    generator = _check_digits(generator)
    labels = np.arange(num_images) % DIGITS
    probabilities = digit_probabilities(_images(generator, num_images, labels, seed))
    correct = probabilities.argmax(axis=1) == labels
    return {"accuracy": float(correct.mean()),
            "per_class_accuracy": [float(correct[labels == digit].mean()) for digit in range(DIGITS)],
            "mean_probability": float(probabilities[np.arange(num_images), labels].mean())}


def per_class_fid(generator, num_per_class=500, seed=0):
    """The digits FID of each class: generated digits of class c against the real digits of class c.

    The real side is the 500 embedded digits of each class; the feature network is the
    digits classifier's `features` layer, as for the digits FID. A generator that draws
    the right class but always the same way (one "style") scores badly here even when
    its label agreement is perfect.

    Args:
        generator: a conditional digits generator (anything `load_generator` takes).
        num_per_class: generated images per class.
        seed: seed of the latents (the same latents for every class).

    Returns:
        A list of 10 floats (lower is better; the real digits of one class split in two
        halves, 250 against 250, score 0.8 to 1.7).
    """
    generator = _check_digits(generator)
    extractor = get_feature_extractor("digits")
    from keras_gans import data  # tf.data's layer, above this one: imported when the real digits are needed

    images, digits = data.mnist_5k_arrays()
    real = data.to_float(data.resize_uint8(images, 32))
    scores = []
    for digit in range(DIGITS):
        fake = _images(generator, num_per_class, digit, seed)
        scores.append(frechet_distance(extractor.features(real[digits == digit]), extractor.features(fake)))
    return [float(score) for score in scores]


def conditional_digits_report(generator, num_images=1000, num_per_class=500, seed=0, verbose=1):
    """Label agreement and per-class digits FID of a conditional digits generator, printed as a table.

    Returns:
        A dict: the keys of `label_agreement`, and `per_class_fid` (a list of 10).
    """
    report = {**label_agreement(generator, num_images, seed),
              "per_class_fid": per_class_fid(generator, num_per_class, seed)}
    if verbose:
        print(f"Digits classifier agrees with the requested label on {report['accuracy']:.1%} of "
              f"{num_images} images (mean probability of the requested digit "
              f"{report['mean_probability']:.3f}).")
        print("| digit | " + " | ".join(str(d) for d in range(DIGITS)) + " |")
        print("| --- |" + " --- |" * DIGITS)
        print("| agreement | " + " | ".join(f"{a:.0%}" for a in report["per_class_accuracy"]) + " |")
        print(f"| digits FID ({num_per_class} a class) | "
              + " | ".join(f"{f:.2f}" for f in report["per_class_fid"]) + " |")
    return report
