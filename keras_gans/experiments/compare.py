"""Train several GAN variants side by side and write one folder a workshop can show.

    from keras_gans.experiments.compare import compare
    compare(models=["dcgan", "lsgan", "wgan", "wgan-gp"], num_images=[1000, 5000], epochs=5,
            output_dir="comparison")

Every run uses the same data (the same subset of the same images, shuffled in the
same order), the same architecture (`keras_gans.models.build_gan`: the DCGAN pair,
with layer norm instead of batch norm in the WGAN-GP critic, or the SAGAN pair),
the same seed for the initial weights, and the same fixed latent batch for its
samples. What changes is the loss and its training procedure, and the number of
training images. The folder holds:

    samples.png      final samples: one row per variant, one column per subset size
    losses.png       loss curves side by side (rolling means over one epoch of steps)
    summary.md/.csv  seconds per epoch, final losses and scores, a quality score
    config.json      the settings of the comparison
    <variant>_<n>/   each run's folder, as `keras_gans.runs.train` writes it: progress.gif
                     and its frames, history_steps.csv (every step's metrics),
                     history.csv, losses.png, gan.keras, generator.keras

The quality score is the "digits FID" of `keras_gans.evaluation.compute_fid`
(features of a small classifier of the embedded digits; lower is better) when
the images are the embedded digits at 32 px. For other data pass your own
`quality=` function (e.g. an Inception FID on a GPU), or `quality=None`.
"""

import csv
import json
import os

import keras
import numpy as np

from keras_gans import callbacks, checks, data, files, plotting, precision, runs
from keras_gans import models as gan_models
from keras_gans.evaluation import compute_fid

DEFAULT_MODELS = ("dcgan", "lsgan", "wgan", "wgan-gp")
DEFAULT_NUM_IMAGES = (1000, 5000)

# The full settings are the GANs 101 article's DCGAN at 32 px (latent 128, width 64),
# for a GPU or a patient CPU. Quick mode shrinks the networks and halves the batch
# (twice the steps per epoch) so that four variants on 1,000 and 5,000 digits finish
# in about 5 minutes on a 2-core CPU and the 5,000-image column draws digits; every
# run still gets the same number of epochs, as in the article's table, so the
# 1,000-image column (a fifth of the steps) stays blurrier: that is the lesson.
FULL_SETTINGS = {"epochs": 20, "width": 64, "latent_dim": 128, "batch_size": 64}
QUICK_SETTINGS = {"epochs": 10, "width": 16, "latent_dim": 32, "batch_size": 32}

SUMMARY_COLUMNS = ("variant", "num_images", "epochs", "steps_per_epoch", "seconds_per_epoch",
                   "first_epoch_seconds", "d_loss", "g_loss", "real_score", "fake_score",
                   "wasserstein_estimate", "gradient_penalty", "quality")


def _parse_list(name, values, kind, allowed=None):
    if isinstance(values, (str, int)):
        values = [values]
    values = list(values)
    if not values:
        raise checks.invalid(name, "at least one value", values)
    for value in values:
        if kind is int and not (isinstance(value, (int, np.integer)) and not isinstance(value, bool)
                                and value > 0):
            raise checks.invalid(name, "positive integers", values)
        if allowed is not None:
            checks.one_of(name, value, allowed)
    if len(set(values)) != len(values):
        raise checks.invalid(name, "no repeats", values)
    return values


def digits_quality(gan, num_images=1000, seed=0, cache_path=None):
    """The "digits FID" of a GAN's generator against the 5,000 embedded digits (lower is better).

    Uses `keras_gans.metrics.compute_fid` with `feature_extractor="digits"`.
    Only meaningful for generators of 32 px grey digits.

    Args:
        gan: a trained GAN (or generator) of 32x32x1 images.
        num_images: generated images scored.
        seed: seed of the latents.
        cache_path: `.npz` of the real digits' feature statistics, written on the
            first call and read afterwards.

    Returns:
        The FID, a Python float.
    """
    return compute_fid(gan, "mnist5k", num_images=num_images, feature_extractor="digits",
                               real_statistics=cache_path, seed=seed, verbose=0)


def _quality_function(quality, dataset, image_size, output_dir, seed):
    """Resolve the `quality` argument to a function gan -> float (or None) and a column label."""
    if quality is None:
        return None, "quality"
    if callable(quality):
        return quality, getattr(quality, "__name__", "quality")
    if quality != "digits":
        raise ValueError(
            "Invalid value for argument `quality`. Expected 'digits', a function gan -> float, or None. "
            f"Received: quality={quality!r}"
        )
    if dataset != "mnist5k" or image_size != 32:
        raise ValueError(
            "Invalid value for argument `quality`. The 'digits' score needs dataset='mnist5k' at "
            f"image_size=32. Received: dataset={dataset!r}, image_size={image_size}. Pass quality=None "
            "or your own function."
        )
    cache = os.path.join(output_dir, "digits_real_statistics.npz")
    return (lambda gan: digits_quality(gan, seed=seed, cache_path=cache)), "digits FID"


def compare(models=DEFAULT_MODELS, num_images=DEFAULT_NUM_IMAGES, epochs=None, output_dir="comparison",
            dataset="mnist5k", image_size=32, batch_size=None, latent_dim=None, width=None, seed=0,
            quick=False, quality="digits", num_samples=16, mixed_precision=False, verbose=1, overwrite=False,
            data_options=None, seconds_per_run=None, augment=None, ema=None):
    """Train each variant on each subset size and write samples, GIFs, curves and a summary.

    The workshop experiment of the GANs 101 article (its Table 2: DCGAN, LSGAN and
    WGAN on 1,000 / 5,000 / 10,000 CelebA faces), for any of the package's variants.

    Args:
        models: variant names (keys of `keras_gans.models.VARIANTS`), one row each.
        num_images: training-set sizes (deterministic subsets of `dataset`), one column each.
        epochs: epochs of every run (the same for all sizes, as in the article; a
            smaller set therefore gets fewer steps). Default: 10 quick, 20 otherwise.
        output_dir: the folder to write.
        dataset: a name of `keras_gans.data.load` ("mnist5k": the embedded digits),
            or a folder of images.
        image_size: side of the images.
        batch_size, latent_dim, width: training and network settings; the defaults
            are `QUICK_SETTINGS` in quick mode, `FULL_SETTINGS` otherwise.
        seed: one seed for the data subset and order, the initial weights, the
            latent sampler and the fixed sample latents of every run.
        quick: smaller networks and fewer epochs, for a CPU (minutes, not hours).
        quality: "digits" (the digits FID, only for "mnist5k" at 32 px), a function
            `gan -> float` (lower is better, say so in your report), or None.
        num_samples: images per cell of the samples grid (a square number reads best).
        mixed_precision: train under `mixed_float16` (for GPUs).
        verbose: 1 prints a line per run; 2 also shows Keras' progress bars.
        overwrite: empty a non-empty `output_dir` first (otherwise it is refused).
        data_options: more arguments of `keras_gans.data.load` (e.g. `data_dir=`,
            `download=True`, `cache_dir=`).
        seconds_per_run: stop each run after this many seconds of training, if its
            epochs have not ended it first (None: no limit).
        augment: DiffAugment policy of every run, e.g. "diffaugment" (see `keras_gans.GAN`).
        ema: generator moving-average decay of every run, e.g. 0.999; the samples, the
            quality score and each run's `generator.keras` then come from the average.

    Returns:
        A list of dicts, one per run, with the summary table's columns.

    Example:
    >>> rows = compare(["dcgan", "wgan-gp"], [1000], epochs=1, output_dir="/tmp/cmp",
    ...                quick=True)  # doctest: +SKIP
    """
    unconditional = tuple(name for name in gan_models.VARIANTS if name not in gan_models.CONDITIONAL)
    models = _parse_list("models", models, str, allowed=unconditional)
    num_images = _parse_list("num_images", num_images, int)
    settings = dict(QUICK_SETTINGS if quick else FULL_SETTINGS)
    for key, value in (("epochs", epochs), ("batch_size", batch_size), ("latent_dim", latent_dim),
                       ("width", width)):
        if value is not None:
            settings[key] = checks.positive_int(key, value)
    quality_fn, quality_label = _quality_function(quality, dataset, image_size, output_dir, seed)
    config = {"models": models, "num_images": num_images, "dataset": dataset, "image_size": image_size,
              "seed": seed, "quick": quick, "quality": quality_label if quality is not None else None,
              "mixed_precision": mixed_precision, "augment": augment, "ema": ema, **settings}

    previous_policy = keras.mixed_precision.global_policy().name
    if mixed_precision:
        precision.enable_mixed_precision("mixed_float16", verbose=False)
    rows, histories, samples = [], {}, {}
    with runs.locked(output_dir):
        runs.claim_new_folder(output_dir, overwrite)
        files.write_json(os.path.join(output_dir, "config.json"), config)
        try:
            for n in num_images:
                # The same subset, in the same order, for every variant.
                train_data = data.load(dataset, image_size=image_size, batch_size=settings["batch_size"],
                                       num_images=n, seed=seed, **(data_options or {}))
                for name in models:
                    run_dir = os.path.join(output_dir, f"{name}_{n}")
                    run_config = {**config, "model": name, "num_images": n}
                    histories[(name, n)], samples[(name, n)], row, gan = _train_one(
                        name, train_data, run_dir, run_config, num_samples, verbose, seconds_per_run)
                    row["quality"] = quality_fn(gan) if quality_fn else None
                    rows.append(row)
                    if verbose:
                        print(_run_line(row, quality_label))
        finally:
            keras.mixed_precision.set_global_policy(previous_policy)
        plotting.save_png(plotting.samples_table(samples, models, num_images),
                          os.path.join(output_dir, "samples.png"))
        plotting.plot_loss_grid(histories, models, num_images, os.path.join(output_dir, "losses.png"))
        write_summary(rows, output_dir, quality_label, config)
    return rows


def _train_one(name, train_data, run_dir, config, num_samples, verbose, seconds_per_run):
    """One run of the comparison: its per-step history, final samples, summary row and the GAN."""
    seed = config["seed"]
    keras.utils.set_random_seed(seed)  # same initial weights for the same architecture
    gan = gan_models.build_gan(name, config["image_size"], train_data.element_spec.shape[-1],
                               config["latent_dim"], width=config["width"], seed=seed,
                               augment=config["augment"], ema=config["ema"])
    gan.compile()  # each variant's own paper optimizers
    result = runs.train(gan, train_data, run_dir, config["epochs"], config=config, num_samples=num_samples,
                        sample_seed=seed, verbose=2 if verbose >= 2 else 0,
                        callbacks=[callbacks.TimeLimit(seconds_per_run)])
    samples = gan.generate(np.load(os.path.join(run_dir, "latents.npy")))
    row = _summary_row(name, config["num_images"], config["epochs"], result["epoch_history"],
                       result["history"])
    return result["history"], samples, row, gan


def _run_line(row, quality_label):
    quality = "" if row["quality"] is None else f", {quality_label} {row['quality']:.2f}"
    return (f"{row['variant']:8s} {row['num_images']:6d} images: {row['seconds_per_epoch']:.2f} s/epoch, "
            f"d_loss {row['d_loss']:.3f}, g_loss {row['g_loss']:.3f}{quality}")


def _summary_row(name, n, epochs, epoch_history, step_history):
    # The first epoch includes tracing the train step into a graph; the median of
    # the others is the steady speed (with one epoch, the first is all there is).
    seconds = epoch_history["epoch_seconds"]
    steady = seconds[1:] or seconds
    row = {"variant": name, "num_images": n, "epochs": epochs,
           "steps_per_epoch": int(np.sum(np.asarray(step_history["epoch"]) == 1)),
           "seconds_per_epoch": float(np.median(steady)), "first_epoch_seconds": float(seconds[0])}
    for key in SUMMARY_COLUMNS[6:-1]:
        values = epoch_history.get(key)
        row[key] = float(values[-1]) if values else None  # the last epoch's mean
    return row


def _format(value, digits=3):
    if value is None:
        return ""
    if value != 0 and abs(value) < 0.5 * 10 ** -digits:
        # A clipped WGAN critic's outputs are tiny: show 6.3e-05, not 0.000.
        return f"{value:.1e}"
    return f"{value:.{digits}f}"


def write_summary(rows, output_dir, quality_label="quality", config=None):
    """Write `summary.csv` (every column) and `summary.md` (a table to show)."""
    with open(os.path.join(output_dir, "summary.csv"), "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=SUMMARY_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: "" if row.get(key) is None else row[key] for key in SUMMARY_COLUMNS})
    header = ["variant", "images", "epochs", "s / epoch", "d_loss", "g_loss", "real_score", "fake_score",
              quality_label]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        cells = [row["variant"], f"{row['num_images']:,}", str(row["epochs"]),
                 _format(row["seconds_per_epoch"], 2), _format(row["d_loss"]), _format(row["g_loss"]),
                 _format(row["real_score"]), _format(row["fake_score"]), _format(row["quality"], 2)]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [
        "",
        "- s / epoch: median wall-clock seconds of the epochs after the first (the first also traces "
        "the training step into a graph; its time is in summary.csv as first_epoch_seconds).",
        "- d_loss, g_loss and the scores are the last epoch's means. They are each variant's own "
        "losses and do not compare across variants: real_score / fake_score are probabilities for "
        "DCGAN, raw outputs for LSGAN (targets 1 / 0) and SAGAN (hinge margins +1 / -1), and mean "
        "critic scores for WGAN and WGAN-GP (only their difference, wasserstein_estimate in "
        "summary.csv, means something).",
    ]
    if quality_label == "digits FID":
        notes.append("- digits FID: Frechet distance in the features of the package's digits classifier "
                     "between 1,000 generated digits and the 5,000 embedded ones; lower is better; not "
                     "comparable with published FIDs.")
    if config:
        notes.append(f"- settings: {json.dumps(config)}")
    with open(os.path.join(output_dir, "summary.md"), "w") as f:
        f.write("# GAN variants compared\n\n" + "\n".join(lines + notes) + "\n")
