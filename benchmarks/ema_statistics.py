"""Standing statistics for the generator's moving average: digits FID with and without them.

    python benchmarks/ema_statistics.py                  # seeds 0 and 1, scored after 8, 16 and 32 epochs
    python benchmarks/ema_statistics.py --epochs 1 --seeds 0 --results /tmp/README.md    # a quick look

With `ema=`, the averaged generator's batch-norm layers hold the average of the
generator's moving statistics, which are not the statistics of the averaged weights.
BigGAN (Brock et al. 2019, appendix C) recomputes them with forward passes of the
averaged network ("standing statistics"); keras_gans does so with
`GAN(standing_statistics=True)` (`keras_gans.models.ema.recompute_batch_norm_statistics`).

Each run is the default `keras-gans train` DCGAN (the 5,000 embedded digits at 32 px,
width 32, batch 32, latent 128, Adam(6e-4, beta_1 0.5), 156 steps an epoch) with
`ema=0.999`, trained with `fit` and scored after each of `--epochs` (the default
run is 16 epochs, 2,496 steps; 8 and 32 are the shorter and the longer run: the
learning rate is constant, so the run scored at epoch 8 is the 8-epoch run). Under
about 9,000 steps the warm-up min(0.999, (1 + t) / (10 + t)) sets the decay, so any
decay of 0.999 or more would give the same average. Four networks are scored with
the package's digits FID (`compute_fid(..., "mnist5k", num_images=1000,
feature_extractor="digits", seed=0)`, the same 1,000 latents for each):

- live: the generator being trained, with its own moving statistics;
- live, standing: the same weights, statistics recomputed;
- EMA: the averaged generator with the averaged statistics (`standing_statistics=False`);
- EMA, standing: the averaged generator, statistics recomputed (`standing_statistics=True`).

Scoring does not change training: the run trains with `standing_statistics=False`, the
recompute works on the average between steps, and the average's own statistics are put
back after each score, so every later score starts from the plain average.

The table is recorded in benchmarks/README.md, section "Small data, DiffAugment and EMA" (one
table per command and CPU kind), and the run in benchmarks/LOG.md (`results.record`). The scores
are of a fixed, seeded number of steps, so they do not depend on the machine's load.
"""

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import keras  # noqa: E402
import numpy as np  # noqa: E402
import results  # noqa: E402

SETTINGS = {"image_size": 32, "latent_dim": 128, "width": 32, "batch_size": 32, "learning_rate": 6e-4,
            "beta_1": 0.5, "ema": 0.999}
COLUMNS = ("live", "live, standing", "EMA", "EMA, standing")


def with_standing_statistics(generator):
    """A copy of `generator` whose batch-norm statistics are recomputed as `GAN` does it (same latents)."""
    from keras_gans.models import ema

    copy = keras.models.clone_model(generator)
    copy.set_weights(generator.get_weights())
    ema.recompute_batch_norm_statistics(copy, ema.standing_statistics_inputs(copy, generator.inputs[0].shape[-1]))
    return copy


def score_all(gan, num_samples, real_statistics):
    """The digits FID of the four networks (see the module docstring), as a dict keyed by `COLUMNS`."""
    from keras_gans import evaluation

    def fid(network):
        return evaluation.compute_fid(network, "mnist5k", num_images=num_samples, feature_extractor="digits",
                                      seed=0, real_statistics=real_statistics, verbose=0)

    scores = {"live": fid(gan.generator), "live, standing": fid(with_standing_statistics(gan.generator)),
              "EMA": fid(gan.ema_generator)}
    averaged = gan.ema_generator.get_weights()
    gan.standing_statistics = True
    scores["EMA, standing"] = fid(gan)  # through `sampling_generator()`, which recomputes them
    gan.standing_statistics = False
    gan.ema_generator.set_weights(averaged)  # training goes on from the plain average
    return scores


class ScoreAt(keras.callbacks.Callback):
    """Score the GAN after each epoch of `epochs` (counted from 1)."""

    def __init__(self, epochs, score):
        super().__init__()
        self.epochs, self.score, self.scores = set(epochs), score, {}

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 in self.epochs:
            self.scores[epoch + 1] = self.score(self.model)
            print(f"  epoch {epoch + 1}: " + ", ".join(f"{k} {v:.2f}" for k, v in self.scores[epoch + 1].items()),
                  flush=True)


def run(seed, epochs, num_images, width, num_samples, real_statistics):
    """One seeded run; returns ({epoch: scores}, steps per epoch)."""
    import keras_gans

    keras.utils.set_random_seed(seed)
    dataset = keras_gans.data.load("mnist5k", image_size=SETTINGS["image_size"],
                                   batch_size=SETTINGS["batch_size"], num_images=num_images, seed=seed)
    gan = keras_gans.models.build_gan("dcgan", SETTINGS["image_size"], 1, SETTINGS["latent_dim"], width=width,
                                      seed=seed, ema=SETTINGS["ema"], standing_statistics=False)
    gan.compile(d_optimizer=keras.optimizers.Adam(SETTINGS["learning_rate"], beta_1=SETTINGS["beta_1"]),
                g_optimizer=keras.optimizers.Adam(SETTINGS["learning_rate"], beta_1=SETTINGS["beta_1"]))
    scorer = ScoreAt(epochs, lambda model: score_all(model, num_samples, real_statistics))
    # shuffle=False: the dataset shuffles itself, seeded.
    gan.fit(dataset, epochs=max(epochs), verbose=0, shuffle=False, callbacks=[scorer])
    return scorer.scores, int(dataset.cardinality())


def markdown(scores, steps_per_epoch):
    """One row per (seed, epoch) and a mean row per epoch; lower is better."""
    lines = ["| seed | epochs | steps | " + " | ".join(COLUMNS) + " |", "|" + " --- |" * (3 + len(COLUMNS))]
    seeds = sorted(scores)
    epochs = sorted(scores[seeds[0]])
    for epoch in epochs:
        for seed in seeds:
            cells = " | ".join(f"{scores[seed][epoch][c]:.2f}" for c in COLUMNS)
            lines.append(f"| {seed} | {epoch} | {epoch * steps_per_epoch:,} | {cells} |")
        if len(seeds) > 1:
            cells = " | ".join(f"**{np.mean([scores[s][epoch][c] for s in seeds]):.2f}**" for c in COLUMNS)
            lines.append(f"| mean | {epoch} | {epoch * steps_per_epoch:,} | {cells} |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, nargs="+", default=[8, 16, 32], help="score after these epochs")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    parser.add_argument("--num-images", type=int, default=None, help="train on this many digits (default all)")
    parser.add_argument("--width", type=int, default=SETTINGS["width"])
    parser.add_argument("--num-samples", type=int, default=1000, help="generated (and real) digits per FID")
    parser.add_argument("--output", default="/tmp/keras_gans_ema_statistics", help="for the real statistics")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)
    os.makedirs(args.output, exist_ok=True)
    real_statistics = os.path.join(args.output, f"mnist5k_digits_{args.num_samples}.npz")

    scores = {}
    for seed in args.seeds:
        print(f"seed {seed}", flush=True)
        scores[seed], steps_per_epoch = run(seed, args.epochs, args.num_images, args.width, args.num_samples,
                                            real_statistics)
    settings = dict(SETTINGS, width=args.width)
    table = (f"DCGAN, {settings}, {args.num_images or 5000:,} digits, {steps_per_epoch} steps an epoch. Digits FID "
             f"of {args.num_samples:,} samples (latents of seed 0) against the first {args.num_samples:,} real digits "
             "(lower is better).\n\n" + markdown(scores, steps_per_epoch))
    print(table)
    if args.results:
        results.record_run(__file__, "ema-statistics", table, argv, readme=args.results)
    return scores


if __name__ == "__main__":
    main(sys.argv[1:])
