"""Keras callbacks for watching a GAN learn."""

import glob
import os
import re

import keras
import numpy as np

from keras_gans import plotting


class SampleGIF(keras.callbacks.Callback):
    """Save a grid of samples from fixed latents every epoch, and a GIF at the end.

    The latent batch is drawn once (seeded) and reused for every frame, so the GIF
    shows the same "people" (or digits) improving over training. The latents are
    stored as `latents.npy` in `output_dir`; a run that finds them there (a resumed
    run) continues with the same latents. The frames are PNGs named
    `epoch_NNN.png` (epoch 0 is the untrained generator) and `progress.gif` is made
    from every frame in the folder.

    Args:
        output_dir: folder for the frames, the latents and the GIF.
        num_images: images per grid.
        seed: seed of the fixed latent batch.
        every_n_epochs: save a frame every this many epochs (the last epoch always).
        fps: GIF frames per second.
        scale: integer upscaling of each image in the grid (small images stay visible).
        gif_name: file name of the GIF.

    Example:
    >>> gan.fit(dataset, epochs=5, callbacks=[SampleGIF("out/")])  # doctest: +SKIP
    """

    def __init__(self, output_dir, num_images=64, seed=0, every_n_epochs=1, fps=2, scale=2,
                 gif_name="progress.gif"):
        super().__init__()
        self.output_dir = output_dir
        self.num_images = num_images
        self.seed = seed
        self.every_n_epochs = every_n_epochs
        self.fps = fps
        self.scale = scale
        self.gif_path = os.path.join(output_dir, gif_name)
        self.latents = None

    def on_train_begin(self, logs=None):
        os.makedirs(self.output_dir, exist_ok=True)
        self.latents = self._fixed_latents()
        if not os.path.exists(self._frame_path(0)):
            self.save_frame(0)

    def _fixed_latents(self):
        path = os.path.join(self.output_dir, "latents.npy")
        shape = (self.num_images, self.model.latent_dim)
        if os.path.exists(path):
            latents = np.load(path)
            if latents.shape == shape:
                return latents
        latents = keras.ops.convert_to_numpy(keras.random.normal(shape, seed=self.seed))
        np.save(path, latents)
        return latents

    def _frame_path(self, epoch):
        return os.path.join(self.output_dir, f"epoch_{epoch:03d}.png")

    def save_frame(self, epoch):
        """Write the grid for `epoch` (epochs counted from 1; 0 = before training)."""
        images = self.model.generate(self.latents)
        grid = plotting.image_grid(images, scale=self.scale, label=f"epoch {epoch}")
        plotting.save_png(grid, self._frame_path(epoch))

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.every_n_epochs == 0 or done == self.params.get("epochs"):
            self.save_frame(done)

    def on_train_end(self, logs=None):
        self.write_gif()

    def write_gif(self):
        """Make the GIF from every `epoch_NNN.png` frame in the folder, in epoch order."""
        paths = sorted(glob.glob(os.path.join(self.output_dir, "epoch_*.png")),
                       key=lambda p: int(re.findall(r"(\d+)", os.path.basename(p))[0]))
        frames = [plotting.read_png(p) for p in paths]
        plotting.save_gif(frames, self.gif_path, fps=self.fps)
        return self.gif_path
