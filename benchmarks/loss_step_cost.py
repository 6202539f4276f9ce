"""What one training step of each GAN variant costs on this machine: the "cost" column of "which loss when".

    python benchmarks/loss_step_cost.py                       # the tutorials' quick networks (about 2 minutes)
    python benchmarks/loss_step_cost.py --config compare-quick  # `keras-gans compare --quick`'s networks
    python benchmarks/loss_step_cost.py --config celeba64     # full mode's 64 px networks (slow on a CPU)
    TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/loss_step_cost.py   # TensorFlow as on AVX2-only CPUs

Every variant is built by `keras_gans.models.build_gan` (the networks it is meant to
train: the DCGAN pair for DCGAN, LSGAN and WGAN, the same with layer norm in the
critic for WGAN-GP, the SAGAN pair for SAGAN), at the same sizes, compiled with its
own default optimizers, and trained with `fit` on one in-memory batch, so the time
is the model's arithmetic, not the input pipeline. One "step" is one call of the
variant's `train_step`: one generator update and its discriminator updates (5 for
the two Wasserstein variants). After a warm-up (tracing), the script times
`--windows` windows of `--steps` steps and reports the median.

GFLOP per image of one step is counted from the layer shapes, as in
`train_speed.py` (a forward pass F; backward = 2 F; a discriminator update runs G
forward and D forward and backward on two batches; a generator update runs G and D
forward and backward, D's backward for its input only):

    DCGAN, LSGAN, SAGAN   4 F_G + 8 F_D
    WGAN                  5 (F_G + 6 F_D) + 3 F_G + 2 F_D = 8 F_G + 32 F_D
    WGAN-GP               5 (F_G + 12 F_D) + 3 F_G + 2 F_D = 8 F_G + 62 F_D (the penalty's double backward)

Only convolutions are counted (SAGAN's attention products and the spectral-norm power
iterations are not), so SAGAN's count is a lower bound. The table is printed and recorded in
benchmarks/README.md, section "The loss variants' step cost" (one table per command and CPU
kind, with the load average and any instruction-set cap), and the run in benchmarks/LOG.md
(`results.record`).
"""

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402
from train_speed import cpu_caps, forward_flops  # noqa: E402  (forward_flops unwraps SpectralNormalization)

VARIANTS = ("dcgan", "lsgan", "wgan", "wgan-gp", "sagan")
CONFIGS = {
    # name: image size, channels, latent, width, batch (what trains with these networks)
    "tutorial-quick": dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32),  # tutorials' quick
    "compare-quick": dict(image_size=32, channels=1, latent_dim=32, width=16, batch_size=32),  # compare --quick
    "celeba64": dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128),  # full mode
}
UPDATES = {"dcgan": (1, 1), "lsgan": (1, 1), "wgan": (5, 1), "wgan-gp": (5, 1), "sagan": (1, 1)}


def step_flops(variant, gan):
    """GFLOP per image of one `train_step` (see the module docstring)."""
    f_g, f_d = forward_flops(gan.generator), forward_flops(gan.discriminator)
    if variant == "wgan":
        return (8 * f_g + 32 * f_d) / 1e9
    if variant == "wgan-gp":
        return (8 * f_g + 62 * f_d) / 1e9
    return (4 * f_g + 8 * f_d) / 1e9


def time_steps(gan, dataset, steps):
    """Seconds of `steps` train_steps inside one `fit`, from the first step's start to the last one's end."""
    import keras

    clock = {}

    class Clock(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            clock.setdefault("start", time.perf_counter())

        def on_train_batch_end(self, batch, logs=None):
            float(logs["d_loss"])  # waits for the step to finish
            clock["end"] = time.perf_counter()

    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[Clock()])
    return clock["end"] - clock["start"]


def measure(config_name, variants, steps, windows):
    """One row per variant: ms per step, relative to the first variant, GFLOP, images/s."""
    import keras
    import tensorflow as tf

    import keras_gans

    config = CONFIGS[config_name]
    shape = (config["batch_size"], config["image_size"], config["image_size"], config["channels"])
    dataset = tf.data.Dataset.from_tensors(tf.random.uniform(shape, -1.0, 1.0, seed=0)).repeat()
    rows = []
    for variant in variants:
        keras.utils.set_random_seed(0)
        gan = keras_gans.models.build_gan(variant, config["image_size"], config["channels"], config["latent_dim"],
                                          width=config["width"], seed=0)
        gan.compile()  # the variant's own default optimizers
        time_steps(gan, dataset, 3)  # warm-up: tracing the step into a graph
        seconds = statistics.median(time_steps(gan, dataset, steps) / steps for _ in range(windows))
        d_updates, g_updates = UPDATES[variant]
        rows.append({
            "variant": variant,
            "updates per step (D + G)": f"{d_updates} + {g_updates}",
            "ms per step": round(1000 * seconds, 1),
            "vs first": None,
            "GFLOP per image per step": round(step_flops(variant, gan), 3),
            "images/s": round(config["batch_size"] / seconds),
        })
        print(rows[-1], flush=True)
        keras.backend.clear_session()
    for row in rows:
        row["vs first"] = f"{row['ms per step'] / rows[0]['ms per step']:.1f}x"
    return rows


def markdown_table(rows):
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="tutorial-quick")
    parser.add_argument("--models", default=",".join(VARIANTS), help="comma-separated variants (first = 1.0x)")
    parser.add_argument("--steps", type=int, default=20, help="train_steps per timed window")
    parser.add_argument("--windows", type=int, default=3)
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)
    variants = args.models.split(",")
    for variant in variants:
        if variant not in VARIANTS:
            raise SystemExit(f"Invalid value for argument `--models`. Expected names from {', '.join(VARIANTS)}. "
                             f"Received: {variant!r}")
    load_before = os.getloadavg()[0]
    rows = measure(args.config, variants, args.steps, args.windows)

    import keras
    import tensorflow as tf

    config = CONFIGS[args.config]
    machine = (f"{os.cpu_count()} cores, load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
               f"(1 min); TensorFlow {tf.__version__}, Keras {keras.__version__}, float32, no XLA"
               + (f"; {cpu_caps()}" if cpu_caps() else ""))
    settings = ", ".join(f"{key} {value}" for key, value in config.items())
    text = f"{machine}; {settings}; median of {args.windows} windows of {args.steps} steps\n\n{markdown_table(rows)}"
    print("\n" + text)
    if args.results:
        results.record_run(__file__, "loss-step-cost", text, argv, readme=args.results)
    return rows


if __name__ == "__main__":
    main()
