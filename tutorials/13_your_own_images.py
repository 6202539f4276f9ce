"""
Title: Train a GAN on your own pictures
Author: keras_gans contributors
Date created: 2026/11/24
Last modified: 2026/11/24
Description: A folder or a .zip of any pictures: the crop and resize, training, and how many images and how long.
Accelerator: GPU (optional; quick mode runs on a CPU)
"""

"""
## Quick or full

**Quick** (the default, and the workshop's): 32x32 colour pictures and small networks,
600 training steps on a CPU; how long that takes on each kind of CPU is in the
`tutorials` table of [`benchmarks/README.md`](../benchmarks/README.md). **Full**: 64x64
pictures with the GANs 101 article's networks, for a GPU: 3,000 steps, roughly 2 to 4
minutes on a free Colab T4, plus well under a minute to decode a few thousand pictures
(an estimate, not a measurement). The cell below holds every setting, one line per
mode; `LENGTH` multiplies the steps.

`IMAGES` is the one new switch: the path of **your** pictures, a folder (on a
laptop) or a .zip (in Colab, upload one). Left at `None`, the tutorial uses the
example that ships with the package: 1,000 small landscapes (skies, suns, mountain
ridges, sometimes a lake) drawn by `datasets/make_landscapes.py`, so it runs
offline.
"""

MODE = "quick"    # "quick": 32x32 pictures on a CPU; "full": 64x64 pictures, for a GPU
LENGTH = 1.0      # multiplies the training steps (0.1: a rehearsal; 3: longer training)
CELEBA = "tfds"   # not used here: this tutorial trains on IMAGES
IMAGES = None     # your pictures: "my_photos/" (a folder, searched with its subfolders) or "my_photos.zip"
QUICK = dict(image_size=32, channels=3, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
             steps=600, time_limit=1800)
FULL = dict(image_size=64, channels=3, latent_dim=128, width=64, batch_size=128, d_lr=2e-4, g_lr=2e-4,
            steps=3000, time_limit=3600)

"""
## Your pictures, in Colab or on a laptop

**In Colab**, put your pictures in one .zip on your computer (select them, "compress"),
then run this in a cell and pick the file; Colab copies it next to the notebook:

    from google.colab import files
    uploaded = files.upload()                   # choose my_photos.zip
    IMAGES = next(iter(uploaded))               # "my_photos.zip"

For hundreds of megabytes, copy the zip to Google Drive once and read it from there
(`from google.colab import drive; drive.mount("/content/drive")`, then
`IMAGES = "/content/drive/MyDrive/my_photos.zip"`). The zip is read as it is,
without unpacking.

**On a laptop**, point `IMAGES` at a folder: `IMAGES = "/home/me/Pictures/cats"`.
Subfolders are searched too; JPEG, PNG and BMP files are used, anything else
(and hidden files, and the `__MACOSX` copies a Mac puts into zips) is skipped.

**From the command line**, a folder or zip trains with `--dataset` and its path, here
the example that ships with the repository:
`keras-gans train --dataset datasets/landscapes.zip --image-size 32 --epochs 50`.

What works: pictures of *one kind* of thing, framed roughly alike (faces, cats,
flowers, landscapes, sneakers). A GAN learns what the pictures have in common; a
mixed holiday folder has little in common and gives coloured mush.
"""

"""
## Setup
"""

import io
import time
import zipfile

import keras
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from PIL import Image

import keras_gans
from keras_gans import data, shipped, tutorial

settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)
OUT = tutorial.output_dir("13_your_own_images")
keras.utils.set_random_seed(0)
IMAGES = IMAGES or shipped.path("datasets/landscapes.zip")  # None: the landscapes that ship with the package
SIZE, CHANNELS = settings.image_size, settings.channels
print(f"This tutorial trains on {SIZE}x{SIZE} colour pictures from {IMAGES}, not on the digits or CelebA.")

"""
## What is in the folder

`keras_gans.data.list_images` finds every picture, in a folder (with its
subfolders) or in a zip, in a fixed order. A zip member is named
`archive.zip::folder/picture.jpg`.
"""

files = data.list_images(IMAGES)
print(f"{len(files):,} pictures in {IMAGES}; the first: {files[0]}")


def read_original(file):
    """One picture as it is on disk (any size), as a uint8 RGB array."""
    archive, _, member = file.partition("::")
    if member:
        with zipfile.ZipFile(archive) as opened:
            contents = opened.read(member)
    else:
        with open(file, "rb") as opened:
            contents = opened.read()
    return np.asarray(Image.open(io.BytesIO(contents)).convert("RGB"))


sizes = [read_original(file).shape[:2] for file in files[:200]]
shapes = {"wider than tall": sum(w > h for h, w in sizes), "taller than wide": sum(h > w for h, w in sizes),
          "square": sum(h == w for h, w in sizes)}
print("of the first 200:", ", ".join(f"{count} {name}" for name, count in shapes.items()))

"""
## The crop and the resize

A GAN's networks take square images of one size (32, 64 or 128 pixels here). Every
picture is therefore **centre-cropped** to the largest square in its middle (the
short side decides; the long side loses its two ends) and then **resized** to the
training size by averaging the pixels each new pixel covers (no jagged edges). Look
at what that keeps: whatever is near the edges of a wide or a tall picture is gone,
so centre what matters when you choose your pictures.

Below, four of the pictures: the original with the kept square drawn in red, then
what the GAN will see at 64 and at 32 pixels (`keras_gans.data.center_crop_and_resize`).
"""

examples = [files[i] for i in np.linspace(0, len(files) - 1, 4).astype(int)]
figure = Figure(figsize=(9, 9))
grid = figure.subplots(4, 3)
for row, file in enumerate(examples):
    original = read_original(file)
    height, width = original.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    grid[row, 0].imshow(original)
    grid[row, 0].add_patch(Rectangle((left - 0.5, top - 0.5), side, side, fill=False, color="red", linewidth=2))
    grid[row, 0].set_title(f"original {width}x{height}", fontsize=9)
    for column, size in ((1, 64), (2, 32)):
        grid[row, column].imshow(data.center_crop_and_resize(original, size).numpy())
        grid[row, column].set_title(f"centre square, {size}x{size}", fontsize=9)
for axes in grid.ravel():
    axes.set_xticks([])
    axes.set_yticks([])
tutorial.save_figure(figure, f"{OUT}/crop_and_resize.png")

"""
## Load them for training

`keras_gans.data.load_image_folder` does the same to every picture once, keeps
them as 8-bit numbers, and serves shuffled float batches in [-1, 1], like every
loader of the package. A corrupt file stops it with the file's name (or is skipped
with `skip_corrupt=True`); a picture smaller than the training size is enlarged,
with a warning, because that blurs it.
"""

start = time.perf_counter()
dataset = data.load_image_folder(IMAGES, image_size=SIZE, batch_size=settings.batch_size, channels=CHANNELS,
                                 seed=0)
print(f"decoded, cropped and resized {len(files):,} pictures in {time.perf_counter() - start:.1f} s")
tutorial.save_grid(next(iter(dataset))[:32], f"{OUT}/training_images.png", nrow=8, scale=3)

"""
## Train

The DCGAN of tutorials 1 and 2, with colour output, trained for `settings.steps` steps
(600 in quick mode) in 12 epochs, with the same 64 latent vectors drawn after every
epoch into a GIF. The discriminator learns at half the generator's rate in quick mode,
as everywhere in quick mode (tutorial 5 shows why a short run needs it;
`tutorials/WORKSHOP.md` says more).
"""

gan = keras_gans.models.build_gan("dcgan", SIZE, CHANNELS, settings.latent_dim, width=settings.width, seed=0)
gan.compile(d_optimizer=keras.optimizers.Adam(settings.d_lr, beta_1=0.5),
            g_optimizer=keras.optimizers.Adam(settings.g_lr, beta_1=0.5))
samples = keras_gans.callbacks.SampleGIF(f"{OUT}/samples", num_images=64, scale=3)
EPOCHS = 12
start = time.perf_counter()
gan.fit(dataset.repeat(), epochs=EPOCHS, steps_per_epoch=max(1, settings.steps // EPOCHS), verbose=0,
        callbacks=[samples, keras_gans.callbacks.TimeLimit(settings.time_limit)])
steps = int(gan.g_optimizer.iterations)
print(f"{steps} steps ({steps * settings.batch_size / len(files):.0f} passes over the {len(files):,} pictures) "
      f"in {time.perf_counter() - start:.0f} s")
tutorial.show(samples.gif_path)
tutorial.save_grid(gan.generate(36, seed=1), f"{OUT}/generated.png", nrow=6, scale=3)
gan.save(f"{OUT}/gan.keras")

"""
In quick mode on the landscapes, 600 steps give the layout of a landscape and
nothing more: every sample is a lighter sky above a darker band of ground, in the
palettes of the training pictures (dusky pink, night blue, daylight blue, sometimes
with green ground). No sun and no ridge lines yet: details take longer (below).

## Did it copy its pictures?

With few pictures a GAN can end up drawing near-copies of them. A simple check:
for each generated picture, find the closest training picture (the smallest pixel
distance) and put them side by side. New pictures have a nearest neighbour that
looks related but differs; copies have a twin.
"""

training = data.image_folder_arrays(IMAGES, image_size=SIZE, channels=CHANNELS)
training_float = data.to_float(training).reshape(len(training), -1)
generated = gan.generate(8, seed=2)
flat = generated.reshape(8, -1)
# squared distances |g - t|^2 = |g|^2 + |t|^2 - 2 g.t, for all pairs at once
distances = (flat ** 2).sum(1)[:, None] + (training_float ** 2).sum(1)[None, :] - 2 * flat @ training_float.T
nearest = training_float[distances.argmin(axis=1)].reshape(generated.shape)
tutorial.save_grid(np.concatenate([generated, nearest]), f"{OUT}/nearest_training_pictures.png", nrow=8,
                   scale=3, label="top: generated; below each, its nearest training picture")

"""
## How many pictures, how much time

`python benchmarks/own_images.py` trains the same network on 300 and on 3,000
landscapes at 32 and at 64 pixels for the same two minutes each, and scores the samples
with a pixel FID of the colour layout (lower is better) and a copy ratio (about 1: new
pictures; well below 1: near-copies of the training pictures);
[its table](../benchmarks/README.md#your-own-images) has the figures.
Rules of thumb that follow, for your own pictures:

- **Size**: start at 32 pixels on a CPU. A 64-pixel picture has four times the
  pixels and costs about four times the arithmetic per step; in the benchmark's two
  minutes the 64-pixel runs got several times fewer steps and had not left the noise,
  where the 32-pixel runs showed the layout (exercise 1 measures the cost here).
  64 pixels is for a GPU, and 128 pixels for a GPU and hours.
- **How many**: a few hundred pictures is enough to see the layout appear. Nothing
  was copied in those short runs (every copy ratio was above 1: the samples are
  blurrier than any landscape), but a small set seen for many passes is where
  copying starts, which is what the nearest-picture check above is for. A few
  thousand is a comfortable start; the GANs 101 article's faces used 1,000 to
  10,000 and more.
- **How long**: minutes on a CPU give blurry layouts; clean 64-pixel pictures need
  tens of thousands of steps (the GANs 101 article trained its faces for 60 epochs).
  30,000 steps of batch 128, at the 2.5 GFLOP per picture and step that
  `benchmarks/train_speed.py` counts for the 64-pixel DCGAN ([speed tables](../benchmarks/README.md#speed)),
  is about 10 PFLOP: roughly 16 to 40 minutes on a Colab T4 if it sustains 10 to 4
  TFLOP/s (an estimate from the arithmetic; no GPU was measured). Full mode, or from the command line
  `keras-gans train --dataset datasets/landscapes.zip --image-size 64 --epochs 200 --mixed-precision`
  with your zip's path instead.

## What you saw

- `crop_and_resize.png`: four pictures, the square that is kept, and what the GAN sees.
- `training_images.png`: a batch of training pictures at the training size.
- `samples/progress.gif`: 64 fixed latent vectors over training; `generated.png`: the end.
- `nearest_training_pictures.png`: generated pictures above their nearest training pictures.
- `gan.keras`: the trained GAN (`keras-gans generate --model outputs/13_your_own_images/gan.keras`).

## Exercises

Each one changes one thing. Write your prediction down before you run it, then
compare it with the expected result given here. The teacher's answers, with the
reasons, are in `tutorials/WORKSHOP_ANSWERS.md`.

1. **Twice the size.** Set `image_size=64` in `QUICK` (quick mode trains at 32).
   *Predict*: how much longer do the same 600 steps take, and how sharp are the
   samples? *Expected*: several times longer (four times the pixels, about four times
   the arithmetic per step; each step took 7 to 11 times longer when measured on a
   busy machine), and samples that are still grey noise, the same for every latent,
   with no sky and no ground: the 64-pixel runs of the benchmark table linked above.
2. **Fewer pictures.** Give `load_image_folder` `num_images=300`. *Predict*: does the
   generator copy its pictures now? *Expected*: not yet. The samples are blurred
   layouts as with 1,000, and in `nearest_training_pictures.png` each one's nearest
   training picture is related (the same palette) but no twin: 600 steps show each
   of the 300 pictures about 64 times, and the generator has only learned the layout.
   Copying needs a smaller set and many more passes (the benchmark's copy ratios,
   linked above, stayed above 1, no copying, at 300 pictures too).
3. **Your own folder.** Point `IMAGES` at 200 or more of your photos of one kind of
   thing. *Predict*: which colours and shapes appear first? *Expected*: the average
   colours and the overall layout (light and dark regions where most of your
   pictures have them) come first, objects and edges last.
"""
