"""Keras callbacks for watching a GAN learn.

GAN losses do not say whether the images are good, so people learn GANs by
watching: samples from fixed latents (`SampleGIF`), every step's losses and
scores (`StepHistory`, drawn by `keras_gans.plotting`), and the known ways a run
fails (`Diagnostics`).

    callbacks = [Diagnostics(reference_images=dataset, checkpoint_path="out/last_good.weights.h5"),
                 StepHistory("out/steps.csv"), SampleGIF("out/")]
    gan.fit(dataset, epochs=20, callbacks=callbacks)
    keras_gans.plotting.plot_losses(callbacks[1], path="out/losses.png")
"""

import collections
import csv
import glob
import math
import os
import re

import keras
import numpy as np

from keras_gans import plotting

# ------------------------------------------------------------------ helpers


class _PerStepValues:
    """Recovers each step's own metric values from the running means Keras reports.

    After every batch Keras hands the callbacks `metric.result()`: for a `Mean`
    tracker (what `GAN.update_metrics` uses) that is the mean over the epoch so
    far. With n steps done, step n's own value is

        value_n = (n * mean_n - m * mean_m) / (n - m)

    where m is the step count at the previous report (m = n - 1, or n - k when
    Keras reports every k steps with `steps_per_execution=k`; then the value is
    the mean of those k steps). Exact but for the float32 rounding of the means,
    which step n multiplies by n: about n * 1e-7 times the metric's size, under
    1e-4 in a 1,000-step epoch. Values that are not running means (anything that
    is not a `keras.metrics.Mean` of the model) pass unchanged.
    """

    def __init__(self):
        self.reset()

    def reset(self):
        self.previous = {}
        self.steps_seen = 0

    def __call__(self, model, batch, logs):
        running = {m.name for m in getattr(model, "metrics", []) if isinstance(m, keras.metrics.Mean)}
        steps = batch + 1  # Keras' `batch` is the index (in the epoch) of the last step run
        done = max(steps - self.steps_seen, 1)
        values = {}
        for key, value in logs.items():
            if key in running and isinstance(value, (int, float)):
                previous = self.previous.get(key, 0.0)
                values[key] = (steps * value - self.steps_seen * previous) / done
                self.previous[key] = value
            else:
                values[key] = value
        self.steps_seen = steps
        return values


def _global_step(params, epoch, batch, counter):
    """Training steps done since step 0 of epoch 0, counting from 1.

    With a known number of steps per epoch this follows `initial_epoch`, so a
    resumed run numbers its steps where the first run stopped.
    """
    steps = (params or {}).get("steps")
    if steps:
        return epoch * steps + batch + 1
    return counter + 1


def _metric_order(model, names):
    """The model's own metric order (the progress bar's), then anything else sorted."""
    order = [m.name for m in getattr(model, "metrics", []) if m.name in names]
    return order + sorted(set(names) - set(order))


# --------------------------------------------------------------- SampleGIF


class SampleGIF(keras.callbacks.Callback):
    """Save a grid of samples from fixed latents as training goes, and a GIF at the end.

    The latent batch is drawn once (seeded) and reused for every frame, so the GIF
    shows the same "people" (or digits) improving over training. The latents are
    stored as `latents.npy` in `output_dir`; a run that finds them there (a resumed
    run) continues with the same latents, whatever its `seed`.

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
        nrow: images per row of the grid (default: a square grid).
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
            _check_positive_int(name, value)
        if every_n_steps is not None:
            _check_positive_int("every_n_steps", every_n_steps)
        if not (isinstance(fps, (int, float)) and fps > 0):
            raise ValueError(
                f"Invalid value for argument `fps`. Expected a positive number. Received: fps={fps!r}"
            )
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
        if not every_n_steps:
            # No per-step work: keep Keras' default (empty) batch hook, so this
            # callback alone does not make `fit` wait for every step to finish.
            self.on_train_batch_end = keras.callbacks.Callback.on_train_batch_end.__get__(self)

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

    def _fixed_latents(self):
        path = os.path.join(self.output_dir, "latents.npy")
        shape = (self.num_images, self.model.latent_dim)
        if os.path.exists(path):
            latents = np.load(path)
            if latents.shape != shape:
                raise ValueError(
                    f"The saved latents {path} have shape {latents.shape}, but this run needs {shape} "
                    f"(num_images={self.num_images}, latent_dim={self.model.latent_dim}). Resume with the "
                    "same settings, or use a new `output_dir`."
                )
            return latents
        latents = keras.ops.convert_to_numpy(keras.random.normal(shape, seed=self.seed))
        np.save(path, latents)
        return latents

    def _summary_writer(self):
        if self.tensorboard is None:
            return None
        import tensorflow as tf  # Keras has no image-summary writer of its own

        log_dir = getattr(self.tensorboard, "log_dir", self.tensorboard)
        if not isinstance(log_dir, (str, os.PathLike)):
            raise ValueError(
                "Invalid value for argument `tensorboard`. Expected a keras.callbacks.TensorBoard or a log "
                f"directory. Received: tensorboard={self.tensorboard!r}"
            )
        # The "train" run is where keras.callbacks.TensorBoard writes the training
        # scalars, so the samples appear next to the loss curves.
        return tf.summary.create_file_writer(os.path.join(os.fspath(log_dir), "train"))

    def save_frame(self, epoch):
        """Write the grid for `epoch` (epochs counted from 1; 0 = before training)."""
        self._save(epoch, f"epoch {epoch}")

    def _save(self, number, label):
        images = self.model.generate(self.latents)
        grid = plotting.image_grid(images, nrow=self.nrow, scale=self.scale,
                                   label=label if self.label else None)
        plotting.save_png(grid, self._frame_path(number))
        if self._writer is not None:
            _write_image_summary(self._writer, "samples", grid, number)

    def on_train_batch_end(self, batch, logs=None):
        if not self.every_n_steps:
            return
        step = _global_step(self.params, self._epoch, batch, self._steps_counted)
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


def _check_positive_int(name, value):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
        raise ValueError(
            f"Invalid value for argument `{name}`. Expected a positive int. Received: {name}={value!r}"
        )


# ------------------------------------------------------------- StepHistory


class StepHistory(keras.callbacks.Callback):
    """Record every training step's metrics: a CSV row per step, and in memory.

    Keras' `History` and `CSVLogger` keep one row per epoch (the epoch's mean).
    GAN curves are read step by step (the seed article smooths over about one
    epoch of steps), so this callback keeps each step's own values: step,
    epoch, then every metric the model reports (`d_loss`, `g_loss`,
    `real_score`, `fake_score` and a variant's extras such as
    `gradient_penalty`). Keras reports running epoch means after each batch;
    they are turned back into each step's own value (see `_PerStepValues`).

    The file is flushed after every row, so a crash loses nothing written. The
    columns are fixed by the first row: a metric that only appears later is
    not written to the file (it is kept in memory). Steps count from 1 across
    epochs; epochs count from 1 (the epoch the step belongs to).

    Args:
        path: CSV file to write (None keeps the history in memory only).
        append: add to an existing file (a resumed run) instead of replacing it;
            its rows are loaded into `history` too.

    Attributes:
        history: dict of column -> list of values, like `keras.callbacks.History`
            (`"step"`, `"epoch"`, then the metrics). `keras_gans.plotting`
            accepts the callback itself or this dict.

    Example:
    >>> steps = StepHistory("out/steps.csv")
    >>> gan.fit(dataset, epochs=2, callbacks=[steps])  # doctest: +SKIP
    >>> keras_gans.plotting.plot_losses(steps, path="out/losses.png")  # doctest: +SKIP
    """

    def __init__(self, path=None, append=False):
        super().__init__()
        self.path = path
        self.append = append
        self.history = {}
        self.columns = None
        self._file = None
        self._writer = None
        self._per_step = _PerStepValues()
        self._step = 0
        self._epoch = 0

    def on_train_begin(self, logs=None):
        self.history, self.columns = {}, None
        if self.path is None:
            return
        folder = os.path.dirname(self.path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.append and os.path.exists(self.path) and os.path.getsize(self.path) > 0:
            with open(self.path, newline="") as f:
                reader = csv.DictReader(f)
                self.columns = reader.fieldnames
                for row in reader:
                    for key in self.columns:
                        self.history.setdefault(key, []).append(_number(row[key]))
            self._step = int(self.history["step"][-1]) if self.history.get("step") else 0
            self._file = open(self.path, "a", newline="")
        else:
            self._file = open(self.path, "w", newline="")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._per_step.reset()

    def on_train_batch_end(self, batch, logs=None):
        values = self._per_step(self.model, batch, logs or {})
        self._step = _global_step(self.params, self._epoch, batch, self._step)
        if self.columns is None:
            self.columns = ["step", "epoch", *_metric_order(self.model, list(values))]
        row = {"step": self._step, "epoch": self._epoch + 1, **values}
        for key, value in row.items():
            self.history.setdefault(key, []).append(value)
        if self._file is not None:
            if self._writer is None:
                self._writer = csv.DictWriter(self._file, fieldnames=self.columns, extrasaction="ignore")
                if self._file.tell() == 0:
                    self._writer.writeheader()
            self._writer.writerow(row)
            self._file.flush()

    def on_train_end(self, logs=None):
        if self._file is not None:
            self._file.close()
            self._file, self._writer = None, None


def _number(text):
    """A CSV cell back as int, float or (failing both) text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


# ------------------------------------------------------------- Diagnostics

_ADVICE = {
    "saturation": (
        "the discriminator is winning every round: for the last {steps} steps it scored real images "
        "above {high:.2f} and generated ones below {low:.2f}. Its verdict is then so sure that the "
        "generator's gradient almost vanishes and the generator stops learning.\n"
        "  Try: a lower discriminator learning rate (e.g. half of it), one-sided label smoothing "
        "(real labels 0.9 instead of 1), or a loss whose gradient does not vanish: LSGAN, or WGAN-GP "
        "(several critic steps per generator step)."
    ),
    "collapse": (
        "the generator may be collapsing: images from {num_samples} different latents differ from each "
        "other only {ratio:.0%} as much as real images do (mean pairwise distance {spread:.3f} vs "
        "{reference:.3f}). The generator has found a few outputs that fool the discriminator and "
        "ignores its input.\n"
        "  Try: WGAN-GP with several critic steps per generator step, a lower learning rate for both "
        "networks, or restarting from an earlier checkpoint."
    ),
    "non_finite": (
        "{names} became {value} at step {step} (epoch {epoch}); training stopped there. {weights}\n"
        "  Try: a lower learning rate, Adam's beta_1=0.5, LSGAN or WGAN-GP instead of a saturating loss; "
        "under mixed precision, check that the last layers are float32."
    ),
    "stalled": (
        "the losses have stopped moving: over the last {steps} steps {names} each changed by less than "
        "{tolerance:g}. The networks are no longer learning from each other (a zero or tiny learning "
        "rate, dead units, or a discriminator so sure that no gradient flows).\n"
        "  Try: check the learning rates; if the discriminator's scores are pinned at 1 and 0, see "
        "the saturation advice (lower discriminator learning rate, label smoothing, LSGAN or WGAN-GP)."
    ),
}


class Diagnostics(keras.callbacks.Callback):
    """Watch a GAN's training for the known ways it fails, and say what to try.

    Four checks, each with thresholds as arguments:

    - saturation: the discriminator's real score stays above 1 - t and its fake
      score below t (t = `saturation_threshold`) for `saturation_steps`
      consecutive steps. Only meaningful when the scores are probabilities (a
      DCGAN's sigmoid outputs): see `probabilities`.
    - collapse: the spread of images generated from a fixed latent batch (mean
      pairwise RMS pixel distance) falls below `collapse_ratio` times the spread
      of real images.

          spread(X) = mean over pairs i < j of sqrt(mean((x_i - x_j)^2))
          sample_diversity = spread(G(z_fixed)) / spread(reference_images)

      The real images come from `reference_images=` (an array or a dataset, of
      which the first `num_samples` images are used); a callback never sees the
      training batches, so without it this check is off. An untrained
      generator makes nearly the same image for every latent, so the check
      starts after `collapse_warmup_steps` steps, or as soon as the diversity
      has once reached `collapse_ratio` (the generator spread out and then fell
      back).
    - non-finite: a metric becomes NaN or infinite. Checked after every step:
      training stops at once, the message names the step, and the weights of
      the last good epoch (kept in memory, and on disk at `checkpoint_path` when
      given, refreshed after every finite epoch) are put back into the model.
      The optimizers' state is not restored: compile again before training on.
    - stalled: over the last `stall_steps` steps every loss metric moved by less
      than `stall_tolerance` (max - min).

    Saturation, collapse and stall are checked at the end of every epoch, and
    also every `check_every_n_steps` steps when given. Each warning is printed
    once when its condition starts (again only if it clears and returns), kept
    in `warnings`, appended to `log_path` when given, and recorded in the
    epoch's logs (so `History` and `CSVLogger` see it) as `warnings` (how many
    this epoch) and `sample_diversity` (the diversity above, when the collapse
    check is on). Put `Diagnostics` before `CSVLogger` in the callbacks list so
    the logger sees those keys.

    Args:
        reference_images: real images in [-1, 1] for the collapse check: an array
            (N, H, W, C) or a dataset of such batches (or (images, labels)).
        num_samples: latents (and real images) used by the collapse check.
        seed: seed of the collapse check's fixed latents.
        probabilities: whether `real_score`/`fake_score` are probabilities.
            None decides: True for `DCGAN` (sigmoid scores), False for the other
            keras_gans variants (LSGAN, WGAN, WGAN-GP, SAGAN report raw
            discriminator or critic outputs), and for any other model True
            while every score seen lies in [0, 1].
        saturation_threshold: t above; real > 1 - t and fake < t is saturated.
        saturation_steps: consecutive saturated steps before a warning.
        collapse_ratio: diversity below this is a collapse.
        collapse_warmup_steps: steps before the collapse check starts.
        stall_steps: window of the stall check, in steps.
        stall_tolerance: largest change of a loss in the window that still
            counts as not moving.
        check_every_n_steps: also run the checks every this many steps.
        checkpoint_path: keep the last good weights here (`*.weights.h5`).
        log_path: also append every warning to this text file.
        verbose: print the warnings.

    Example:
    >>> diagnostics = Diagnostics(reference_images=dataset, checkpoint_path="out/last_good.weights.h5")
    >>> gan.fit(dataset, epochs=20, callbacks=[diagnostics])  # doctest: +SKIP
    >>> [w["kind"] for w in diagnostics.warnings]  # doctest: +SKIP
    ['saturation']
    """

    def __init__(self, reference_images=None, num_samples=64, seed=0, probabilities=None,
                 saturation_threshold=0.05, saturation_steps=100, collapse_ratio=0.1,
                 collapse_warmup_steps=500, stall_steps=200, stall_tolerance=1e-3,
                 check_every_n_steps=None, checkpoint_path=None, log_path=None, verbose=True):
        super().__init__()
        for name, value in (("num_samples", num_samples), ("saturation_steps", saturation_steps),
                            ("stall_steps", stall_steps)):
            _check_positive_int(name, value)
        if num_samples < 2:
            raise ValueError(f"Invalid value for argument `num_samples`. Expected at least 2 (the spread "
                             f"compares pairs of images). Received: num_samples={num_samples}")
        if check_every_n_steps is not None:
            _check_positive_int("check_every_n_steps", check_every_n_steps)
        if not 0 < saturation_threshold < 0.5:
            raise ValueError("Invalid value for argument `saturation_threshold`. Expected a number in "
                             f"(0, 0.5). Received: saturation_threshold={saturation_threshold}")
        if checkpoint_path is not None and not str(checkpoint_path).endswith(".weights.h5"):
            raise ValueError(
                "Invalid value for argument `checkpoint_path`. Expected a file name ending in `.weights.h5` "
                f"(Keras' weights format). Received: checkpoint_path={checkpoint_path}"
            )
        self.reference_images = reference_images
        self.num_samples = num_samples
        self.seed = seed
        self.probabilities = probabilities
        self.saturation_threshold = saturation_threshold
        self.saturation_steps = saturation_steps
        self.collapse_ratio = collapse_ratio
        self.collapse_warmup_steps = collapse_warmup_steps
        self.stall_steps = stall_steps
        self.stall_tolerance = stall_tolerance
        self.check_every_n_steps = check_every_n_steps
        self.checkpoint_path = checkpoint_path
        self.log_path = log_path
        self.verbose = verbose
        self.warnings = []

    # ------------------------------------------------------------ set-up

    def on_train_begin(self, logs=None):
        self.warnings = []
        self._per_step = _PerStepValues()
        self._step = 0
        self._epoch = 0
        self._epoch_warnings = 0
        self._active = set()
        self._saturated_steps = 0
        self._scores_in_range = True
        self._losses = collections.deque(maxlen=self.stall_steps)
        self._stopped = False
        self._best_diversity = 0.0
        self._latents = None
        self._reference_spread = None
        if self.reference_images is not None:
            reference = _first_images(self.reference_images, self.num_samples)
            self._reference_spread = mean_pairwise_distance(reference)
            self._latents = keras.random.normal((self.num_samples, self.model.latent_dim), seed=self.seed)
        self._keep_good_weights(epoch=None)

    def _keep_good_weights(self, epoch):
        self._good_weights = [np.array(w) for w in self.model.get_weights()]
        self._good_epoch = epoch
        if self.checkpoint_path:
            folder = os.path.dirname(self.checkpoint_path)
            if folder:
                os.makedirs(folder, exist_ok=True)
            self.model.save_weights(self.checkpoint_path)

    def _uses_probabilities(self):
        if self.probabilities is not None:
            return self.probabilities
        from keras_gans.models.gan import DCGAN, GAN

        if isinstance(self.model, DCGAN):
            return True
        if isinstance(self.model, GAN):
            return False
        return self._scores_in_range

    # ------------------------------------------------------ per step

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._epoch_warnings = 0
        self._per_step.reset()

    def on_train_batch_end(self, batch, logs=None):
        if self._stopped:
            return
        values = self._per_step(self.model, batch, logs or {})
        self._step = _global_step(self.params, self._epoch, batch, self._step)
        numbers = {k: v for k, v in values.items() if isinstance(v, (int, float))}

        bad = sorted(k for k, v in numbers.items() if not math.isfinite(v))
        if bad:
            self._stop_on_non_finite(bad, numbers)
            return

        if "real_score" in numbers and "fake_score" in numbers:
            real, fake = numbers["real_score"], numbers["fake_score"]
            if not (0.0 <= real <= 1.0 and 0.0 <= fake <= 1.0):
                self._scores_in_range = False
            t = self.saturation_threshold
            self._saturated_steps = self._saturated_steps + 1 if (real > 1 - t and fake < t) else 0
        self._losses.append({k: v for k, v in numbers.items() if "loss" in k})

        if self.check_every_n_steps and self._step % self.check_every_n_steps == 0:
            self.check()

    def _stop_on_non_finite(self, bad, numbers):
        self._stopped = True
        self.model.stop_training = True
        self.model.set_weights(self._good_weights)
        where = f"the end of epoch {self._good_epoch}" if self._good_epoch else "the start of this run"
        weights = f"The model's weights are back to those of {where}"
        if self.checkpoint_path:
            weights += f", also saved in {self.checkpoint_path} (load with `gan.load_weights(path)`)"
        values = sorted({str(numbers[k]) for k in bad})  # "nan", "inf", "-inf"
        self._warn("non_finite", names=" and ".join(bad), value=" / ".join(values), step=self._step,
                   epoch=self._epoch + 1, weights=weights + ".")

    # ------------------------------------------------------ checks

    def check(self):
        """Run the saturation, collapse and stall checks now; return the diversity (or None)."""
        if self._uses_probabilities():
            self._update("saturation", self._saturated_steps >= self.saturation_steps,
                         steps=self._saturated_steps, high=1 - self.saturation_threshold,
                         low=self.saturation_threshold)
        diversity = None
        if self._latents is not None:
            spread = mean_pairwise_distance(self.model.generate(self._latents))
            diversity = spread / self._reference_spread if self._reference_spread > 0 else float("nan")
            started = self._step >= self.collapse_warmup_steps or self._best_diversity >= self.collapse_ratio
            self._best_diversity = max(self._best_diversity, diversity)
            self._update("collapse", started and diversity < self.collapse_ratio, ratio=diversity,
                         spread=spread, reference=self._reference_spread, num_samples=self.num_samples)
        if len(self._losses) == self.stall_steps:
            names = sorted(set().union(*self._losses))
            ranges = [np.ptp([row[n] for row in self._losses if n in row]) for n in names]
            self._update("stalled", bool(names) and max(ranges) < self.stall_tolerance,
                         steps=self.stall_steps, names=", ".join(names), tolerance=self.stall_tolerance)
        return diversity

    def _update(self, kind, firing, **details):
        if firing and kind not in self._active:
            self._active.add(kind)
            self._warn(kind, **details)
        elif not firing:
            self._active.discard(kind)

    def _warn(self, kind, **details):
        text = f"Diagnostics, step {self._step} (epoch {self._epoch + 1}): " + _ADVICE[kind].format(**details)
        record = {"step": self._step, "epoch": self._epoch + 1, "kind": kind, "message": text}
        self.warnings.append(record)
        self._epoch_warnings += 1
        if self.verbose:
            print("\n" + text, flush=True)
        if self.log_path:
            with open(self.log_path, "a") as f:
                f.write(text + "\n\n")

    def on_epoch_end(self, epoch, logs=None):
        if not self._stopped:
            diversity = self.check()
            self._keep_good_weights(epoch=epoch + 1)
        else:
            diversity = float("nan")
        if logs is not None:
            logs["warnings"] = float(self._epoch_warnings)
            if self._latents is not None:
                logs["sample_diversity"] = float(diversity) if diversity is not None else float("nan")


def mean_pairwise_distance(images):
    """Mean RMS pixel distance between every pair of images: how varied a batch is.

    spread = mean over pairs i < j of sqrt(mean((x_i - x_j)^2))

    0 when all images are the same; about 0.82 for uniform noise in [-1, 1];
    about 0.65 for the embedded MNIST digits at 32 px.

    Args:
        images: (N, ...) array, N >= 2.

    Returns:
        float.

    Example:
    >>> mean_pairwise_distance(np.array([[0.0, 0.0], [1.0, 1.0]]))
    1.0
    """
    x = np.asarray(images, dtype="float64").reshape(len(images), -1)
    if len(x) < 2:
        raise ValueError(
            f"Invalid value for argument `images`. Expected at least 2 images. Received: {len(x)}"
        )
    squares = np.sum(x * x, axis=1)
    # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b, for all pairs at once
    distances = np.maximum(squares[:, None] + squares[None, :] - 2.0 * x @ x.T, 0.0) / x.shape[1]
    upper = np.triu_indices(len(x), k=1)
    return float(np.mean(np.sqrt(distances[upper])))


def _first_images(source, n):
    """The first `n` images of an array, or of a dataset's batches."""
    if hasattr(source, "shape") and not hasattr(source, "element_spec"):
        images = keras.ops.convert_to_numpy(source)
    else:
        batches, count = [], 0
        for batch in source:
            if isinstance(batch, (tuple, list)):
                batch = batch[0]
            batch = keras.ops.convert_to_numpy(batch)
            batches.append(batch)
            count += len(batch)
            if count >= n:
                break
        images = np.concatenate(batches) if batches else np.zeros((0,))
    if images.ndim != 4 or len(images) < 2:
        raise ValueError("Invalid value for argument `reference_images`. Expected at least 2 images of shape "
                         f"(N, H, W, C) (an array or a dataset of batches). Received shape: {images.shape}")
    return images[:n]
