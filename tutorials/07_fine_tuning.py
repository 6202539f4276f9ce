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

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks; about 2.5 minutes on a 2-core laptop CPU (measured on
an AVX-512 one; an AVX2-only CPU gets fewer steps in the same time). **Full**: CelebA
faces at 64x64 with the GANs 101 article's settings, for a GPU. Every training loop
stops at a time limit, so full mode takes about 16 minutes on a free Colab T4
(14 of training, about 1 to decode 50,000 faces; an estimate, see `keras_gans.tutorial`),
plus a first-time download of CelebA. `TIME_SCALE` multiplies every limit.
"""

MODE = "quick"  # or "full"
TIME_SCALE = 1.0  # e.g. 0.2 for a rehearsal, 3.0 for better pictures
CELEBA = "tfds"  # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip

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
the same short time on the new ones four ways: from scratch, and the three
fine-tuning choices above. (In full mode: CelebA faces, then a few hundred faces
of one attribute would be the natural choice; here the split by digit keeps
everything offline.)
"""

"""
## Setup
"""

import keras
import numpy as np

import keras_gans
from keras_gans import data, transfer, tutorial

tutorial.configure(MODE, TIME_SCALE, CELEBA)
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
images = data.resize_uint8(images, tutorial.IMAGE_SIZE)
if tutorial.CHANNELS == 3:  # full mode: the digits in colour, like the faces
    images = np.repeat(images, 3, axis=-1)
new_images = images[labels >= 5][np.random.default_rng(0).choice(2500, 200, replace=False)]
new_data = data.batches_from_uint8(new_images, tutorial.BATCH_SIZE, seed=0)
if tutorial.QUICK:
    old_images = images[labels <= 4]
    old_data = data.batches_from_uint8(old_images, tutorial.BATCH_SIZE, seed=0)
    print(f"old data: {len(old_images)} digits 0-4; new data: {len(new_images)} digits 5-9")
else:
    old_data = tutorial.load_training_data(seed=0)
    print(f"old data: CelebA faces; new data: {len(new_images)} digits 5-9 in colour")
tutorial.save_grid(new_images[:36], f"{OUT}/new_data.png", nrow=6)

"""
## 1. Train on the old data

An ordinary DCGAN on the digits 0 to 4, saved to a `.keras` file (that file is
what you would download or keep from an earlier run). Its discriminator learns at
half the generator's rate, so that in a short run it does not overpower the
generator in the first few hundred steps (tutorial 5 shows that failure).
"""

source = keras_gans.models.build_gan("dcgan", tutorial.IMAGE_SIZE, tutorial.CHANNELS, tutorial.LATENT_DIM,
                                     width=tutorial.WIDTH, seed=0)
source.compile(d_optimizer=keras.optimizers.Adam(1e-4, beta_1=0.5),
               g_optimizer=keras.optimizers.Adam(2e-4, beta_1=0.5))
source.fit(old_data, epochs=30, verbose=0, callbacks=[tutorial.TimeLimit(tutorial.seconds(45, 360))])
source.save(f"{OUT}/source_gan.keras")
tutorial.save_grid(source.generate(36, seed=5), f"{OUT}/source_samples.png", nrow=6,
                   label="trained on 0-4" if tutorial.QUICK else "trained on faces")

"""
## 2. Four ways to learn the new digits

Each run gets the same training time on the 200 new images. `fine_tune` loads the
source from its file each time, so the runs do not share weights. The scratch run
builds new networks of the same shape.
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
        gan = keras_gans.models.build_gan("dcgan", tutorial.IMAGE_SIZE, tutorial.CHANNELS,
                                          tutorial.LATENT_DIM, width=tutorial.WIDTH, seed=1)
        gan.compile()
    else:
        gan = transfer.fine_tune(f"{OUT}/source_gan.keras", seed=1, **options)
    print(f"--- {name}: trainable discriminator layers "
          f"{[layer.name for layer in gan.discriminator.layers if layer.trainable and layer.weights]}")
    gan.fit(new_data, epochs=200, verbose=0, callbacks=[tutorial.TimeLimit(tutorial.seconds(20, 120))])
    grid = keras_gans.plotting.image_grid(gan.generate(36, seed=5), nrow=6, scale=2, label=name)
    grids.append(np.pad(grid, ((0, 0), (0, 8), (0, 0)), constant_values=255))
keras_gans.plotting.save_png(np.concatenate(grids, axis=1), f"{OUT}/fine_tuning.png")
tutorial.show(f"{OUT}/fine_tuning.png")

"""
## Reading the result

- **From scratch**, 200 images and a few seconds are not enough: still noise.
- **Generator only**: it starts by drawing clean digits 0 to 4 and has to move to
  5 to 9 while a brand-new discriminator learns from zero; the early steps mostly
  teach the discriminator, so the generator changes slowly.
- **Both**: the discriminator already knows what a digit looks like, so from the
  first step it pushes the generator towards the *new* shapes: usually the
  fastest to show 5s, 6s, 8s and 9s.
- **FreezeD**: the same, with the discriminator's low-level layers kept as they
  were. With 200 images and a short run it looks much like "both"; its benefit
  shows in long runs on few images, where an unfrozen discriminator starts to
  memorise the training set and its feedback to the generator gets worse.

Note how much of the old generator survives: the same latent gives a similar
stroke thickness and slant before and after. That is the knowledge carried over.

From the command line the same is `keras-gans train --init-from PATH/gan.keras`
(see `keras-gans train --help` for the transfer options).
"""
