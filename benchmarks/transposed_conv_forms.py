"""Is the 4x4 stride-2 transposed convolution faster written as ordinary convolutions?

    TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/transposed_conv_forms.py   # as on an AVX2-only CPU

On CPUs where TensorFlow runs without oneDNN, most of a 64 px DCGAN step goes to
Eigen's Conv2DBackpropInput kernel, which computes every `Conv2DTranspose` forward
(and the discriminator's input gradients). The same mathematics can be written with
forward convolutions, the "sub-pixel" view: output pixel (2m + py, 2n + px) only ever
meets kernel taps of one parity, so each of the four output phases is a 2x2
convolution of the input, interleaved afterwards. This script checks that form equals
`keras.layers.Conv2DTranspose(k=4, strides=2, padding="same")` and times one
generator forward and backward (the DCGAN generator at 64 px, batch 128) both ways,
alternating. The table is recorded in benchmarks/README.md, section "Profiling" (one table per
command and CPU kind), and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import os
import sys
import time

import keras
import tensorflow as tf
from keras import layers

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402

# Output row 2m takes input rows m-1 (tap 3) and m (tap 1); row 2m+1 takes m (tap 2) and m+1 (tap 0).
PHASE_TAPS = ([3, 1], [2, 0])


class PhaseConv2DTranspose(layers.Conv2DTranspose):
    """Conv2DTranspose(4, strides=2, padding="same") as four 2x2 convolutions, one per output phase."""

    def call(self, x):
        kernel = tf.transpose(self.kernel, (0, 1, 3, 2))  # (4, 4, in, out), as tf.nn.conv2d takes it
        padded = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]])
        height, width = x.shape[1], x.shape[2]
        rows = []
        for py in range(2):
            phases = [tf.nn.conv2d(padded[:, py:py + height + 1, px:px + width + 1],
                                   tf.gather(tf.gather(kernel, PHASE_TAPS[py], axis=0), PHASE_TAPS[px], axis=1),
                                   1, "VALID") for px in range(2)]
            rows.append(tf.stack(phases, axis=3))  # (B, H, W, px, C)
        y = tf.stack(rows, axis=2)  # (B, H, py, W, px, C)
        return tf.reshape(y, (-1, 2 * height, 2 * width, y.shape[-1]))


def generator(conv_transpose, latent_dim=128, width=64):
    """The DCGAN generator at 64 px with `conv_transpose` for its stride-2 layers."""
    z = keras.Input((latent_dim,))
    x = layers.Reshape((1, 1, latent_dim))(z)
    x = layers.Conv2DTranspose(width * 8, 4, use_bias=False)(x)
    for filters in (width * 4, width * 2, width):
        x = conv_transpose(filters, 4, strides=2, padding="same", use_bias=False)(x)
        x = layers.ReLU()(layers.BatchNormalization()(x))
    return keras.Model(z, conv_transpose(3, 4, strides=2, padding="same", use_bias=False, activation="tanh")(x))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=5, help="timings of each form, alternating")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)
    batch, rounds = args.batch_size, args.rounds
    reference = layers.Conv2DTranspose(5, 4, strides=2, padding="same", use_bias=False)
    phases = PhaseConv2DTranspose(5, 4, strides=2, padding="same", use_bias=False)
    x = tf.random.normal((2, 7, 7, 3))
    reference(x), phases(x)
    phases.kernel.assign(reference.kernel)
    difference = float(tf.reduce_max(tf.abs(reference(x) - phases(x))))
    print(f"largest difference from Conv2DTranspose: {difference:.1e}")

    z = tf.random.normal((batch, 128))
    steps = {}
    for name, layer in (("Conv2DTranspose", layers.Conv2DTranspose), ("four 2x2 convolutions", PhaseConv2DTranspose)):
        model = generator(layer)

        @tf.function
        def step(z, model=model):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(model(z, training=True) ** 2)
            return loss, tape.gradient(loss, model.trainable_variables)

        step(z)  # tracing
        steps[name] = step
    seconds = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter()
            step(z)[0].numpy()
            seconds[name].append(time.perf_counter() - start)
    lines = [f"| form | generator forward + backward, batch {batch}: best of {rounds}, s | median, s |",
             "| --- | --- | --- |"]
    lines += [f"| {name} | {min(times):.2f} | {sorted(times)[len(times) // 2]:.2f} |"
              for name, times in seconds.items()]
    table = "\n".join(lines) + f"\n\nLargest difference between the two forms' outputs: {difference:.1e}."
    print(table)
    if args.results:
        results.record_run(__file__, "transposed-conv-forms", table, argv, readme=args.results)


if __name__ == "__main__":
    main()
