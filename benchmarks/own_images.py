"""How many pictures and how much time make what kind of result: the table of tutorial 13.

    python benchmarks/own_images.py --seconds 120       # 300 and 3,000 pictures, 32 and 64 px, 2 minutes each
    python benchmarks/own_images.py --seconds 60 --sizes 32 --counts 300   # one short run

The pictures are the procedural landscapes of `datasets/make_landscapes.py` (the
folder tutorial 13 ships is 1,000 of them; larger sets are drawn here with other
seeds). Every run trains tutorial 13's DCGAN (quick mode's networks: width 32,
latent 64, batch 32, discriminator learning rate 1e-4, generator 2e-4) for a fixed
time and reports:

- steps: generator updates in that time;
- pixel FID: the Frechet distance between 1,000 generated pictures and 1,000 held-out
  landscapes (drawn with a seed the training set never saw), both shrunk to 8x8
  colour pixels (192 numbers each): it scores the layout of colours (sky, sun,
  mountains, lake), not details, and compares only within this table;
- copy ratio: for each of 200 generated pictures, the distance to its nearest
  training picture, divided by the same for 200 held-out landscapes (median of the
  ratios). About 1: the generator draws new landscapes; well below 1: it draws
  near-copies of its training pictures (memorisation).

Each run's 36 samples go to `--output`/<count>_<size>px.png. The table is printed and
recorded in benchmarks/README.md, section "Your own images" (one table per command and CPU
kind, with the load average: the steps a run gets in its time depend on it), and the run in
benchmarks/LOG.md (`results.record`).
"""

import argparse
import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "datasets"))
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))

import make_landscapes  # noqa: E402
import results  # noqa: E402


def small(images, size=8):
    """Images in [-1, 1] (N, S, S, 3) shrunk by area averaging to (N, size * size * 3)."""
    n, s = images.shape[0], images.shape[1]
    return images.reshape(n, size, s // size, size, s // size, 3).mean(axis=(2, 4)).reshape(n, -1)


def copy_ratio(generated, training, held_out):
    """Median over generated pictures of (distance to nearest training picture) / (same for held-out ones)."""
    import numpy as np

    def nearest(queries):
        q, t = queries.reshape(len(queries), -1), training.reshape(len(training), -1)
        squared = (q * q).sum(1)[:, None] + (t * t).sum(1)[None, :] - 2 * q @ t.T
        return np.sqrt(np.maximum(squared.min(axis=1), 0))

    return float(np.median(nearest(generated)) / np.median(nearest(held_out)))


def run(count, image_size, seconds, folder, seed=0):
    import keras

    import keras_gans
    from keras_gans import data, evaluation

    archive = os.path.join(folder, f"landscapes_{count}.zip")
    if not os.path.exists(archive):
        make_landscapes.make(archive, count=count, seed=100 + count)
    held_out_archive = os.path.join(folder, "landscapes_held_out.zip")
    if not os.path.exists(held_out_archive):
        make_landscapes.make(held_out_archive, count=1000, seed=99)
    training = data.image_folder_arrays(archive, image_size=image_size, channels=3)
    held_out = data.to_float(data.image_folder_arrays(held_out_archive, image_size=image_size, channels=3))
    dataset = data.batches_from_uint8(training, 32, seed=seed)
    keras.utils.set_random_seed(seed)
    gan = keras_gans.models.build_gan("dcgan", image_size, 3, 64, width=32, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    start = time.perf_counter()
    gan.fit(dataset, epochs=100_000, verbose=0, callbacks=[keras_gans.callbacks.TimeLimit(seconds)])
    elapsed = time.perf_counter() - start
    generated = gan.generate(1000, seed=1)
    pixel_fid = evaluation.frechet_distance(small(generated), small(held_out))
    training_float = data.to_float(training)
    ratio = copy_ratio(generated[:200], training_float, held_out[:200])
    keras_gans.plotting.save_png(keras_gans.plotting.image_grid(generated[:36], nrow=6, scale=2,
                                                                label=f"{count} pictures, {image_size} px, "
                                                                      f"{seconds:g} s"),
                                 os.path.join(folder, f"{count}_{image_size}px.png"))
    row = {"pictures": count, "size": f"{image_size} px", "seconds": round(elapsed),
           "steps": int(gan.g_optimizer.iterations), "epochs": round(int(gan.g_optimizer.iterations) * 32 / count, 1),
           "pixel FID": round(pixel_fid, 1), "copy ratio": round(ratio, 2)}
    print(row, flush=True)
    keras.backend.clear_session()
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", default="300,3000")
    parser.add_argument("--sizes", default="32,64")
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument("--output", default="/tmp/keras_gans_own_images")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    load = os.getloadavg()[0]
    rows = [run(int(count), int(size), args.seconds, args.output)
            for size in args.sizes.split(",") for count in args.counts.split(",")]
    header = list(rows[0])
    table = "\n".join(["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
                      + ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows])
    text = f"{os.cpu_count()} cores, load average {load:.1f} before, {os.getloadavg()[0]:.1f} after (1 min)\n\n{table}"
    print("\n" + text)
    if args.results:
        results.record_run(__file__, "own-images", text, argv, readme=args.results)
    return rows


if __name__ == "__main__":
    main()
