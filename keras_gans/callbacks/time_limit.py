"""`TimeLimit`: a safety stop for a run that counts steps, which says when it fired."""

import time

import keras

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
