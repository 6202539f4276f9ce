"""Train several GAN variants side by side and write one folder a workshop can show.

    from keras_gans.experiments.compare import compare
    compare(models=["dcgan", "lsgan", "wgan", "wgan-gp"], num_images=[1000, 5000], steps=1200,
            output_dir="comparison")

Every run uses the same data (the same subset of the same images, shuffled in the
same order), the same architecture (`keras_gans.models.build_gan`: the DCGAN pair,
with layer norm instead of batch norm in the WGAN-GP critic, or the SAGAN pair),
the same seed for the initial weights, the same fixed latent batch for its samples,
and the same number of training steps. What changes is the loss and its training
procedure, and the number of training images.

Steps, not epochs: with equal epochs, as in the GANs 101 article's table, 1,000 images
get a fifth of the steps 5,000 get, and the picture would show the shorter training,
not the smaller data set. A step is one generator update, with the discriminator or
critic updates its variant makes for it (5 for WGAN and WGAN-GP). Generator steps, not
critic steps, because the generator's updates are what move the samples on the screen:
every row gets the same number of them, and the Wasserstein rows pay for their five
critic updates in time (the ms / step column), not in pictures.

Optimizers: each variant's paper's (`gan.compile()`), except the learning rates that
`keras_gans.presets.COMPARE_LEARNING_RATES` names for a mode (the quick comparison gives
DCGAN, LSGAN, WGAN-GP and SAGAN faster ones; presets.py says why, and
`benchmarks/compare_quick.py` measured it); `summary.md` lists each run's rates.
XLA: `jit_compile="auto"` is decided once, in the open, by `keras_gans.runs.choose_jit_compile`
(on a TensorFlow CPU it times a few steps of the first variant's networks with and without
XLA), and every run trains the same way; the comparison says which and why.
The folder holds:

    samples.png      final samples: one row per variant, one column per subset size
    losses.png       loss curves side by side (rolling means over one epoch of steps)
    summary.md/.csv  ms per step, seconds of training, final losses and scores, a quality score
    config.json      the settings of the comparison (learning rates and XLA included)
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

from keras_gans import callbacks, checks, data, files, plotting, precision, presets, runs
from keras_gans import models as gan_models
from keras_gans.evaluation import compute_fid
from keras_gans.run_folder import claim_new_folder, locked

DEFAULT_MODELS = ("dcgan", "lsgan", "wgan", "wgan-gp")
DEFAULT_NUM_IMAGES = (1000, 5000)

# The frames of each run's GIF: its steps are trained in this many equal parts.
FRAMES = 10
# The last epoch's mean of each of these metrics goes into the summary (empty where a variant has none).
METRIC_COLUMNS = ("d_loss", "g_loss", "real_score", "fake_score", "wasserstein_estimate", "gradient_penalty")
SUMMARY_COLUMNS = ("variant", "num_images", "steps", "seconds_per_step", "first_frame_seconds", "train_seconds",
                   *METRIC_COLUMNS, "quality")


def _parse_list(name, values, kind, allowed=None):
    if isinstance(values, (str, int)):
        values = [values]
    values = list(values)
    if not values:
        raise checks.invalid(name, "at least one value", values)
    for value in values:
        if kind is int and not (checks.is_int(value) and value > 0):
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


def compare(models=DEFAULT_MODELS, num_images=DEFAULT_NUM_IMAGES, steps=None, output_dir="comparison",
            dataset="mnist5k", image_size=32, batch_size=None, latent_dim=None, width=None, seed=0,
            quick=False, quality="digits", num_samples=16, mixed_precision=False, jit_compile="auto", verbose=1,
            overwrite=False, data_options=None, time_limit=None, augment=None, ema=None, learning_rates=None):
    """Train each variant on each subset size for the same number of steps; write samples, GIFs, curves, a summary.

    The workshop experiment of the GANs 101 article (its Table 2: DCGAN, LSGAN and
    WGAN on 1,000 / 5,000 / 10,000 CelebA faces), for any of the package's variants.

    Args:
        models: variant names (keys of `keras_gans.models.VARIANTS`), one row each.
        num_images: training-set sizes (deterministic subsets of `dataset`), one column each.
        steps: generator steps of every run, whatever its number of images (see the
            module's docstring); trained in `FRAMES` equal parts, one GIF frame each.
            Default: the preset's (`keras_gans.presets.COMPARE`).
        output_dir: the folder to write.
        dataset: a name of `keras_gans.data.load` ("mnist5k": the embedded digits),
            or a folder of images.
        image_size: side of the images.
        batch_size, latent_dim, width: training and network settings; the defaults
            are `keras_gans.presets.COMPARE["quick"]` in quick mode, `["full"]` otherwise.
        seed: one seed for the data subset and order, the initial weights, the
            latent sampler and the fixed sample latents of every run.
        quick: smaller networks, for a CPU (minutes, not hours).
        quality: "digits" (the digits FID, only for "mnist5k" at 32 px), a function
            `gan -> float` (lower is better, say so in your report), or None.
        num_samples: images per cell of the samples grid (a square number reads best).
        mixed_precision: train under `mixed_float16` (for GPUs).
        jit_compile: XLA for every run: True, False, or "auto" (`keras_gans.runs.choose_jit_compile`
            decides once, for the first variant's networks: measured on a TensorFlow CPU, Keras' choice
            on a GPU or another backend).
        verbose: 1 prints a line per run; 2 also shows Keras' progress bars.
        overwrite: empty a non-empty `output_dir` first (otherwise it is refused).
        data_options: more arguments of `keras_gans.data.load` (e.g. `data_dir=`,
            `download=True`, `cache_dir=`).
        time_limit: a safety stop, seconds of training per run (None: none); when it
            fires the run says so and its row has fewer steps.
        augment: DiffAugment policy of every run, e.g. "diffaugment" (see `keras_gans.GAN`).
        ema: generator moving-average decay of every run, e.g. 0.999; the samples, the
            quality score and each run's `generator.keras` then come from the average.
        learning_rates: dict variant -> (d_lr, g_lr), the learning rates of its paper's
            optimizers; a variant not named keeps its paper's. Default:
            `keras_gans.presets.COMPARE_LEARNING_RATES` of the mode ("quick" or "full");
            `{}` trains every variant with its paper's optimizers.

    Returns:
        A list of dicts, one per run, with the summary table's columns.

    Example:
    >>> rows = compare(["dcgan", "wgan-gp"], [1000], steps=20, output_dir="/tmp/cmp",
    ...                quick=True)  # doctest: +SKIP
    """
    unconditional = tuple(name for name, variant in gan_models.VARIANTS.items() if not variant.conditional)
    models = _parse_list("models", models, str, allowed=unconditional)
    num_images = _parse_list("num_images", num_images, int)
    mode = "quick" if quick else "full"
    preset = presets.COMPARE[mode]
    given = {"steps": steps, "batch_size": batch_size, "latent_dim": latent_dim, "width": width}
    preset = preset.replace(**{key: checks.positive_int(key, value) for key, value in given.items()
                               if value is not None})
    if preset.steps < FRAMES:
        raise checks.invalid("steps", f"at least {FRAMES} (one per frame of the GIF)", preset.steps)
    rates = _learning_rates(presets.COMPARE_LEARNING_RATES[mode] if learning_rates is None else learning_rates,
                            models)
    quality_fn, quality_label = _quality_function(quality, dataset, image_size, output_dir, seed)
    # The same subset, in the same order, for every variant; repeated in `_train_one`'s fit, so
    # that every run trains `steps` steps whatever the size of its subset.
    subsets = {n: data.load(dataset, image_size=image_size, batch_size=preset.batch_size, num_images=n, seed=seed,
                            **(data_options or {})) for n in num_images}
    if jit_compile == "auto":  # decided once, in the open: every run trains the same way
        measured = runs.RunConfig(model=models[0], dataset=dataset, image_size=image_size, seed=seed,
                                  batch_size=preset.batch_size, latent_dim=preset.latent_dim, width=preset.width)
        jit_compile = runs.choose_jit_compile(measured, subsets[num_images[0]], steps=preset.steps,
                                              log=print if verbose else (lambda _: None))
    config = {"models": models, "num_images": num_images, "dataset": dataset, "image_size": image_size,
              "seed": seed, "quick": quick, "quality": quality_label if quality is not None else None,
              "mixed_precision": mixed_precision, "augment": augment, "ema": ema, "steps": preset.steps,
              "batch_size": preset.batch_size, "latent_dim": preset.latent_dim, "width": preset.width,
              "learning_rates": rates, "jit_compile": jit_compile}

    previous_policy = keras.mixed_precision.global_policy().name
    if mixed_precision:
        precision.enable_mixed_precision("mixed_float16", verbose=False)
    rows, histories, samples = [], {}, {}
    with locked(output_dir):
        claim_new_folder(output_dir, overwrite)
        files.write_json(os.path.join(output_dir, "config.json"), config)
        try:
            for n, train_data in subsets.items():
                for name in models:
                    run_dir = os.path.join(output_dir, f"{name}_{n}")
                    run_config = {**config, "model": name, "num_images": n}
                    histories[(name, n)], samples[(name, n)], row, gan = _train_one(
                        name, train_data, run_dir, run_config, num_samples, verbose, time_limit, jit_compile)
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


def _train_one(name, train_data, run_dir, config, num_samples, verbose, time_limit, jit_compile):
    """One run of the comparison: its per-step history, final samples, summary row and the GAN."""
    seed = config["seed"]
    keras.utils.set_random_seed(seed)  # same initial weights for the same architecture
    gan = gan_models.build_gan(name, config["image_size"], data.image_shape(train_data)[-1],
                               config["latent_dim"], width=config["width"], seed=seed,
                               augment=config["augment"], ema=config["ema"])
    # Each variant's own paper optimizers, at the comparison's learning rates where it names some.
    d_lr, g_lr = config["learning_rates"].get(name, (None, None))
    d_optimizer, g_optimizer = gan_models.default_optimizers(name, d_lr=d_lr, g_lr=g_lr)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=jit_compile)
    limit = callbacks.TimeLimit(time_limit, log=lambda line: print(f"{name}, {config['num_images']} images: {line}"))
    result = runs.train(gan, train_data.repeat(), run_dir, FRAMES, config=config, num_samples=num_samples,
                        steps_per_epoch=config["steps"] // FRAMES, sample_seed=seed,
                        verbose=2 if verbose >= 2 else 0, callbacks=[limit])
    samples = gan.generate(result["sample_latents"])
    row = _summary_row(name, config["num_images"], result["epoch_history"], result["history"])
    return result["history"], samples, row, gan


def _learning_rates(rates, models):
    """Check a {variant: (d_lr, g_lr)} mapping; keep the entries of the compared `models`."""
    for name, pair in rates.items():
        checks.one_of("learning_rates", name, gan_models.VARIANTS)
        if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
            raise checks.invalid("learning_rates", "a (d_lr, g_lr) pair per variant", rates)
        for value in pair:
            checks.positive_number("learning_rates", value)
    return {name: tuple(pair) for name, pair in rates.items() if name in models}


def _optimizers_note(models, rates):
    """One line per variant: its optimizers' learning rates, and where they come from."""
    parts = []
    for name in models:
        d_optimizer, g_optimizer = gan_models.default_optimizers(name, *rates.get(name, (None, None)))
        source = "this comparison's" if name in rates else "its paper's"
        parts.append(f"{name} {type(d_optimizer).__name__} D {float(d_optimizer.learning_rate):g} / "
                     f"G {float(g_optimizer.learning_rate):g} ({source})")
    return "- learning rates: " + "; ".join(parts) + "."


def _run_line(row, quality_label):
    quality = "" if row["quality"] is None else f", {quality_label} {row['quality']:.2f}"
    return (f"{row['variant']:8s} {row['num_images']:6d} images: {row['steps']} steps, "
            f"{1000 * row['seconds_per_step']:.0f} ms/step, d_loss {row['d_loss']:.3f}, "
            f"g_loss {row['g_loss']:.3f}{quality}")


def _summary_row(name, n, epoch_history, step_history):
    # The first frame's steps include tracing the train step into a graph; the median of
    # the other frames is the steady speed (with one frame, the first is all there is).
    seconds = np.asarray(epoch_history["epoch_seconds"])
    steps_per_frame = np.bincount(np.asarray(step_history["epoch"]))[1:]
    per_step = seconds[1:] / steps_per_frame[1:len(seconds)] if len(seconds) > 1 else seconds / steps_per_frame[:1]
    row = {"variant": name, "num_images": n, "steps": int(len(step_history["epoch"])),
           "seconds_per_step": float(np.median(per_step)), "first_frame_seconds": float(seconds[0]),
           "train_seconds": float(seconds.sum())}
    for key in METRIC_COLUMNS:
        values = epoch_history.get(key)
        row[key] = float(values[-1]) if values else None  # the last frame's mean
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
    header = ["variant", "images", "steps", "ms / step", "d_loss", "g_loss", "real_score", "fake_score",
              quality_label]
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    for row in rows:
        cells = [row["variant"], f"{row['num_images']:,}", f"{row['steps']:,}",
                 _format(1000 * row["seconds_per_step"], 0), _format(row["d_loss"]), _format(row["g_loss"]),
                 _format(row["real_score"]), _format(row["fake_score"]), _format(row["quality"], 2)]
        lines.append("| " + " | ".join(cells) + " |")
    notes = [
        "",
        f"- ms / step: the median over the GIF's frames after the first (each run trains its steps in "
        f"{FRAMES} equal parts; the first also traces the training step into a graph, its time is in "
        "summary.csv as first_frame_seconds). A step is one generator update with the variant's "
        "discriminator updates.",
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
    if config and "models" in config:
        notes.append(_optimizers_note(config["models"], config.get("learning_rates", {})))
    if config:
        notes.append(f"- settings: {json.dumps(config)}")
    with open(os.path.join(output_dir, "summary.md"), "w") as f:
        f.write("# GAN variants compared\n\n" + "\n".join(lines + notes) + "\n")
