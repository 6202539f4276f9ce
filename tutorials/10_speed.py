"""
Title: Training faster: mixed precision, XLA, tf.data and tf.distribute
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: What each speed-up buys, measured on the machine this runs on.
Accelerator: GPU
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks on a CPU: four settings timed over 30 training steps each
(after 3 warm-up steps); how long the tutorial takes on each kind of CPU is in the
`tutorials` table of [`benchmarks/README.md`](../benchmarks/README.md). **Full**: CelebA
faces at 64x64 with the GANs 101 article's networks, for a GPU: 200 timed steps per
setting, a few minutes on a free Colab T4 with the first-time download of CelebA and
the time to decode its faces (an estimate, not a measurement). The cell below holds
every setting, one line per mode; `LENGTH` multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, timed_steps=30)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, timed_steps=200)

"""
## Where the time goes

A training step of a GAN runs the discriminator three times and the generator
twice, forwards and backwards. Four things decide how many images per second that
gives:

- **the arithmetic format**: 16-bit floats are several times faster than 32-bit ones
  on a GPU's tensor cores (mixed precision);
- **how the step is compiled**: TensorFlow runs `train_step` as a graph; XLA
  (`jit_compile=True`) fuses its many small operations into fewer, larger ones;
- **the input pipeline**: if preparing the next batch takes longer than a step, the
  GPU waits (`tf.data` prefetches batches in parallel to avoid that);
- **how many devices**: `tf.distribute` splits each batch over several GPUs.

Every number here is measured when you run the tutorial, on your machine: unlike the
pictures of the other tutorials, these numbers differ from machine to machine, and
that is the point. Numbers from a laptop CPU and from a GPU differ by a factor of 100
or more; the *ratios* are the lesson. Quick mode measures a few dozen steps of small
networks, so expect some noise (on a shared machine, a lot).
"""

"""
## Setup
"""

import time

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

import keras_gans
from keras_gans import tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("10_speed")
GPU = bool(tf.config.list_physical_devices("GPU"))
STEPS, BATCH_SIZE = settings.timed_steps, settings.batch_size
dataset = tutorial.load_training_data(settings, seed=0).repeat()
print(f"device: {'GPU' if GPU else 'CPU'}; timing {STEPS} steps of batch {BATCH_SIZE} per setting")

"""
## A stopwatch for `fit`

The first steps of a run are slow: TensorFlow traces `train_step` and compiles it
(with XLA, that takes a while). So we time the steps after a few warm-up steps.
"""


class StepTimer(keras.callbacks.Callback):
    def __init__(self, warmup=3):
        super().__init__()
        self.warmup, self.times = warmup, []

    def on_train_batch_end(self, batch, logs=None):
        self.times.append(time.perf_counter())

    def images_per_second(self, batch_size):
        timed = self.times[self.warmup:] if len(self.times) > self.warmup + 1 else self.times
        return batch_size * (len(timed) - 1) / (timed[-1] - timed[0])


def measure(jit_compile=False, policy="float32", strategy=None):
    """Images per second of a DCGAN training run with these settings."""
    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(0)
    with (strategy or tf.distribute.get_strategy()).scope():
        gan = keras_gans.models.build_gan("dcgan", settings.image_size, settings.channels,
                                          settings.latent_dim, width=settings.width, seed=0)
        gan.compile(jit_compile=jit_compile)
    timer = StepTimer()
    gan.fit(dataset, epochs=1, steps_per_epoch=STEPS + timer.warmup, verbose=0, callbacks=[timer])
    keras.mixed_precision.set_global_policy("float32")
    return timer.images_per_second(BATCH_SIZE)


results = {}

"""
## 1. The baseline, and XLA

`compile(jit_compile=False)` runs the graph operation by operation;
`jit_compile=True` hands it to XLA, which fuses operations and plans memory for
the whole step. On a GPU it usually helps. On a CPU it depends on how TensorFlow runs
there: exercise 1 compares a CPU with TensorFlow's oneDNN kernels and the same CPU
without them, where XLA's effect is very different.
"""

results["float32"] = measure(jit_compile=False)
results["float32 + XLA"] = measure(jit_compile=True)
for name, value in results.items():
    print(f"{name:>28}: {value:8.1f} images/s")

"""
## 2. Mixed precision

`keras_gans.enable_mixed_precision()` sets the `mixed_float16` policy on a GPU:
layers compute in float16, weights stay float32, the networks' last layers and all
losses stay float32, and `compile` adds loss scaling. A CPU has no fast float16,
so there we measure `mixed_bfloat16` instead (bfloat16 has float32's range, needs
no loss scaling, and recent server CPUs have instructions for it). Whether it pays
depends on the CPU and on the size of the networks: exercise 2 below found no gain
at these 32-pixel ones, which is worth seeing too.
"""

policy = "mixed_float16" if GPU else "mixed_bfloat16"
results[f"{policy} + XLA"] = measure(jit_compile=True, policy=policy)
print(f"{policy} + XLA: {results[f'{policy} + XLA']:.1f} images/s")

"""
## 3. The input pipeline

Is the data loader fast enough to keep up? Measure it alone: how many images per
second `keras_gans.data` delivers, against a naive pipeline that converts each
image in Python, one at a time, without prefetching.
"""

images, _ = keras_gans.data.mnist_5k_arrays()


def naive_batches():
    size = settings.image_size
    for start in range(0, len(images) - BATCH_SIZE, BATCH_SIZE):
        batch = [tf.image.resize(image, (size, size)).numpy() / 127.5 - 1 for image in images[start:start + BATCH_SIZE]]
        yield np.stack(batch).astype("float32")


def pipeline_speed(batches, count):
    iterator = iter(batches)
    next(iterator)
    start = time.perf_counter()
    for _ in range(count):
        next(iterator)
    return count * BATCH_SIZE / (time.perf_counter() - start)


loader_speed = pipeline_speed(keras_gans.data.load_mnist_5k(settings.image_size, BATCH_SIZE, seed=0).repeat(), 50)
naive_speed = pipeline_speed(naive_batches(), 20)
print(f"keras_gans.data loader: {loader_speed:10.0f} images/s")
print(f"naive Python loop:      {naive_speed:10.0f} images/s")

"""
The package's loader decodes and resizes every image once, keeps them as 8-bit
integers, and only converts, shuffles and batches on the fly, in parallel, with
the next batch prepared while the current step runs. Compare both numbers with
the training speeds above. On a CPU even the naive loop keeps up with training these
small networks; a GPU trains many times faster than a CPU, beyond what the naive loop
delivers, and would spend much of its time waiting for it.

## 4. Several devices: `tf.distribute`

`MirroredStrategy` copies the model to every GPU, gives each a slice of every
batch, and averages the gradients. The package's `train_step` divides each loss by
the number of replicas, so the update is the same as on one device. Build and
compile inside the strategy's scope; `fit` does the rest:

    strategy = tf.distribute.MirroredStrategy()
    with strategy.scope():
        gan = keras_gans.models.build_gan("dcgan", 64, 3)
        gan.compile()
    gan.fit(dataset, epochs=5)        # batches are split across the GPUs

On a machine with one device it runs with one replica; we measure it anyway to
see what the bookkeeping costs: the strategy distributes every batch and gathers
every result, which on a single device is pure overhead. It pays from two devices
on, when each device does half the work.
"""

strategy = tf.distribute.MirroredStrategy()
print("replicas:", strategy.num_replicas_in_sync)
results[f"MirroredStrategy ({strategy.num_replicas_in_sync} replica) + XLA"] = measure(
    jit_compile=True, strategy=strategy)

"""
## The numbers
"""

lines = ["| setting | images / s | vs float32 |", "| --- | --- | --- |"]
for name, value in results.items():
    lines.append(f"| {name} | {value:.1f} | {value / results['float32']:.2f}x |")
lines.append(f"| input pipeline: keras_gans.data | {loader_speed:.0f} | |")
lines.append(f"| input pipeline: naive Python loop | {naive_speed:.0f} | |")
table = "\n".join(lines)
print(table)
with open(f"{OUT}/speeds.md", "w") as file:
    file.write(f"Measured on: {'GPU' if GPU else 'CPU'}, {settings.image_size}x{settings.image_size}x"
               f"{settings.channels}, batch {BATCH_SIZE}, width {settings.width}, {STEPS} steps\n\n")
    file.write(table + "\n")

figure = Figure(figsize=(8, 3.5))
axes = figure.subplots()
names = list(results)
axes.barh(names, [results[name] for name in names], color="tab:blue")
axes.invert_yaxis()
axes.set(xlabel="training images per second (higher is better)",
         title=f"DCGAN training speed on this {'GPU' if GPU else 'CPU'}")
axes.grid(axis="x", alpha=0.3)
tutorial.save_figure(figure, f"{OUT}/speeds.png")

"""
## What you saw

- `speeds.png` and `speeds.md`: the training speed of each setting, on this machine.

What to expect: on a GPU, mixed precision is where the large gains are (its tensor
cores compute in 16 bits); on a CPU, whether XLA and bfloat16 help depends on the CPU
and on the size of the networks, which is why this tutorial measures them where it
runs (the exercises below compare two kinds of CPU).
The input pipeline is rarely the limit with `keras_gans.data`, and often is with
hand-written Python loading. For several GPUs, `MirroredStrategy` scales the batch
with the number of devices; keep the per-device batch the same and scale the
learning rate carefully.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **Without oneDNN.** Run the tutorial with `TF_ENABLE_ONEDNN_OPTS=0` set in the
   environment before Python starts (TensorFlow then runs without its oneDNN kernels,
   as it does on CPUs without AVX-512 VNNI or bfloat16 units, most laptops among them).
   *Predict*: which rows of `speeds.md` change, and how? *Expected*, on an AVX-512 CPU:
   `float32` falls to about half, and XLA turns from no help into a large one (about
   twice `float32`), so `float32 + XLA` ends near where it was with oneDNN. The
   input-pipeline rows do no convolutions and stay far above what training uses.
2. **bfloat16.** *Predict* the `mixed_bfloat16 + XLA` row against `float32 + XLA`,
   with and without oneDNN. *Expected*: no gain at these small 32-pixel networks on
   either path, even on a CPU with bfloat16 instructions: slightly slower with oneDNN,
   clearly slower without it. Converting between float32 and bfloat16 costs about what
   the faster arithmetic saves in networks this small. Measure before you switch.
"""
