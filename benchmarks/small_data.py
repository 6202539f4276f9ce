"""DiffAugment and generator EMA on small data: DCGAN on 1,000 and 5,000 digits at equal steps and seeds.

    python benchmarks/small_data.py                        # 4 runs of 3,000 steps, about 10 min on 2 cores
    python benchmarks/small_data.py --steps 300 --output /tmp/sd --results /tmp/sd/RESULTS.md   # a quick look

Every run is the default `keras-gans train` DCGAN (32 px grey digits, width 32, latent 128,
batch 32, Adam(2e-4, beta_1 0.5), seed 0 for the weights, the data subset and its order)
trained for `--steps` steps, with `ema=0.999`. The moving average never changes training
(it draws no random numbers and feeds nothing back), so each run gives both columns at
exactly the same steps: "EMA off" scores the generator, "EMA on" its average. DiffAugment
("diffaugment": translation and cutout, no colour for grey digits) changes training, so it
has runs of its own. Each generator is scored on the same 5,000 latents (seed 123):

- digits FID: 5,000 samples against the 5,000 real digits, features of the shipped digits
  classifier (lower is better; real against real is about 0.3 at 1,000 samples);
- confidence: the classifier's mean top probability on those samples, and the share of
  samples it is more than 90% sure of (clean digits of any class score high; blurs low).

Writes a table (stdout, and appended to --results with the command and the CPU kind) and
`samples.png` in --output: rows = the four settings, columns = 1,000 / 5,000 digits, each
cell 16 samples from the same latents.
"""

import argparse
import os
import platform
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = {"image_size": 32, "latent_dim": 128, "width": 32, "batch_size": 32, "ema": 0.999, "seed": 0}
ROWS = (("plain", None, "generator"), ("EMA", None, "average"), ("DiffAugment", "diffaugment", "generator"),
        ("DiffAugment + EMA", "diffaugment", "average"))


def cpu_kind():
    """The CPU's name and whether it has AVX-512 (the project's machines come in two kinds)."""
    name = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            text = f.read()
        name = next(line.split(":", 1)[1].strip() for line in text.splitlines()
                    if line.startswith("model name"))
        avx512 = sum(line.startswith("flags") and "avx512f" in line for line in text.splitlines())
    except (OSError, StopIteration):
        avx512 = 0
    return f"{name}, {os.cpu_count()} cores, " + ("AVX-512" if avx512 else "AVX2 only (no AVX-512)")


def train(num_images, augment, steps, chunk=500):
    """One DCGAN run on `num_images` digits for `steps` steps; returns (gan, seconds)."""
    import keras_gans

    keras.utils.set_random_seed(SETTINGS["seed"])
    dataset = keras_gans.data.load("mnist5k", image_size=SETTINGS["image_size"],
                                   batch_size=SETTINGS["batch_size"], num_images=num_images,
                                   seed=SETTINGS["seed"])
    gan = keras_gans.models.build_gan("dcgan", SETTINGS["image_size"], 1, SETTINGS["latent_dim"],
                                      width=SETTINGS["width"], seed=SETTINGS["seed"], augment=augment,
                                      ema=SETTINGS["ema"])
    gan.compile()
    chunk = min(chunk, steps)
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


def markdown(results, sizes):
    header = "| setting | " + " | ".join(f"{n:,} digits: digits FID / confidence / share > 0.9"
                                         for n in sizes)
    lines = [header + " |", "|" + " --- |" * (len(sizes) + 1)]
    for name, _, _ in ROWS:
        cells = [f"{r['fid']:.2f} / {r['mean_confidence']:.3f} / {r['confident_share']:.0%}"
                 for r in (results[(name, n)] for n in sizes)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=3000, help="training steps of every run (default 3000)")
    parser.add_argument("--num-images", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--num-samples", type=int, default=5000, help="samples scored per generator")
    parser.add_argument("--output", default="/tmp/keras_gans_small_data", help="folder for samples.png")
    parser.add_argument("--results", default=os.path.join(ROOT, "benchmarks", "RESULTS.md"))
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)

    from keras_gans import data, evaluation, plotting

    extractor = evaluation.get_feature_extractor("digits")
    images, _ = data.mnist_5k_arrays()
    real_features = extractor.features(data.to_float(data.resize_uint8(images, 32)).numpy())
    latents = keras.ops.convert_to_numpy(keras.random.normal((args.num_samples, SETTINGS["latent_dim"]),
                                                             seed=123))
    load_before = os.getloadavg()[0]
    results, seconds = {}, {}
    for n in args.num_images:
        for augment in (None, "diffaugment"):
            gan, seconds[(n, augment)] = train(n, augment, args.steps)
            for name, row_augment, network in ROWS:
                if row_augment == augment:
                    generator = gan.ema_generator if network == "average" else gan.generator
                    results[(name, n)] = score(generator, latents, extractor, real_features)
            print(f"{n} digits, augment={augment}: {args.steps} steps in {seconds[(n, augment)]:.0f} s",
                  flush=True)
    table = markdown(results, args.num_images)
    # Short row labels: the picture's label column fits about 11 capitals.
    short = {"plain": "plain", "EMA": "EMA", "DiffAugment": "DiffAug", "DiffAugment + EMA": "DiffAug+EMA"}
    samples = {(short[name], n): results[(name, n)]["samples"]
               for name, _, _ in ROWS for n in args.num_images}
    picture = os.path.join(args.output, "samples.png")
    rows = [short[name] for name, _, _ in ROWS]
    plotting.save_png(plotting.samples_table(samples, rows, args.num_images), picture)
    times = ", ".join(f"{n:,} digits {'with' if a else 'without'} DiffAugment {s:.0f} s"
                      for (n, a), s in seconds.items())
    command = "python benchmarks/small_data.py" + (" " + " ".join(argv) if argv else "")
    section = (f"\n### {time.strftime('%Y-%m-%d %H:%M')} `{command}`\n\n"
               f"{cpu_kind()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
               "(1 min). "
               f"DCGAN, default `keras-gans train` settings, {args.steps:,} steps per run, seed 0, EMA decay "
               f"{SETTINGS['ema']} (the same run gives the plain and the EMA row). Scores on "
               f"{args.num_samples:,} samples "
               f"(latents of seed 123) against the 5,000 real digits. Training times: {times}.\n\n{table}\n")
    print(section)
    with open(args.results, "a") as f:
        f.write(section)
    print(f"Appended to {args.results}; samples in {picture}")
    return results


if __name__ == "__main__":
    main(sys.argv[1:])
