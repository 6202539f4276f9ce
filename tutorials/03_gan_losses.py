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

**Quick** (the default, and the workshop's): the loss plots, then the workshop's
comparison on the 5,000 digits that ship with the package: five variants on 1,000 and on
5,000 digits, 1,200 generator steps each, with the small networks and learning rates of
`keras-gans compare --quick`. It is the longest tutorial in quick mode; how long it takes
on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: the same comparison on
CelebA faces at 64x64 with the GANs 101 article's networks and subset sizes, for a GPU:
15 runs of 1,000 steps, roughly 20 to 50 minutes on a free Colab T4 (an estimate from the
arithmetic of the steps, not a measurement). The cell below holds every setting, one
line per mode; `LENGTH` multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
# quick=True: the small networks of `keras-gans compare --quick` (keras_gans.presets.COMPARE["quick"]).
# num_images: the subset sizes, one column each; steps: generator steps of every run.
QUICK = dict(quick=True, image_size=32, latent_dim=32, width=16, batch_size=32, num_images=[1000, 5000],
             steps=1200, time_limit=1800)
FULL = dict(quick=False, image_size=64, latent_dim=128, width=64, batch_size=128, num_images=[1000, 5000, 10000],
            steps=1000, time_limit=3600)

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
each loss for the same number of steps and puts the results next to each other.
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

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
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
and the same fixed latents for the samples, each with its paper's optimizer, for the
same number of generator steps, on each subset size. Quick mode raises some learning
rates so that its short runs draw digits (`keras_gans.presets.COMPARE_LEARNING_RATES`
names them and says why; the summary table lists every run's rates). `build_gan(name)`
picks the networks each variant is meant for (WGAN-GP's critic uses layer
normalization, SAGAN has self-attention and spectral normalization; tutorials 4 and
9 explain why). It is also what the workshop command runs (`keras-gans compare`, see
`tutorials/WORKSHOP.md`): quick mode's settings are those of `keras-gans compare --quick`,
so this tutorial's `comparison/` folder is the one the workshop shows.

Equal steps, not equal epochs: with equal epochs the 1,000-image column would get a
fifth of the steps of the 5,000-image one, and the picture would show the shorter
training, not the smaller data set. A step is one generator update with the
discriminator or critic updates its variant makes for it (five for WGAN and WGAN-GP),
so every run gets the same number of generator updates and the Wasserstein runs pay for
their critics in time. `time_limit` is only a safety stop for each run; a run it cuts
short says so, and its row of the summary shows fewer steps.
"""

VARIANTS = ["dcgan", "lsgan", "wgan", "wgan-gp", "sagan"]
name, options = tutorial.data_source(settings)
quality = "digits" if name == "mnist5k" else None  # the digits FID (tutorial 8) scores digits only
rows = compare(VARIANTS, num_images=settings.num_images, steps=settings.steps, quick=settings.quick,
               output_dir=f"{OUT}/comparison", dataset=name, data_options=options,
               image_size=settings.image_size, width=settings.width, latent_dim=settings.latent_dim,
               batch_size=settings.batch_size, quality=quality, time_limit=settings.time_limit)
tutorial.show(f"{OUT}/comparison/samples.png")
tutorial.show(f"{OUT}/comparison/losses.png")
print(open(f"{OUT}/comparison/summary.md").read())

"""
The comparison folder holds, for each run, its GIF (`<variant>_<n>/progress.gif`),
its step-by-step losses, and the summary table printed above: milliseconds per step,
final losses and scores and, on the digits, a quality score (the digits FID of
tutorial 8, lower is better). The loss curves of different variants are on different
scales (a Wasserstein critic's loss is a difference of unbounded scores), so each has
its own panel: compare their *shapes*, and judge the images by the samples and the
quality score, not by the losses.

## What you saw

- `discriminator_losses.png`, `generator_losses.png`: the losses and their slopes.
- `comparison/samples.png`: the same latents through each run's generator after the
  same number of generator steps, one row per variant, one column per subset size;
  `comparison/losses.png`: their losses; `comparison/summary.md`: time and quality.

Things to notice, in quick mode's pictures: DCGAN and LSGAN draw rough but mostly
readable digits in both columns; WGAN-GP, whose critic gives a useful gradient from the
first step, draws the smoothest ones (and the lowest digits FID); weight-clipped WGAN
learns slowly (its critic is clipped flat, tutorial 4) and is still a grid-like texture;
SAGAN draws thick, rough digits. It does so at one learning rate for both networks: with
its paper's two (the discriminator four times faster) the discriminator wins a run this
short and every latent draws the same pattern (tutorial 9 explains the two rates). The
Wasserstein variants make 5 critic updates per generator update, and SAGAN's attention
and spectral normalization add many small operations, so their steps take several times
longer (the `ms / step` column). Compare the two columns of one row for what five times
fewer images do to a variant: in runs this short, not much (the digits FID a little
higher). For a workshop,
`tutorials/WORKSHOP.md` runs the same comparison from the command line.
"""

"""
## Which loss when

The five variants on one page, as the package builds and compiles them (each
discriminator and generator loss as a formula, each paper's optimizers and number of
critic updates, what holds the discriminator in check, and what a step costs compared
with a DCGAN step), with a line each on what it fixes and when to choose it:
[the "Which loss when" handout](WORKSHOP.md#handout-which-loss-when) in
`tutorials/WORKSHOP.md`, one printed page for a workshop. The formulas are those of
`keras_gans/losses.py`, the defaults those of `keras_gans/models/<name>.py`.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **Slopes by hand.** Before running `slope`, compute each generator loss's slope
   at a discriminator output of -4 on paper. *Expected*: minimax 0.018, non-saturating
   0.982, least squares |-4 - 1| = 5, Wasserstein and hinge 1. Then read them off
   `generator_losses.png` at x = -4.
2. **The other LSGAN coding.** The LSGAN paper's other choice of targets is a = -1
   (fake), b = 1 (real), c = 0 (what the generator asks for):
   `losses.least_squares_discriminator_loss(real, fake, a=-1.0, b=1.0)` and
   `losses.least_squares_generator_loss(fake, c=0.0)`. *Predict* both losses when the
   discriminator outputs 0 on every image. *Expected*: 1.0 for the discriminator
   (0.5 with the default 0/1 coding) and 0.0 for the generator: with c = 0 the
   generator is content with an undecided discriminator.
3. **What a step costs.** Before reading the summary table, *predict* each
   variant's `ms / step` as a multiple of DCGAN's. *Expected*: LSGAN about DCGAN's
   (the same networks, another formula); the three others several times more: WGAN 2
   to 4 times (five critic updates per step), WGAN-GP 5 to 8 times (five critic
   updates, each with a second backward pass for the penalty), SAGAN about as dear as
   WGAN-GP (one discriminator update, but attention and spectral normalization add
   many small operations). The exact multiples change with the CPU and with whatever
   else the machine is doing; the grouping does not: LSGAN with DCGAN, the other three
   several times dearer. At equal *time* instead of equal steps, the cheap losses would
   get that many more steps.
"""
