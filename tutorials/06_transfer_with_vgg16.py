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

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks; about 1.5 minutes on a 2-core laptop CPU (measured on
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
download, and quick mode must work offline, so it uses `weights=None`: the same
architecture with *random* frozen layers. That shows every step of the method and
all the pictures, but not the benefit of ImageNet features: after 512 steps (about
1.5 minutes on two CPU cores) the scratch run draws rough digits while the random
VGG16 run still draws a texture. Run it on a GPU (full mode: CelebA, ImageNet
weights) for the real result.
Offline with the weights at hand, set `KERAS_GANS_VGG16_WEIGHTS` to a weights file
saved from `keras.applications.VGG16(include_top=False)`.
"""

"""
## Setup
"""

import os

import keras

import keras_gans
from keras_gans import tutorial
from keras_gans.experiments.vgg16 import compare_vgg16_discriminator

tutorial.configure(MODE, TIME_SCALE, CELEBA)
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

size, channels = tutorial.IMAGE_SIZE, tutorial.CHANNELS
scratch = keras_gans.networks.dcgan_discriminator(size, channels, width=tutorial.WIDTH)


def vgg16_discriminator(weights):
    return keras_gans.networks.vgg16_discriminator(size, channels, weights=weights, frozen_until="block3_conv3")


# Quick mode: random VGG weights (offline), unless KERAS_GANS_VGG16_WEIGHTS names a
# weights file saved from keras.applications.VGG16(include_top=False), or "imagenet".
# Full mode: ImageNet weights, or random ones (said in one line) when they cannot be downloaded.
if tutorial.QUICK:
    VGG_WEIGHTS = os.environ.get("KERAS_GANS_VGG16_WEIGHTS")
    vgg = vgg16_discriminator(VGG_WEIGHTS)
else:
    vgg, VGG_WEIGHTS = tutorial.pretrained_or_random("VGG16", vgg16_discriminator)
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
tutorial 3), and so does this comparison. In quick mode: 2,048 digits, 8
epochs (512 steps). In full mode: 10,000 CelebA faces (one of the GANs 101 article's subset
sizes), 20 epochs.
"""

if tutorial.QUICK:
    dataset = tutorial.load_training_data(num_images=tutorial.scaled(2048, minimum=64), seed=0)
    epochs = tutorial.scaled(8)
else:
    dataset = tutorial.load_training_data(num_images=10_000, seed=0)
    epochs = 20
result = compare_vgg16_discriminator(
    dataset, OUT, epochs=epochs, variant="lsgan", latent_dim=tutorial.LATENT_DIM, width=tutorial.WIDTH,
    vgg_weights=VGG_WEIGHTS, frozen_until="block3_conv3", seed=0, num_samples=36, verbose=2,
    seconds_per_run=tutorial.seconds(60, 420))
tutorial.show(result["gif"])
tutorial.show(result["losses"])

"""
`compare_vgg16_discriminator` wrote, in `outputs/06_transfer_with_vgg16/`:

- `side_by_side.gif` (and `side_by_side/epoch_NNN.png`): the same 36 latents,
  scratch on the left, VGG16 on the right, epoch by epoch;
- `losses.png`: both runs' losses;
- `scratch/` and `vgg16/`: each run's frames, GIF, history and saved `gan.keras`.

## What to look for

In the GANs 101 article, with ImageNet weights on CelebA, the VGG16 discriminator
gave recognisable faces after fewer epochs, but the two runs ended at similar
quality: good features help the start most. Its discriminator loss also stays
lower: a frozen ImageNet network separates real from generated images easily,
which can starve the generator of gradient (tutorial 5's saturation). The usual
remedies are a shallower cut (`frozen_until="block2_conv2"`) or letting the last
VGG block train too (`unfreeze_from="block3_conv1"`), which tutorial 7 discusses.

With quick mode's random VGG weights, neither effect can appear: the frozen
layers are random filters. A discriminator of random frozen features still learns
something through its head, so the generator still moves, but slowly: in our quick
run the scratch side drew rough digits by epoch 8 while the VGG16 side drew the
same grid-like texture for every latent vector.
"""
