"""
Title: WGAN: weight clipping against the gradient penalty
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: The critic, the Lipschitz constraint, and two ways to enforce it, with gradient norms plotted.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package and small networks; about 2 minutes on a 2-core laptop CPU (measured on
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
## From a discriminator to a critic

A DCGAN discriminator answers "real or fake?" with a probability. When it becomes
very good, its answers saturate at 0 and 1 and the generator stops learning
(tutorial 3 drew that flat slope).

The Wasserstein GAN (Arjovsky et al. 2017) replaces it with a **critic**: a network
that gives each image a *score*, any real number, higher for real images. The
critic is trained to maximise

    mean(score of real images) - mean(score of generated images)

and the generator to raise the score of its own images. If the critic is not
allowed to be too steep, this difference is (up to a constant) the **Wasserstein
distance** between the two sets of images: how much "mass" of the generated
images must be moved, and how far, to turn them into the real ones. Unlike the
cross-entropy, this distance keeps decreasing smoothly as the generator improves,
so the generator always gets a useful gradient, and the number itself tracks
progress.

"Not too steep" has a precise meaning: the critic must be **1-Lipschitz**, its
score may change by at most 1 when the image moves by a distance of 1; in other
words the norm of its gradient with respect to the image is at most 1 everywhere.
Without a limit the critic would simply push the scores to infinity.

How to enforce that limit is the whole difference between the two models here:

- **WGAN** clips every weight of the critic into [-0.01, 0.01] after each update.
  Crude: it limits the slope, but in a way that has little to do with 1.
- **WGAN-GP** (Gulrajani et al. 2017) adds a **gradient penalty** to the critic's
  loss, `10 * mean((||gradient|| - 1)^2)`, measured at random points between a real
  and a generated image, which pulls the gradient norm towards exactly 1.
"""

"""
## Setup
"""

import keras
import numpy as np
import tensorflow as tf
from matplotlib.figure import Figure

import keras_gans
from keras_gans import losses, tutorial

tutorial.configure(MODE, TIME_SCALE, CELEBA)
OUT = tutorial.output_dir("04_wgan_and_gradient_penalty")
keras.utils.set_random_seed(0)
dataset = tutorial.load_training_data(seed=0)
real_batch = next(iter(dataset))

"""
## The gradient penalty on a small example

`keras_gans.losses.gradient_penalty(critic, real, fake)` mixes each real image with
a generated one, `x_hat = alpha * real + (1 - alpha) * fake` with `alpha` drawn
between 0 and 1 per image, and measures how far the critic's gradient norm at
`x_hat` is from 1. A critic that ignores its input (all weights zero) has gradient
norm 0 and pays exactly `(0 - 1)^2 = 1`:
"""

flat_critic = keras.Sequential([keras.Input(real_batch.shape[1:]), keras.layers.Flatten(),
                                keras.layers.Dense(1, kernel_initializer="zeros")])
print("penalty of a flat critic:", float(losses.gradient_penalty(flat_critic, real_batch, -real_batch)))

"""
## Watching the gradient norm during training

This small callback measures what the penalty measures, on the same real batch
every 10 steps: the critic's gradient norm at points between real and generated
images. It lets us see how each method treats the Lipschitz limit.
"""


class GradientNorms(keras.callbacks.Callback):
    def __init__(self, real_images, every=10):
        super().__init__()
        self.real_images, self.every = real_images, every
        self.step, self.steps, self.norms = 0, [], []

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if self.step % self.every:
            return
        fakes = self.model.generator(self.model.draw_latents(len(self.real_images)), training=False)
        alpha = tf.random.uniform((len(self.real_images), 1, 1, 1))
        points = alpha * self.real_images + (1 - alpha) * fakes
        with tf.GradientTape() as tape:
            tape.watch(points)
            scores = self.model.discriminator(points, training=False)
        gradients = tape.gradient(scores, points)
        self.steps.append(self.step)
        self.norms.append(float(tf.reduce_mean(tf.norm(tf.reshape(gradients, (len(points), -1)), axis=1))))


"""
## Train both

Both use the DCGAN generator. WGAN's critic is the DCGAN discriminator (with batch
normalization, as in the paper) with its weights clipped; WGAN-GP's critic uses
layer normalization instead, because batch normalization mixes the images of a
batch and the penalty is defined per image. Both train the critic 5 times per
generator update, with each paper's optimizer (`compile()` with no arguments picks
them: RMSprop 5e-5 for WGAN, Adam 1e-4 with `beta_1=0` for WGAN-GP).
"""

results = {}
for name in ("wgan", "wgan-gp"):
    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan(name, tutorial.IMAGE_SIZE, tutorial.CHANNELS, tutorial.LATENT_DIM,
                                      width=tutorial.WIDTH, seed=0)
    gan.compile()
    steps = keras_gans.callbacks.StepHistory()
    norms = GradientNorms(real_batch)
    print(f"--- {name}")
    gan.fit(dataset, epochs=50 if tutorial.QUICK else 20, verbose=0,
            callbacks=[steps, norms, tutorial.TimeLimit(tutorial.seconds(35, 420))])
    results[name] = (gan, steps.history, norms)
    print(f"{name}: {len(steps.history['step'])} generator steps; "
          f"last Wasserstein estimate {steps.history['wasserstein_estimate'][-1]:.4f}")
    tutorial.save_grid(gan.generate(36, seed=1), f"{OUT}/samples_{name}.png", nrow=6, label=name)

"""
## The gradient norms

The picture to remember from this tutorial.
"""

figure = Figure(figsize=(11, 4))
norm_axes, estimate_axes = figure.subplots(1, 2)
for name, (_, history, norms) in results.items():
    norm_axes.plot(norms.steps, norms.norms, label=name)
    window = max(1, len(history["step"]) // 20)
    estimate = keras_gans.plotting.rolling_mean(history["wasserstein_estimate"], window)
    estimate_axes.plot(history["step"], estimate, label=name)
norm_axes.axhline(1.0, color="grey", linestyle="--", label="the target: 1")
norm_axes.set(title="critic gradient norm between real and fake", xlabel="generator step", yscale="log")
estimate_axes.set(title="Wasserstein estimate (rolling mean)", xlabel="generator step")
for axes in (norm_axes, estimate_axes):
    axes.grid(alpha=0.3)
    axes.legend()
tutorial.save_figure(figure, f"{OUT}/gradient_norms.png")

"""
With clipping, the gradient norm sits far below 1 (note the log scale): the
clipped critic is much flatter than it is allowed to be, so it can only see
coarse differences, its Wasserstein estimate is tiny, and the generator learns
slowly. With the penalty, the norm is pulled towards 1 within a few dozen steps,
and the estimate is on a meaningful scale: a real distance between the real and
the generated images that shrinks as the generator improves (over a long run;
early on both networks are still finding their feet).

## Where the weights go

Clipping has a second, visible side effect: the critic's weights pile up at the
clipping bounds, because the optimizer keeps pushing them outwards. The penalised
critic's weights spread naturally.
"""

figure = Figure(figsize=(11, 3.5))
for axes, (name, (gan, _, _)) in zip(figure.subplots(1, 2), results.items()):
    kernels = [w for w in gan.discriminator.trainable_weights if "kernel" in w.path]
    values = np.concatenate([keras.ops.convert_to_numpy(w).ravel() for w in kernels])
    axes.hist(values, bins=80, color="tab:blue" if name == "wgan" else "tab:orange")
    axes.set(title=f"{name}: critic convolution weights", xlabel="weight value", ylabel="count")
    axes.locator_params(axis="x", nbins=5)
tutorial.save_figure(figure, f"{OUT}/critic_weights.png")

"""
## What you saw

- `gradient_norms.png`: the critic's gradient norm (left) and the Wasserstein
  estimate (right) over training, for clipping and for the penalty.
- `critic_weights.png`: the clipped critic's weights stuck at +-0.01.
- `samples_wgan.png`, `samples_wgan-gp.png`: the two generators after the same time.
  Wasserstein GANs take several critic steps per generator step, so a quick-mode
  run gives them only a few hundred generator steps (fewer on a busy machine):
  the clipped WGAN is usually still noise, WGAN-GP shows the first blurry strokes.
  Both need thousands of steps for clean digits (full mode, or
  `KERAS_GANS_TIME_SCALE=10`).

WGAN-GP is the one to use of the two: the penalty does what clipping meant to do.
Tutorial 9 shows a third way to limit a discriminator's slope, spectral
normalization, which constrains each layer directly and costs almost nothing.
"""
