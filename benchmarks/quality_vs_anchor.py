"""Digit quality at equal wall-clock time: the package's default run against the reference PyTorch DCGAN.

    python benchmarks/quality_vs_anchor.py                 # anchor for 150 s, then `keras-gans train`
    # the shipped generator against the anchor trained for 600 s (the anchor always trains)
    python benchmarks/quality_vs_anchor.py --seconds 600 --generator saved_models/dcgan_digits/generator.keras

1. The GANs 101 article's design at 32 px grey (`shared/bench/seed_torch_dcgan_digits.py`, in the
   PyTorch virtual environment) trains on the 5,000 embedded digits for `--seconds`
   and writes 1,000 samples.
2. `keras-gans train` with its defaults trains on the same digits (or `--generator`
   scores a generator that exists already); its wall-clock time is measured.
3. Both sample sets get the package's offline score, the digits FID (features of
   the shipped digits classifier, 1,000 samples against the 5,000 real digits; lower
   is better). Real digits against real digits give the floor.
The two runs take turns, never run at once; grids of both are written to --output for a
person to look at. The table is recorded in benchmarks/README.md, section "Quality at equal
time" (one table per command and CPU kind: `--seconds 600` does not replace the 150 s table),
and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402
from train_speed import BENCH, TORCH_PYTHON, digits_file  # noqa: E402


def digits_fid(extractor, real_features, images):
    from keras_gans import evaluation

    return evaluation.frechet_distance(real_features, extractor.features(images))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=150.0, help="the anchor's training time")
    parser.add_argument("--generator", default=None, help="score this generator instead of training one")
    parser.add_argument("--train-args", default="", help="extra options for `keras-gans train`")
    parser.add_argument("--output", default="/tmp/keras_gans_quality", help="folder for samples and grids")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)

    # 1. The anchor.
    anchor_path = os.path.join(args.output, "anchor_samples.npy")
    digits = digits_file()
    done = subprocess.run([TORCH_PYTHON, os.path.join(BENCH, "seed_torch_dcgan_digits.py"), digits,
                           str(args.seconds), anchor_path], capture_output=True, text=True, check=True)
    print("anchor:", done.stdout.strip().splitlines()[-1], flush=True)

    # 2. The package.
    if args.generator:
        generator_path, ours_seconds = args.generator, None
    else:
        run_dir = os.path.join(args.output, "run")
        command = [sys.executable, "-m", "keras_gans", "train", "--output", run_dir, "--verbose", "0",
                   *args.train_args.split()]
        start = time.perf_counter()
        subprocess.run(command, check=True)
        ours_seconds = time.perf_counter() - start
        generator_path = os.path.join(run_dir, "generator.keras")
        print(f"keras-gans train: {ours_seconds:.0f} s", flush=True)

    import keras

    from keras_gans import evaluation, plotting

    generator = keras.saving.load_model(generator_path)
    latents = keras.random.normal((1000, generator.inputs[0].shape[-1]), seed=123)
    ours = keras.ops.convert_to_numpy(generator.predict(latents, batch_size=250, verbose=0))
    anchor = np.load(anchor_path)

    # 3. The scores.
    extractor = evaluation.get_feature_extractor("digits")
    real = np.load(digits)
    real_features = extractor.features(real)
    rng = np.random.default_rng(0)
    floor = digits_fid(extractor, real_features, real[rng.choice(len(real), 1000, replace=False)])
    ours_fid, anchor_fid = (digits_fid(extractor, real_features, x) for x in (ours, anchor))
    for name, images in (("anchor", anchor), ("keras_gans", ours)):
        plotting.save_png(plotting.image_grid(images[:64], scale=2), os.path.join(args.output, f"{name}.png"))

    who = args.generator or f"`keras-gans train {args.train_args}`".replace(" `", "`")
    line = (f"| {args.seconds:.0f} s anchor | {anchor_fid:.2f} | {who} | "
            f"{'-' if ours_seconds is None else f'{ours_seconds:.0f} s'} | {ours_fid:.2f} | "
            f"{anchor_fid / ours_fid:.2f}x | {floor:.2f} |")
    table = ("| anchor | anchor digits FID | keras_gans | its wall-clock | its digits FID | anchor / ours | "
             "real vs real |\n|" + " --- |" * 7 + "\n" + line)
    print(table)
    if args.results:
        results.record_run(__file__, "quality-vs-anchor", table, argv, readme=args.results)


if __name__ == "__main__":
    main()
