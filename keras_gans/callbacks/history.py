"""Histories: every training step's values in a CSV (`StepHistory`), and each epoch's duration.

Keras' `History` and `CSVLogger` keep one row per epoch (the epoch's mean); GAN
curves are read step by step, so these keep more.
"""

import csv
import os
import time

import keras


def step_values(model, logs):
    """This step's own metric values.

    A keras_gans GAN keeps its last step's values (`GAN.last_step_values`); the
    `logs` Keras hands a callback hold each metric's running mean over the epoch,
    which is what any other model gives.
    """
    if hasattr(model, "last_step_values"):
        return {**(logs or {}), **model.last_step_values()}
    return dict(logs or {})


def global_step(params, epoch, batch, counter):
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


def read_history_csv(path):
    """A history CSV (`history_steps.csv`, `history.csv`) as a dict of column -> list of numbers.

    Rows cut short (a kill while a row was written) are left out. A missing file gives {}.
    """
    if not os.path.exists(path):
        return {}
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        history = {key: [] for key in reader.fieldnames or []}
        for row in reader:
            if None in row.values() or None in row:
                continue
            for key in history:
                history[key].append(_number(row[key]))
    return history


def _number(text):
    """A CSV cell back as int, float or (failing both) text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


class StepHistory(keras.callbacks.Callback):
    """Record every training step's metrics: a CSV row per step, and in memory.

    GAN curves are read step by step (the GANs 101 article smooths over about one
    epoch of steps), so this callback keeps each step's own values: step, epoch,
    then every metric the model reports (`d_loss`, `g_loss`, `real_score`,
    `fake_score` and a variant's extras such as `gradient_penalty`). For a
    keras_gans GAN these are the values of that very step; for another model,
    the running epoch means Keras reports. With `steps_per_execution=k` Keras calls
    back every k steps, and each row is the last of those k steps.

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
    >>> steps = StepHistory("out/history_steps.csv")
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
            self.history = read_history_csv(self.path)
            self.columns = list(self.history) or None
            self._step = int(self.history["step"][-1]) if self.history.get("step") else 0
            self._file = open(self.path, "a", newline="")
        else:
            self._file = open(self.path, "w", newline="")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        values = step_values(self.model, logs)
        self._step = global_step(self.params, self._epoch, batch, self._step)
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


class EpochTimer(keras.callbacks.Callback):
    """Put each epoch's wall-clock seconds into its logs as `epoch_seconds`.

    List it first: the callbacks after it are not counted, and `History` and
    `CSVLogger` (which Keras and the package put after it) record the column.
    """

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["epoch_seconds"] = time.perf_counter() - self._start
