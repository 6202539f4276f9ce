"""Runs that survive: atomic files, rolling checkpoints, and resuming a run folder.

A run folder (`keras-gans train --output DIR`) holds `config.json` (the options the
run was started with) and `checkpoints/`, where `RunCheckpoint` keeps the two most
recent training states. Every file is written under a temporary name and renamed,
so a kill at any moment leaves the previous good file, never a truncated one.
"""

import csv
import glob
import json
import os
import re

import keras

CHECKPOINTS = "checkpoints"
_CHECKPOINT_NAME = re.compile(r"epoch_(\d+)_step_(\d+)\.weights\.h5$")


def atomic_path(path):
    """The temporary name to write `path` under before `os.replace` makes it final.

    The temporary name keeps the real extension (Keras picks the format from it).
    """
    folder, name = os.path.split(path)
    return os.path.join(folder, f".tmp-{os.getpid()}-{name}")


def write_atomically(path, write):
    """Call `write(temporary_path)`, then rename the result to `path` in one step.

    `os.replace` is atomic on POSIX and Windows file systems (and on a mounted
    Google Drive the rename happens after the upload of the complete file).
    """
    temporary = atomic_path(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_json(path, value):
    def write(temporary):
        with open(temporary, "w") as f:
            json.dump(value, f, indent=2)

    write_atomically(path, write)


def checkpoint_paths(run_dir):
    """Checkpoints of a run, oldest first, as (epoch, step, path) tuples."""
    found = []
    for path in glob.glob(os.path.join(run_dir, CHECKPOINTS, "epoch_*_step_*.weights.h5")):
        match = _CHECKPOINT_NAME.search(os.path.basename(path))
        if match:
            found.append((int(match.group(1)), int(match.group(2)), path))
    return sorted(found)


class RunCheckpoint(keras.callbacks.Callback):
    """Save the whole training state at the end of every epoch (and every N steps).

    The state is the GAN's `save_weights` file: both networks, both optimizers
    (moments, iteration counts, loss scale) and the latent sampler. Files are named
    `epoch_EEEE_step_SSSSSS.weights.h5` (E completed epochs, S batches into the next
    one) and written atomically; the two newest are kept, so a damaged newest file
    still leaves one to fall back to.

    Args:
        run_dir: the run folder (checkpoints go to `run_dir/checkpoints/`).
        every_n_steps: also save every this many training steps (None: epochs only).
        keep: how many checkpoints to keep.
    """

    def __init__(self, run_dir, every_n_steps=None, keep=2):
        super().__init__()
        self.folder = os.path.join(run_dir, CHECKPOINTS)
        self.every_n_steps = every_n_steps
        self.keep = keep
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.every_n_steps and (batch + 1) % self.every_n_steps == 0:
            self.save(self.epoch, batch + 1)

    def on_epoch_end(self, epoch, logs=None):
        self.save(epoch + 1, 0)

    def save(self, epochs_done, step):
        os.makedirs(self.folder, exist_ok=True)
        path = os.path.join(self.folder, f"epoch_{epochs_done:04d}_step_{step:06d}.weights.h5")
        write_atomically(path, self.model.save_weights)
        for _, _, old in checkpoint_paths(os.path.dirname(self.folder))[:-self.keep]:
            os.remove(old)


def restore_latest(gan, run_dir, log=print):
    """Load the newest checkpoint that loads; fall back to older ones, saying so.

    Args:
        gan: a compiled GAN of the same architecture as the run's.
        run_dir: the run folder.
        log: where to say what happened.

    Returns:
        (epochs completed, steps into the next epoch) of the checkpoint loaded,
        or (0, 0) when the run has none.
    """
    for epoch, step, path in reversed(checkpoint_paths(run_dir)):
        try:
            gan.load_weights(path)
        except Exception as error:  # h5py raises OSError, Keras ValueError: either way, unusable
            log(f"keras-gans: checkpoint {path} is damaged ({type(error).__name__}); "
                "falling back to the one before it.")
            continue
        return epoch, step
    return 0, 0


def truncate_csv(path, last_epoch, first_epoch=0):
    """Keep the rows of a history CSV whose `epoch` is at most `last_epoch`, atomically.

    A run killed after it logged an epoch but before that epoch's checkpoint was
    written retrains the epoch when it resumes; dropping the rows that the
    checkpoint does not cover keeps the history free of duplicated epochs. Rows cut
    short by the kill are dropped too.

    Args:
        path: a CSV with a header and an `epoch` column (missing files are left alone).
        last_epoch: the last epoch to keep, in the file's own numbering.
        first_epoch: the file's first epoch number (Keras' CSVLogger counts from 0,
            `StepHistory` from 1), used only to say what was kept.

    Returns:
        The number of rows kept.
    """
    if not os.path.exists(path):
        return 0
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        rows = [row for row in reader
                if None not in row.values() and row.get("epoch", "").isdigit()
                and first_epoch <= int(row["epoch"]) <= last_epoch]

    def write(temporary):
        with open(temporary, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)

    write_atomically(path, write)
    return len(rows)
