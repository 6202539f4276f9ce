"""
Title: Transfer learning: a discriminator built on VGG16
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: The GANs 101 article's experiment: a discriminator from scratch against frozen VGG16.
Accelerator: GPU
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): 2,048 of the digits that ship with the
package, small networks, 512 steps for each of the two discriminators, on a CPU; how
long that takes on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: 10,000 CelebA faces at
64x64 with ImageNet's VGG16 weights, for a GPU: 1,600 steps each, roughly 5 to 15
minutes on a free Colab T4 (an estimate from the arithmetic of the steps, not a
measurement). The cell below holds every setting, one line per mode; `LENGTH`
multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
# vgg_weights: None (random: offline), "imagenet" (a 58 MB download), or the path of a weights file
# saved from keras.applications.VGG16(include_top=False). learning_rate: all four Adam optimizers'.
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, learning_rate=2e-4,
             num_images=2048, steps=512, vgg_weights=None, time_limit=1800)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, learning_rate=2e-4,
            num_images=10000, steps=1600, vgg_weights="imagenet", time_limit=3600)

"""
## The idea

A discriminator has to learn to *see*: edges, textures, eyes, the shape of a face,
before it can tell a real face from a generated one. A network trained on ImageNet
(1.2 million photos in 1,000 classes) has already learned to see. **Transfer
learning** reuses its first layers, frozen, and trains only a small new "head" on
top of them. The discriminator then starts from good features instead of random
ones, which should help most when there are few training images.

The experiment (from the GANs 101 article): train the same
LSGAN twice on the same faces, with the same generator, learning rates and random
numbers. Once with the usual DCGAN discriminator learned from scratch, once with a
discriminator made of VGG16's layers up to `block3_conv3` (frozen) plus a small
trainable head. `keras_gans.networks.vgg16_discriminator` builds the second one,
and `keras_gans.experiments.vgg16.compare_vgg16_discriminator` runs the whole comparison.

**Quick mode is only a rehearsal here.** VGG16's ImageNet weights are a 58 MB
download, and quick mode must work offline, so it uses `vgg_weights=None`: the same
architecture with *random* frozen layers. That shows every step of the method and
all the pictures, but not the benefit of ImageNet features: after 512 steps the
scratch run draws blurred digit-like shapes while the random VGG16 run draws a
noisier texture. Run
it on a GPU (full mode: CelebA, ImageNet weights) for the real result. Offline with
the weights at hand, set `vgg_weights` in the first cell to a weights file saved from
`keras.applications.VGG16(include_top=False)`.
"""

"""
## Setup
"""

import keras

import keras_gans
from keras_gans import tutorial
from keras_gans.experiments.vgg16 import compare_vgg16_discriminator

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("06_transfer_with_vgg16")
keras.utils.set_random_seed(0)

"""
## The VGG16 discriminator

The input image (in [-1, 1]) is converted to what VGG16 expects (0-255 pixels, the
ImageNet mean subtracted; grey images are repeated into three channels), goes
through VGG16's first three blocks, which are frozen, then through a strided
convolution, normalization and a final convolution that output one logit. Compare
the trainable weights of the two discriminators:
"""

size, channels = settings.image_size, settings.channels
scratch = keras_gans.networks.dcgan_discriminator(size, channels, width=settings.width)


def vgg16_discriminator(weights):
    return keras_gans.networks.vgg16_discriminator(size, channels, weights=weights, frozen_until="block3_conv3")


# "imagenet" is a download: offline, it goes on with random weights and says so in one line.
vgg, vgg_weights = tutorial.pretrained_or_random("VGG16", vgg16_discriminator, settings.vgg_weights)
for name, model in (("from scratch", scratch), ("VGG16-based", vgg)):
    trainable = sum(int(keras.ops.size(w)) for w in model.trainable_weights)
    frozen = sum(int(keras.ops.size(w)) for w in model.non_trainable_weights)
    print(f"{name:>13}: {trainable:>10,} trainable weights, {frozen:>10,} frozen")
print("frozen VGG layers:", [layer.name for layer in vgg.layers if "block" in layer.name and layer.weights])

"""
The VGG16 discriminator's frozen part alone is ten times the size of the whole
scratch discriminator, and its head (the GANs 101 article's 512 filters) is bigger
too: each of its steps costs several times more. Only the head learns; the
frozen VGG layers keep the features they learned on ImageNet.

## The comparison

Same generator start, same data order, same latents for the sample grids; the
only difference is the discriminator. The GANs 101 article used LSGAN (least squares,
tutorial 3) with Adam(2e-4, beta_1=0.5) for all four optimizers, and so does this
comparison. In quick mode: 2,048 digits, 512 steps (8 passes over them). In full mode:
10,000 CelebA faces (one of the GANs 101 article's subset sizes), 1,600 steps (about 20
passes). Each run's steps are cut into 8 epochs, one frame of the GIF each.
"""

dataset = tutorial.load_training_data(settings, num_images=settings.num_images, seed=0)
FRAMES = 8
result = compare_vgg16_discriminator(
    dataset.repeat(), OUT, epochs=FRAMES, steps_per_epoch=max(1, settings.steps // FRAMES), variant="lsgan",
    latent_dim=settings.latent_dim, width=settings.width, learning_rate=settings.learning_rate,
    vgg_weights=vgg_weights, frozen_until="block3_conv3", seed=0, num_samples=36, verbose=2,
    time_limit=settings.time_limit)
tutorial.show(result["gif"])
tutorial.show(result["losses"])

"""
`compare_vgg16_discriminator` wrote, in `outputs/06_transfer_with_vgg16/`:

- `side_by_side.gif` (and `side_by_side/epoch_NNN.png`): the same 36 latents,
  scratch on the left, VGG16 on the right, epoch by epoch. The title above the
  frames names the VGG16 weights: offline it reads "frozen VGG16 layers with RANDOM
  weights (offline)", so a frame shown on its own cannot be mistaken for the
  result of transfer learning;
- `losses.png`: both runs' losses;
- `scratch/` and `vgg16/`: each run's frames, GIF, history and saved `gan.keras`.

## What to look for

Transfer learning is not a sure win here. In the GANs 101 article, with ImageNet
weights on CelebA, the VGG16 discriminator's faces looked *worse* than the scratch
run's; its authors suggest that features learned to classify ImageNet's photographs
are too far from what telling real from generated faces needs, and propose a lower
cut and more tuning. A frozen ImageNet network can also separate real from generated
images too easily, which starves the generator of gradient (tutorial 5's
saturation). The remedies to try are a shallower cut (`frozen_until="block2_conv2"`,
exercise 1) or letting the last VGG block train too (`unfreeze_from="block3_conv1"`,
exercise 2; tutorial 7 discusses what to freeze).

With quick mode's random VGG weights, neither effect can appear: the frozen
layers are random filters. A discriminator of random frozen features still learns
something through its head, so the generator still moves, but slowly: after quick
mode's 512 steps the scratch side draws grey, blurred blobs with the first digit-like
shapes, while the VGG16 side draws a noisier texture with fewer of them (without
oneDNN, one and the same grid-like pattern for every latent vector). **That picture does not say that
transfer learning hurts**: it compares a discriminator that learned its features
with one whose features are random and may not learn. It says that *frozen*
features have to be good ones, which is exactly what ImageNet's weights bring and
what only an online run (full mode, or exercise 3) can show.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **A shallower cut.** Set `frozen_until="block2_conv2"` in both places (the
   `vgg16_discriminator` helper and `compare_vgg16_discriminator`). *Predict*: how
   many frozen weights, and do steps get cheaper? *Expected*: 261,184 printed
   instead of 1,736,512: VGG16's first two blocks (260,160) instead of three
   (1,735,488), plus the 1,024 moving averages of the head's batch norm, which no
   gradient trains. A cheaper step (fewer and smaller convolutions before the
   head); the head sees features at half the input size instead of a quarter.
2. **Unfreeze the last block.** Keep the cut at `block3_conv3` and add
   `unfreeze_from="block3_conv1"` to `vgg16_discriminator`. *Predict* the printed
   trainable and frozen counts. *Expected*: 1,475,328 weights (VGG16's third block:
   295,168 + 2 x 590,080) move from frozen to trainable: 261,184 stay frozen
   (260,160 of VGG16 and the head's 1,024 batch-norm averages).
3. **With ImageNet's weights** (online: `vgg_weights="imagenet"` in `QUICK`, or full
   mode in Colab). *Predict*: does the VGG16 side still draw one texture for every
   latent? *Expected*: the frozen layers now detect edges and strokes, so its
   discriminator separates real from fake faster: look for a discriminator loss that
   falls lower than the scratch run's in `losses.png` (the saturation risk the text
   describes). Whether its samples beat the scratch side's is what the experiment is
   for; the GANs 101 article's did not, on faces. (Not measured here: the weights are
   a download.)
"""
