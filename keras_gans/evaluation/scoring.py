"""Whole evaluations: the FID or KID of a generator against a dataset, in one call.

    compute_fid("run/generator.keras", "mnist5k", num_images=5000, feature_extractor="digits")
"""

import os

import keras
import numpy as np

from keras_gans import batches
from keras_gans.evaluation.digit_classes import conditional_digits_report
from keras_gans.evaluation.metrics import FrechetInceptionDistance, KernelInceptionDistance
from keras_gans.generation import generated_batches, load_generator
from keras_gans.networks.conditional import is_conditional, num_classes_of


def real_batches(dataset, image_size, batch_size, seed):
    """Batches of real images in [-1, 1] from a dataset name, a `tf.data.Dataset` or an array."""
    if isinstance(dataset, str):
        from keras_gans import data  # tf.data: imported only to load a dataset by its name

        dataset = data.load(dataset, image_size=image_size, batch_size=batch_size, seed=seed)
    if isinstance(dataset, np.ndarray):
        for i in range(0, len(dataset), batch_size):
            yield dataset[i:i + batch_size]
        return
    for batch in dataset:
        yield batches.images_of(batch)


def _progress(verbose, target):
    return keras.utils.Progbar(target, unit_name="image") if verbose else None


def _generated_batches(generator_or_model, num_images, batch_size, seed):
    """(image shape, count, batches): `num_images` images from a generator, or an array's first ones."""
    if isinstance(generator_or_model, np.ndarray):
        images = generator_or_model[:num_images]
        if images.ndim != 4 or len(images) < 2:
            raise ValueError(
                "Invalid value for argument `generator_or_model`. Expected generated images of shape "
                f"(n >= 2, height, width, channels). Received shape: {generator_or_model.shape}"
            )
        parts = (images[i:i + batch_size] for i in range(0, len(images), batch_size))
        return images.shape[1:], len(images), parts
    generator = load_generator(generator_or_model)
    return tuple(generator.outputs[0].shape[1:]), num_images, generated_batches(generator, num_images, seed,
                                                                                batch_size)


def _check_suits(extractor, shape, verbose):
    """Refuse images the feature network cannot read; say so when they are resized for it."""
    if extractor.channels == 1 and shape[-1] != 1:
        raise ValueError(
            f"The `{extractor.name}` feature extractor reads grey images, and these have {shape[-1]} "
            "channels: a score of their grey average would say nothing about their colours. Use "
            "feature_extractor='inception_v3' or 'fid_inception' (--feature-extractor)."
        )
    if verbose and None not in extractor.image_size and tuple(shape[:2]) != extractor.image_size:
        height, width = extractor.image_size
        print(f"The {shape[0]}x{shape[1]} images (generated and real) are resized to {height}x{width} for "
              f"the `{extractor.name}` feature extractor.")


def _feed(metric, generator_or_model, dataset, num_images, batch_size, seed, verbose,
          real_images_needed=True):
    """Feed up to `num_images` real and generated images to `metric`; return both counts."""
    if not isinstance(num_images, (int, np.integer)) or num_images < 2:
        raise ValueError(
            "Invalid value for argument `num_images`. Expected an integer >= 2. "
            f"Received: num_images={num_images!r}"
        )
    shape, fake_count, fake_batches = _generated_batches(generator_or_model, num_images, batch_size, seed)
    _check_suits(metric.extractor, shape, verbose)
    progbar = _progress(verbose, 2 * num_images if real_images_needed else num_images)
    done = 0
    real_count = 0
    if real_images_needed:
        for batch in real_batches(dataset, shape[0], batch_size, seed):
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


def evaluate(model, dataset="mnist5k", num_images=10_000, batch_size=100, feature_extractor=None,
             weights="default", seed=0, real_statistics=None, kid=False, verbose=1):
    """FID (and KID) of a saved generator or of saved images: what `keras-gans evaluate` does.

    Args:
        model: a GAN or generator (or the path of one saved as `.keras`), the name of
            a shipped generator, or the path of generated images saved as `.npy`
            (float32 in [-1, 1], as `keras-gans generate --npy` writes them).
        dataset: the real images (as `compute_fid`'s `dataset`).
        feature_extractor: None chooses "digits" for grey images (offline) and
            "inception_v3" for colour ones.
        kid: also compute the KID.
        num_images, batch_size, weights, seed, real_statistics, verbose: as for `compute_fid`.

    A conditional generator draws every class in turn (0, 1, ..., so each class has
    the same share). For a conditional generator of 32x32 digits scored with the
    digits features against "mnist5k", the report adds what the digits classifier
    says (`keras_gans.evaluation.digit_classes.conditional_digits_report`): how often it
    reads the requested digit, per class, and each class's digits FID.

    Returns:
        A dict: {"fid": float}, with `kid` {"kid": (mean, std)}, and for a conditional
        digits generator the keys of `conditional_digits_report` (`accuracy`,
        `per_class_accuracy`, `mean_probability`, `per_class_fid`).
    """
    if isinstance(model, (str, os.PathLike)) and os.fspath(model).endswith(".npy"):
        if not os.path.exists(model):
            raise FileNotFoundError(f"No generated images at {model}")
        model = np.load(model, mmap_mode="r")
        channels = model.shape[-1]
    else:
        model = load_generator(model)
        channels = model.outputs[0].shape[-1]
    extractor = feature_extractor or ("digits" if channels == 1 else "inception_v3")
    common = dict(num_images=num_images, batch_size=batch_size, feature_extractor=extractor, weights=weights,
                  seed=seed, verbose=verbose)
    scores = {"fid": compute_fid(model, dataset, real_statistics=real_statistics, **common)}
    if kid:
        scores["kid"] = compute_kid(model, dataset, **common)
    if (not isinstance(model, np.ndarray) and is_conditional(model) and extractor == "digits"
            and dataset == "mnist5k" and num_classes_of(model) == 10
            and tuple(model.outputs[0].shape[1:]) == (32, 32, 1)):
        scores.update(conditional_digits_report(model, num_images=min(num_images, 1000), seed=seed,
                                                verbose=verbose))
    return scores
