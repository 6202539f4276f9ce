"""A run folder: held by one process at a time, claimed by one run, its histories kept in step with its checkpoints.

    config.json          what the run is (`keras_gans.runs.RunConfig`; `--resume` checks against it)
    run.lock             present while a process trains in the folder
    history.csv          one row per epoch; history_steps.csv one row per step

`keras_gans.runs.train` uses these; the comparison and the VGG16 experiment hold their own
folders with `locked` and `claim_new_folder` too.
"""

import contextlib
import csv
import datetime
import json
import os
import shutil
import socket
import time

from keras_gans import callbacks as gan_callbacks
from keras_gans import files

CONFIG = "config.json"
LOCK = "run.lock"
HISTORY = "history.csv"
STEP_HISTORY = "history_steps.csv"


def default_output(prefix, dataset):
    """`saved_models/<prefix>_<dataset>_<date-time>`: a new folder name for a run on `dataset`."""
    name = os.path.basename(os.path.normpath(dataset))
    return os.path.join("saved_models", f"{prefix}_{name}_{datetime.datetime.now():%Y%m%d-%H%M%S}")


def _lock_holder(path):
    """The lock's content as a dict, {} when it is empty or unreadable."""
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _is_stale(holder, path):
    """A lock left by a process that no longer runs on this machine (or an empty one, seconds old)."""
    if not holder:
        return time.time() - os.path.getmtime(path) > 10  # the writer died between creating and filling it
    if holder.get("host") != socket.gethostname():
        return False  # another machine (a shared Drive folder): cannot tell, so it holds
    try:
        os.kill(int(holder["pid"]), 0)
    except ProcessLookupError:
        return True
    except (OSError, ValueError, KeyError):
        return False
    return False


@contextlib.contextmanager
def locked(run_dir, log=print):
    """Hold `run_dir` for this process (creating it) while the block runs.

    Raises:
        ValueError: another live process holds the folder (the message names it).
    """
    os.makedirs(run_dir, exist_ok=True)
    path = os.path.join(run_dir, LOCK)
    while True:
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            holder = _lock_holder(path)
            if not _is_stale(holder, path):
                who = (f"process {holder.get('pid')} on {holder.get('host')} (since {holder.get('since')})"
                       if holder else "another process")
                raise ValueError(
                    f"{run_dir} is in use by {who}. Wait for that run to finish or stop it; if no such "
                    f"process runs, delete {path}.") from None
            log(f"keras-gans: removing the lock of process {holder.get('pid')}, which no longer runs.")
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
    with os.fdopen(descriptor, "w") as f:
        json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                   "since": time.strftime("%Y-%m-%d %H:%M:%S")}, f)
    try:
        yield run_dir
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def claim_new_folder(run_dir, overwrite=False):
    """Make sure `run_dir` is a folder for a new run: empty, or emptied with `overwrite` (else refused)."""
    entries = sorted(entry for entry in os.listdir(run_dir) if entry != LOCK)
    if not entries:
        return
    if not overwrite:
        what = "a run" if CONFIG in entries else f"{len(entries)} files ({', '.join(entries[:3])}...)"
        raise ValueError(
            f"{run_dir} already holds {what}. To continue that run, resume it (keras-gans train --resume "
            f"{run_dir}, or resume=True); to keep it, choose another folder (--output); to replace it, "
            "pass --overwrite (overwrite=True).")
    for entry in entries:
        path = os.path.join(run_dir, entry)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.remove(path)


# ------------------------------------------------------------- histories


def truncate_csv(path, last_epoch, first_epoch=0):
    """Keep the rows of a history CSV whose `epoch` is at most `last_epoch`, atomically.

    A run killed after it logged an epoch but before that epoch's checkpoint was
    written retrains the epoch when it resumes; dropping the rows that the
    checkpoint does not cover keeps the history free of duplicated epochs. Rows cut
    short by the kill are dropped too. A file without a header line (killed before
    it wrote one) is removed, so the logger that appends to it writes the header.

    Args:
        path: a CSV with a header and an `epoch` column (missing files are left alone).
        last_epoch: the last epoch to keep, in the file's own numbering.
        first_epoch: the file's first epoch number (Keras' CSVLogger counts from 0,
            `StepHistory` from 1).

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
    if "epoch" not in header:
        os.remove(path)
        return 0

    def write(temporary):
        with open(temporary, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=header)
            writer.writeheader()
            writer.writerows(rows)

    files.write_atomically(path, write)
    return len(rows)


def restore(gan, run_dir, epochs, log=print):
    """Load a run's newest good checkpoint and cut its histories to it; return the epochs done."""
    restored = gan_callbacks.restore_latest(gan, run_dir, log=log)
    if restored is None:
        log(f"{run_dir} has no checkpoint yet (it stopped during its first epoch): starting it from the "
            "beginning.")
        epochs_done, step = 0, 0
    else:
        epochs_done, step = restored
    if epochs_done >= epochs:
        log(f"The run in {run_dir} has trained all its {epochs} epochs; completing its outputs "
            "(pass a larger number of epochs to train it for longer).")
    elif step:
        # Keras starts epochs at their first batch: the batches of this epoch seen
        # before the interruption are seen again, by the weights of the checkpoint.
        log(f"Resuming from the checkpoint taken {step} steps into epoch {epochs_done + 1}; "
            "that epoch starts again from its first batch.")
    elif epochs_done:
        log(f"Resuming after epoch {epochs_done} of {epochs}.")
    truncate_csv(os.path.join(run_dir, HISTORY), last_epoch=epochs_done - 1)  # CSVLogger counts from 0
    truncate_csv(os.path.join(run_dir, STEP_HISTORY), last_epoch=epochs_done, first_epoch=1)
    return epochs_done
