"""
Title: Fine-tuning a trained GAN on new data
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Carry a trained GAN to a small new dataset: the generator only, both networks, or FreezeD.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the digits that ship with the package and
small networks on a CPU: 1,200 steps on the digits 0 to 4, then four runs of 300 steps
on 200 digits 5 to 9; how long that takes on each kind of CPU is in the `tutorials`
table of [`benchmarks/README.md`](../benchmarks/README.md). **Full**: the GANs 101
article's 64x64 networks, for a GPU: 4,000 steps on CelebA faces, then four runs of
1,000 steps on the same 200 digits in colour, roughly 4 to 11 minutes on a free Colab T4
(an estimate from the arithmetic of the steps, not a measurement). The cell below holds
every setting, one line per mode; `LENGTH` multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
# old_data: what the source GAN learns first ("digits 0-4" or "celeba"); the new data are 200 digits 5-9.
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             old_data="digits 0-4", source_steps=1200, fine_tune_steps=300, time_limit=600)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            old_data="celeba", source_steps=4000, fine_tune_steps=1000, time_limit=3600)

"""
## Why fine-tune

Training a GAN from scratch needs many images and much time. When you have only a
few hundred images of what you want, a better start is a GAN already trained on
something *similar*, trained a little further on the new images. Its generator
already knows how to draw (strokes, smooth backgrounds); it only has to learn what
to draw.

What to carry over is a choice, and `keras_gans.transfer.fine_tune` offers each:

- `transfer="generator"`: the trained generator, a fresh discriminator;
- `transfer="both"`: both trained networks;
- `transfer="both", freeze_discriminator_layers=k`: **FreezeD** (Mo et al. 2020):
  both, with the discriminator's first `k` layers frozen. Those layers detect edges
  and textures, useful as they are, and freezing them stops a discriminator that
  sees only a few new images from memorising them.

**The experiment.** The "old" data are the embedded digits 0 to 4. The "new" data
are only 200 images of the digits 5 to 9. We train on the old digits, then spend
the same small number of steps on the new ones four ways: from scratch, and the three
fine-tuning choices above. (In full mode the old data are CelebA faces; a few hundred
faces of one attribute would be the natural new data, the 200 digits keep this part
offline.)
"""

"""
## Setup
"""

import keras
import numpy as np

import keras_gans
from keras_gans import data, transfer, tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("07_fine_tuning")
keras.utils.set_random_seed(0)

"""
## The old and the new data

`keras_gans.data.mnist_5k_arrays()` gives the 5,000 digits with their labels, as
8-bit images; `resize_uint8` and `batches_from_uint8` turn a selection of them into
the same kind of dataset every loader returns (shuffled float batches in [-1, 1]).
The labels are only used to split the data; the GANs never see them. In full mode
the old data are CelebA faces and the new data the same 200 digits, in colour: a
bigger jump than from 0-4 to 5-9, with the same three ways to make it.
"""

images, labels = data.mnist_5k_arrays()
images = data.resize_uint8(images, settings.image_size)
images = np.repeat(images, settings.channels, axis=-1)  # grey, or the same grey in 3 colour channels
new_images = images[labels >= 5][np.random.default_rng(0).choice(2500, 200, replace=False)]
new_data = data.batches_from_uint8(new_images, settings.batch_size, seed=0)
if settings.old_data == "digits 0-4":
    old_data = data.batches_from_uint8(images[labels <= 4], settings.batch_size, seed=0)
else:  # "celeba": the mode's faces
    old_data = tutorial.load_training_data(settings, seed=0)
print(f"old data: {settings.old_data}; new data: {len(new_images)} digits 5-9")
tutorial.save_grid(new_images[:36], f"{OUT}/new_data.png", nrow=6)

"""
## 1. Train on the old data

An ordinary DCGAN on the old data for `settings.source_steps` steps, saved to a
`.keras` file (that file is what you would download or keep from an earlier run). In
quick mode its discriminator learns at half the generator's rate, so that in a short run
it does not overpower the generator in the first hundred or so steps (tutorial 5 shows
that failure). Every run below uses the same two learning rates.
"""


def adam_pair():
    return dict(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))


def train(gan, dataset, steps):
    gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=steps, verbose=0,
            callbacks=[keras_gans.callbacks.TimeLimit(settings.time_limit)])  # a safety stop only


keras.utils.set_random_seed(0)
source = keras_gans.models.build_gan("dcgan", settings.image_size, settings.channels, settings.latent_dim,
                                     width=settings.width, seed=0)
source.compile(**adam_pair())
train(source, old_data, settings.source_steps)
source.save(f"{OUT}/source_gan.keras")
tutorial.save_grid(source.generate(36, seed=5), f"{OUT}/source_samples.png", nrow=6,
                   label=f"trained on {settings.old_data}")

"""
## 2. Four ways to learn the new digits

Each run trains the same `settings.fine_tune_steps` steps on the 200 new images
(300 in quick mode: 48 passes over them). `fine_tune` loads the source from its file
each time, so the runs do not share weights. The scratch run builds new networks of
the same shape.
"""

runs = {
    "from scratch": None,
    "generator only": dict(transfer="generator"),
    "both": dict(transfer="both"),
    "FreezeD (first 2 layers)": dict(transfer="both", freeze_discriminator_layers=2),
}
grids = []
for name, options in runs.items():
    keras.utils.set_random_seed(1)
    if options is None:
        gan = keras_gans.models.build_gan("dcgan", settings.image_size, settings.channels,
                                          settings.latent_dim, width=settings.width, seed=1)
        gan.compile(**adam_pair())
    else:
        gan = transfer.fine_tune(f"{OUT}/source_gan.keras", seed=1, **adam_pair(), **options)
    print(f"--- {name}: trainable discriminator layers "
          f"{[layer.name for layer in gan.discriminator.layers if layer.trainable and layer.weights]}")
    train(gan, new_data, settings.fine_tune_steps)
    grid = keras_gans.plotting.image_grid(gan.generate(36, seed=5), nrow=6, scale=2, label=name)
    grids.append(np.pad(grid, ((0, 0), (0, 8), (0, 0)), constant_values=255))
keras_gans.plotting.save_png(np.concatenate(grids, axis=1), f"{OUT}/fine_tuning.png")
tutorial.show(f"{OUT}/fine_tuning.png")

"""
## Reading the result

- **From scratch**, 200 images and 300 steps are not enough: grey, blurred blobs,
  no digits yet.
- **Generator only**: it starts by drawing digits 0 to 4 and has to move to 5 to 9
  while a brand-new discriminator learns from zero; its strokes break up into speckled
  shapes on the way, some of them already 7s, 8s and 9s.
- **Both**: the discriminator already knows what a digit looks like, so from the
  first step it pushes the generator towards the *new* shapes: the cleanest strokes
  of the four, with 5s, 7s, 8s and 9s among them.
- **FreezeD**: the same, with the discriminator's low-level layers kept as they
  were. With 200 images and a short run it looks almost exactly like "both"; its benefit
  shows in long runs on few images, where an unfrozen discriminator starts to
  memorise the training set and its feedback to the generator gets worse.

Note how much of the old generator survives: the same latent gives a similar
stroke thickness and slant before and after. That is the knowledge carried over.

From the command line the same is `keras-gans train --init-from PATH/gan.keras`
(see `keras-gans train --help` for the transfer options).
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **Fewer steps.** Set `fine_tune_steps=60` in `QUICK` (a fifth of the steps on the
   new digits). *Predict*: which panels still show digits? *Expected*: "from scratch"
   is grey noise; the three fine-tuned panels show digit strokes from the start,
   because their generator starts trained, so it draws digit shapes (mostly the old
   0 to 4) before it has learned anything new.
2. **Freeze more.** Use `freeze_discriminator_layers=4` for FreezeD. *Predict* the
   printed list of trainable discriminator layers. *Expected*: two names fewer than
   with 2 (each frozen layer leaves the list, from the input upward: a convolution
   and its normalization per block); `tests/test_exercises.py` checks the counts.
"""
