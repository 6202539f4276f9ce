"""
Title: GANs from a thousand images: DiffAugment and a moving average of the generator
Author: keras_gans contributors
Date created: 2026/11/30
Last modified: 2026/11/30
Description: Small data: why the discriminator memorises, DiffAugment, generator EMA, 1,000 digits.
Accelerator: GPU
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): two DCGANs with small networks on 1,000 of
the digits that ship with the package, 1,500 steps each, on a CPU; how long that takes
on each kind of CPU is in the `tutorials` table of
[`benchmarks/README.md`](../benchmarks/README.md). **Full**: the question is how few
images suffice and the digits classifier scores the result, so full mode keeps the
1,000 32x32 digits and trains larger networks with larger batches (latent 128, width 64,
batch 128), for a GPU: 3,000 steps each, a few minutes on a free Colab T4 (an estimate,
not a measurement). The cell below holds every setting, one line per mode; `LENGTH`
multiplies the steps.
"""

MODE = "quick"    # "quick": small networks on a CPU; "full": larger networks, for a GPU (32x32 digits in both)
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces in the other tutorials (this one trains on 1,000 digits in both modes)
# num_images: the small training set; score_images: generated digits scored at the end.
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             num_images=1000, steps=1500, score_images=1000, time_limit=900)
FULL = dict(image_size=32, channels=1, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            num_images=1000, steps=3000, score_images=1000, time_limit=3600)

"""
## What this tutorial does

"I only have a few thousand pictures" is a common GAN question. With
few images, seen over and over, the discriminator can come to know each training image
by heart: it calls them real and everything else fake, its verdict stops teaching the
generator anything useful, and the samples stall or degrade. That takes long runs: in
the short runs of these tutorials the small data set mostly shows as rougher samples,
and the pictures below are where to look for it.

Two tools help, and every GAN of the package has both as an option:

- **DiffAugment** (Zhao et al. 2020, `augment="diffaugment"`): every image the
  discriminator sees, real *or generated*, is randomly shifted and has a square cut
  out of it, in both training steps. The discriminator can no longer memorise exact
  pictures, and because the same kind of change is applied to the generator's images
  (and is differentiable), the generator is not taught to draw shifted, holed digits.
- **generator EMA** (`ema=0.999`): a moving average of the generator's weights. The
  weights of the last step jitter as the two networks chase each other; their
  average draws smoother, cleaner samples. It changes nothing in training: it only
  changes which weights you sample from.
"""

"""
## Setup
"""

import inspect

import keras
import numpy as np

import keras_gans
from keras_gans import augment, evaluation, tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("12_small_data")
keras.utils.set_random_seed(0)
# 32x32 grey digits in both modes: the question is how few images suffice.
IMAGE_SIZE, NUM_IMAGES, LATENT_DIM = settings.image_size, settings.num_images, settings.latent_dim

"""
## What DiffAugment does to a batch

Three operations, each drawing its own random numbers for every image: `translation`
(a shift of up to an eighth of the side; the pixels moved in are 0, mid-grey in
[-1, 1]), `cutout` (a square of half the side set to 0) and `color` (brightness,
saturation, contrast; for colour images only). "diffaugment" is the paper's policy:
all three, or translation and cutout for grey images.
"""

dataset = keras_gans.data.load_mnist_5k(IMAGE_SIZE, settings.batch_size, num_images=NUM_IMAGES, seed=0)
real = next(iter(dataset))[:8]
seed = keras.random.SeedGenerator(0)
rows = [real, augment.random_translation(real, seed=seed), augment.random_cutout(real, seed=seed),
        augment.diff_augment(real, "translation,cutout", seed=seed)]
tutorial.save_grid(np.concatenate([keras.ops.convert_to_numpy(row) for row in rows]),
                   f"{OUT}/augmented_digits.png", nrow=8)
print("rows: the digits, translated, cut out, both (what the discriminator sees)")

"""
## Where it happens in a training step

Each variant's `train_step` calls `self.diff_augment` on every batch its discriminator
sees, real and generated, in the discriminator step and in the generator step
(where the gradient flows back through the augmentation to the generator), and
`self.update_ema()` after the generator step. With the options off (the default)
both do nothing. DCGAN's step:
"""

print(inspect.getsource(keras_gans.DCGAN.train_step))

"""
## The moving average

After each generator step every generator weight w moves its average a little:

    w_ema = d * w_ema + (1 - d) * w,    d = min(ema, (1 + t) / (10 + t))

with t the steps so far. The ramp (1 + t) / (10 + t) lets a short run forget the random
starting weights quickly; once it has climbed to `ema` (0.999 here, after about 9,000
steps) the average spans about the last thousand steps (1 / (1 - d)), and before that
fewer (exercise 1). `gan.generate`, `SampleGIF` and the `generator.keras` a run saves all draw
from the average (`gan.sampling_generator()`).
"""

print("decay after 1, 10, 100, 1000 and 10000 steps:",
      [round(min(0.999, (1 + t) / (10 + t)), 4) for t in (1, 10, 100, 1000, 10000)])

"""
## 1,000 digits, with and without DiffAugment

Two DCGANs with the same seed, data, networks, learning rates and number of steps
(`settings.steps`; quick mode's 1,500 are 48 passes over the 1,000 digits), one without
and one with DiffAugment; both keep a moving average, which does not change their
training, so each run gives two results: its generator and its average.
"""


def train(augment_policy):
    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan("dcgan", IMAGE_SIZE, settings.channels, LATENT_DIM, width=settings.width,
                                      seed=0, augment=augment_policy, ema=0.999)
    gan.compile(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))
    gan.fit(dataset.repeat(), steps_per_epoch=settings.steps, epochs=1, verbose=0,
            callbacks=[keras_gans.callbacks.TimeLimit(settings.time_limit)])  # only a safety stop
    print(f"augment={augment_policy}: {int(gan.g_optimizer.iterations)} steps")
    return gan


plain, augmented = train(None), train("diffaugment")

"""
## Compare: samples and scores

The same 16 latents through each of the four generators, and two numbers on 1,000
samples each: the digits FID against the 5,000 real digits (lower is better) and the
digits classifier's mean confidence (how sure it is that a sample is *some* digit;
blurs and half-digits leave it unsure).
"""

extractor = evaluation.get_feature_extractor("digits")
all_digits, _ = keras_gans.data.mnist_5k_arrays()
real_digits = keras_gans.data.to_float(keras_gans.data.resize_uint8(all_digits, 32))
real_features = extractor.features(real_digits)
latents = keras.ops.convert_to_numpy(keras.random.normal((settings.score_images, LATENT_DIM), seed=123))
cells, names = {}, []
# Short names: the picture's label column fits about 11 capitals.
for name, network in (("plain", plain.generator), ("EMA", plain.ema_generator),
                      ("DiffAug", augmented.generator), ("DiffAug+EMA", augmented.ema_generator)):
    images = keras.ops.convert_to_numpy(network(latents, training=False))
    confidence = evaluation.classifier_confidence(images)["mean_confidence"]
    fid = evaluation.frechet_distance(real_features, extractor.features(images))
    print(f"{name:12s} digits FID {fid:6.2f}   classifier confidence {confidence:.3f}")
    cells[(name, NUM_IMAGES)] = images[:16]
    names.append(name)
picture = keras_gans.plotting.samples_table(cells, names, [NUM_IMAGES])
keras_gans.plotting.save_png(picture, f"{OUT}/comparison.png")
tutorial.show(f"{OUT}/comparison.png")

"""
## The workshop comparison, augmented

The command line passes both options to every run of the comparison:

    keras-gans compare --quick --augment diffaugment --ema 0.999 --output comparison_augmented

and to a single run:

    keras-gans train --num-images 1000 --augment diffaugment --ema 0.999

What to expect:

- this tutorial in quick mode (1,500 steps, on both CPU paths measured, with and without
  oneDNN): all four generators draw rough digits, many of them readable, and the four
  scores are within a few points of digits FID of each other, the classifier's
  confidence about the same: at this length DiffAugment makes no clear difference. The
  average (EMA) draws almost the same pictures as its generator, because after 1,500 steps
  the ramp has only reached a decay of 0.994 (exercise 1): an average over
  the last couple of hundred steps;
- after 3,000 steps with the settings of `keras-gans train` (latent 128),
  `benchmarks/small_data.py` found the same: neither option made a measurable
  difference on 1,000 digits, and 1,000 digits scored clearly worse than 5,000 (the
  [small-data tables](../benchmarks/README.md#small-data-diffaugment-and-ema));
- DiffAugment is meant for the long runs where a discriminator comes to know a small
  training set by heart (the paper's runs are tens of thousands of steps), which
  neither measurement reaches: try it on your own data over a long run.

## What you saw

- `augmented_digits.png`: a batch, then translated, cut out, and both.
- `comparison.png`: one row per generator (plain, its average, with DiffAugment, its
  average), the same latents; the scores printed above it.

These are single runs with one seed, and the gain from DiffAugment changes with the
length and the settings of the run: measure it on your own data (the same seed, the same
steps, with and without). EMA costs one copy of the generator and never changes
training, so it is always safe to try. Try `augment="translation"` alone, or `ema=0.99`
for a shorter memory.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **The ramp by hand.** With `ema=0.999`, *predict* the decay d after 10, 100 and
   1,500 steps (the end of quick mode), and the step from which d is 0.999.
   *Expected*: (1 + t) / (10 + t) gives 0.55, 0.918 and 0.994; it reaches 0.999 at
   t = 8,990. So quick mode's average spans about 1 / (1 - 0.994), some 170 steps, not
   a thousand, which is why its pictures are so close to the generator's.
2. **What the discriminator sees.** *Predict* how far `random_translation` can move a
   32x32 digit and how large `random_cutout`'s square is. *Expected*: up to 4 pixels
   in each direction (an eighth of the side, `augment.TRANSLATION_RATIO`), and a 16x16
   square (half the side, `augment.CUTOUT_RATIO`), cut smaller where it leaves the image.
3. **Five times the digits.** Set `num_images=5000` in `QUICK` (all the digits).
   *Predict*: do the scores get better, and does DiffAugment help more or less?
   *Expected*: about the same, within a few points of digits FID either way (the plain
   run a little better, the DiffAugment runs no better), about the spread of one seed.
   In 1,500 steps the 1,000-digit runs see each digit 48 times and the 5,000-digit
   runs about 10 times, and in a run this short five times the data buys little. The small-data
   benchmark's 3,000 steps showed a larger gap (the table linked above).
"""
