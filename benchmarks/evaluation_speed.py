"""How long one FID evaluation of 10,000 generated images takes on this machine, per feature extractor.

    python benchmarks/evaluation_speed.py --generator /tmp/keras_gans_digits_fid/generator.keras
    python benchmarks/evaluation_speed.py --generator G.keras --inception-images 200 \
        --fid-inception-weights ~/.keras/keras_gans/fid_inception_v3.weights.h5

- digits: a full `compute_fid(generator, "mnist5k", num_images=10_000, feature_extractor="digits")`,
  timed end to end (10,000 generated digits against the 5,000 real ones).
- inception_v3 (random weights: the time does not depend on them) and fid_inception
  (if its converted weights are given): the features of `--inception-images`
  images at 32 px (resized to 299 px) are timed and the time is extrapolated
  linearly to the 15,000 images of the same evaluation (10,000 generated + 5,000
  real), plus the timed Frechet distance of two 2048-d statistics.

Without --generator, an untrained default generator is used (the time is the same).
Wall time and process CPU time (summed over threads) are both reported: on a
shared machine the wall time grows with the other work, the CPU time much less.
The table is recorded in benchmarks/README.md, section "Evaluation" (one table per command
and CPU kind), and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import results  # noqa: E402

from keras_gans import evaluation, generation, networks  # noqa: E402


def generator_of(path):
    if path:
        return generation.load_generator(path)
    return networks.dcgan_generator(32, 1, 128)


def time_extractor(extractor, generator, num_images, batch_size=50):
    latents = np.random.default_rng(0).standard_normal((num_images, generator.inputs[0].shape[-1]))
    images = np.asarray(generator(latents.astype("float32"), training=False))
    extractor.features(images[:batch_size], batch_size)  # warm-up: tracing, first-call allocations
    start, cpu_start = time.perf_counter(), time.process_time()
    extractor.features(images, batch_size)
    return (time.perf_counter() - start) / num_images, (time.process_time() - cpu_start) / num_images


def time_frechet_2048():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(3000, 2048)), rng.normal(size=(3000, 2048)) + 0.1
    stats_a, stats_b = evaluation.feature_statistics(a), evaluation.feature_statistics(b)
    start = time.perf_counter()
    evaluation.frechet_distance_from_statistics(*stats_a, *stats_b)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generator", default=None, help="a saved generator.keras / gan.keras (32 px grey)")
    parser.add_argument("--num-images", type=int, default=10_000)
    parser.add_argument("--inception-images", type=int, default=200)
    parser.add_argument("--fid-inception-weights", default=None)
    parser.add_argument("--skip", nargs="*", default=(), choices=("digits", "inception_v3", "fid_inception"))
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(0)
    generator = generator_of(args.generator)
    total_images = args.num_images + 5000
    rows = []
    if "digits" not in args.skip:
        start, cpu_start = time.perf_counter(), time.process_time()
        score = evaluation.compute_fid(generator, "mnist5k", num_images=args.num_images,
                                    feature_extractor="digits", verbose=0)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        rows.append(("digits", f"{seconds:.1f} (measured)", f"{cpu:.1f}", f"{total_images / seconds:.0f}",
                     f"{score:.2f}"))
    sqrtm_seconds = time_frechet_2048()
    extractors = [] if "inception_v3" in args.skip else [("inception_v3", None)]
    if args.fid_inception_weights and "fid_inception" not in args.skip:
        extractors.append(("fid_inception", args.fid_inception_weights))
    for name, weights in extractors:
        extractor = evaluation.get_feature_extractor(name, weights=weights)
        per_image, cpu_per_image = time_extractor(extractor, generator, args.inception_images)
        seconds = per_image * total_images + sqrtm_seconds
        rows.append((name, f"{seconds:.0f} (extrapolated from {args.inception_images} images)",
                     f"{cpu_per_image * total_images:.0f}", f"{1 / per_image:.1f}", "-"))
    lines = [f"One FID evaluation: {args.num_images} generated + 5000 real images, 32 px digits, "
             f"{os.cpu_count()} cores.", "",
             "| feature extractor | wall seconds | CPU seconds (all threads) | images / s | FID |",
             "| --- | --- | --- | --- | --- |", *("| " + " | ".join(row) + " |" for row in rows), "",
             f"Frechet distance of two 2048-d statistics (matrix square root): {sqrtm_seconds:.1f} s"]
    table = "\n".join(lines)
    print("\n" + table)
    if args.results:
        results.record_run(__file__, "evaluation-speed", table, argv, readme=args.results)
    return rows


if __name__ == "__main__":
    main()
