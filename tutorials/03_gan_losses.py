"""
Title: GAN losses side by side
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Cross-entropy, least squares, Wasserstein and hinge losses: drawn, then trained side by side.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks; about 2.5 minutes on a 2-core laptop CPU (measured on
an AVX-512 one; an AVX2-only CPU gets fewer steps in the same time). **Full**: CelebA
faces at 64x64 with the GANs 101 article's settings, for a GPU. Every training loop
stops at a time limit, so full mode takes about 17 minutes on a free Colab T4
(15 of training, about 1 to decode 50,000 faces; an estimate, see `keras_gans.tutorial`),
plus a first-time download of CelebA. `TIME_SCALE` multiplies every limit.
"""

MODE = "quick"  # or "full"
TIME_SCALE = 1.0  # e.g. 0.2 for a rehearsal, 3.0 for better pictures
CELEBA = "tfds"  # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip

"""
## Why there are so many GANs

The two networks of a GAN can be scored in different ways. The choice of loss
changes *how hard the generator is pushed*, and that decides whether training is
smooth, stalls, or falls apart. The main families:

| name | paper | discriminator learns to ... |
| --- | --- | --- |
| DCGAN (cross-entropy) | Goodfellow et al. 2014; Radford et al. 2016 | classify real (1) against fake (0) |
| LSGAN (least squares) | Mao et al. 2017 | output 1 on real and 0 on fake, penalised by squared distance |
| WGAN (Wasserstein) | Arjovsky et al. 2017 | give real images *higher scores* than fakes, with no limit |
| hinge (SNGAN, SAGAN) | Lim & Ye 2017; Miyato et al. 2018 | push real scores above +1 and fakes below -1 |

This tutorial first draws each loss as a function of the discriminator's raw output,
so you can *see* why they behave differently, then trains the same networks with
each loss for the same time and puts the results next to each other.
"""

"""
## Setup
"""

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

from keras_gans import losses, tutorial
from keras_gans.experiments.compare import compare

tutorial.configure(MODE, TIME_SCALE, CELEBA)
OUT = tutorial.output_dir("03_gan_losses")
keras.utils.set_random_seed(0)

"""
## Each loss against the discriminator's output

Call the discriminator's raw output for one image `x` (a *logit* for DCGAN, a
*score* for the others). Every loss in `keras_gans.losses` is a function of these
outputs. To draw one side of a discriminator loss we hold the other side at its
perfect value (for a fake: a very negative logit for cross-entropy, 0 for least
squares and Wasserstein, -1 for hinge; for a real image: a very positive logit, 1,
0 and +1), so only the side we draw counts (Wasserstein has no perfect value: its
other side just adds a constant, 0 here).
"""

# 160 points: the grid skips x = 0 exactly, where the overflow-safe cross-entropy
# formula (built from relu and abs) has a kink that autodiff resolves arbitrarily.
x = np.linspace(-4, 4, 160).astype("float32")


def curve(loss, *fixed_before, after=()):
    """The loss at every point of `x`: `loss(*fixed_before, [x_i], *after)`."""
    return np.array([float(loss(*[np.array([v]) for v in (*fixed_before, xi, *after)])) for xi in x])


PERFECT_FAKE = {"cross-entropy": -30.0, "least squares": 0.0, "Wasserstein": 0.0, "hinge": -1.0}
PERFECT_REAL = {"cross-entropy": 30.0, "least squares": 1.0, "Wasserstein": 0.0, "hinge": 1.0}
DISCRIMINATOR_LOSSES = {
    "cross-entropy": losses.bce_discriminator_loss,
    "least squares": losses.least_squares_discriminator_loss,
    "Wasserstein": losses.wasserstein_discriminator_loss,
    "hinge": losses.hinge_discriminator_loss,
}

figure = Figure(figsize=(11, 4))
on_real, on_fake = figure.subplots(1, 2)
for name, loss in DISCRIMINATOR_LOSSES.items():
    on_real.plot(x, curve(loss, after=(PERFECT_FAKE[name],)), label=name)
    on_fake.plot(x, curve(loss, PERFECT_REAL[name]), label=name)
on_real.set(title="discriminator loss on a REAL image", xlabel="discriminator output", ylabel="loss",
            ylim=(-4.5, 8))
on_fake.set(title="discriminator loss on a FAKE image", xlabel="discriminator output", ylim=(-4.5, 8))
for axes in (on_real, on_fake):
    axes.grid(alpha=0.3)
    axes.legend()
tutorial.save_figure(figure, f"{OUT}/discriminator_losses.png")

"""
Read the left panel from right to left: the more the discriminator doubts a real
image (output going negative), the more it pays.

- **Cross-entropy** pays almost nothing once it is confident (the curve flattens
  to 0 on the right) and pays linearly when it is confidently wrong.
- **Least squares** pays the squared distance from the target 1, *also when the
  output is too high*: it pulls outputs towards the targets instead of away to
  infinity.
- **Wasserstein** is a straight line: higher real scores are always better. The
  scores are unbounded, so something else must keep the critic in check (weight
  clipping or a gradient penalty, tutorial 4).
- **Hinge** is Wasserstein with a margin: beyond +1 a real image costs nothing.

## What the generator feels

The generator learns only from the gradient of its loss. The right question is
therefore: how steep is each generator loss where the discriminator *rejects* the
fakes (output very negative), which is exactly the situation at the start of
training?
"""

GENERATOR_LOSSES = {
    "cross-entropy, minimax (original)": losses.minimax_generator_loss,
    "cross-entropy, non-saturating": losses.bce_generator_loss,
    "least squares": losses.least_squares_generator_loss,
    "Wasserstein / hinge": losses.wasserstein_generator_loss,
}


def slope(loss):
    """d loss / d output at every x (each loss is a mean, so multiply by the count)."""
    values = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(values)
        total = loss(values)
    return tape.gradient(total, values).numpy() * len(x)


figure = Figure(figsize=(11, 4))
values_axes, slope_axes = figure.subplots(1, 2)
for name, loss in GENERATOR_LOSSES.items():
    values_axes.plot(x, curve(loss), label=name)
    slope_axes.plot(x, np.abs(slope(loss)), label=name)
values_axes.set(title="generator loss on its fake image", xlabel="discriminator output on the fake",
                ylabel="loss", ylim=(-4.5, 6))
slope_axes.set(title="how hard the generator is pushed: |gradient|",
               xlabel="discriminator output on the fake",
               ylabel="|d loss / d output|", ylim=(0, 4))
slope_axes.axvspan(-4, -2, color="red", alpha=0.08)
slope_axes.text(-3.9, 3.6, "discriminator\nrejects the fake", fontsize=9, va="top")
for axes in (values_axes, slope_axes):
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8)
tutorial.save_figure(figure, f"{OUT}/generator_losses.png")

"""
The right panel is the key picture of this tutorial. In the red zone (the
discriminator confidently says "fake"), the **original minimax** loss of the 2014
paper has almost no slope: the generator gets no signal exactly when it needs one.
That is why everyone uses the **non-saturating** version, whose slope is largest
there. **Least squares** keeps pushing in proportion to the distance, and
**Wasserstein/hinge** push with a constant force everywhere.

## Training the variants side by side

Now the real test, the experiment of the GANs 101 article's Table 2:
`keras_gans.experiments.compare.compare` trains each variant on the same data (the same
images in the same order), with the same architecture, the same initial weights
and the same fixed latents for the samples, each with its paper's optimizer
settings, for the same number of epochs. `build_gan(name)` picks the networks each
variant is meant for (WGAN-GP's critic uses layer normalization, SAGAN has
self-attention and spectral normalization; tutorials 4 and 9 explain why). It is
also what the workshop command runs (`keras-gans compare`, see
`tutorials/WORKSHOP.md`).

Quick mode uses the comparison's own quick settings (networks of width 16,
latent vectors of 32 numbers, batches of 32) on all 5,000 digits for 5 epochs,
about 780 generator steps, a little over two minutes on two CPU cores. That is
enough to tell the losses apart: the cross-entropy, least-squares and
gradient-penalty generators already draw rough digits, weight-clipped WGAN is
still a texture (its critic, clipped to +-0.01, learns slowly: tutorial 4), and
SAGAN's hinge loss with a spectrally normalised discriminator starts more slowly
too. `KERAS_GANS_TIME_SCALE=3` trains 15 epochs. Full mode trains on CelebA at
64x64 on the GANs 101 article's subset sizes.
"""

VARIANTS = ["dcgan", "lsgan", "wgan", "wgan-gp", "sagan"]
if tutorial.QUICK:
    rows = compare(VARIANTS, num_images=[tutorial.scaled(5000, minimum=256)], epochs=tutorial.scaled(5),
                   quick=True,
                   output_dir=f"{OUT}/comparison", dataset="mnist5k", image_size=32)
else:  # 20 epochs or 60 seconds of training per run, whichever ends first (15 runs: 15 minutes)
    name, options = tutorial.data_source()
    rows = compare(VARIANTS, num_images=[1000, 5000, 10_000], epochs=20, output_dir=f"{OUT}/comparison",
                   dataset=name, data_options=options, image_size=64, width=tutorial.WIDTH,
                   latent_dim=tutorial.LATENT_DIM, batch_size=tutorial.BATCH_SIZE, quality=None,
                   seconds_per_run=tutorial.seconds(60, 60))
tutorial.show(f"{OUT}/comparison/samples.png")
tutorial.show(f"{OUT}/comparison/losses.png")
print(open(f"{OUT}/comparison/summary.md").read())

"""
The comparison folder holds, for each variant, its GIF
(`<variant>_<n>/progress.gif`), its step-by-step losses, and the summary table
printed above: seconds per epoch, final losses and scores and, on the digits, a
quality score (the digits FID of tutorial 8, lower is better). The loss curves of different variants are on
different scales (a Wasserstein critic's loss is a difference of unbounded
scores), so each has its own panel: compare their *shapes*, and judge the images
by the samples and the quality score, not by the losses.

## What you saw

- `discriminator_losses.png`, `generator_losses.png`: the losses and their slopes.
- `comparison/samples.png`: the same latents through each variant's generator
  after the same number of epochs; `comparison/losses.png`: their losses;
  `comparison/summary.md`: time and quality.

Things to notice: the Wasserstein variants do 5 critic updates per generator
update, so each of their epochs takes several times longer; in a short run
WGAN-GP, whose critic gives a useful gradient from the first step, is usually the
first to draw shapes; WGAN with weight clipping learns slowly (its critic is
heavily constrained) and is usually still noise after a quick-mode run; LSGAN
and DCGAN are often close; SAGAN's
generator learns at half DCGAN's rate with costlier steps, and in a quick run its
samples often all look alike (tutorial 9). With so little training the ranking can
change from run to run: that itself is a lesson about GANs. For a workshop,
`tutorials/WORKSHOP.md` runs the same comparison from the command line.
"""
