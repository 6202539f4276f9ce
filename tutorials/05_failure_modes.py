"""
Title: How GANs fail, and how to tell
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: Saturation, mode collapse and NaN, provoked on purpose, caught by `Diagnostics`, then fixed.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

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

import _quick as tutorial
import keras
import numpy as np
from matplotlib.figure import Figure

import keras_gans
from keras_gans.callbacks import Diagnostics, StepHistory

tutorial.describe()
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
    # Checks every 10 steps, and saturation after 40 steps instead of 100: these runs are short.
    # An untrained generator draws nearly the same image for every latent, so the collapse
    # check waits until the samples have once been varied (or 1,000 steps, more than we run).
    return Diagnostics(reference_images=reference_images, check_every_n_steps=10, saturation_steps=40,
                       collapse_warmup_steps=1000)


def kinds(diagnostics):
    return sorted({warning["kind"] for warning in diagnostics.warnings})


"""
## 1. Discriminator saturation

We make the discriminator learn 50 times faster than the generator (learning
rates 1e-3 against 2e-5). It quickly becomes certain about every image.
"""

gan = new_dcgan()
gan.compile(d_optimizer=adam(1e-3), g_optimizer=adam(2e-5))
unbalanced_steps, watch = StepHistory(), diagnostics()
gan.fit(dataset, epochs=20, verbose=0, callbacks=[watch, unbalanced_steps,
                                                  tutorial.TimeLimit(tutorial.seconds(15))])
print("warnings:", kinds(watch))
saturation_warnings = watch.warnings

"""
The fix is to slow the discriminator down until the contest is even. Here we
follow `Diagnostics`' own advice and go further: the generator keeps the DCGAN
paper's 2e-4 and the discriminator gets a quarter of it, 5e-5. (With these small
networks on digits, the discriminator wins the first few hundred steps even at
equal learning rates, and only then lets the generator catch up. Other fixes:
label smoothing, a smaller discriminator, or a loss that does not saturate, such
as least squares or Wasserstein: tutorial 3.)
"""

gan = new_dcgan()
gan.compile(d_optimizer=adam(5e-5), g_optimizer=adam(2e-4))
balanced_steps, watch = StepHistory(), diagnostics()
gan.fit(dataset, epochs=20, verbose=0, callbacks=[watch, balanced_steps,
                                                  tutorial.TimeLimit(tutorial.seconds(40))])
print("warnings:", kinds(watch))
healthy = gan

figure = Figure(figsize=(11, 3.5))
runs = [("saturated: D learns 50x faster than G", unbalanced_steps),
        ("fixed: D learns 4x slower than G", balanced_steps)]
for axes, (title, steps) in zip(figure.subplots(1, 2), runs):
    for key in ("real_score", "fake_score"):
        axes.plot(steps.history["step"], keras_gans.plotting.rolling_mean(steps.history[key], 10), label=key)
    axes.set(title=title, xlabel="step", ylabel="P(real)", ylim=(-0.02, 1.02))
    axes.grid(alpha=0.3)
    axes.legend()
tutorial.save_figure(figure, f"{OUT}/saturation_scores.png")

"""
On the left the discriminator's scores pin to 1 (real) and 0 (fake) within a few
steps and stay there: the generator is not learning. On the right they stay
apart but away from 0 and 1, the mark of a contest that is still going on. The
warning only fires when the saturation lasts (here 40 steps; 100 by default).

## 2. Mode collapse

A simple way to see why collapse happens: **freeze the discriminator** and keep
training the generator. With nothing pushing back, the generator's best move is to
draw the single image the discriminator likes most, for every latent vector. We
start from the healthy generator above and set the discriminator's learning rate
to zero.
"""

before = healthy.generate(36, seed=3)
healthy.compile(d_optimizer=keras.optimizers.SGD(0.0), g_optimizer=adam(2e-3))
watch = diagnostics()
healthy.fit(dataset, epochs=20, verbose=0, callbacks=[watch, tutorial.TimeLimit(tutorial.seconds(20))])
print("warnings:", kinds(watch))
after = healthy.generate(36, seed=3)
collapse_warnings = watch.warnings
spread = keras_gans.callbacks.mean_pairwise_distance
print(f"spread of the samples: before {spread(before):.3f}, after {spread(after):.3f}, "
      f"real digits {spread(reference_images):.3f}")
tutorial.save_grid(np.concatenate([before, after]), f"{OUT}/mode_collapse.png", nrow=12,
                   label="top: before; bottom: after (discriminator frozen)")

"""
Same latent vectors, top and bottom: the variety is gone, every latent now gives
nearly the same picture. `Diagnostics` measures variety as the mean pixel distance
between samples divided by the same for real images (the "spread" printed above),
and warns when it falls below 0.1 after having been above it; the `warnings:` line
shows whether it fired in this run.

In a real run the discriminator is not frozen, but it can lag, and the
generator can chase it from one mode to the next. The fixes: a discriminator that
keeps up (balanced learning rates), a loss whose critic gives useful gradients
everywhere (WGAN-GP, tutorial 4), spectral normalization (tutorial 9), or simply
restarting from the last good checkpoint with a smaller learning rate.

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
gan.fit(dataset, epochs=3, verbose=0, callbacks=[watch, nan_steps, tutorial.TimeLimit(tutorial.seconds(20))])
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
    sections = [("1. saturation", saturation_warnings), ("2. mode collapse", collapse_warnings),
                ("3. NaN", nan_warnings)]
    for title, warnings in sections:
        file.write(f"=== {title}\n")
        for warning in warnings:
            file.write(warning["message"] + "\n\n")
print(open(f"{OUT}/warnings.txt").read())

"""
## What you saw

- `saturation_scores.png`: the discriminator's scores in a saturated and in a
  balanced run.
- `mode_collapse.png`: the same latents before and after the generator collapsed.
- `warnings.txt`: what `Diagnostics` said each time.

Use `Diagnostics(reference_images=dataset, checkpoint_path=...)` in every long run:
it costs little and turns "the pictures look wrong after six hours" into a message
at the step where things went wrong.
"""
