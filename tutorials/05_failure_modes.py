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
package and small networks on a CPU, four short DCGAN and WGAN runs (300, 600, 150 and
at most 300 steps); how long that takes on each kind of CPU is in the `tutorials` table
of [`benchmarks/README.md`](../benchmarks/README.md). **Full**: CelebA faces at 64x64
with the GANs 101 article's networks, for a GPU, the same four runs with more steps,
roughly 2 to 6 minutes on a free Colab T4 (an estimate from the arithmetic of the steps,
not a measurement). The cell below holds every setting, one line per mode; `LENGTH`
multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, saturation_steps=300,
             balanced_steps=600, collapse_steps=150, nan_steps=300, time_limit=600)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, saturation_steps=600,
            balanced_steps=3000, collapse_steps=300, nan_steps=300, time_limit=3600)

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

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("05_failure_modes")
dataset = tutorial.load_training_data(settings, seed=0)
reference_images = next(iter(dataset.unbatch().batch(64)))


def new_dcgan(seed=0):
    keras.utils.set_random_seed(seed)
    return keras_gans.models.build_gan("dcgan", settings.image_size, settings.channels,
                                       settings.latent_dim, width=settings.width, seed=seed)


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
rates 1e-3 against 2e-5), for `settings.saturation_steps` steps. It quickly becomes
certain about every image.
"""


def train(d_learning_rate, g_learning_rate, steps, gan=None):
    gan = gan or new_dcgan()
    gan.compile(d_optimizer=adam(d_learning_rate), g_optimizer=adam(g_learning_rate))
    history, watch = StepHistory(), diagnostics()
    gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=steps, verbose=0,
            callbacks=[watch, history, keras_gans.callbacks.TimeLimit(settings.time_limit)])
    print(f"{len(history.history['step'])} steps; Diagnostics warned about: {kinds(watch)}")
    return gan, history, watch.warnings


saturated_gan, saturated_steps, saturation_warnings = train(1e-3, 2e-5, settings.saturation_steps)

"""
## 2. The balance

Before the opposite failure, a run that works: a discriminator at half the
generator's rate (1e-4 against 2e-4) keeps the contest going on this small
problem, for `settings.balanced_steps` steps. (The DCGAN paper uses 2e-4 for both;
with these small networks on digits its discriminator wins the first hundred or so
steps before the generator catches up, which in a short run is a large share.)
"""

balanced_gan, balanced_steps, balanced_warnings = train(1e-4, 2e-4, settings.balanced_steps)

"""
## 3. Mode collapse: a discriminator that falls behind

Mode collapse strikes a generator that already draws something: it finds one image
that the discriminator accepts and draws it for every latent vector. To see it, we
take a copy of the balanced run we just trained (both networks, with their weights
as they are now) and train it on for `settings.collapse_steps` more steps (150 in
quick mode) with a discriminator that has
almost stopped learning: 500 times slower than the generator (1e-6 against 5e-4).
Nothing then punishes the generator for drawing the same thing every time, so every
latent vector drifts towards the one image this nearly frozen judge likes best.

Two things to know before you look:

- The discriminator must have learned something first, which is why the collapse
  starts from the balanced run rather than from new networks: a discriminator that
  knows nothing about digits can be fooled by a grey texture, and the generator would
  collapse onto that.
- The image the generator collapses onto is the one this particular discriminator
  scores highest, and after 600 steps of training that is not a clean digit but a
  pattern of strokes and blobs (the exact pattern changes with the CPU: floating-point
  differences between CPU kinds are enough to pick another one). What makes it a
  collapse is that it is *the same* picture for every latent vector. In long runs,
  where the discriminator knows digits well, the collapsed image is typically a
  digit, often the same one over and over.
"""


def copy_of(gan):
    """A new DCGAN with copies of `gan`'s two networks and their current weights."""
    copies = []
    for network in (gan.generator, gan.discriminator):
        copy = keras.models.clone_model(network)
        copy.set_weights(network.get_weights())
        copies.append(copy)
    return keras_gans.DCGAN(*copies, seed=1)


collapsed_gan, collapsed_steps, collapse_warnings = train(1e-6, 5e-4, settings.collapse_steps,
                                                         gan=copy_of(balanced_gan))

runs = [("D too strong (1e-3 vs 2e-5)", saturated_gan, saturated_steps),
        ("balanced (1e-4 vs 2e-4)", balanced_gan, balanced_steps),
        ("collapsed (then 1e-6 vs 5e-4)", collapsed_gan, collapsed_steps)]
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
- **Balanced** (middle): the scores stay apart but away from 0 and 1, and the
  samples differ from each other: the contest is still going on.
- **Collapsed** (right): the same networks as the middle picture, 150 steps later,
  trained on with a discriminator that barely moves. Its fake score climbs towards
  1 (it is being fooled) and the 36 latent vectors, which drew 36 different rough
  digits, now all draw one and the same picture: a mode collapse. `Diagnostics`
  measures variety as the mean pixel distance between samples divided by the same
  for real images (the "spread" printed above, about 0.65 for real digits: close to
  it for the balanced run, a fraction of it for the collapsed one) and warns when that
  ratio falls below 0.1 after having been above it. This collapse ends at about a
  fifth to a third of the real spread (the samples still differ a little in
  brightness), above the line, so `Diagnostics` stays silent: a threshold is a
  compromise between false alarms and missed collapses, and your eyes on the sample
  grid are the last check.

The fixes follow: slow down a discriminator that wins (a lower learning rate,
label smoothing, a smaller network, or a loss that does not saturate: least
squares or Wasserstein, tutorial 3); strengthen one that lags, or use a critic that
gives useful gradients everywhere (WGAN-GP, tutorial 4) or spectral normalization
(tutorial 9); and keep checkpoints, so a run that collapses can restart from
before the collapse.

## 4. NaN

Finally the crash. A Wasserstein critic with no limit on its weights (clipping
"switched off" with a huge clip value) and a reckless learning rate: its scores
grow without bound until they overflow.
"""

keras.utils.set_random_seed(0)
size, channels = settings.image_size, settings.channels
generator = keras_gans.networks.dcgan_generator(size, channels, settings.latent_dim, width=settings.width)
critic = keras_gans.networks.dcgan_discriminator(size, channels, width=settings.width, normalization="none")
gan = keras_gans.WGAN(generator, critic, clip_value=1e30, discriminator_steps=1, seed=0)
gan.compile(d_optimizer=keras.optimizers.SGD(50.0), g_optimizer=keras.optimizers.SGD(50.0))
watch = Diagnostics(checkpoint_path=f"{OUT}/last_good.weights.h5")
nan_steps = StepHistory()
gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=settings.nan_steps, verbose=0,
        callbacks=[watch, nan_steps, keras_gans.callbacks.TimeLimit(settings.time_limit)])
print("warnings:", kinds(watch))
print("the last steps' critic losses:", [f"{v:.3g}" for v in nan_steps.history["d_loss"][-4:]])
weights_are_finite = all(np.isfinite(keras.ops.convert_to_numpy(w)).all() for w in gan.weights)
print("after the NaN, Diagnostics put back the last good weights; all finite:", weights_are_finite)
nan_warnings = watch.warnings

"""
`Diagnostics` stopped training at the first non-finite loss, a few steps in, and put
back the last good weights, here those of the start of the run (also saved in
`last_good.weights.h5`; in a longer run, those of the last finished epoch). The
fixes for a NaN: a smaller learning rate; a constraint on the critic (weight
clipping, gradient penalty, spectral normalization); under mixed precision, keep
the last layer in float32 and use a loss-scale optimizer (the package does both);
and `keras.callbacks.TerminateOnNaN` as a last line of defence.

## The warnings, as `Diagnostics` wrote them
"""

with open(f"{OUT}/warnings.txt", "w") as file:
    sections = [("1. D too strong", saturation_warnings), ("2. balanced", balanced_warnings),
                ("3. D falls behind: collapse", collapse_warnings), ("4. NaN", nan_warnings)]
    for title, warnings in sections:
        file.write(f"=== {title}\n")
        for warning in warnings:
            file.write(warning["message"] + "\n\n")
print(open(f"{OUT}/warnings.txt").read())

"""
## What you saw

- `scores.png`: the discriminator's scores with a too strong discriminator, a
  balanced one, and one that falls behind;
- `samples.png`: the samples of the three runs: noise, rough digits, one image repeated.
- `warnings.txt`: what `Diagnostics` said each time.

Use `Diagnostics(reference_images=dataset, checkpoint_path=...)` in every long run:
it costs little and turns "the pictures look wrong after six hours" into a message
at the step where things went wrong.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **A shorter collapse.** Set `collapse_steps=30` in `QUICK` instead of 150.
   *Predict*: collapsed or not? *Expected*: on the way, not finished. The 36 samples
   have already drifted towards one pattern, but they still differ in detail and
   brightness, where 150 steps make them one picture; the printed spread of the collapsed
   run stays well above the 150-step run's, about half the real digits' spread.
2. **Clip the reckless critic.** In the NaN section, set `clip_value=0.01` (the
   WGAN paper's) instead of 1e30, and keep the learning rate of 50. *Predict*: NaN
   or not? *Expected*: no NaN: every weight stays within +-0.01 whatever the
   optimizer does, so the critic's scores stay small; `Diagnostics` does not warn
   (`tests/test_exercises.py` runs it on small networks), though the generator
   learns nothing useful at that learning rate.
"""
