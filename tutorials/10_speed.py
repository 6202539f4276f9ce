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
package and small networks; about half a minute on a 2-core laptop CPU (measured on
an AVX-512 one; an AVX2-only CPU gets fewer steps in the same time). **Full**: CelebA
faces at 64x64 with the GANs 101 article's settings, for a GPU. Every training loop
stops at a time limit, so full mode takes about 5 minutes on a free Colab T4
(3 of training, about 1 to decode 50,000 faces; an estimate, see `keras_gans.tutorial`),
plus a first-time download of CelebA. `TIME_SCALE` multiplies every limit.
"""

MODE = "quick"  # or "full"
TIME_SCALE = 1.0  # e.g. 0.2 for a rehearsal, 3.0 for better pictures
CELEBA = "tfds"  # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip

"""
## Where the time goes

A training step of a GAN runs the discriminator three times and the generator
twice, forwards and backwards. Four things decide how many images per second that
gives:

- **the arithmetic format**: 16-bit floats are 2-8 times faster than 32-bit ones on
  a GPU's tensor cores (mixed precision);
- **how the step is compiled**: TensorFlow runs `train_step` as a graph; XLA
  (`jit_compile=True`) fuses its many small operations into fewer, larger ones;
- **the input pipeline**: if preparing the next batch takes longer than a step, the
  GPU waits (`tf.data` prefetches batches in parallel to avoid that);
- **how many devices**: `tf.distribute` splits each batch over several GPUs.

Every number here is measured when you run the tutorial, on your machine. Numbers
from a laptop CPU and from a GPU differ by a factor of 100 or more; the *ratios*
are the lesson. Quick mode measures a few dozen steps of small networks, so expect
some noise (on a shared machine, a lot).
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

tutorial.configure(MODE, TIME_SCALE, CELEBA)
OUT = tutorial.output_dir("10_speed")
GPU = bool(tf.config.list_physical_devices("GPU"))
STEPS = tutorial.scaled(30, 200, minimum=5)
dataset = tutorial.load_training_data(seed=0).repeat()
print(f"device: {'GPU' if GPU else 'CPU'}; timing {STEPS} steps of batch {tutorial.BATCH_SIZE} per setting")

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
        timed = self.times[self.warmup:]
        return batch_size * (len(timed) - 1) / (timed[-1] - timed[0])


def measure(jit_compile=False, policy="float32", strategy=None):
    """Images per second of a DCGAN training run with these settings."""
    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(0)
    with (strategy or tf.distribute.get_strategy()).scope():
        gan = keras_gans.models.build_gan("dcgan", tutorial.IMAGE_SIZE, tutorial.CHANNELS,
                                          tutorial.LATENT_DIM, width=tutorial.WIDTH, seed=0)
        gan.compile(jit_compile=jit_compile)
    timer = StepTimer()
    gan.fit(dataset, epochs=1, steps_per_epoch=STEPS + timer.warmup, verbose=0, callbacks=[timer])
    keras.mixed_precision.set_global_policy("float32")
    return timer.images_per_second(tutorial.BATCH_SIZE)


results = {}

"""
## 1. The baseline, and XLA

`compile(jit_compile=False)` runs the graph operation by operation;
`jit_compile=True` hands it to XLA, which fuses operations and plans memory for
the whole step. On CPUs and GPUs alike this often gains 20-60% for these networks.
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
no loss scaling, and recent server CPUs have instructions for it; on older CPUs it
is *slower*, which is worth seeing too).
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
    for start in range(0, len(images) - tutorial.BATCH_SIZE, tutorial.BATCH_SIZE):
        batch = [tf.image.resize(image, (tutorial.IMAGE_SIZE, tutorial.IMAGE_SIZE)).numpy() / 127.5 - 1
                 for image in images[start:start + tutorial.BATCH_SIZE]]
        yield np.stack(batch).astype("float32")


def pipeline_speed(batches, count):
    iterator = iter(batches)
    next(iterator)
    start = time.perf_counter()
    for _ in range(count):
        next(iterator)
    return count * tutorial.BATCH_SIZE / (time.perf_counter() - start)


loader_speed = pipeline_speed(keras_gans.data.load_mnist_5k(tutorial.IMAGE_SIZE, tutorial.BATCH_SIZE,
                                                            seed=0).repeat(), 50)
naive_speed = pipeline_speed(naive_batches(), tutorial.scaled(20, minimum=3))
print(f"keras_gans.data loader: {loader_speed:10.0f} images/s")
print(f"naive Python loop:      {naive_speed:10.0f} images/s")

"""
The package's loader decodes and resizes every image once, keeps them as 8-bit
integers, and only converts, shuffles and batches on the fly, in parallel, with
the next batch prepared while the current step runs. Compare both numbers with
the training speeds above. On a laptop CPU even the naive loop may keep up with
training; a GPU trains tens of thousands of images per second, far beyond what
the naive loop delivers, and would spend most of its time waiting.

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
    file.write(f"Measured on: {'GPU' if GPU else 'CPU'}, {tutorial.IMAGE_SIZE}x{tutorial.IMAGE_SIZE}x"
               f"{tutorial.CHANNELS}, batch {tutorial.BATCH_SIZE}, width {tutorial.WIDTH}, {STEPS} steps\n\n")
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

What to expect: on a GPU, mixed precision with XLA is the big win (the project's
benchmarks measured the GANs 101 article's 64x64 DCGAN, built from Keras layers and run on
the JAX backend with a jitted step, at about 18,000 images/s in float32 and 31,000
in mixed_float16 on one H100); on a CPU, XLA
helps and reduced precision helps only where the CPU has bfloat16 instructions.
The input pipeline is rarely the limit with `keras_gans.data`, and often is with
hand-written Python loading. For several GPUs, `MirroredStrategy` scales the batch
with the number of devices; keep the per-device batch the same and scale the
learning rate carefully.
"""
