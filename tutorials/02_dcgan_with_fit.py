"""
Title: Train a DCGAN with model.fit (the Colab path)
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Data loader, DCGAN, SampleGIF, mixed precision, saving, loading and generating.
Accelerator: GPU
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks, 1,200 training steps on a CPU; how long that takes on each
kind of CPU is in the `tutorials` table of [`benchmarks/README.md`](../benchmarks/README.md).
**Full**: CelebA faces at 64x64 with the GANs 101 article's settings, for a GPU: 8,000
steps, roughly 4 to 11 minutes of training on a free Colab T4 (an estimate from the
arithmetic of a step, not a measurement), plus a first-time download of CelebA and the
time to decode its faces. The cell below holds every setting, one line per mode;
`LENGTH` multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             steps=1200, time_limit=600)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            steps=8000, time_limit=3600)

"""
## What this tutorial does

Tutorial 1 took a GAN apart. This one is the everyday path, the one you would follow
in Google Colab with a GPU:

1. load a dataset with `keras_gans.data`,
2. switch on mixed precision (16-bit arithmetic, much faster on a GPU's tensor cores),
3. build a `DCGAN` and train it with `model.fit`, watching a GIF of samples grow,
4. keep a backup that lets an interrupted run continue where it stopped,
5. save the model, load it back, and generate new images.

In **full mode** (for a GPU) it trains on 50,000 of CelebA's 200,000 photos of
celebrities' faces, at 64x64 with the GANs 101 article's settings: batch 128, latent
vectors of 128 numbers, Adam with learning rate 2e-4 and `beta_1=0.5`. In **quick
mode** (a CPU) it trains on the 5,000 digits that ship with the package, with smaller
networks.

**In Colab:** Runtime > Change runtime type > GPU, then run the cells in order.
"""

"""
## Setup
"""

import os

import keras
import numpy as np

import keras_gans
from keras_gans import tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("02_dcgan_with_fit")
keras.utils.set_random_seed(0)

"""
## Mixed precision

A GPU computes much faster in 16-bit floats (`float16`) than in 32-bit ones. Mixed
precision does the heavy arithmetic in float16 and keeps the weights, the losses
and the generated images in float32, where precision matters. One call switches it
on: `keras_gans.enable_mixed_precision()` with no argument picks `mixed_float16` when
a GPU is visible and changes nothing on a CPU, where float16 is slower. `configure`
has already made the call with the mode's policy (`settings.policy`: `mixed_float16`
in full mode on a GPU, `float32` otherwise); in your own notebook, this line is all it
takes.

Two details make this safe for GANs, and the package does both for you: the last
layer of every network stays in float32 (so losses never see float16), and
`compile` wraps both optimizers in a `LossScaleOptimizer`, which multiplies the loss
before differentiating so that tiny float16 gradients do not round to zero.
"""

policy = keras_gans.enable_mixed_precision(settings.policy)
print("dtype policy:", policy)

"""
## The data

`keras_gans.data` returns a `tf.data.Dataset` of batches already shuffled, scaled
to [-1, 1] and prefetched (the next batch is prepared while the GPU works on this
one). For CelebA there are two ways in:

- `keras_gans.data.load_celeba(source="tfds", download=True)`: TensorFlow Datasets
  downloads and prepares it (1.4 GB; the Google Drive hosting is sometimes over
  quota, then use the second way);
- `keras_gans.data.load_celeba(source="/content/img_align_celeba")`: a folder of
  the JPEGs, for example unzipped from Kaggle's copy, or Kaggle's .zip as it is. Set
  `CELEBA` in the first cell to that path.

Each face is centre-cropped to a square and resized to 64x64 once, and kept as
8-bit integers in memory (2.5 GB for all of CelebA, four times less than float32).
"""

dataset = tutorial.load_training_data(settings, seed=0)
tutorial.save_grid(next(iter(dataset))[:36], f"{OUT}/real_images.png", nrow=6)

"""
## The model

`DCGAN` pairs a generator and a discriminator and trains them with binary
cross-entropy (tutorial 1 wrote its `train_step` out). `compile` takes one
optimizer per network; the defaults are the DCGAN paper's Adam(2e-4, beta_1=0.5)
for both. Full mode uses them; quick mode gives the discriminator half that
learning rate (`settings.d_lr`), because in a short run with small networks an
equally fast discriminator wins the first hundred or so steps (exercise 1 below
measures it; tutorial 5 shows why a winning discriminator stalls the generator).
"""

generator = keras_gans.networks.dcgan_generator(settings.image_size, settings.channels, settings.latent_dim,
                                                width=settings.width)
discriminator = keras_gans.networks.dcgan_discriminator(settings.image_size, settings.channels,
                                                        width=settings.width)
gan = keras_gans.DCGAN(generator, discriminator, seed=0)
gan.compile(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))
print(f"generator: {generator.count_params():,} weights, discriminator: {discriminator.count_params():,}")

"""
## Callbacks: what to keep while training

- `SampleGIF` draws the same 64 latent vectors through the generator after every
  epoch and assembles the grids into `progress.gif`. Because the latents never
  change, you watch the *same* faces (or digits) take shape.
- `StepHistory` records the losses after every training step (Keras' own history
  keeps one number per epoch), for the loss plot below.
- `BackupAndRestore` saves the whole training state at the end of every epoch. If
  Colab disconnects, run the notebook again with the same `backup_dir` and `fit`
  continues from the last epoch instead of starting over. In Colab, put it on your
  Google Drive so it survives the session:

      from google.colab import drive
      drive.mount("/content/drive")
      backup_dir = "/content/drive/MyDrive/keras_gans/dcgan_backup"

  The package saves the state of its latent sampler with the weights, so a resumed
  run draws the same random numbers as an uninterrupted one.
"""

backup_dir = f"{OUT}/backup"  # in Colab, a folder on your Drive (above): outputs/ is emptied on every run
samples = keras_gans.callbacks.SampleGIF(f"{OUT}/samples", num_images=64)
steps = keras_gans.callbacks.StepHistory(f"{OUT}/steps.csv")
callbacks = [samples, steps, keras.callbacks.BackupAndRestore(backup_dir),
             keras_gans.callbacks.TimeLimit(settings.time_limit)]  # only a safety stop for a slow machine

"""
## Train

`settings.steps` steps, cut into 20 epochs: one GIF frame and one backup per epoch.
`dataset.repeat()` makes the data an endless stream, and `steps_per_epoch` says where
an epoch ends (quick mode's 1,200 steps are about 8 passes over the 5,000 digits;
full mode's 8,000 about 20 passes over 50,000 faces; the GANs 101 article trained for
60 passes over CelebA's 200,000).
"""

EPOCHS = 20
history = gan.fit(dataset.repeat(), epochs=EPOCHS, steps_per_epoch=max(1, settings.steps // EPOCHS),
                  callbacks=callbacks, verbose=2)
tutorial.show(samples.gif_path)

"""
## Read the losses

GAN losses do not fall steadily like a classifier's: each network's loss measures
it against the other, which keeps getting better. What to look for is that neither
loss runs away: a discriminator loss near 0 for a long time means the discriminator
won and the generator has stopped learning. The thick lines are rolling means over
about one epoch of steps.
"""

figure = keras_gans.plotting.plot_losses(steps, title="DCGAN losses, step by step")
tutorial.save_figure(figure, f"{OUT}/losses.png")

"""
## Save, load, generate

`gan.save` writes one `.keras` file with both networks, both optimizers and their
state. `keras.saving.load_model` brings it back as a `DCGAN`, ready to generate or
to train further. With the same seed, the loaded model draws exactly the same
images.
"""

path = f"{OUT}/dcgan.keras"
gan.save(path)
print(f"saved {path}: {os.path.getsize(path) / 1e6:.1f} MB")
loaded = keras.saving.load_model(path)
images = loaded.generate(64, seed=42)
assert np.allclose(images, gan.generate(64, seed=42), atol=1e-5)
tutorial.save_grid(images, f"{OUT}/generated_by_loaded_model.png")

"""
From the command line the same file generates images too:

    keras-gans generate --model outputs/02_dcgan_with_fit/dcgan.keras

## Walking through the latent space

Every latent vector gives an image, and nearby vectors give similar images. Drawing
the images on the straight line between two latent vectors shows one turning
smoothly into the other: the generator has learned a continuous space of images,
not a list of memorised ones.
"""

rng = np.random.default_rng(7)
starts, ends = rng.normal(size=(2, 6, settings.latent_dim))
steps_between = np.linspace(0, 1, 8)[None, :, None]
walk = starts[:, None] * (1 - steps_between) + ends[:, None] * steps_between
images = loaded.generate(walk.reshape(-1, settings.latent_dim).astype("float32"))
tutorial.save_grid(images, f"{OUT}/latent_walk.png", nrow=8)

"""
## What you saw

- `real_images.png`: the training images.
- `samples/progress.gif`: 64 fixed latents over training.
- `losses.png`: both losses, step by step.
- `generated_by_loaded_model.png`: new samples from the saved and reloaded model.
- `latent_walk.png`: six rows, each a walk from one latent vector to another.

Next, tutorial 3 changes the loss function and shows why there are so many GANs.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **The paper's learning rate.** Set `d_lr=2e-4` in `QUICK`, the DCGAN paper's rate
   and full mode's, instead of quick mode's 1e-4. *Predict*: what do `losses.png` and
   the samples show? *Expected*: for about a hundred steps the discriminator wins:
   between steps 80 and 120 `d_loss` averages about 0.06, `real_score` 0.97 and
   `fake_score` 0.03, and `g_loss` climbs to about 5 (at 1e-4: about 0.35, 0.85, 0.15
   and 2.6); then the contest recovers (scores about 0.87 and 0.12), with `g_loss`
   staying higher than at 1e-4 to the end. The samples after the same 1,200 steps are
   no better than with 1e-4, if anything rougher: the steps spent while the
   discriminator wins are lost to a short run.
2. **A walk through nothing.** In the latent walk, replace `ends` by `-starts`, so
   each row walks from a latent vector to its opposite and passes through the zero
   vector in the middle. *Predict*: what does the middle of each row look like?
   *Expected*: the two ends are different digits (or faces) and the middle columns
   of all six rows look alike: the zero vector is one point, so every row passes
   through nearly the same picture, here an almost black square with at most a faint
   trace of a stroke.
"""
