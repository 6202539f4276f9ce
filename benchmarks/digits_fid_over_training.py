"""The digits FID of the default `keras-gans train` run, after every epoch.

    python benchmarks/digits_fid_over_training.py                 # the default run's 16 epochs
    python benchmarks/digits_fid_over_training.py --epochs 5 --model lsgan

Trains what `keras-gans train --model MODEL` trains at 32 px (`keras_gans.presets.train_preset`:
for DCGAN the default run, `presets.DEFAULT_RUN`: the 5,000 embedded digits, batch 32, latent 128,
width 32, Adam(6e-4, beta_1 0.5) for both networks, 16 epochs; seed 0), with a
`keras_gans.callbacks.FIDCallback` that scores 5,000 generated digits against the
5,000 real ones with the shipped digits classifier after every epoch. The table (epoch,
seconds of training, digits FID, seconds the score took) and the digits FID of real against
real (two halves of the data, 2,500 each, the floor of the score) are printed and recorded in
benchmarks/README.md, section "The default run's settings" (`results.record`; the seconds
depend on the machine and its load, the scores do not); `digits_fid.png`, `history.csv` and
`generator.keras` go to --output.
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

import keras_gans  # noqa: E402
from keras_gans import callbacks, data, evaluation, plotting, presets  # noqa: E402


class EpochTimer(keras.callbacks.Callback):
    """Seconds of training per epoch (measured before the FID callback runs)."""

    def on_epoch_begin(self, epoch, logs=None):
        self.start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        logs["train_seconds"] = time.perf_counter() - self.start


class ScoreTimer(keras.callbacks.Callback):
    """Seconds the FID callback (placed just before this one) took."""

    def __init__(self, timer):
        super().__init__()
        self.timer = timer

    def on_epoch_end(self, epoch, logs=None):
        logs["fid_seconds"] = time.perf_counter() - self.timer.start - logs["train_seconds"]


def real_vs_real():
    """Digits FID between two random halves of the real digits (2,500 against 2,500)."""
    images, _ = data.mnist_5k_arrays()
    images = data.to_float(data.resize_uint8(images, 32))
    order = np.random.default_rng(0).permutation(len(images))
    extractor = evaluation.get_feature_extractor("digits")
    return evaluation.frechet_distance(extractor.features(images[order[:2500]]),
                                    extractor.features(images[order[2500:]]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="dcgan")
    parser.add_argument("--epochs", type=int, default=None, help="default: what `keras-gans train` trains")
    parser.add_argument("--num-images", type=int, default=5000, help="generated (and real) images per score")
    parser.add_argument("--output", default="/tmp/keras_gans_digits_fid")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)

    preset = presets.train_preset(args.model, 32)
    os.makedirs(args.output, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    dataset = data.load("mnist5k", image_size=32, batch_size=preset.batch_size, seed=args.seed)
    gan = keras_gans.models.build_gan(args.model, 32, 1, preset.latent_dim, width=preset.width, seed=args.seed)
    d_optimizer, g_optimizer = keras_gans.models.default_optimizers(args.model, preset.d_lr, preset.g_lr)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer)
    timer = EpochTimer()
    fid = callbacks.FIDCallback("mnist5k", every_n_epochs=1, num_images=args.num_images,
                              feature_extractor="digits", name="digits_fid", seed=args.seed)
    history = gan.fit(dataset, epochs=args.epochs or preset.epochs, verbose=2, shuffle=False,
                      callbacks=[timer, fid, ScoreTimer(timer),
                                 keras.callbacks.CSVLogger(os.path.join(args.output, "history.csv"))])

    rates = f"D/G learning rates {preset.d_lr:g}/{preset.g_lr:g}" if preset.d_lr else "its own optimizers"
    lines = [f"{args.model} as `keras-gans train` trains it at 32 px: width {preset.width}, batch {preset.batch_size}, "
             f"latent {preset.latent_dim}, {rates}, seed {args.seed}. Digits FID of {args.num_images} generated "
             f"against {args.num_images} real digits (lower is better).", "",
             "| epoch | training time (s, cumulative) | digits FID | scoring time (s) |", "| --- | --- | --- | --- |"]
    total = 0.0
    columns = (history.history[key] for key in ("train_seconds", "digits_fid", "fid_seconds"))
    for epoch, (seconds, score, score_seconds) in enumerate(zip(*columns), 1):
        total += seconds
        lines.append(f"| {epoch} | {total:.0f} | {score:.2f} | {score_seconds:.1f} |")
    lines += ["", f"Real vs real (2,500 vs 2,500 digits): digits FID {real_vs_real():.2f}"]
    table = "\n".join(lines)
    print("\n" + table)
    if args.results:
        results.record_run(__file__, "digits-fid-over-training", table, argv, readme=args.results)
    plotting.plot_quality(history, "digits_fid", path=os.path.join(args.output, "digits_fid.png"),
                         label=args.model)
    gan.generator.save(os.path.join(args.output, "generator.keras"))
    print(f"Wrote {args.output}/digits_fid.png, history.csv, generator.keras")


if __name__ == "__main__":
    main()
