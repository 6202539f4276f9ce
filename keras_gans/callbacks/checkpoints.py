"""`RunCheckpoint`: the whole training state of a run, saved so that a kill loses at most one epoch.

Why not only Keras' `BackupAndRestore`? It works with every keras_gans GAN and
resumes it exactly (both networks, both optimizers and the latent sampler, whose
state `GAN.save_own_variables` adds to the weights). `RunCheckpoint` adds what a
run on a flaky machine (Colab, a laptop) needs on top:

- every file is written under a temporary name and renamed, so a kill while
  saving leaves the previous checkpoint, never a truncated one;
- the two newest checkpoints are kept, and `restore_latest` falls back to the
  older one (saying so) when the newest is damaged;
- the file name says how far the run was (`epoch_0003_step_000000`), which is
  what `keras-gans train --resume` and `keras_gans.runs` read.
"""

import glob
import os
import re

import keras

from keras_gans import files

CHECKPOINTS = "checkpoints"
_CHECKPOINT_NAME = re.compile(r"epoch_(\d+)_step_(\d+)\.weights\.h5$")


def checkpoint_paths(run_dir):
    """Checkpoints of a run, oldest first, as (epoch, step, path) tuples."""
    found = []
    pattern = os.path.join(glob.escape(os.fspath(run_dir)), CHECKPOINTS, "epoch_*_step_*.weights.h5")
    for path in glob.glob(pattern):
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
    still leaves one to fall back to (`restore_latest`).

    Args:
        run_dir: the run folder (checkpoints go to `run_dir/checkpoints/`).
        every_n_steps: also save every this many training steps (None: epochs only).
        keep: how many checkpoints to keep.

    Example:
    >>> gan.fit(dataset, epochs=10, callbacks=[RunCheckpoint("runs/a")])  # doctest: +SKIP
    >>> restore_latest(gan, "runs/a")  # doctest: +SKIP
    (10, 0)
    """

    def __init__(self, run_dir, every_n_steps=None, keep=2):
        super().__init__()
        self.run_dir = run_dir
        self.every_n_steps = every_n_steps
        self.keep = keep
        self.epoch = 0  # the epoch being trained, counted from 0
        self.steps_in_epoch = 0  # its steps done so far

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch
        self.steps_in_epoch = 0

    def on_train_batch_end(self, batch, logs=None):
        self.steps_in_epoch = batch + 1
        if self.every_n_steps and self.steps_in_epoch % self.every_n_steps == 0:
            self.save(self.epoch, self.steps_in_epoch)

    def on_epoch_end(self, epoch, logs=None):
        self.save(epoch + 1, 0)

    def save(self, epochs_done, step):
        folder = os.path.join(self.run_dir, CHECKPOINTS)
        os.makedirs(folder, exist_ok=True)
        path = os.path.join(folder, f"epoch_{epochs_done:04d}_step_{step:06d}.weights.h5")
        files.write_atomically(path, self.model.save_weights)
        for _, _, old in checkpoint_paths(self.run_dir)[:-self.keep]:
            os.remove(old)


def restore_latest(gan, run_dir, log=print):
    """Load the newest checkpoint that loads; fall back to older ones, saying so.

    Args:
        gan: a compiled GAN of the same architecture as the run's.
        run_dir: the run folder.
        log: where to say what happened.

    Returns:
        (epochs completed, steps into the next epoch) of the checkpoint loaded,
        or None when the run has no checkpoint.

    Raises:
        ValueError: the run has checkpoints, and none of them loads.
    """
    found = checkpoint_paths(run_dir)
    for epoch, step, path in reversed(found):
        try:
            gan.load_weights(path)
        except Exception as error:  # h5py raises OSError, Keras ValueError: either way, unusable
            log(f"keras-gans: checkpoint {path} is damaged ({type(error).__name__}); "
                "falling back to the one before it.")
            continue
        return epoch, step
    if found:
        raise ValueError(
            f"Every checkpoint in {os.path.join(run_dir, CHECKPOINTS)} is damaged "
            f"({', '.join(os.path.basename(p) for _, _, p in found)}), so the run cannot continue where it "
            "stopped. Start a new run (another --output), or delete the run folder and start it again."
        )
    return None
