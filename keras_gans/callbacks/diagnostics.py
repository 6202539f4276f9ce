"""`Diagnostics`: watch a GAN's training for the known ways it fails, and say what to try."""

import collections
import math
import os

import keras
import numpy as np

from keras_gans import checks, files
from keras_gans.callbacks.history import global_step, step_values
from keras_gans.evaluation.diversity import mean_pairwise_distance
from keras_gans.generation import generation_labels

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

      G is the generator being trained (`gan.generator`, in inference mode),
      not the moving average a GAN with `ema=` samples from: the average lags
      the generator by hundreds of steps, so it would report a collapse late
      or not at all.

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
            None decides: a keras_gans GAN's `scores_are_probabilities` (True
            for `DCGAN`'s sigmoid scores, False for the raw discriminator or
            critic outputs of LSGAN, WGAN, WGAN-GP and SAGAN), and for any other
            model True while every score seen lies in [0, 1].
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
    >>> dataset = keras_gans.data.load_mnist_5k(batch_size=32)
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
        for name, value in (("saturation_steps", saturation_steps), ("stall_steps", stall_steps)):
            checks.positive_int(name, value)
        if not checks.positive_int("num_samples", num_samples) >= 2:
            raise checks.invalid("num_samples", "at least 2 (the spread compares pairs)", num_samples)
        if check_every_n_steps is not None:
            checks.positive_int("check_every_n_steps", check_every_n_steps)
        if not 0 < saturation_threshold < 0.5:
            raise checks.invalid("saturation_threshold", "a number in (0, 0.5)", saturation_threshold)
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
            latents = keras.random.normal((self.num_samples, self.model.latent_dim), seed=self.seed)
            self._latents = keras.ops.convert_to_numpy(latents)  # NumPy like the labels: Keras refuses a mix
            # A conditional generator draws every class in turn (None for an unconditional one).
            self._labels = generation_labels(self.model.generator, self.num_samples)
        self._keep_good_weights(epoch=None)

    def _keep_good_weights(self, epoch):
        self._good_weights = [np.array(w) for w in self.model.get_weights()]
        self._good_epoch = epoch
        if self.checkpoint_path:
            folder = os.path.dirname(self.checkpoint_path)
            if folder:
                os.makedirs(folder, exist_ok=True)
            files.write_atomically(self.checkpoint_path, self.model.save_weights)

    def _uses_probabilities(self):
        if self.probabilities is not None:
            return self.probabilities
        # A keras_gans GAN says so (`scores_are_probabilities`); for another model, decide from the values.
        return getattr(self.model, "scores_are_probabilities", self._scores_in_range)

    # ------------------------------------------------------ per step

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch
        self._epoch_warnings = 0

    def on_train_batch_end(self, batch, logs=None):
        if self._stopped:
            return
        values = step_values(self.model, logs)
        self._step = global_step(self.params, self._epoch, batch, self._step)
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
            spread = mean_pairwise_distance(self._generated_images())
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

    def _generated_images(self):
        """The images of the fixed latents from the generator being trained (not `sampling_generator()`:
        with `ema=` that is the average, which lags the generator and would hide a collapse)."""
        inputs = self._latents if self._labels is None else [self._latents, self._labels]
        return keras.ops.convert_to_numpy(self.model.generator(inputs, training=False))

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
