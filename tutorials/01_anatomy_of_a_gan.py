"""
Title: The anatomy of a GAN
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Generator, discriminator, the two losses and one training step by hand; then `fit`.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks, on a CPU: 200 hand-written training steps, then 1,000
steps of `fit`. How long that takes on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: CelebA faces at 64x64 with
the settings of the GANs 101 article, for a GPU: 300 + 3,000 steps, roughly 2
to 4 minutes of training on a free Colab T4 (an estimate from the arithmetic of a step,
about 2.5 GFLOP per image, at a sustained 4 to 10 TFLOP/s; not a measurement), plus a
first-time download of CelebA and the time to decode its faces.

"The GANs 101 article", which these tutorials follow and often cite, is Mayank Soni,
Quek Zhi Qiang, Soh Zhan Hong and Teng Kok Wai, *GAN 101 and its Applications*, a group
project of AI Singapore's AI Apprenticeship Programme (batch 12), published with its
PyTorch code at <https://github.com/mayank-soni/GAN>. It trains DCGAN, LSGAN and WGAN on
CelebA faces at 64x64 and tries a discriminator built on VGG16; the package rebuilds its
networks and experiments in Keras.

The cell below holds every setting this tutorial uses, one line per mode. `LENGTH`
multiplies every number of steps (0.1 for a rehearsal, 3 for better pictures); each
run is seeded, so the same settings draw the same pictures on any machine (up to small
floating-point differences between kinds of CPU, which can change a detail, not the story).
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             hand_steps=200, steps=1000, time_limit=600)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            hand_steps=300, steps=3000, time_limit=3600)

"""
## What a GAN is

A Generative Adversarial Network is two neural networks that learn by playing a game.

- The **generator** takes a vector of random numbers (the *latent* vector `z`) and
  turns it into an image. At first its images are noise.
- The **discriminator** looks at an image and outputs a score: high means "I think
  this is a real photo from the dataset", low means "I think the generator made it".

The discriminator is trained to tell real from generated images. The generator is
trained to fool the discriminator. Each one's progress makes the other's task
harder, and if the balance holds, the generator ends up drawing images that look
like the training data, although it never sees a real image itself: everything it
learns comes through the discriminator's gradient.

This tutorial builds each piece by hand so that nothing is hidden, then shows that
`keras_gans.DCGAN` runs exactly the same step inside `model.fit()`.
"""

"""
## Setup

Every tutorial starts the same way: `keras_gans.tutorial.configure` picks the line
of the mode from the first cell, multiplies its numbers of steps by `LENGTH`, and
prints the settings in force; the code below reads them as `settings.width`,
`settings.steps` and so on. One seed, set here, makes the weights, the data order and
the random latents the same on every run. Pictures go to `outputs/01_anatomy_of_a_gan/`
in the current folder.
"""

import time

import keras
import numpy as np
import tensorflow as tf

import keras_gans
from keras_gans import losses, tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("01_anatomy_of_a_gan")
keras.utils.set_random_seed(0)

"""
## The data

A GAN learns from examples only: no labels. Each image is scaled to the range
[-1, 1] (black is -1, white is +1), which is also the range the generator's last
layer (`tanh`) produces. Here are 64 of the training images.
"""

dataset = tutorial.load_training_data(settings, seed=0)
real_batch = next(iter(dataset))
print("one batch:", real_batch.shape, real_batch.dtype,
      "values from", float(tf.reduce_min(real_batch)), "to", float(tf.reduce_max(real_batch)))
tutorial.save_grid(real_batch[:64], f"{OUT}/real_images.png")

"""
## The generator: random numbers in, an image out

The DCGAN generator (Radford et al. 2016) starts from a latent vector of
`settings.latent_dim` numbers (64 in quick mode, 128 in full mode) and grows it into an
image with *transposed convolutions*: each one doubles the height and width and
halves the number of channels, like a classifier run backwards. It is an ordinary Keras model.
"""

LATENT_DIM = settings.latent_dim
generator = keras_gans.networks.dcgan_generator(settings.image_size, settings.channels, LATENT_DIM,
                                                width=settings.width)
generator.summary()

"""
Before any training its weights are random, so its images are grey noise. This
picture is the "before" of the story; keep it in mind.
"""

fixed_latents = keras.random.normal((64, LATENT_DIM), seed=1)
tutorial.save_grid(generator(fixed_latents), f"{OUT}/untrained_generator.png")

"""
## The discriminator: an image in, one number out

The discriminator is the mirror image: strided convolutions shrink the image down
to a single number per image. That number is a **logit**, a raw score on any
scale: positive leans "real", negative leans "fake". The sigmoid function turns it
into a probability, `sigmoid(logit) = 1 / (1 + exp(-logit))`.
"""

discriminator = keras_gans.networks.dcgan_discriminator(settings.image_size, settings.channels,
                                                        width=settings.width)
real_logits = discriminator(real_batch)
fake_logits = discriminator(generator(fixed_latents[:settings.batch_size]))
print("logits of 4 real images:     ", np.round(keras.ops.convert_to_numpy(real_logits[:4, 0]), 3))
print("P(real) of 4 generated images:",
      np.round(keras.ops.convert_to_numpy(keras.ops.sigmoid(fake_logits[:4, 0])), 3))

"""
Untrained, it says about 0.5 to everything: it knows nothing yet.

## The two losses, by hand

The discriminator is a binary classifier (real = 1, fake = 0), so it is trained
with **binary cross-entropy**: the loss is `-log(p)` for a real image it gives
probability `p`, and `-log(1 - p)` for a generated one. Saying 0.5 costs
`log 2 = 0.693` on each side.

The generator wants the opposite: its images should be called real, so its loss is
`-log(p)` on its own images (the "non-saturating" loss of Goodfellow et al. 2014).

`keras_gans.losses` holds these formulas as plain functions. Let us check them
against the formulas written with NumPy.
"""

r = keras.ops.convert_to_numpy(real_logits)
f = keras.ops.convert_to_numpy(fake_logits)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


by_hand_d = np.mean(-np.log(sigmoid(r))) + np.mean(-np.log(1 - sigmoid(f)))
by_hand_g = np.mean(-np.log(sigmoid(f)))
library_d = float(losses.bce_discriminator_loss(r, f))
library_g = float(losses.bce_generator_loss(f))
print(f"discriminator loss: by hand {by_hand_d:.5f}   keras_gans {library_d:.5f}")
print(f"generator loss:     by hand {by_hand_g:.5f}   keras_gans {library_g:.5f}")

"""
The library computes the same numbers in a form that does not overflow when a logit
is large (it never takes the log of a probability that rounded to 0).

## One training step, written out

A training step has two halves.

1. **Discriminator step.** Make a batch of fake images. Score the real and the fake
   batch, compute the discriminator loss, and move *only the discriminator's*
   weights down its gradient.
2. **Generator step.** Make a fresh batch of fake images, score them, compute the
   generator loss, and move *only the generator's* weights. The gradient flows
   backwards *through* the discriminator into the generator: this is how the
   generator learns what "looks real" means.

`tf.GradientTape` records the computation so that `tape.gradient` can
differentiate it. Both optimizers are Adam with `beta_1=0.5`, the DCGAN paper's
choice (the usual 0.9 makes GANs oscillate). The paper's learning rate is 2e-4 for
both, full mode's; quick mode gives the discriminator half of it, `settings.d_lr`
= 1e-4, because with small networks an equally fast discriminator wins the first
hundred or so steps of a short run (tutorial 2's first exercise measures it).
"""

d_optimizer = keras.optimizers.Adam(settings.d_lr, beta_1=0.5)
g_optimizer = keras.optimizers.Adam(settings.g_lr, beta_1=0.5)


@tf.function  # compile the step into a graph: the same maths, several times faster
def train_step(real_images):
    batch_size = tf.shape(real_images)[0]

    # 1. Discriminator step.
    latents = tf.random.normal((batch_size, LATENT_DIM))
    fake_images = generator(latents, training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator(real_images, training=True)
        fake_logits = discriminator(fake_images, training=True)
        d_loss = losses.bce_discriminator_loss(real_logits, fake_logits)
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    d_optimizer.apply(gradients, discriminator.trainable_variables)

    # 2. Generator step.
    latents = tf.random.normal((batch_size, LATENT_DIM))
    with tf.GradientTape() as tape:
        fake_logits = discriminator(generator(latents, training=True), training=True)
        g_loss = losses.bce_generator_loss(fake_logits)
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    g_optimizer.apply(gradients, generator.trainable_variables)
    return d_loss, g_loss


"""
Now the training loop itself: one step per batch, for `settings.hand_steps` steps
(200 in quick mode), going over the dataset again when it runs out (`repeat`). The
losses printed show the two networks starting to push against each other.
"""

start = time.perf_counter()
for step, real_images in enumerate(dataset.repeat().take(settings.hand_steps), start=1):
    d_loss, g_loss = train_step(real_images)
    if step % 50 == 0:
        print(f"step {step:4d}   d_loss {float(d_loss):.3f}   g_loss {float(g_loss):.3f}")
print(f"{settings.hand_steps} hand-written steps in {time.perf_counter() - start:.0f} s")

"""
Let us look at the generator now. One detail: batch normalization layers keep
running averages of their statistics for inference (`training=False`), and those
averages need a few hundred steps to catch up with the training statistics. After
so few steps we therefore look with `training=True`, the way the generator ran
during training.
"""

tutorial.save_grid(generator(fixed_latents, training=True), f"{OUT}/after_hand_written_steps.png")

"""
The generated images are no longer the even noise of the start: a grey background
with bright blobs and the first rough strokes in the middle, because a bright middle on
a darker ground is the first thing the discriminator learned about real images. Clean
shapes come later.

## The same thing with `DCGAN.fit`

`keras_gans.DCGAN` is a `keras.Model` whose `train_step` is the function above
(open `keras_gans/models/dcgan.py`: it reads the same, step 1 then step 2; the
plumbing every variant shares, such as drawing latents, is in `keras_gans/models/base.py`).
Because it is a Keras model you get everything Keras offers for free: `fit`, the
progress bar, callbacks, saving. We hand it the two networks we already trained a
little, and carry on for `settings.steps` more steps.

`fit` counts in epochs. Over `dataset.repeat()`, an endless stream of batches,
`steps_per_epoch` says where an epoch ends: here 8 epochs of an eighth of the steps
each. `SampleGIF` draws a grid from the same 64 fixed latents after every epoch and
makes a GIF at the end: the best way to watch a GAN learn. `TimeLimit` is only a
safety stop: it ends the run (and says so) if this machine is far slower than planned.
"""

gan = keras_gans.DCGAN(generator, discriminator, seed=0)
gan.compile(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))
samples = keras_gans.callbacks.SampleGIF(f"{OUT}/fit_samples", num_images=64, scale=2)
FRAMES = 8
history = gan.fit(dataset.repeat(), epochs=FRAMES, steps_per_epoch=max(1, settings.steps // FRAMES),
                  callbacks=[samples, keras_gans.callbacks.TimeLimit(settings.time_limit)], verbose=2)
tutorial.show(samples.gif_path)

"""
`fit` reports four numbers per epoch: the two losses, and `real_score` /
`fake_score`, the mean probability the discriminator gives real and generated
images. A healthy run keeps both away from 0 and 1: when the discriminator wins
outright (real 1.0, fake 0.0) the generator stops learning (tutorial 5 shows that
failure and how to spot it).

Finally, generate new digits from new random latents.
"""

images = gan.generate(64, seed=123)
tutorial.save_grid(images, f"{OUT}/generated.png")

"""
## Where longer training goes: a pretrained generator

A thousand steps give rough digits. What do the same networks draw after almost
twenty thousand? The repository ships a DCGAN generator trained that long by the
package's own command line, in `saved_models/dcgan_digits/`:

    keras-gans train --model dcgan --epochs 120 --d-lr 2e-4 --g-lr 2e-4 --seed 0

It is nearly quick mode's recipe (the DCGAN networks at width 32, the BCE losses,
Adam with `beta_1=0.5`, batch 32, the 5,000 embedded digits at 32x32), run for 120
epochs, 18,720 steps, instead of 1,200. Two settings differ: its latent vectors have
128 numbers instead of 64, and its discriminator learns at the paper's 2e-4 (a long
run recovers from the discriminator's early lead). Its model card,
`saved_models/dcgan_digits/README.md`, gives the time the run took and its score.

`generator.keras` holds the generator alone: the network, its weights, and the
batch-normalization averages, which after so many steps are settled, so it is
used for inference with `training=False`. Loading it and drawing 64 digits takes
seconds. It ships inside the package, so it is there in Colab after `pip install` too;
`keras_gans.generation.pretrained_path` says where. The same generator works from a shell:
`keras-gans generate --model dcgan_digits --output digits.png`.
"""

PRETRAINED = keras_gans.generation.pretrained_path("dcgan_digits")
start = time.perf_counter()
pretrained = keras.saving.load_model(PRETRAINED)
pretrained_latents = keras.random.normal((64, pretrained.inputs[0].shape[-1]), seed=123)
tutorial.save_grid(pretrained(pretrained_latents, training=False), f"{OUT}/pretrained_generator.png")
print(f"loaded {PRETRAINED} ({pretrained.count_params():,} parameters) "
      f"and drew 64 digits in {time.perf_counter() - start:.1f} s")

"""
In quick mode, put `pretrained_generator.png` next to your own `generated.png`:
the same kind of network, the same data, the same losses; mostly the length of the
training differs. Yours has dark backgrounds and rough strokes; the pretrained one draws
digits you can read, of every class (in full mode your faces and these digits do
not compare, but the lesson is the same). Nothing about a GAN is magic: it is this
training step, repeated long enough.

## What you saw

- `real_images.png`: the training data.
- `untrained_generator.png`: the generator before training: noise.
- `after_hand_written_steps.png`: after the 200 steps of the hand-written loop.
- `fit_samples/progress.gif`: the same 64 latents, epoch after epoch, under `fit`.
- `generated.png`: new samples at the end of your run.
- `pretrained_generator.png`: the same networks after 120 epochs, loaded from
  `saved_models/dcgan_digits/`.

In quick mode your run is 1,200 steps, so its digits are rough: strokes and
loops that are only starting to look like numbers. Train longer (`LENGTH = 3`)
and they sharpen, on the way to the pretrained generator's. Next, tutorial 2 runs
the same model the way you would in Colab: a real dataset, a GPU, mixed precision,
saving and loading.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **The loss that saturates.** In `train_step`, replace
   `losses.bce_generator_loss(fake_logits)` by
   `losses.minimax_generator_loss(fake_logits)`, the original 2014 form. *Predict*:
   once the discriminator rejects the fakes with logits around -4, how hard is the
   generator pushed, compared with now? *Expected*: the slope of the minimax loss
   at a logit of -4 is sigmoid(-4) = 0.018, against 1 - sigmoid(-4) = 0.982 for
   the non-saturating loss: 55 times weaker. The printed `g_loss` is negative and
   shrinks towards 0 (about -0.02 by step 200), and `after_hand_written_steps.png`
   stays the grey noise of `untrained_generator.png`, with at most a faint regular
   pattern: no bright blobs, no strokes.
2. **A discriminator alone.** Delete step 2 (the generator step) from `train_step`
   and return `d_loss, d_loss`. *Predict*: where does `d_loss` go, and what does
   `after_hand_written_steps.png` show? *Expected*: `d_loss` starts near
   2 log 2 = 1.39 and falls below 0.1 within a few dozen steps, far below it by step
   200 (telling a fixed kind of noise from digits is easy); the picture is still noise,
   because nothing moved the generator.
"""
