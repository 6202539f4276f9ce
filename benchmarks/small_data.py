"""DiffAugment and generator EMA on small data: DCGAN on 1,000 and 5,000 digits at equal steps and seeds.

    python benchmarks/small_data.py                        # 4 runs of 3,000 steps, about 10 min on 2 cores
    python benchmarks/small_data.py --steps 300 --output /tmp/sd --results /tmp/sd/README.md   # a quick look
    python benchmarks/small_data.py --grey-color --steps 1000   # DiffAugment's color on grey digits, 6 runs

Every run is a DCGAN with the default `keras-gans train` networks (32 px grey digits, width 32,
latent 128, batch 32) and DCGAN's own optimizers, Adam(2e-4, beta_1 0.5) (not the default run's
6e-4), seed 0 or --seed for the weights, the data subset and its order, trained for `--steps`
steps, with `ema=0.999`. The moving average never changes training
(it draws no random numbers and feeds nothing back), so each run gives both columns at
exactly the same steps: "EMA off" scores the generator, "EMA on" its average. DiffAugment
("diffaugment": color, translation and cutout; the color of grey digits is brightness and
contrast, and tables before 2026-12-06 ran translation and cutout only, as keras_gans then
did for grey images) changes training, so it has runs of its own. Each generator is scored
on the same 5,000 latents (seed 123):

- digits FID: 5,000 samples against the 5,000 real digits, features of the shipped digits
  classifier (lower is better; real against real is about 0.3 at 1,000 samples);
- confidence: the classifier's mean top probability on those samples, and the share of
  samples it is more than 90% sure of (clean digits of any class score high; blurs low).

Writes a table (printed, and recorded in benchmarks/README.md, section "Small data, DiffAugment
and EMA", one table per command and CPU kind, with the run in benchmarks/LOG.md) and
`samples.png` in --output: rows = the four settings, columns = 1,000 / 5,000 digits, each
cell 16 samples from the same latents. The scores are of a fixed, seeded number of steps, so
they do not depend on the machine's load (the seconds do).

`--grey-color` measures instead what DiffAugment's color does on grey digits: DCGAN, LSGAN
and WGAN-GP (each with its own default optimizers, otherwise the settings above), each
trained on the first `--num-images` digits (1,000 by default in this mode) with
"translation,cutout" (what "diffaugment" was for grey images before) and with
"color,translation,cutout" (what it is now), the same seed and `--steps` generator steps,
the generator (not its average) scored as above; its table is recorded the same way.
"""

import argparse
import math
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import results  # noqa: E402

SETTINGS = {"image_size": 32, "latent_dim": 128, "width": 32, "batch_size": 32, "ema": 0.999, "seed": 0}
ROWS = (("plain", None, "generator"), ("EMA", None, "average"), ("DiffAugment", "diffaugment", "generator"),
        ("DiffAugment + EMA", "diffaugment", "average"))
GREY_VARIANTS = ("dcgan", "lsgan", "wgan-gp")
GREY_POLICIES = ("translation,cutout", "color,translation,cutout")  # "diffaugment" on grey: before, after


def train(num_images, augment, steps, chunk=500, model="dcgan"):
    """One run of `model` on `num_images` digits for `steps` generator steps; returns (gan, seconds)."""
    import keras_gans

    keras.utils.set_random_seed(SETTINGS["seed"])
    dataset = keras_gans.data.load("mnist5k", image_size=SETTINGS["image_size"],
                                   batch_size=SETTINGS["batch_size"], num_images=num_images,
                                   seed=SETTINGS["seed"])
    gan = keras_gans.models.build_gan(model, SETTINGS["image_size"], 1, SETTINGS["latent_dim"],
                                      width=SETTINGS["width"], seed=SETTINGS["seed"], augment=augment,
                                      ema=SETTINGS["ema"])
    gan.compile()
    chunk = math.gcd(chunk, steps)  # epochs of `chunk` steps add up to exactly `steps`
    start = time.perf_counter()
    # shuffle=False: the dataset shuffles itself (and reshuffles on every pass of `repeat`).
    gan.fit(dataset.repeat(), steps_per_epoch=chunk, epochs=steps // chunk, verbose=0, shuffle=False)
    return gan, time.perf_counter() - start


def score(generator, latents, extractor, real_features):
    from keras_gans import evaluation

    images = np.concatenate([keras.ops.convert_to_numpy(generator(latents[i:i + 500], training=False))
                             for i in range(0, len(latents), 500)])
    confidence = evaluation.classifier_confidence(images)
    return {"fid": evaluation.frechet_distance(real_features, extractor.features(images)),
            "mean_confidence": confidence["mean_confidence"],
            "confident_share": confidence["confident_share"],
            "samples": images[:16]}


def markdown(scores, sizes):
    header = "| setting | " + " | ".join(f"{n:,} digits: digits FID / confidence / share > 0.9"
                                         for n in sizes)
    lines = [header + " |", "|" + " --- |" * (len(sizes) + 1)]
    for name, _, _ in ROWS:
        cells = [f"{r['fid']:.2f} / {r['mean_confidence']:.3f} / {r['confident_share']:.0%}"
                 for r in (scores[(name, n)] for n in sizes)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3000, help="training steps of every run (default 3000)")
    parser.add_argument("--num-images", type=int, nargs="+", default=None,
                        help="training digits (default 1000 5000; 1000 with --grey-color)")
    parser.add_argument("--num-samples", type=int, default=5000, help="samples scored per generator")
    parser.add_argument("--output", default="/tmp/keras_gans_small_data", help="folder for samples.png")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    parser.add_argument("--seed", type=int, default=SETTINGS["seed"], help="seed of every run (default 0)")
    parser.add_argument("--grey-color", action="store_true",
                        help="DiffAugment with and without color on grey digits, DCGAN, LSGAN and WGAN-GP")
    args = parser.parse_args(argv)
    SETTINGS["seed"] = args.seed
    args.num_images = args.num_images or ([1000] if args.grey_color else [1000, 5000])
    os.makedirs(args.output, exist_ok=True)

    from keras_gans import data, evaluation, plotting

    extractor = evaluation.get_feature_extractor("digits")
    images, _ = data.mnist_5k_arrays()
    real_features = extractor.features(data.to_float(data.resize_uint8(images, 32)))
    latents = keras.ops.convert_to_numpy(keras.random.normal((args.num_samples, SETTINGS["latent_dim"]),
                                                             seed=123))
    if args.grey_color:
        return grey_color(args, argv, extractor, real_features, latents)
    load_before = os.getloadavg()[0]
    scores, seconds = {}, {}
    for n in args.num_images:
        for augment in (None, "diffaugment"):
            gan, seconds[(n, augment)] = train(n, augment, args.steps)
            for name, row_augment, network in ROWS:
                if row_augment == augment:
                    generator = gan.ema_generator if network == "average" else gan.generator
                    scores[(name, n)] = score(generator, latents, extractor, real_features)
            print(f"{n} digits, augment={augment}: {args.steps} steps in {seconds[(n, augment)]:.0f} s",
                  flush=True)
    table = markdown(scores, args.num_images)
    # Short row labels: the picture's label column fits about 11 capitals.
    short = {"plain": "plain", "EMA": "EMA", "DiffAugment": "DiffAug", "DiffAugment + EMA": "DiffAug+EMA"}
    samples = {(short[name], n): scores[(name, n)]["samples"]
               for name, _, _ in ROWS for n in args.num_images}
    picture = os.path.join(args.output, "samples.png")
    rows = [short[name] for name, _, _ in ROWS]
    plotting.save_png(plotting.samples_table(samples, rows, args.num_images), picture)
    times = ", ".join(f"{n:,} digits {'with' if a else 'without'} DiffAugment {s:.0f} s"
                      for (n, a), s in seconds.items())
    text = (f"{os.cpu_count()} cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after (1 min). "
            f"DCGAN, the default run's networks with DCGAN's own optimizers, {args.steps:,} steps per run, "
            f"seed {SETTINGS['seed']}, EMA decay {SETTINGS['ema']} (the same run gives the plain and the EMA row). "
            f"Scores on {args.num_samples:,} samples (latents of seed 123) against the 5,000 real digits. "
            f"Training times: {times}.\n\n{table}")
    print(text)
    if args.results:
        results.record_run(__file__, "small-data", text, argv, readme=args.results)
    print(f"Samples in {picture}")
    return scores


def grey_color(args, argv, extractor, real_features, latents):
    """`--grey-color`: each variant with each of `GREY_POLICIES`, the same seed and steps; records a table."""
    scores = {}
    for n in args.num_images:
        for model in GREY_VARIANTS:
            for policy in GREY_POLICIES:
                gan, seconds = train(n, policy, args.steps, model=model)
                scores[(model, policy, n)] = score(gan.generator, latents, extractor, real_features)
                print(f"{model}, {n} digits, augment={policy}: digits FID {scores[(model, policy, n)]['fid']:.2f} "
                      f"({args.steps} steps, {seconds:.0f} s)", flush=True)
    header = "| variant | digits | " + " | ".join(f"`{p}`: digits FID / confidence / share > 0.9"
                                                   for p in GREY_POLICIES) + " | FID change |"
    lines = [header, "|" + " --- |" * (3 + len(GREY_POLICIES))]
    for n in args.num_images:
        for model in GREY_VARIANTS:
            cells = [scores[(model, p, n)] for p in GREY_POLICIES]
            text = " | ".join(f"{r['fid']:.2f} / {r['mean_confidence']:.3f} / {r['confident_share']:.0%}"
                              for r in cells)
            lines.append(f"| {model} | {n:,} | {text} | {cells[1]['fid'] - cells[0]['fid']:+.2f} |")
    text = (f"Each variant with its own default optimizers, width {SETTINGS['width']}, latent "
            f"{SETTINGS['latent_dim']}, batch {SETTINGS['batch_size']}, seed {SETTINGS['seed']} (weights, data subset "
            f"and order), {args.steps:,} generator steps; the generator (not its average) scored on "
            f"{args.num_samples:,} samples (latents of seed 123) against the 5,000 real digits. Before: "
            "`translation,cutout` (what \"diffaugment\" was on grey images); after: `color,translation,cutout` (what "
            "it is now: brightness and contrast for grey). FID change = after - before (negative: color helped).\n\n"
            + "\n".join(lines))
    print(text)
    if args.results:
        results.record_run(__file__, "small-data", text, argv, readme=args.results)
    return scores


if __name__ == "__main__":
    main(sys.argv[1:])
