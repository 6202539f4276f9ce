"""
Title: How GANs fail, and how to tell
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Saturation, mode collapse and NaN, provoked on purpose, caught by `Diagnostics`, then fixed.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks; about 1.5 minutes on a 2-core laptop CPU (measured on
an AVX-512 one; an AVX2-only CPU gets fewer steps in the same time). **Full**: CelebA
faces at 64x64 with the GANs 101 article's settings, for a GPU. Every training loop
stops at a time limit, so full mode takes about 15 minutes on a free Colab T4
(13 of training, about 1 to decode 50,000 faces; an estimate, see `keras_gans.tutorial`),
plus a first-time download of CelebA. `TIME_SCALE` multiplies every limit.
"""

MODE = "quick"  # or "full"
TIME_SCALE = 1.0  # e.g. 0.2 for a rehearsal, 3.0 for better pictures
CELEBA = "tfds"  # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip

"""
## Three ways to fail

GAN training is a balance between two networks, and it can tip over in a few
typical ways. Each has a symptom you can measure:

1. **Discriminator saturation.** The discriminator wins outright: it gives real
   images probability ~1 and fakes ~0. The generator's loss gradient then carries
   almost no information and learning stalls. Symptom: `real_score` near 1 and
   `fake_score` near 0 for many steps.
2. **Mode collapse.** The generator finds one (or a few) images that fool the
   discriminator and draws only those, whatever the latent vector. Symptom: the
   samples stop being different from each other.
3. **NaN.** A number overflows, becomes infinite, and then "not a number", which
   spreads to every weight within a step. Symptom: a loss is `nan`; the model is
   ruined from then on.

`keras_gans.callbacks.Diagnostics` watches for each of them during `fit`, prints a
warning that says what it saw and what to try, keeps the last good weights, and
stops training on a NaN. Here we provoke each failure on purpose and watch it
being caught.
"""

"""
## Setup
"""

import keras
import numpy as np
from matplotlib.figure import Figure

import keras_gans
from keras_gans import tutorial
from keras_gans.callbacks import Diagnostics, StepHistory

tutorial.configure(MODE, TIME_SCALE, CELEBA)
OUT = tutorial.output_dir("05_failure_modes")
dataset = tutorial.load_training_data(seed=0)
reference_images = next(iter(dataset.unbatch().batch(64)))


def new_dcgan(seed=0):
    keras.utils.set_random_seed(seed)
    return keras_gans.models.build_gan("dcgan", tutorial.IMAGE_SIZE, tutorial.CHANNELS,
                                       tutorial.LATENT_DIM, width=tutorial.WIDTH, seed=seed)


def adam(learning_rate):
    return keras.optimizers.Adam(learning_rate, beta_1=0.5)


def diagnostics():
    # Checks every 10 steps. An untrained generator draws nearly the same image for every
    # latent, so the collapse check waits until the samples have once been varied (or
    # 1,000 steps, more than these runs take).
    return Diagnostics(reference_images=reference_images, check_every_n_steps=10,
                       collapse_warmup_steps=1000)


def kinds(diagnostics):
    return sorted({warning["kind"] for warning in diagnostics.warnings})


"""
## 1. Discriminator saturation: a discriminator that is too strong

We make the discriminator learn 50 times faster than the generator (learning
rates 1e-3 against 2e-5). It quickly becomes certain about every image.
"""


def train(d_learning_rate, g_learning_rate, quick_seconds):
    gan = new_dcgan()
    gan.compile(d_optimizer=adam(d_learning_rate), g_optimizer=adam(g_learning_rate))
    steps, watch = StepHistory(), diagnostics()
    gan.fit(dataset, epochs=50, verbose=0,
            callbacks=[watch, steps, tutorial.TimeLimit(tutorial.seconds(quick_seconds, 240))])
    print(f"{len(steps.history['step'])} steps; Diagnostics warned about: {kinds(watch)}")
    return gan, steps, watch.warnings


saturated_gan, saturated_steps, saturation_warnings = train(1e-3, 2e-5, 15)

"""
## 2. Mode collapse: a discriminator that is too weak

Now the opposite: the discriminator learns 50 times *slower* than the generator
(1e-5 against 5e-4). The generator soon finds an image the lagging discriminator
accepts, and since nothing pushes it away from there, it draws that image for
every latent vector: the variety collapses. (A milder lag, 5e-5 against 2e-4,
did not collapse in our runs: batch norm and Adam's momentum keep a small DCGAN
varied surprisingly well. Collapse needs a discriminator that barely moves.)
"""

collapsed_gan, collapsed_steps, collapse_warnings = train(1e-5, 5e-4, 25)

"""
## The balance

In between, a discriminator at half the generator's rate (1e-4 against 2e-4)
keeps the contest going on this small problem. (The DCGAN paper uses 2e-4 for
both; with these small networks on digits its discriminator wins the first few
hundred steps before the generator catches up, which in a short run is too long.)
"""

balanced_gan, balanced_steps, balanced_warnings = train(1e-4, 2e-4, 30)

runs = [("D too strong (1e-3 vs 2e-5)", saturated_gan, saturated_steps),
        ("D too weak (1e-5 vs 5e-4)", collapsed_gan, collapsed_steps),
        ("balanced (1e-4 vs 2e-4)", balanced_gan, balanced_steps)]
figure = Figure(figsize=(14, 3.5))
for axes, (title, _, steps) in zip(figure.subplots(1, 3), runs):
    for key in ("real_score", "fake_score"):
        axes.plot(steps.history["step"], keras_gans.plotting.rolling_mean(steps.history[key], 10), label=key)
    axes.set(title=title, xlabel="step", ylabel="P(real)", ylim=(-0.02, 1.02))
    axes.grid(alpha=0.3)
    axes.legend()
tutorial.save_figure(figure, f"{OUT}/scores.png")

grids = []
spread = keras_gans.evaluation.mean_pairwise_distance
for title, gan, _ in runs:
    images = gan.generate(36, seed=3)
    print(f"{title}: spread of the samples {spread(images):.3f} (real: {spread(reference_images):.3f})")
    grid = keras_gans.plotting.image_grid(images, nrow=6, scale=2, label=title.split(" (")[0])
    grids.append(np.pad(grid, ((0, 0), (0, 8), (0, 0)), constant_values=255))
keras_gans.plotting.save_png(np.concatenate(grids, axis=1), f"{OUT}/samples.png")
tutorial.show(f"{OUT}/samples.png")

"""
Read the two pictures together.

- **Too strong** (left): the scores pin to 1 (real) and 0 (fake) within a few
  steps and stay there; the generator is not learning, its samples are still
  noise. `Diagnostics` warns once the saturation has lasted 100 steps.
- **Too weak** (middle): the fake score climbs, the discriminator is being fooled,
  and the samples are all the same picture: here a grey texture, the first thing
  that fooled a discriminator that has barely learned what a digit is. `Diagnostics` measures variety as the
  mean pixel distance between samples divided by the same for real images (the
  "spread" printed above) and warns when it falls below 0.1 after having been
  above it.
- **Balanced** (right): the scores stay apart but away from 0 and 1, and the
  samples differ from each other: the contest is still going on.

The fixes follow: slow down a discriminator that wins (a lower learning rate,
label smoothing, a smaller network, or a loss that does not saturate: least
squares or Wasserstein, tutorial 3); strengthen one that lags, or use a critic that
gives useful gradients everywhere (WGAN-GP, tutorial 4) or spectral normalization
(tutorial 9); and keep checkpoints, so a run that collapses can restart from
before the collapse.

## 3. NaN

Finally the crash. A Wasserstein critic with no limit on its weights (clipping
"switched off" with a huge clip value) and a reckless learning rate: its scores
grow without bound until they overflow.
"""

keras.utils.set_random_seed(0)
size, channels = tutorial.IMAGE_SIZE, tutorial.CHANNELS
generator = keras_gans.networks.dcgan_generator(size, channels, tutorial.LATENT_DIM, width=tutorial.WIDTH)
critic = keras_gans.networks.dcgan_discriminator(size, channels, width=tutorial.WIDTH, normalization="none")
gan = keras_gans.WGAN(generator, critic, clip_value=1e30, discriminator_steps=1, seed=0)
gan.compile(d_optimizer=keras.optimizers.SGD(50.0), g_optimizer=keras.optimizers.SGD(50.0))
watch = Diagnostics(checkpoint_path=f"{OUT}/last_good.weights.h5")
nan_steps = StepHistory()
gan.fit(dataset, epochs=3, verbose=0, callbacks=[watch, nan_steps, tutorial.TimeLimit(tutorial.seconds(20, 60))])
print("warnings:", kinds(watch))
print("the last steps' critic losses:", [f"{v:.3g}" for v in nan_steps.history["d_loss"][-4:]])
weights_are_finite = all(np.isfinite(keras.ops.convert_to_numpy(w)).all() for w in gan.weights)
print("after the NaN, Diagnostics put back the last good weights; all finite:", weights_are_finite)
nan_warnings = watch.warnings

"""
`Diagnostics` stopped training at the first non-finite loss and put back the
weights of the last finished epoch (also saved in `last_good.weights.h5`). The
fixes for a NaN: a smaller learning rate; a constraint on the critic (weight
clipping, gradient penalty, spectral normalization); under mixed precision, keep
the last layer in float32 and use a loss-scale optimizer (the package does both);
and `keras.callbacks.TerminateOnNaN` as a last line of defence.

## The warnings, as `Diagnostics` wrote them
"""

with open(f"{OUT}/warnings.txt", "w") as file:
    sections = [("1. D too strong", saturation_warnings), ("2. D too weak", collapse_warnings),
                ("balanced", balanced_warnings), ("3. NaN", nan_warnings)]
    for title, warnings in sections:
        file.write(f"=== {title}\n")
        for warning in warnings:
            file.write(warning["message"] + "\n\n")
print(open(f"{OUT}/warnings.txt").read())

"""
## What you saw

- `scores.png`: the discriminator's scores with a too strong, a too weak and a
  balanced discriminator;
- `samples.png`: the samples of the three runs: noise, one image repeated, digits.
- `warnings.txt`: what `Diagnostics` said each time.

Use `Diagnostics(reference_images=dataset, checkpoint_path=...)` in every long run:
it costs little and turns "the pictures look wrong after six hours" into a message
at the step where things went wrong.
"""
