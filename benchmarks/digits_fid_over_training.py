"""The digits FID of the default `keras-gans train` run, after every epoch.

    python benchmarks/digits_fid_over_training.py                 # 20 epochs, as `keras-gans train`
    python benchmarks/digits_fid_over_training.py --epochs 5 --model lsgan

Trains what `keras-gans train` trains by default (DCGAN, the 5,000 embedded
digits at 32 px, batch 64, latent 128, width 64, Adam(2e-4, 0.5), seed 0) with a
`keras_gans.callbacks.FIDCallback` that scores 5,000 generated digits against the
5,000 real ones with the shipped digits classifier after every epoch. Prints a
table (epoch, seconds of training, digits FID, seconds the score took), the digits
FID of real against real (two halves of the data, 2,500 each, the floor of the
score), and writes `digits_fid.png`, `history.csv` and `generator.keras` to
--output.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import keras_gans  # noqa: E402
from keras_gans import callbacks, data, evaluation, plotting  # noqa: E402


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
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--num-images", type=int, default=5000, help="generated (and real) images per score")
    parser.add_argument("--output", default="/tmp/keras_gans_digits_fid")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    os.makedirs(args.output, exist_ok=True)
    keras.utils.set_random_seed(args.seed)
    dataset = data.load("mnist5k", image_size=32, batch_size=64, seed=args.seed)
    gan = keras_gans.models.build_gan(args.model, 32, 1, 128, width=64, seed=args.seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
    timer = EpochTimer()
    fid = callbacks.FIDCallback("mnist5k", every_n_epochs=1, num_images=args.num_images,
                              feature_extractor="digits", name="digits_fid", seed=args.seed)
    history = gan.fit(dataset, epochs=args.epochs, verbose=2, shuffle=False,
                      callbacks=[timer, fid, ScoreTimer(timer),
                                 keras.callbacks.CSVLogger(os.path.join(args.output, "history.csv"))])

    print(f"\n{args.model}, default settings, {args.num_images} generated vs {args.num_images} real digits")
    print("| epoch | training time (s, cumulative) | digits FID | scoring time (s) |")
    print("| --- | --- | --- | --- |")
    total = 0.0
    columns = (history.history[key] for key in ("train_seconds", "digits_fid", "fid_seconds"))
    for epoch, (seconds, score, score_seconds) in enumerate(zip(*columns), 1):
        total += seconds
        print(f"| {epoch} | {total:.0f} | {score:.2f} | {score_seconds:.1f} |")
    print(f"Real vs real (2,500 vs 2,500 digits): digits FID {real_vs_real():.2f}")
    plotting.plot_quality(history, "digits_fid", path=os.path.join(args.output, "digits_fid.png"),
                         label=args.model)
    gan.generator.save(os.path.join(args.output, "generator.keras"))
    print(f"Wrote {args.output}/digits_fid.png, history.csv, generator.keras")


if __name__ == "__main__":
    main()
