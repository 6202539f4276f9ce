"""The run's clock: `TimeLimit`, a safety stop that says when it fired, and `TimeLeft`, how long the rest takes."""

import time

import keras
import numpy as np

from keras_gans import checks


class TimeLimit(keras.callbacks.Callback):
    """Stop `fit` once `seconds` of training have passed, and say so in one line (None: never).

    The package's lessons train a fixed number of steps, so every reader gets the same
    pictures; this is the safety stop for a machine far slower than planned. The clock
    starts after the first step, which is when the backend traces and compiles
    `train_step` (seconds for a big step such as WGAN-GP's).

    Args:
        seconds: the training time allowed, or None for no limit.
        log: where the line goes when the limit stops the run.

    Attributes:
        fired: whether the limit stopped the run.
        steps: the training steps taken.

    Example:
    >>> limit = TimeLimit(600)
    >>> gan.fit(dataset, epochs=20, callbacks=[limit])  # doctest: +SKIP
    >>> limit.fired  # doctest: +SKIP
    False
    """

    def __init__(self, seconds, log=print):
        super().__init__()
        self.seconds = seconds if seconds is None else checks.positive_number("seconds", seconds)
        self.log = log
        self.fired = False
        self.steps = 0

    def on_train_begin(self, logs=None):
        self._start, self.fired, self.steps = None, False, 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self._start is None:
            self._start = time.perf_counter()
        elif self.seconds is not None and time.perf_counter() - self._start > self.seconds:
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        planned = self.params.get("steps")
        epochs = self.params.get("epochs")
        if self.model.stop_training and self._start is not None and self.seconds is not None \
                and time.perf_counter() - self._start > self.seconds:
            self.fired = True
            total = f" of {planned * epochs}" if planned and epochs else ""
            self.log(f"The time limit of {self.seconds:g} s stopped training after {self.steps}{total} steps: "
                     "this machine is slower than planned, so the pictures show less training than the text.")


class TimeLeft(keras.callbacks.Callback):
    """After the first epoch of `fit`, say how long the epochs left will take, callbacks included.

    The estimate is measured, not modelled: the first epoch's median step times the steps
    left, plus what that epoch spent outside its steps (sampling, checkpoints, histories:
    every callback's work and Keras' own) times the epochs left. The first step, where the
    backend traces and compiles `train_step`, counts as a median one. List it first, so its
    clock sees the other callbacks' epoch-end work.

    Args:
        log: where the line goes.

    Attributes:
        seconds: the estimate in seconds (None until the second epoch begins).
        said_at, ended_at: `time.perf_counter()` when it was made, and when `fit` ended.

    Example:
    >>> left = TimeLeft()
    >>> gan.fit(dataset, epochs=16, callbacks=[left])  # doctest: +SKIP
    About 1.2 minutes left: 15 epochs of 156 steps at 18 ms a step, and 0.3 s an epoch for the callbacks ...
    """

    def __init__(self, log=print):
        super().__init__()
        self.log = log
        self.seconds = self.said_at = self.ended_at = None

    def on_train_begin(self, logs=None):
        self._epochs_seen, self._steps, self.seconds, self.said_at = 0, [], None, None

    def on_train_end(self, logs=None):
        self.ended_at = time.perf_counter()

    def on_epoch_begin(self, epoch, logs=None):
        now = time.perf_counter()
        if self._epochs_seen == 1 and self._steps:
            self._say(epoch, now - self._epoch_start)
        self._epochs_seen += 1
        self._epoch_start = now

    def on_train_batch_begin(self, batch, logs=None):
        self._step_start = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        if self._epochs_seen == 1:
            self._steps.append(time.perf_counter() - self._step_start)

    def _say(self, epoch, epoch_seconds):
        epochs_left = self.params["epochs"] - epoch
        steps = len(self._steps)
        median = float(np.median(self._steps))
        outside = max(0.0, epoch_seconds - sum(self._steps))
        self.seconds = epochs_left * (steps * median + outside)
        self.said_at = time.perf_counter()
        self.log(f"About {self.seconds / 60:.1f} minutes left: {epochs_left} epochs of {steps} steps at "
                 f"{1000 * median:.0f} ms a step, and {outside:.1f} s an epoch for the callbacks (samples, "
                 "checkpoints, histories), measured in the first epoch.")
