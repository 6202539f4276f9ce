"""
Title: Ask for a digit, get that digit: a conditional GAN
Author: keras_gans contributors
Date created: 2026/11/30
Last modified: 2026/11/30
Description: Labels in both networks, a projection discriminator, a class grid, a style across classes.
Accelerator: GPU
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): small networks on the 5,000 labelled digits
that ship with the package, 1,500 training steps on a CPU; how long that takes on each
kind of CPU is in the `tutorials` table of [`benchmarks/README.md`](../benchmarks/README.md).
**Full**: a conditional GAN needs class labels, and CelebA's faces have none, so full
mode trains on the same labelled 32x32 digits, with larger networks, longer latent
vectors and larger batches (latent 128, width 64, batch 128), for a GPU: 3,000 steps, a
few minutes on a free Colab T4 (an estimate, not a measurement). The cell below holds
every setting, one line per mode; `LENGTH` multiplies the steps.
"""

MODE = "quick"    # "quick": small networks on a CPU; "full": larger networks, for a GPU (32x32 digits in both)
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # full mode's faces in the other tutorials (this one trains on the labelled digits in both modes)
# score_images: generated digits the classifier reads at the end (and per_class of each class for its FID).
QUICK = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             steps=1500, score_images=1000, per_class=200, time_limit=900)
FULL = dict(image_size=32, channels=1, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            steps=3000, score_images=1000, per_class=200, time_limit=3600)

"""
## What this tutorial does

Every GAN so far drew *some* digit: you could not say which. A **conditional GAN**
(Mirza and Osindero 2014) hands the class label to both networks:

- the generator gets a latent vector z *and* a label y, and must draw a y;
- the discriminator judges an image *together with* its label, so a perfect-looking
  3 labelled "7" is rejected.

The 5,000 digits that ship with the package carry their labels, so we can train one
in a few minutes on a CPU. Then we ask it for a grid of every class, keep one latent
vector fixed across the classes (the latent becomes the *style*, the label the
*digit*) and walk smoothly from one class to another.
"""

"""
## Setup
"""

import inspect

import keras
import numpy as np

import keras_gans
from keras_gans import evaluation, networks, tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("11_conditional_gan")
keras.utils.set_random_seed(0)
CLASSES = 10
IMAGE_SIZE, LATENT_DIM, WIDTH, BATCH_SIZE = settings.image_size, settings.latent_dim, settings.width, \
    settings.batch_size

"""
## Images with their labels

`load_mnist_5k(labels=True)` (or `keras_gans.data.load("mnist5k", labels=True)`; the
tfds MNIST family and CIFAR-10 work the same way) gives batches of `(images, labels)`:
the images as always, float32 in [-1, 1], and the labels as int32 class numbers.
"""

dataset = keras_gans.data.load_mnist_5k(IMAGE_SIZE, BATCH_SIZE, seed=0, labels=True)
images, labels = next(iter(dataset))
print("images", images.shape, images.dtype, "labels", labels.shape, labels.dtype)
print("the first row's labels:", labels.numpy()[:8].tolist())
tutorial.save_grid(images[:32], f"{OUT}/real_images_with_labels.png", nrow=8)

"""
## The generator: a label embedding joined to the latent

The label is an integer, and a network wants numbers it can learn from. An
`Embedding` layer keeps one learned vector per class (32 numbers here); the vector of
the requested class is joined to z, and from there on it is the DCGAN generator you
know. The generator's inputs are `[latents (B, LATENT_DIM), labels (B,)]`, with
`LATENT_DIM` = `settings.latent_dim` (64 in quick mode).
"""

generator = networks.conditional_generator(IMAGE_SIZE, settings.channels, LATENT_DIM, num_classes=CLASSES,
                                           width=WIDTH)
print([f"{layer.name}: {type(layer).__name__}" for layer in generator.layers[:5]], "...")

"""
## The discriminator: a projection of the label

How should the discriminator read the label? Two answers, both in
`networks.conditional_discriminator`:

- **concatenation** (Mirza and Osindero 2014): the label as ten extra image channels,
  one of them all ones, beside the picture. Simple, and the network has to learn what
  to make of it.
- **projection** (Miyato and Koyama 2018, the default): the DCGAN stack turns the image
  into features phi(x); the logit is a "how real" term plus a "how much like class y"
  term, the dot product of phi(x) with a learned vector V_y for the class:

      logit(x, y) = psi(phi(x)) + <V_y, phi(x)>

A tiny example with three features, checked by hand: phi = (1, 2, 3), psi = (1, 0,
-1) gives -2; V_1 = (0, 0, 2) adds 6, so the logit for class 1 is 4.
"""

phi = keras.Input((3,))
label = keras.Input((), dtype="int32")
head = keras.Model([phi, label], networks.conditional.projection_logits(phi, label, num_classes=2))
head.get_layer("to_logit").set_weights([np.array([[1.0], [0.0], [-1.0]])])
head.get_layer("label_projection").set_weights([np.array([[0.5, 0.5, 0.0], [0.0, 0.0, 2.0]])])
print("logits for class 0 and class 1:",
      np.asarray(head([np.array([[1.0, 2.0, 3.0]] * 2), np.array([0, 1])])).ravel().tolist())

discriminator = networks.conditional_discriminator(IMAGE_SIZE, settings.channels, num_classes=CLASSES,
                                                   width=WIDTH)

"""
## One training step

`keras_gans.ConditionalGAN` owns its `train_step`, numbered like the others. Read how
the labels travel: the real images are judged with their own labels, and the
generated images are drawn *for* those labels and judged with them.
"""

print(inspect.getsource(keras_gans.ConditionalGAN.train_step))

gan = keras_gans.ConditionalGAN(generator, discriminator, seed=0)  # loss="bce" (also least_squares, hinge)
# Quick mode gives the discriminator half the generator's learning rate, as in tutorial 2.
gan.compile(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))

"""
## Train

`settings.steps` steps, in 10 epochs over the repeated data. `SampleGIF` knows a
conditional GAN: each row of its grid is one class, each column one fixed latent
vector, the same in every row; it draws a frame after every epoch.
"""

samples = keras_gans.callbacks.SampleGIF(f"{OUT}/samples", num_images=60)
EPOCHS = 10
gan.fit(dataset.repeat(), epochs=EPOCHS, steps_per_epoch=max(1, settings.steps // EPOCHS), verbose=2,
        callbacks=[samples, keras_gans.callbacks.TimeLimit(settings.time_limit)])
tutorial.show(samples.gif_path)

"""
## A grid by class

`gan.generate(n, labels=...)` draws the classes you ask for; with no labels it takes
every class in turn, so ten columns give one class per column.
"""

print(f"trained for {int(gan.g_optimizer.iterations)} steps")
grid = gan.generate(80, seed=1)  # labels 0, 1, ..., 9, 0, 1, ...
tutorial.save_grid(grid, f"{OUT}/class_grid.png", nrow=CLASSES)

"""
Each column draws its digit, most of them readable, but look down a column: in quick
mode the eight rows nearly repeat one image, whatever the latent. The generator has
found one picture per class that its discriminator accepts: a collapse *within* each
class (tutorial 5 showed the unconditional kind). In this short run, with its
discriminator learning at half the generator's rate, little pushes it back to
variety; exercise 3 changes that rate. The shipped generator below, trained longer,
draws varied digits of each class, and the scores at the end tell the two apart.

## A conditional generator trained for longer

The package ships one: `saved_models/cdcgan_digits/`, trained by
`keras-gans train --model cdcgan --epochs 35 --d-lr 2e-4 --g-lr 2e-4` (5,460 steps of
batch 32, width 32, latent vectors of 128 numbers; its model card has the command, the
time and the scores). It is a plain Keras model with two inputs, `[latents (B, 128),
labels (B,)]`, so the rest of this tutorial calls it directly; your own `gan.generator`
works the same way.
"""

pretrained = keras_gans.generation.load_generator("cdcgan_digits")
PRETRAINED_LATENT_DIM = pretrained.inputs[0].shape[-1]


def draw(generator, latents, labels):
    """Images in [-1, 1] of a conditional generator, for latents and the class of each."""
    labels = np.broadcast_to(np.asarray(labels, "int32"), (len(latents),))
    return keras.ops.convert_to_numpy(generator([latents, labels], training=False))


latents = keras.ops.convert_to_numpy(keras.random.normal((16, PRETRAINED_LATENT_DIM), seed=2))
tutorial.save_grid(draw(pretrained, latents, 7), f"{OUT}/sevens.png", nrow=8)

"""
## The same latent across the classes

Hold z fixed and change only the label: each row below is one latent vector drawn as
every digit. If the model separated the two jobs well, a row shares its *style* (the
slant, the stroke width) while the digit changes along it.
"""

latents = keras.ops.convert_to_numpy(keras.random.normal((6, PRETRAINED_LATENT_DIM), seed=3))
rows = np.repeat(latents, CLASSES, axis=0)
labels = np.tile(np.arange(CLASSES), len(latents))
tutorial.save_grid(draw(pretrained, rows, labels), f"{OUT}/same_latent_across_classes.png", nrow=CLASSES)

"""
## Walking from one class to another

A label is a whole number, but what the generator reads is the class's embedding
vector, and vectors can be blended. We replay the generator's layers after the
embedding, on the vector (1 - t) E[a] + t E[b], for t from 0 to 1: a 1 turning into
a 7, a 3 into an 8, with the latent held fixed.
"""


def generate_from_class_vectors(generator, latents, class_vectors):
    """The generator's images for given class vectors instead of labels (its layers after the embedding)."""
    x = generator.get_layer("latents_and_label")([latents, class_vectors])
    names = [layer.name for layer in generator.layers]
    for layer in generator.layers[names.index("latents_and_label") + 1:]:
        x = layer(x, training=False)
    return keras.ops.convert_to_numpy(x)


table = keras.ops.convert_to_numpy(pretrained.get_layer("label_embedding").embeddings)
steps = np.linspace(0, 1, 8)[:, None]
walks = []
for start, end in ((1, 7), (3, 8), (0, 6), (4, 9)):
    vectors = (1 - steps) * table[start] + steps * table[end]
    walks.append(generate_from_class_vectors(pretrained, np.repeat(latents[:1], 8, axis=0),
                                             vectors.astype("float32")))
tutorial.save_grid(np.concatenate(walks), f"{OUT}/class_walk.png", nrow=8)

"""
## Does it draw what we asked for?

The package's digits classifier (the one behind the digits FID) reads each generated
digit. `evaluation.conditional_digits_report` counts how often it reads the digit
that was asked for, per class, and scores each class against the real digits of that
class with the digits FID (`keras-gans evaluate` prints the same table for a
conditional generator). A class the generator draws as one image over and over
reads correctly yet scores a poor per-class FID, because real 4s vary: the model
trained here reads as asked almost as often as the shipped one, and its per-class
FIDs are several times the shipped one's.
"""

for name, network in (("the model trained here", gan), ("the shipped cdcgan_digits", pretrained)):
    print(f"{name}:")
    evaluation.conditional_digits_report(network, num_images=settings.score_images,
                                         num_per_class=settings.per_class)

"""
From the command line, a conditional run with the settings of the default run (16
epochs at learning rate 6e-4; how well its digits read as asked is recorded in
[the benchmarks' log](../benchmarks/LOG.md)), and the shipped one:

    keras-gans train --model cdcgan
    keras-gans generate --model cdcgan_digits --labels 0,1,2 -n 30 --output digits.png

## What you saw

- `real_images_with_labels.png`: the training digits (their labels printed above).
- `samples/progress.gif`: one row per class, one fixed latent per column, over training.
- `class_grid.png`: the model trained here, one class per column: the right digits,
  nearly one image per class (a collapse within each class).
- `sevens.png`: a chosen class on demand, from the shipped generator.
- `same_latent_across_classes.png`: each row one latent (a style) drawn as every digit.
- `class_walk.png`: blends of two class vectors, 1 to 7, 3 to 8, 0 to 6, 4 to 9 (this
  latent's 4 has a closed top, so its walk to a 9 changes little).

Tutorial 12 turns to the other common wish: a good GAN from only a thousand images.
"""

"""
## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`; where a number can be checked in
seconds, `tests/test_exercises.py` checks it.

1. **The projection by hand.** In the three-feature example, *predict* the logit for
   class 0 before reading the printed one. *Expected*: psi(phi) = 1 + 0 - 3 = -2, and
   <V_0, phi> = 0.5 + 1 + 0 = 1.5, so -0.5 (class 1: -2 + 6 = 4).
2. **What a label costs.** *Predict* how many weights the label adds to each network,
   against the unconditional DCGAN networks of the same size
   (`networks.dcgan_generator(32, 1, LATENT_DIM, width=WIDTH).count_params()`, and the
   same for the discriminator). *Expected*, at quick mode's sizes: the generator gains
   65,856: the embedding's 10 x 32 = 320, and 65,536 in its first transposed
   convolution, whose input grows by the 32 numbers of the label's vector (32 x 4 x 4 x
   128); the discriminator gains 20,480: one vector V_y of 2,048 numbers (its 4x4x128
   features phi) per class.
3. **The paper's rate for the discriminator.** Set `d_lr=2e-4` in `QUICK`, the rate of
   full mode and of the shipped generator. *Predict*: does `class_grid.png` still repeat
   one image per class? *Expected*: more variety: the rows of a column now differ in
   shape and slant (not yet as much as the shipped generator's), the per-class digits
   FIDs fall, most of them to about half or less, and the classifier still reads
   nearly every digit as asked: a discriminator that keeps up punishes the generator
   for drawing one picture per class.
"""
