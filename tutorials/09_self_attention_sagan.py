"""
Title: Self-attention, spectral normalization and the hinge loss (SAGAN)
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: The three ideas of SAGAN, each shown on its own, then SAGAN against DCGAN.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks on a CPU, 600 steps for each of three runs (a DCGAN and two
SAGANs); how long that takes on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: CelebA faces at 64x64 with
networks of the GANs 101 article's size, for a GPU: 3,000 steps each, roughly 5 to 12
minutes on a free Colab T4 (an estimate from the arithmetic of the steps, not a
measurement). The cell below holds every setting, one line per mode; `LENGTH`
multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, steps=600, time_limit=900)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, steps=3000, time_limit=3600)

"""
## Three ideas

The Self-Attention GAN (Zhang et al. 2019) combines three ideas, each useful alone:

1. **Self-attention.** A convolution only looks at a small neighbourhood (4x4
   pixels here). To draw a face, the left eye must agree with the right eye, which
   is far away; a stack of convolutions can only pass that information along
   slowly. A self-attention block lets every position of a feature map look at
   *every* other position and borrow from the ones that matter to it.
2. **Spectral normalization** (Miyato et al. 2018). Tutorial 4 showed that a
   critic must not be too steep. Spectral normalization rescales every layer's
   weights so that the layer can stretch its input by a factor of at most 1, and
   therefore the whole network too. Unlike the gradient penalty it needs no extra
   gradient computation: it is nearly free.
3. **The hinge loss** (tutorial 3): real scores are pushed above +1 and fake ones
   below -1, and beyond that margin the discriminator stops caring.

Plus a training habit: the discriminator learns 4 times faster than the generator
(learning rates 4e-4 and 1e-4, the "two time-scale update rule").
"""

"""
## Setup
"""

import time

import keras
import numpy as np
from matplotlib.figure import Figure

import keras_gans
from keras_gans import tutorial
from keras_gans.networks import SelfAttention

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("09_self_attention_sagan")
keras.utils.set_random_seed(0)
dataset = tutorial.load_training_data(settings, seed=0)

"""
## Spectral normalization, measured

The *spectral norm* of a layer's weight matrix is its largest singular value: the
most the layer can stretch any input. We compare it in a DCGAN discriminator and
in a SAGAN discriminator, for every convolution, after a forward pass in training
mode (that is when `keras.layers.SpectralNormalization` updates the kernel).
"""

size, channels = settings.image_size, settings.channels
dcgan_disc = keras_gans.networks.dcgan_discriminator(size, channels, width=settings.width)
sagan_disc = keras_gans.networks.sagan_discriminator(size, channels, width=settings.width)
batch = next(iter(dataset))
for _ in range(20):  # a few power iterations to estimate each kernel's largest singular value
    sagan_disc(batch, training=True)


def spectral_norms(model):
    norms = {}
    for weight in model.weights:
        if weight.path.endswith("kernel") and len(weight.shape) == 4:
            matrix = keras.ops.convert_to_numpy(weight).reshape(-1, weight.shape[-1])
            norms[weight.path.rsplit("/", 2)[-2]] = float(np.linalg.svd(matrix, compute_uv=False)[0])
    return norms


for name, model in (("DCGAN", dcgan_disc), ("SAGAN", sagan_disc)):
    print(f"{name} discriminator, largest singular value of each kernel:",
          {layer: round(value, 2) for layer, value in spectral_norms(model).items()})

"""
The DCGAN kernels stretch by whatever their random initialisation gives; the
spectrally normalised kernels all sit at about 1. We will look again after
training, when the DCGAN's kernels have been free to grow.

## Train SAGAN and DCGAN for the same number of steps

`build_gan("sagan")` uses `sagan_generator` (a self-attention block before the
last layer) and `sagan_discriminator` (spectral normalization everywhere, a
self-attention block after the first layer), and `SAGAN.compile()` defaults to
the paper's optimizers: Adam with beta_1 = 0 and beta_2 = 0.9, and two
time-scales (TTUR, Heusel et al. 2017): the discriminator learns 4x faster
(4e-4) than the generator (1e-4). The paper tuned that for long runs of residual
networks; we also train SAGAN with one rate, 2e-4, for both, to see what the
ratio does in a short run. DCGAN keeps its paper's 2e-4 for both networks. Each run
trains `settings.steps` steps, and prints how long they took.
"""

runs = {
    "dcgan": ("dcgan", {}),
    "sagan (paper: 1e-4 / 4e-4)": ("sagan", {}),
    "sagan (equal: 2e-4 / 2e-4)": ("sagan", {
        "g_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9),
        "d_optimizer": keras.optimizers.Adam(2e-4, beta_1=0.0, beta_2=0.9)}),
}
grids, trained = [], {}
for label, (name, optimizers) in runs.items():
    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan(name, size, channels, settings.latent_dim, width=settings.width, seed=0)
    gan.compile(**optimizers)
    print(f"--- {label}")
    start = time.perf_counter()
    gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=settings.steps, verbose=0,
            callbacks=[keras_gans.callbacks.TimeLimit(settings.time_limit)])
    print(f"{label}: {int(gan.g_optimizer.iterations)} generator steps in {time.perf_counter() - start:.0f} s")
    trained[label] = gan
    grid = keras_gans.plotting.image_grid(gan.generate(36, seed=4), nrow=6, scale=2, label=label)
    grids.append(np.pad(grid, ((0, 0), (0, 8), (0, 0)), constant_values=255))
keras_gans.plotting.save_png(np.concatenate(grids, axis=1), f"{OUT}/dcgan_vs_sagan.png")
tutorial.show(f"{OUT}/dcgan_vs_sagan.png")
for label, gan in trained.items():
    print(f"{label} discriminator after training, largest singular values:",
          {layer: round(value, 2) for layer, value in spectral_norms(gan.discriminator).items()})
sagan = trained["sagan (equal: 2e-4 / 2e-4)"]  # the one that draws digits in a short run

"""
## How much attention did it learn to use?

Each self-attention block adds `gamma * attention_output` to its input, with
`gamma` starting at 0: at first the block does nothing, and training decides how
much attention to mix in.
"""

for network in (sagan.generator, sagan.discriminator):
    for layer in network.layers:
        if isinstance(layer, SelfAttention):
            print(f"{network.name} / {layer.name}: gamma = {float(layer.gamma.numpy()):+.4f}")

"""
## Where does the generator look?

We recompute the generator's attention weights for a few images: for a chosen
position (the red dot), the map shows which positions of the feature map it
borrows from. A trained SAGAN's points tend to look at the parts of the image that
matter to them, the strokes rather than the empty background; after a short run, as
here, that is only beginning.
"""

generator = sagan.generator
attention = next(layer for layer in generator.layers if isinstance(layer, SelfAttention))
features_model = keras.Model(generator.inputs, attention.input)
latents = keras.random.normal((3, settings.latent_dim), seed=11)
images = sagan.generate(latents)
features = features_model(latents, training=False)
queries = keras.ops.convert_to_numpy(attention.query(features))
keys = keras.ops.convert_to_numpy(attention.key(features))
h, w = queries.shape[1:3]
logits = queries.reshape(3, h * w, -1) @ keys.reshape(3, h * w, -1).transpose(0, 2, 1)
beta = np.exp(logits - logits.max(-1, keepdims=True))
beta /= beta.sum(-1, keepdims=True)

figure = Figure(figsize=(8, 6))
grid_axes = figure.subplots(3, 4)
points = [(h // 2, w // 2), (h // 4, w // 2), (3 * h // 4, w // 3)]
for row in range(3):
    grid_axes[row, 0].imshow(images[row, ..., 0] if channels == 1 else (images[row] + 1) / 2, cmap="gray")
    for column, (y, x) in enumerate(points, start=1):
        axes = grid_axes[row, column]
        axes.imshow(images[row, ..., 0] if channels == 1 else (images[row] + 1) / 2, cmap="gray")
        heat = beta[row, y * w + x].reshape(h, w)
        axes.imshow(heat, cmap="magma", alpha=0.6, extent=(0, images.shape[2], images.shape[1], 0))
        scale = images.shape[1] / h
        axes.plot([(x + 0.5) * scale], [(y + 0.5) * scale], "o", color="red", markersize=5)
for axes in grid_axes.ravel():
    axes.set_xticks([])
    axes.set_yticks([])
grid_axes[0, 0].set_title("image")
for column in range(1, 4):
    grid_axes[0, column].set_title(f"point {column}")
tutorial.save_figure(figure, f"{OUT}/attention_maps.png")

"""
## What you saw

- the printed singular values: spectral normalization keeps every discriminator
  layer at about 1;
- `dcgan_vs_sagan.png`: three runs after the same 600 steps. DCGAN draws rough,
  varied digit shapes. With the paper's two time-scales the discriminator, learning 4x
  faster, wins this short run: nearly every latent vector gives the same diagonal
  texture (a collapse). With one rate for both networks the same SAGAN draws bright
  blobs that differ from latent to latent, but no digits yet: it is behind DCGAN at
  equal steps. Each SAGAN run also took two to four times DCGAN's time for the same
  steps (attention and the spectral-norm power iterations; the printed seconds, and
  exercise 2). Judge SAGAN on a longer run (full mode, or `LENGTH = 10`), and keep
  `Diagnostics` (tutorial 5) watching for a collapse that does not go away;
- the `gamma` values: how much attention each block learned to use;
- `attention_maps.png`: where three positions of the equal-rate SAGAN
  generator's feature map look: mostly at bright parts of the image, and for some
  points in a regular pattern over the background: after 600 steps the generator's
  `gamma` is still small (below 0.1), so attention adds little to its images yet.

On 32x32 digits the benefit of attention is small: a digit is simple and a 4x4
convolution stack already sees most of it. It matters for larger images with
long-range structure (faces, animals, scenes); try full mode on CelebA at 64x64.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **Spectral norms.** Before training, *predict* the largest singular value of
   every kernel of the SAGAN discriminator, and of the DCGAN one, after the 20
   warm-up calls. *Expected*: SAGAN's all within 0.9 to 1.1 (spectral normalization),
   DCGAN's whatever their random start gives; after training DCGAN's grow, SAGAN's
   stay near 1.
2. **What attention costs.** *Predict* how many times longer SAGAN's 600 steps take
   than DCGAN's (the printed seconds). *Expected*: two to four times, depending on the
   CPU, though the two networks do about the same arithmetic: SAGAN adds an attention
   block to each network and a power iteration to every spectrally normalised layer,
   many small operations that cost time more than arithmetic. With the tutorial's
   networks the step-cost benchmark
   ([the step-cost tables](../benchmarks/README.md#the-loss-variants-step-cost)) measured the
   same on an AVX-512 CPU; without oneDNN the convolutions themselves are slower, so
   the ratio is smaller.
"""
