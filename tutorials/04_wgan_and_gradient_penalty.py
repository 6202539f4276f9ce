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
package and small networks on a CPU, 300 generator steps for each of the two models;
how long that takes on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: CelebA faces at 64x64 with
the GANs 101 article's networks, for a GPU: 2,000 generator steps each, roughly 10 to 25
minutes on a free Colab T4 (an estimate from the arithmetic of the steps, five critic
updates each, not a measurement). The cell below holds every setting, one line per
mode; `LENGTH` multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
# points: how often the critic's gradient norm is measured over a run; score: "digits" also scores the
# samples then, with the digits FID of tutorial 8 (it only means something for digits), None does not.
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, steps=300, points=30,
             score="digits", time_limit=900)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, steps=2000, points=40,
            score=None, time_limit=3600)

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

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("04_wgan_and_gradient_penalty")
keras.utils.set_random_seed(0)
dataset = tutorial.load_training_data(settings, seed=0)
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

This small callback measures what the penalty measures, on the same real batch,
`settings.points` times over a run (every 10 steps in quick mode): the critic's
gradient norm at points between real and generated images. It lets us see how each method treats the
Lipschitz limit.

On the digits it also scores the generator each time with the digits FID of
tutorial 8 (256 generated digits against 1,000 real ones, in the features of the
small digits classifier that ships with the package; lower is better). Losses of a
Wasserstein critic do not say whether the pictures improve; this score does, and
it will tell us whether a generator that still draws noise is learning at all.
"""

if settings.score == "digits":
    digits = keras_gans.evaluation.get_feature_extractor("digits")
    real_features = digits.features(np.concatenate([b.numpy() for b in dataset.unbatch().batch(1000).take(1)]))


class GradientNorms(keras.callbacks.Callback):
    def __init__(self, real_images, every):
        super().__init__()
        self.real_images, self.every = real_images, every
        self.step, self.steps, self.norms, self.fids = 0, [], [], []

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
        if settings.score == "digits":
            samples = self.model.generate(256, seed=7)
            self.fids.append(keras_gans.evaluation.frechet_distance(real_features, digits.features(samples)))


"""
## Train both

Both use the DCGAN generator. WGAN's critic is the DCGAN discriminator (with batch
normalization, as in the paper) with its weights clipped; WGAN-GP's critic uses
layer normalization instead, because batch normalization mixes the images of a
batch and the penalty is defined per image. Both train the critic 5 times per
generator update, with each paper's optimizer (`compile()` with no arguments picks
them: RMSprop 5e-5 for WGAN, Adam 1e-4 with `beta_1=0` for WGAN-GP). Each trains
`settings.steps` generator steps; a step is one generator update with its five critic
updates.
"""

results = {}
for name in ("wgan", "wgan-gp"):
    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan(name, settings.image_size, settings.channels, settings.latent_dim,
                                      width=settings.width, seed=0)
    gan.compile()
    steps = keras_gans.callbacks.StepHistory()
    norms = GradientNorms(real_batch, every=max(1, settings.steps // settings.points))
    print(f"--- {name}")
    gan.fit(dataset.repeat(), epochs=1, steps_per_epoch=settings.steps, verbose=0,
            callbacks=[steps, norms, keras_gans.callbacks.TimeLimit(settings.time_limit)])
    results[name] = (gan, steps.history, norms)
    print(f"{name}: {len(steps.history['step'])} generator steps; "
          f"last Wasserstein estimate {steps.history['wasserstein_estimate'][-1]:.4f}")
    tutorial.save_grid(gan.generate(36, seed=1), f"{OUT}/samples_{name}.png", nrow=6, label=name)

"""
## The gradient norms

The picture to remember from this tutorial.
"""

panels = 3 if settings.score == "digits" else 2
figure = Figure(figsize=(5.4 * panels, 4))
norm_axes, estimate_axes, *fid_axes = figure.subplots(1, panels)
for name, (_, history, norms) in results.items():
    norm_axes.plot(norms.steps, norms.norms, label=name)
    window = max(1, len(history["step"]) // 20)
    estimate = keras_gans.plotting.rolling_mean(history["wasserstein_estimate"], window)
    estimate_axes.plot(history["step"], estimate, label=name)
    for axes in fid_axes:
        axes.plot(norms.steps, norms.fids, "o-", markersize=3, label=name)
norm_axes.axhline(1.0, color="grey", linestyle="--", label="the target: 1")
norm_axes.set(title="critic gradient norm between real and fake", xlabel="generator step", yscale="log")
estimate_axes.set(title="Wasserstein estimate (rolling mean)", xlabel="generator step")
for axes in fid_axes:
    axes.set(title="digits FID of the samples (lower is better)", xlabel="generator step")
for axes in (norm_axes, estimate_axes, *fid_axes):
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

**Is the clipped WGAN learning at all?** Its samples (below) are a grid-like texture,
the same for every latent vector, and that is expected, not a bug: its critic, clipped
flat, sees only coarse differences, and the paper's small learning rate (RMSprop 5e-5)
moves the generator slowly. The third panel shows what 300 steps did: its digits FID
fell steeply for about 150 steps and then stopped improving, while WGAN-GP's kept
falling all the way, and its samples are rough digits, some of them readable. Per
generator step the penalty teaches faster; clipped WGAN needs thousands of steps for
strokes (full mode, or a much larger `LENGTH`). Both pay for five critic updates per
generator step: each of their steps costs several DCGAN steps
([the step-cost tables](../benchmarks/README.md#the-loss-variants-step-cost)).

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

- `gradient_norms.png`: the critic's gradient norm (left), the Wasserstein
  estimate (middle) and, on the digits, their digits FID (right) over training, for
  clipping and for the penalty.
- `critic_weights.png`: the clipped critic's weights piled up at +-0.01, the
  penalised critic's spread in a bell shape.
- `samples_wgan.png`, `samples_wgan-gp.png`: the two generators after the same 300
  generator steps: clipped WGAN's grid-like texture, the same in every sample, and
  WGAN-GP's rough, varied digits. Both need thousands of steps for clean digits
  (full mode, or a much larger `LENGTH`).

WGAN-GP is the one to use of the two: the penalty does what clipping meant to do.
Tutorial 9 shows a third way to limit a discriminator's slope, spectral
normalization, which constrains each layer directly and costs almost nothing.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **A looser clip.** Build the WGAN with `keras_gans.WGAN(generator, critic,
   clip_value=0.1)` (the networks of `build_gan("wgan", ...)`) instead of 0.01.
   *Predict*: where do the gradient norm and the weight histogram go? *Expected*:
   the critic's weights pile up at -0.1 and +0.1 instead of +-0.01, and its gradient
   norm rises by one to two orders of magnitude, towards and past the target 1
   (tests/test_exercises.py: more than 10 times the norm with 0.01 after 20 steps).
2. **The penalty, by hand.** A linear critic f(x) = w.x has the same gradient w
   everywhere. *Predict* `losses.gradient_penalty` for |w| = 0, 1, 2 and 3, then
   check it with `keras.layers.Dense(1, use_bias=False)` critics whose kernels have
   those norms. *Expected*: (|w| - 1)^2 = 1, 0, 1 and 4: the penalty does not care
   whether the critic is too flat or too steep, only how far it is from 1.
3. **Fewer critic steps.** Before `gan.compile()`, set `gan.discriminator_steps = 1`
   for "wgan-gp". *Predict*: how does the FID curve compare over the same 300
   generator steps, and what happens to the time they take? *Expected*: the run takes
   much less time (one critic update per step instead of five), but the FID curve is
   worse per step and bumpy: it first rises before it falls, and ends well above the
   five-update run's (about 150 against about 100 after 300 steps), with samples that
   are grey blurred blobs instead of rough digits. One critic update per step gives
   the generator a worse critic to learn from.
"""
