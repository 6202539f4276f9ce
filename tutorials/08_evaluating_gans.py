"""
Title: Evaluating GANs: FID and KID
Author: keras_gans contributors
Date created: 2026/11/23
Last modified: 2026/11/23
Description: What FID and KID measure, why the feature network matters, and the score over training.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): the 5,000 digits that ship with the
package, the digits classifier's features, and 600 training steps of a small DCGAN on
a CPU; how long that takes on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: CelebA faces at 64x64,
InceptionV3's features and 3,000 steps of the GANs 101 article's DCGAN, for a GPU:
roughly 2 to 4 minutes of training on a free Colab T4 plus its twenty FIDs, each of
which takes the square root of a 2048x2048 matrix on the CPU (an estimate, not a
measurement). The cell below holds every setting, one line per mode; `LENGTH`
multiplies the steps.
"""

MODE = "quick"    # "quick": 32x32 digits on a CPU; "full": 64x64 CelebA faces, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces: "tfds" (a 1.4 GB download), or the path of img_align_celeba/ or of a .zip
# features: the network whose features the scores compare; score_images: images in each scored set;
# points: how many times the FID is measured during training.
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             features="digits", score_images=1000, steps=600, points=15, time_limit=600)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            features="inception_v3", score_images=1000, steps=3000, points=20, time_limit=3600)

"""
## Why losses are not enough

A classifier's loss says how good it is. A GAN's losses do not: each network's
loss measures it against the other, which keeps improving too (tutorial 2 showed
the curves). To compare two GANs, or one GAN over time, we need a score of the
*images*.

The standard one is the **Frechet Inception Distance** (FID, Heusel et al. 2017):

1. run real images and generated images through a fixed, pretrained image
   network, and take a layer of features (2,048 numbers per image for Inception);
2. summarise each set of feature vectors by its mean `mu` and covariance `C`;
3. measure the distance between the two Gaussian clouds:

       FID = ||mu_real - mu_fake||^2 + trace(C_real + C_fake - 2 sqrt(C_real C_fake))

Lower is better; 0 means the two sets look alike *to that network*. The first term
says whether the generated images are, on average, the right kind of image; the
second whether they vary as much, and in the same ways, as real ones: a collapsed
generator gets a high FID even if each image looks fine.

The **Kernel Inception Distance** (KID, Binkowski et al. 2018) compares the same
features with a polynomial kernel instead of Gaussians. Its advantage: it is
unbiased, so a KID on 1,000 images can be compared with one on 50,000, which is
not true of the FID.

**Which network?** Published FIDs use one particular Inception network (the
TensorFlow graph of 2015), on 50,000 images, at 299x299 pixels. A score made with
another network, resolution or image count is a different number, not comparable
with any table. For digits offline, the package ships a small digits classifier
(`saved_models/digits_classifier/`) whose features give a **digits FID**: quick,
meaningful for digits, comparable only with other digits FIDs. Quick mode uses it
(`features="digits"`); full mode uses Inception (`"inception_v3"`).
"""

"""
## Setup
"""

import keras
import numpy as np
from matplotlib.figure import Figure

import keras_gans
from keras_gans import evaluation, tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("08_evaluating_gans")
keras.utils.set_random_seed(0)
# "digits": the classifier that ships with the package. "inception_v3": Keras' InceptionV3 with
# ImageNet weights (a download), or random ones offline (said in one line).
if settings.features == "digits":
    extractor = evaluation.get_feature_extractor("digits")
else:
    extractor, _ = tutorial.pretrained_or_random(
        "InceptionV3", lambda weights: evaluation.get_feature_extractor(settings.features, weights=weights))
print(f"feature network: {extractor.name}, {extractor.feature_dim} features per image")

"""
## Calibrating the score

Before trusting a number, look at what it gives in cases where we know the answer.
We take two disjoint sets of real images, and degrade one of them in steps: blur,
noise, and "collapse" (one image repeated).
"""

dataset = tutorial.load_training_data(settings, seed=0)
N = settings.score_images  # images per set
real = np.concatenate([batch.numpy() for batch in dataset.unbatch().batch(2 * N).take(1)])
set_a, set_b = real[:N], real[N:2 * N]


def blur(images):
    return keras.ops.convert_to_numpy(keras.ops.image.resize(
        keras.ops.image.resize(images, (images.shape[1] // 4, images.shape[2] // 4)), images.shape[1:3]))


rng = np.random.default_rng(0)
cases = {
    "real vs other real": set_b,
    "real vs blurred": blur(set_b),
    "real vs noisy": np.clip(set_b + rng.normal(0, 0.5, set_b.shape), -1, 1).astype("float32"),
    "real vs one image repeated": np.repeat(set_b[:1], N, axis=0),
    "real vs uniform noise": rng.uniform(-1, 1, set_b.shape).astype("float32"),
}
features_a = extractor.features(set_a)
scores = {}
for name, images in cases.items():
    features_b = extractor.features(images)
    fid = evaluation.frechet_distance(features_a, features_b)
    kid_mean, _ = evaluation.kernel_distance(features_a, features_b, num_subsets=20, subset_size=N // 2)
    scores[name] = (fid, kid_mean)
    print(f"{name:>24}:  FID {fid:9.2f}   KID {kid_mean:8.4f}")
tutorial.save_grid(np.concatenate([set_b[:8], blur(set_b[:8]), cases["real vs noisy"][:8]]),
                   f"{OUT}/degraded_examples.png", nrow=8, label="real / blurred / noisy")

"""
Two real sets score low (not 0: two samples of the same data differ a little), and
every kind of damage raises the score. The repeated image scores badly although
it *is* a real digit: the FID punishes missing variety, exactly what mode collapse
looks like.

## The number of images changes the FID

The FID of a sample is biased: with fewer images the covariance estimates are
noisier and the score comes out higher, even for the same two distributions. The
KID does not have this bias: its estimates scatter around 0 for two real sets,
more widely for small sets (the error bars), but without drifting upwards. (A
KID can come out slightly negative: it is an unbiased estimate of a quantity that
is 0 here.)
"""

sizes = [max(8, N * percent // 100) for percent in (10, 25, 50, 100)]  # 100, 250, 500, 1,000
fid_by_size, kid_by_size, kid_spread = [], [], []
for n in sizes:
    fa, fb = extractor.features(set_a[:n]), extractor.features(set_b[:n])
    fid_by_size.append(evaluation.frechet_distance(fa, fb))
    # The KID averages over random half-size subsets; their spread is its error bar.
    kid, spread = evaluation.kernel_distance(fa, fb, num_subsets=50, subset_size=n // 2)
    kid_by_size.append(kid)
    kid_spread.append(spread)
    print(f"{n:5d} images per set: FID {fid_by_size[-1]:7.2f}   KID {kid:8.4f} +- {spread:.4f}")
figure = Figure(figsize=(9, 3.2))
fid_axes, kid_axes = figure.subplots(1, 2)
fid_axes.plot(sizes, fid_by_size, "o-")
fid_axes.set(title="FID of real vs real", xlabel="images per set", xscale="log")
kid_axes.errorbar(sizes, kid_by_size, yerr=kid_spread, fmt="o-", color="tab:orange", capsize=3)
kid_axes.axhline(0, color="grey", linewidth=0.8)
kid_axes.set(title="KID of real vs real", xlabel="images per set", xscale="log")
for axes in (fid_axes, kid_axes):
    axes.grid(alpha=0.3)
tutorial.save_figure(figure, f"{OUT}/sample_size.png")

"""
So always report how many images a FID was computed on, and compare only
like with like.

## The score over training

`keras_gans.callbacks.FIDCallback` scores the generator at the end of every epoch (here on 500
generated images against 500 real ones, which is quick with the digits network)
and puts the value into the training history, so `plot_quality` can draw it. The
`settings.steps` steps are cut into `settings.points` epochs (40 steps each in quick
mode), so the curve has a point every 40 steps. In quick mode the discriminator learns at half the generator's rate so
that it does not overpower the generator early in this short run (tutorial 5).
"""

keras.utils.set_random_seed(0)
gan = keras_gans.models.build_gan("dcgan", settings.image_size, settings.channels, settings.latent_dim,
                                  width=settings.width, seed=0)
gan.compile(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))
score = keras_gans.callbacks.FIDCallback(dataset, num_images=N // 2, feature_extractor=extractor, name="fid")
history = gan.fit(dataset.repeat(), epochs=settings.points, steps_per_epoch=max(1, settings.steps // settings.points),
                  verbose=2,
                  callbacks=[score, keras_gans.callbacks.TimeLimit(settings.time_limit)])
figure = keras_gans.plotting.plot_quality(history, "fid")
tutorial.save_figure(figure, f"{OUT}/fid_over_training.png")
tutorial.save_grid(gan.generate(36, seed=2), f"{OUT}/final_samples.png", nrow=6)

"""
The score falls steeply at first (from noise to digit-like blobs), then more
slowly; over a long run it flattens, and it can rise again if training goes wrong,
which is how you pick the best checkpoint.

## A final score, the standard way

`keras_gans.evaluation.compute_fid` and `compute_kid` score a trained generator (a GAN, a
generator model, or a saved `.keras` file) against a dataset in one call. The same
from the command line:

    keras-gans evaluate --model outputs/02_dcgan_with_fit/dcgan.keras --dataset mnist5k
"""

final_fid = evaluation.compute_fid(gan, dataset, num_images=N, feature_extractor=extractor, verbose=0)
final_kid, kid_std = evaluation.compute_kid(gan, dataset, num_images=N, feature_extractor=extractor,
                                         subset_size=N // 2, num_subsets=20, verbose=0)
print(f"final {extractor.name} FID on {N:,} images: {final_fid:.2f};  KID: {final_kid:.4f} +- {kid_std:.4f}")
print(f"for reference, real vs real on {N:,} images: FID {scores['real vs other real'][0]:.2f}")

"""
## What you saw

- `degraded_examples.png` and the printed table: how the scores react to blur,
  noise and a collapsed set.
- `sample_size.png`: the FID's dependence on the number of images, and the KID's
  independence from it.
- `fid_over_training.png`: the score of a DCGAN epoch by epoch, with
  `final_samples.png` the samples at the end.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **A milder blur.** Add a case "real vs blurred 2x" that shrinks by 2 instead of
   4 before enlarging back. *Predict* its FID between "real vs other real" and "real
   vs blurred". *Expected*: exactly there, in that order: real < blurred 2x <
   blurred 4x (`tests/test_exercises.py` checks the order on 1,000 digits).
2. **Ten digits repeated.** Add a case with one real image of each class, each
   repeated 100 times (`np.resize(ten_images, set_b.shape)`). *Predict*: better or
   worse than one image repeated? *Expected*: better than one repeated image but
   still many times worse than "real vs other real": ten pictures cover the classes
   but none of the variety inside a class.
3. **Fewer images.** Set `score_images=100` in `QUICK`. *Predict*: what happens to
   the FID of "real vs other real"? *Expected*: it rises (more than twice its value at 1,000 images, with
   the digits features), although the two sets are equally real: the FID's bias at
   small sample sizes, which the KID does not have.
"""
