"""Does the input pipeline keep up with training? `fit` fed by `keras_gans.data` vs one in-memory batch.

    python benchmarks/fit_input_speed.py                  # both cases, about 5 minutes on 2 busy cores
    python benchmarks/fit_input_speed.py --case digits    # only the embedded digits

The same compiled model trains on two sources, one `fit` call per epoch, alternating:
the real input pipeline, and a single in-memory batch of the same shape repeated for
the same number of steps (the model's compute alone, as `train_speed.py` measures it).
If the pipeline never starves training, the two steps/s are equal up to noise.

- digits: `load_mnist_5k(32, batch_size=32)` and a DCGAN of width 32, latent 128: the
  default `keras-gans train` run (156 steps per epoch).
- folder: 2,000 CelebA-shaped 178x218 JPEGs written to /tmp by `pipeline_speed.make_folder`,
  `load_image_folder(folder, image_size=64, batch_size=128)` and the GANs 101 article's 64 px DCGAN
  (width 64, latent 128). `load_image_folder` decodes every file when it is called (the
  first epoch's decoding, timed apart); the epochs of `fit` then read the uint8 cache.

Both sources are traced once before timing (2 steps each), so no epoch pays for tracing.
Each epoch is timed inside `fit`, from its first step's start to its last step's end.
The tables are recorded in benchmarks/README.md, section "Input pipeline" (one table per command
and CPU kind), and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402  (the benchmarks folder is on the path now)
from train_speed import keras_window, markdown_table  # noqa: E402

CASES = {
    # name: image size, channels, batch, width (latent 128 for both)
    "digits": dict(image_size=32, channels=1, batch_size=32, width=32),
    "folder": dict(image_size=64, channels=3, batch_size=128, width=64),
}


def load(case, folder, num_images):
    from keras_gans import data

    spec = CASES[case]
    if case == "digits":
        return data.load_mnist_5k(spec["image_size"], batch_size=spec["batch_size"], seed=0)
    from pipeline_speed import make_folder

    make_folder(folder, num_images)
    return data.load_image_folder(folder, image_size=spec["image_size"], batch_size=spec["batch_size"],
                                  num_images=num_images, seed=0)


def timed_fit(gan, dataset, steps):
    """Seconds of one `fit` epoch of `steps` steps, timed inside `fit` (first step's start to
    last step's end: `train_speed.keras_window`), so the start/end stall of some `fit`
    calls on this machine (benchmarks/LOG.md, 2026-11-23) is left out and only training and input remain."""
    return keras_window(gan, dataset, steps)


def run_case(case, folder, num_images, epochs):
    import keras
    import tensorflow as tf

    import keras_gans

    spec = CASES[case]
    start = time.perf_counter()
    dataset = load(case, folder, num_images)
    load_seconds = time.perf_counter() - start
    shape = (spec["batch_size"], spec["image_size"], spec["image_size"], spec["channels"])
    memory = tf.data.Dataset.from_tensors(tf.random.uniform(shape, -1.0, 1.0, seed=0)).repeat()

    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan("dcgan", spec["image_size"], spec["channels"], 128,
                                      width=spec["width"], seed=0)
    gan.compile()
    gan.fit(memory, epochs=1, steps_per_epoch=2, verbose=0)  # tracing, on both sources
    gan.fit(dataset.take(2), epochs=1, verbose=0)

    steps = int(dataset.cardinality())  # batches per epoch (the last incomplete one is dropped)
    rows = []
    for epoch in range(1, epochs + 1):
        data_seconds = timed_fit(gan, dataset, steps)
        memory_seconds = timed_fit(gan, memory, steps)
        rows.append({"case": case, "epoch": epoch, "steps": steps,
                     "keras_gans.data steps/s": round(steps / data_seconds, 2),
                     "in-memory batch steps/s": round(steps / memory_seconds, 2),
                     "data / memory": round(memory_seconds / data_seconds, 3)})
        print(rows[-1], flush=True)
    later = statistics.median(row["data / memory"] for row in rows[1:] or rows)
    summary = {"case": case, "load call s": round(load_seconds, 1),
               "first epoch data / memory": rows[0]["data / memory"],
               "later epochs data / memory (median)": round(later, 3)}
    print(summary, flush=True)
    keras.backend.clear_session()
    return rows, summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--case", choices=("digits", "folder", "both"), default="both")
    parser.add_argument("--folder", default="/tmp/keras_gans_fit_input/img_align_celeba")
    parser.add_argument("--num-images", type=int, default=2000, help="JPEGs in the folder case")
    parser.add_argument("--epochs", type=int, default=3, help="epochs of each case (first reported apart)")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()[0]
    cases = ["digits", "folder"] if args.case == "both" else [args.case]
    rows, summaries = [], []
    for case in cases:
        case_rows, summary = run_case(case, args.folder, args.num_images, args.epochs)
        rows += case_rows
        summaries.append(summary)
    text = (f"{os.cpu_count()} cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
            f"(1 min)\n\n{markdown_table(rows)}\n\n{markdown_table(summaries)}")
    print(text)
    if args.results:
        results.record_run(__file__, "fit-input-speed", text, argv, readme=args.results)
    return rows, summaries


if __name__ == "__main__":
    main()
