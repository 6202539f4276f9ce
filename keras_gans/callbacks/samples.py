"""`SampleGIF`: the same fixed latents drawn as training goes, as PNG frames and a GIF.

GAN losses do not say whether the images are good, so people learn GANs by
watching the samples improve.
"""

import glob
import os
import re

import keras
import numpy as np

from keras_gans import checks, files, plotting
from keras_gans.callbacks.history import global_step


class SampleGIF(keras.callbacks.Callback):
    """Save a grid of samples from fixed latents as training goes, and a GIF at the end.

    The latent batch is drawn once (seeded) and reused for every frame, so the GIF
    shows the same "people" (or digits) improving over training. The latents are
    stored as `latents.npy` in `output_dir`; a run that finds them there (a resumed
    run) continues with the same latents, whatever its `seed`.

    For a conditional GAN (one with `num_classes`, e.g. `ConditionalGAN`) each row of
    the grid is one class, 0 at the top, and each column one fixed latent, the same
    for every class: num_images // num_classes columns (at least 1), so 64 images
    of 10 classes give a 10 x 6 grid. `latents.npy` then holds the columns' latents.
    Frames come from `model.generate`, so a GAN with `ema=` shows its moving average.

    Frames are PNGs labelled with where training was:
    - by epoch (default): `epoch_NNN.png` every `every_n_epochs` epochs and after
      the last one; `epoch_000.png` is the untrained generator;
    - by step (`every_n_steps=N`, which replaces the epoch schedule):
      `step_NNNNNNN.png` every N training steps, after the last step, and
      `step_0000000.png` before training.
    `progress.gif` is made at the end of training from every frame of the
    schedule in the folder (so a resumed run's GIF covers the whole story).

    With `tensorboard=` the same grids also go to TensorBoard as image summaries
    (tag "samples"), in the `train` run of the log directory, at step = epochs
    done (epoch schedule) or the training step (step schedule).

    Args:
        output_dir: folder for the frames, the latents and the GIF.
        num_images: images per grid.
        seed: seed of the fixed latent batch (ignored when `latents.npy` exists).
        every_n_epochs: save a frame every this many epochs (the last epoch always).
        fps: GIF frames per second (the frame duration is 1 / fps seconds).
        scale: integer upscaling of each image in the grid (small images stay visible).
        gif_name: file name of the GIF.
        every_n_steps: save a frame every this many training steps instead.
        nrow: images per row of the grid (default: a square grid; a conditional
            model's grid has one row per class instead).
        loop: GIF looping: 0 repeats for ever, n plays n times.
        label: write "epoch N" / "step N (epoch E)" above each grid.
        tensorboard: a `keras.callbacks.TensorBoard` of the same run (its
            `log_dir` is used) or a log directory; None writes no summaries.

    Example:
    >>> gan.fit(dataset, epochs=5, callbacks=[SampleGIF("out/", num_images=36, nrow=6)])  # doctest: +SKIP
    """

    def __init__(self, output_dir, num_images=64, seed=0, every_n_epochs=1, fps=2, scale=2,
                 gif_name="progress.gif", every_n_steps=None, nrow=None, loop=0, label=True,
                 tensorboard=None):
        super().__init__()
        for name, value in (("num_images", num_images), ("every_n_epochs", every_n_epochs),
                            ("scale", scale)):
            checks.positive_int(name, value)
        if every_n_steps is not None:
            checks.positive_int("every_n_steps", every_n_steps)
        checks.positive_number("fps", fps)
        self.output_dir = output_dir
        self.num_images = num_images
        self.seed = seed
        self.every_n_epochs = every_n_epochs
        self.every_n_steps = every_n_steps
        self.fps = fps
        self.scale = scale
        self.nrow = nrow
        self.loop = loop
        self.label = label
        self.gif_path = os.path.join(output_dir, gif_name)
        self.tensorboard = tensorboard
        self.latents = None
        self._writer = None
        self._steps_counted = 0
        self._epoch = 0

    # The frame schedule: its file-name prefix and digits.
    @property
    def _prefix(self):
        return ("step", 7) if self.every_n_steps else ("epoch", 3)

    def _frame_path(self, number):
        prefix, digits = self._prefix
        return os.path.join(self.output_dir, f"{prefix}_{number:0{digits}d}.png")

    def on_train_begin(self, logs=None):
        os.makedirs(self.output_dir, exist_ok=True)
        self.latents = self._fixed_latents()
        self._writer = self._summary_writer()
        if not os.path.exists(self._frame_path(0)):
            self._save(0, "epoch 0" if not self.every_n_steps else "step 0 (epoch 0)")

    def _num_classes(self):
        """The model's number of classes, or None for an unconditional GAN."""
        return self.model.num_classes if self.model.conditional else None

    def _fixed_latents(self):
        path = os.path.join(self.output_dir, "latents.npy")
        classes = self._num_classes()
        count = self.num_images if classes is None else max(1, self.num_images // classes)
        shape = (count, self.model.latent_dim)
        if os.path.exists(path):
            latents = np.load(path)
            if latents.shape != shape:
                raise ValueError(
                    f"The saved latents {path} have shape {latents.shape}, but this run needs {shape} "
                    f"(num_images={self.num_images}, latent_dim={self.model.latent_dim}"
                    + (f", one latent per column of {classes} class rows" if classes else "")
                    + "). Resume with the same settings, or use a new `output_dir`."
                )
            return latents
        latents = keras.ops.convert_to_numpy(keras.random.normal(shape, seed=self.seed))
        files.write_atomically(path, lambda temporary: np.save(temporary, latents))
        return latents

    def _summary_writer(self):
        if self.tensorboard is None:
            return None
        log_dir = getattr(self.tensorboard, "log_dir", self.tensorboard)
        if not isinstance(log_dir, (str, os.PathLike)):
            raise ValueError(
                "Invalid value for argument `tensorboard`. Expected a keras.callbacks.TensorBoard or a log "
                f"directory. Received: tensorboard={self.tensorboard!r}"
            )
        # The "train" run is where keras.callbacks.TensorBoard writes the training
        # scalars, so the samples appear next to the loss curves.
        import tensorflow as tf  # Keras has no image-summary writer of its own (imported only for TensorBoard)

        return tf.summary.create_file_writer(os.path.join(os.fspath(log_dir), "train"))

    def save_frame(self, epoch):
        """Write the grid for `epoch` (epochs counted from 1; 0 = before training)."""
        self._save(epoch, f"epoch {epoch}")

    def grid_images(self):
        """The images of one frame now, in grid order, and the images per row."""
        classes = self._num_classes()
        if classes is None:
            return self.model.generate(self.latents), self.nrow
        columns = len(self.latents)
        # Row c: class c drawn from every column's latent.
        latents = np.tile(self.latents, (classes, 1))
        labels = np.repeat(np.arange(classes, dtype="int32"), columns)
        return self.model.generate(latents, labels=labels), columns

    def _save(self, number, label):
        images, nrow = self.grid_images()
        grid = plotting.image_grid(images, nrow=nrow, scale=self.scale,
                                   label=label if self.label else None)
        plotting.save_png(grid, self._frame_path(number))
        if self._writer is not None:
            _write_image_summary(self._writer, "samples", grid, number)

    def on_train_batch_end(self, batch, logs=None):
        if not self.every_n_steps:
            return
        step = global_step(self.params, self._epoch, batch, self._steps_counted)
        self._steps_counted = step
        if step % self.every_n_steps == 0:
            self._save(step, f"step {step} (epoch {self._epoch + 1})")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if self.every_n_steps:
            return
        if done % self.every_n_epochs == 0 or done == self.params.get("epochs"):
            self.save_frame(done)

    def on_train_end(self, logs=None):
        # The step schedule always ends on a frame of the last step.
        if self.every_n_steps and self._steps_counted and not os.path.exists(
                self._frame_path(self._steps_counted)):
            self._save(self._steps_counted, f"step {self._steps_counted} (epoch {self._epoch + 1})")
        self.write_gif()
        if self._writer is not None:
            self._writer.close()
            self._writer = None

    def frame_paths(self):
        """The frames of this schedule in the folder, in training order."""
        prefix, _ = self._prefix
        paths = glob.glob(os.path.join(self.output_dir, f"{prefix}_*.png"))
        paths = [p for p in paths if re.fullmatch(rf"{prefix}_\d+\.png", os.path.basename(p))]
        return sorted(paths, key=lambda p: int(re.findall(r"(\d+)", os.path.basename(p))[0]))

    def write_gif(self):
        """Make the GIF from every frame of the schedule in the folder, in order."""
        frames = [plotting.read_png(p) for p in self.frame_paths()]
        plotting.save_gif(frames, self.gif_path, fps=self.fps, loop=self.loop)
        return self.gif_path


def _write_image_summary(writer, tag, image, step):
    """One uint8 image as a TensorBoard image summary.

    Written in the format of TensorBoard's image plugin (a string tensor
    [width, height, PNG bytes] tagged for the "images" plugin) with the core
    `tf.summary.write`, so it works without the `tensorboard` package installed
    (`tf.summary.image` needs it); TensorBoard shows it in its Images tab.
    """
    import tensorflow as tf

    metadata = tf.compat.v1.SummaryMetadata()
    metadata.plugin_data.plugin_name = "images"
    png = tf.io.encode_png(image)
    tensor = tf.stack([tf.as_string(image.shape[1]), tf.as_string(image.shape[0]), png])
    with writer.as_default():
        tf.summary.write(tag, tensor, step=step, metadata=metadata)
    writer.flush()
