"""Which settings make the best digits from a fixed number of training images: the default run's choice.

    python benchmarks/default_run_settings.py --images 65000              # every setting, one seed
    python benchmarks/default_run_settings.py --images 65000 --settings base ema

The default `keras-gans train` must end in about 3 minutes on any 2-core machine, so the
question is which settings reach a given digits FID with the fewest training images.
`base` is DCGAN's own Adam(2e-4); `lr6` is what `keras-gans train` uses
(`keras_gans.presets.DEFAULT_RUN`: 6e-4 for both networks, 16 epochs).

Each setting trains a DCGAN on the 5,000 embedded digits, the same seed, until it
has seen `--images` images, and scores its generator every `--every` images with the
digits FID (1,000 samples against the 5,000 real digits, the package's offline
score): with EMA the averaged generator is scored. Steps are counted in images, so
different batch sizes compare at equal work. The scores are of a fixed, seeded number of
steps, so they do not depend on the machine's load.

The table is recorded in benchmarks/README.md, section "The default run's settings" (one table
per command and CPU kind), and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402

# name: batch size, generator and discriminator learning rates, Adam beta_1, EMA decay (None: off), width
SETTINGS = {
    "base": (32, 2e-4, 2e-4, 0.5, None, 32),  # DCGAN's own optimizers
    "ema": (32, 2e-4, 2e-4, 0.5, 0.999, 32),
    "ema_fast": (32, 4e-4, 4e-4, 0.5, 0.999, 32),
    "batch64": (64, 2e-4, 2e-4, 0.5, None, 32),
    "batch64_ema": (64, 4e-4, 4e-4, 0.5, 0.999, 32),
    "ema_d_slow": (32, 2e-4, 1e-4, 0.5, 0.999, 32),
    "lr4": (32, 4e-4, 4e-4, 0.5, None, 32),
    "d_fast": (32, 2e-4, 4e-4, 0.5, None, 32),
    "batch16": (16, 2e-4, 2e-4, 0.5, None, 32),
    "lr6": (32, 6e-4, 6e-4, 0.5, None, 32),  # the default run's (presets.DEFAULT_RUN)
    "lr4_batch16": (16, 4e-4, 4e-4, 0.5, None, 32),
}


class EMA:
    """An exponential moving average of the generator's weights: ema = d * ema + (1 - d) * w, after each step."""

    def __init__(self, generator, decay):
        self.generator, self.decay = generator, decay
        self.weights = [np.array(w) for w in generator.get_weights()]

    def update(self):
        for average, weight in zip(self.weights, self.generator.get_weights()):
            average *= self.decay
            average += (1 - self.decay) * weight

    def swapped_in(self):
        """A copy of the generator carrying the averaged weights."""
        import keras

        copy = keras.models.clone_model(self.generator)
        copy.set_weights(self.weights)
        return copy


def run(name, images, every, seed, extractor, real_features):
    import keras

    from keras_gans import data, evaluation, models

    batch, g_lr, d_lr, beta_1, decay, width = SETTINGS[name]
    keras.utils.set_random_seed(seed)
    gan = models.build_gan("dcgan", 32, 1, 128, width=width, seed=seed)
    gan.compile(d_optimizer=keras.optimizers.Adam(d_lr, beta_1=beta_1),
                g_optimizer=keras.optimizers.Adam(g_lr, beta_1=beta_1))
    dataset = data.load_mnist_5k(32, batch, seed=seed).repeat()
    ema = EMA(gan.generator, decay) if decay else None

    class Average(keras.callbacks.Callback):
        def on_train_batch_end(self, batch_index, logs=None):
            if ema:
                ema.update()

    latents = np.random.default_rng(123).standard_normal((1000, 128)).astype("float32")
    scores, seen, start = [], 0, time.perf_counter()
    while seen < images:
        steps = max(1, min(every, images - seen) // batch)
        gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[Average()])
        seen += steps * batch
        generator = ema.swapped_in() if ema else gan.generator
        samples = keras.ops.convert_to_numpy(generator(latents, training=False))
        scores.append((seen, evaluation.frechet_distance(real_features, extractor.features(samples))))
        print(f"{name:12s} {seen:7d} images: digits FID {scores[-1][1]:6.2f} "
              f"({time.perf_counter() - start:.0f} s)", flush=True)
    return scores


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=65_000, help="training images per setting")
    parser.add_argument("--every", type=int, default=16_000, help="score every this many images")
    parser.add_argument("--settings", nargs="+", default=list(SETTINGS), choices=list(SETTINGS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)

    from keras_gans import data, evaluation

    extractor = evaluation.get_feature_extractor("digits")
    images, _ = data.mnist_5k_arrays()
    real_features = extractor.features(data.to_float(data.resize_uint8(images, 32)))
    table = {name: run(name, args.images, args.every, args.seed, extractor, real_features)
             for name in args.settings}
    seen = [count for count, _ in next(iter(table.values()))]
    lines = ["| setting (batch, G lr, D lr, beta_1, EMA, width) | " + " | ".join(f"{n:,} images" for n in seen)
             + " |", "|" + " --- |" * (len(seen) + 1)]
    for name, scores in table.items():
        lines.append(f"| {name} {SETTINGS[name]} | " + " | ".join(f"{fid:.2f}" for _, fid in scores) + " |")
    text = "\n".join(lines)
    print(text)
    if args.results:
        heading = f"Digits FID (1,000 samples, lower is better) after each number of training images, seed {args.seed}."
        results.record_run(__file__, "default-run-settings", f"{heading}\n\n{text}", argv, readme=args.results)


if __name__ == "__main__":
    main()
