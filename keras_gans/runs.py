"""One way to set up, run, save and resume a training run: `train(gan, dataset, run_dir, epochs)`.

The command line (`keras-gans train`), the workshop comparison and the
scratch-vs-VGG16 experiment all train through `train`, so every run folder holds
the same files, written the same way:

    config.json          what this run is (its options; `--resume` checks against it)
    history.csv          one row per epoch (Keras' CSVLogger), with epoch_seconds
    history_steps.csv    one row per training step (StepHistory)
    epoch_NNN.png        the fixed latents' samples after each epoch; progress.gif of them all
    losses.png           loss curves, scores.png the discriminator's scores
    gan.keras            the whole GAN (both networks and optimizers), to train on
    generator.keras      the generator alone, to generate (its moving average with `ema=`)
    checkpoints/         the two newest training states (RunCheckpoint)
    last_good.weights.h5 the last epoch with finite losses (Diagnostics); warnings.txt its warnings
    run.lock             present while a process trains in the folder

A run folder belongs to one run: a folder that already holds files is refused
unless the run resumes (`resume=True`) or replaces it (`overwrite=True`), and the
lock keeps a second process out. Every file is written atomically or appended
row by row, so a kill at any instant leaves complete files, and resuming a run
killed at any point (even during its final save) ends with every output a
finished run has.
"""

import contextlib
import csv
import json
import os
import shutil
import signal
import socket
import time

import keras
import tensorflow as tf

from keras_gans import callbacks as gan_callbacks
from keras_gans import data, files, models, plotting, precision, transfer

CONFIG = "config.json"
LOCK = "run.lock"
HISTORY = "history.csv"
STEP_HISTORY = "history_steps.csv"


class RunInterrupted(Exception):
    """Training was stopped with Ctrl-C; the state was checkpointed and the message says how to resume."""


# ----------------------------------------------------------------- the folder


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


def read_config(run_dir):
    """The options a run folder was started with (its `config.json`)."""
    path = os.path.join(run_dir, CONFIG)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{run_dir} is not a keras-gans run folder (it has no {CONFIG})")
    return files.read_json(path)


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


def _restore(gan, run_dir, epochs, log):
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


# ------------------------------------------------------- from options


def build(options):
    """The compiled GAN and the dataset that a run's options describe.

    The options are those of `keras-gans train`, as its `config.json` stores them:
    model, dataset, image_size, batch_size, num_images, seed, latent_dim, width,
    d_lr, g_lr, beta_1, mixed_precision, jit_compile, epochs, augment, ema, for
    "cdcgan" loss and conditioning (it trains on `(images, labels)` batches), and for
    fine-tuning init_from, transfer, freeze_d, keep_optimizer_state; data_dir,
    download and skip_corrupt reach the data loader. Options a run folder predates
    (augment, ema, loss, conditioning) take their defaults.

    Returns:
        (gan, dataset).
    """
    if options.get("mixed_precision"):
        precision.enable_mixed_precision("mixed_float16")
    keras.utils.set_random_seed(options["seed"])
    conditional = options["model"] in models.CONDITIONAL
    dataset = data.load(options["dataset"], image_size=options["image_size"],
                        batch_size=options["batch_size"], num_images=options["num_images"],
                        seed=options["seed"], data_dir=options.get("data_dir"),
                        download=options.get("download", False),
                        skip_corrupt=options.get("skip_corrupt", False), labels=conditional)
    channels = image_spec(dataset).shape[-1]
    d_optimizer, g_optimizer = models.default_optimizers(options["model"], options["d_lr"], options["g_lr"],
                                                          options["beta_1"])
    # Older run folders stored a bool.
    jit_compile = {"on": True, "off": False, True: True, False: False}.get(options["jit_compile"], "auto")
    if options.get("init_from"):
        gan = _fine_tuned(options, channels, d_optimizer, g_optimizer, jit_compile)
    else:
        extra = {"augment": options.get("augment"), "ema": options.get("ema")}
        if conditional:
            extra.update(num_classes=data.LABELLED[options["dataset"]],
                         conditioning=options.get("conditioning") or "projection",
                         loss=options.get("loss") or "bce")
        gan = models.build_gan(options["model"], options["image_size"], channels, options["latent_dim"],
                               width=options["width"], seed=options["seed"], **extra)
        gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=jit_compile)
    steps = options["epochs"] * max(int(dataset.cardinality()), 0)
    measure = (jit_compile == "auto" and steps >= MEASURE_XLA_FROM_STEPS
               and not os.environ.get("KERAS_GANS_JIT_COMPILE") and not tf.config.list_physical_devices("GPU"))
    if measure:
        gan.jit_compile, step_seconds = faster_jit_compile(gan, dataset)
        print(f"About {steps * step_seconds / 60:.1f} minutes of training: {options['epochs']} epochs of "
              f"{steps // options['epochs']} steps at {1 / step_seconds:.0f} steps/s, as measured just now.")
    return gan, dataset


# A CPU run this long chooses XLA by measurement (about 10-20 s: XLA compiles the step); shorter
# runs would not earn that back and follow `precision.xla_by_rule` (GAN.compile's "auto").
MEASURE_XLA_FROM_STEPS = 500


def faster_jit_compile(gan, dataset, steps=6, rounds=3, log=print):
    """Whether XLA (`jit_compile=True`) trains `gan` faster on this machine, measured on two copies of it.

    Keras' "auto" turns XLA on for GPUs and leaves it off on every CPU. On CPUs the
    answer depends on the CPU and the model: this project measured XLA at 0.5x for the
    64 px DCGAN and 1.2x for the 32 px default networks on an AVX-512 CPU, and 1.5x and
    1.8x on an AVX2-only one, where TensorFlow leaves its oneDNN kernels off and XLA's
    own are faster (benchmarks/RESULTS.md). So it is measured: two copies of `gan`
    (same architecture, fresh weights, their own optimizers), one with XLA and one
    without, take turns training `steps` timed steps, `rounds` times, after an untimed
    first step (tracing, XLA's compilation); the best round of each counts, so a moment
    of load on the machine does not decide. `gan` itself is not touched.

    Returns:
        (True or False, seconds per step of the faster), after saying which was faster.
    """
    copies = {}
    for jit in (False, True):
        copies[jit] = type(gan).from_config(gan.get_config())
        copies[jit].compile(d_optimizer=type(gan.d_optimizer).from_config(gan.d_optimizer.get_config()),
                            g_optimizer=type(gan.g_optimizer).from_config(gan.g_optimizer.get_config()),
                            jit_compile=jit)
    seconds = {False: float("inf"), True: float("inf")}
    for _ in range(rounds):
        for jit, copy in copies.items():
            clock = _StepClock()
            copy.fit(dataset.repeat(), epochs=1, steps_per_epoch=1 + steps, shuffle=False, verbose=0,
                     callbacks=[clock])
            seconds[jit] = min(seconds[jit], clock.seconds_after(1) / steps)
    faster = seconds[True] < seconds[False]
    log(f"XLA {'on' if faster else 'off'}: a training step took {1000 * seconds[True]:.0f} ms with XLA and "
        f"{1000 * seconds[False]:.0f} ms without, on this machine (--jit-compile on|off chooses).")
    return faster, seconds[faster]


class _StepClock(keras.callbacks.Callback):
    """When each training step ended (timed inside `fit`: a `fit` call's own start and end are left out)."""

    def on_train_begin(self, logs=None):
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())

    def seconds_after(self, warm_up):
        """Seconds from the end of step `warm_up` to the end of the last step."""
        return self.ends[-1] - self.ends[warm_up - 1]


def image_spec(dataset):
    """The `tf.TensorSpec` of a dataset's image batches (of `(images, labels)` batches, the images')."""
    spec = dataset.element_spec
    return spec[0] if isinstance(spec, tuple) else spec


def _fine_tuned(options, channels, d_optimizer, g_optimizer, jit_compile):
    """`train --init-from`: the saved GAN's networks, ready to train on this run's data."""
    source = transfer.load_gan(options["init_from"])
    transfer.check_compatible(source, options["image_size"], channels, options["latent_dim"],
                              source=options["init_from"])
    kept = options["transfer"]
    keeps_d = options["keep_optimizer_state"] and kept in ("discriminator", "both")
    keeps_g = options["keep_optimizer_state"] and kept in ("generator", "both")
    freeze = f", FreezeD on {options['freeze_d']} layers" if options["freeze_d"] else ""
    print(f"Fine-tuning from {options['init_from']} ({type(source).__name__}): transferring {kept}{freeze}, "
          f"training as {options['model']}")
    # A network whose optimizer state is kept brings its own optimizer.
    return transfer.fine_tune(
        source, transfer=kept, freeze_discriminator_layers=options["freeze_d"],
        keep_optimizer_state=options["keep_optimizer_state"], variant=options["model"], seed=options["seed"],
        augment=options.get("augment"), ema=options.get("ema"),
        d_optimizer=None if keeps_d else d_optimizer, g_optimizer=None if keeps_g else g_optimizer,
        jit_compile=jit_compile)


# ------------------------------------------------------------------- a run


def train(gan, dataset, run_dir, epochs, config=None, resume=False, overwrite=False, checkpoint_every=None,
          num_samples=64, sample_seed=0, diagnostics=True, callbacks=(), verbose=1, log=print):
    """Train `gan` on `dataset` for `epochs` epochs in the run folder `run_dir`, or resume it there.

    Sets up the folder (locked for this process; a new run needs an empty folder),
    trains with `fit` and the package's callbacks (samples and GIF, per-step and
    per-epoch histories, diagnostics, checkpoints), then saves the models and the
    plots. With `resume=True` it first loads the newest good checkpoint and trims
    the histories to it, then trains the epochs that are left.

    Args:
        gan: a compiled keras_gans GAN. When resuming, it must have the run's
            architecture; its weights are replaced by the checkpoint's.
        dataset: a `tf.data.Dataset` of image batches in [-1, 1] (`(images, labels)`
            batches for a conditional GAN).
        run_dir: the run folder.
        epochs: the epoch to train up to (a resumed run continues to it).
        config: the run's options, written to `config.json` (a new run) next to
            the GAN's class and `epochs`.
        resume: continue the run in `run_dir` from its newest checkpoint.
        overwrite: empty a non-empty `run_dir` first (a new run only).
        checkpoint_every: also checkpoint every this many steps (always at each epoch's end).
        num_samples: images in each sample grid.
        sample_seed: seed of the fixed latents of the grids (a resumed run keeps its own).
        diagnostics: watch for saturation, collapse, NaN and stalls (`Diagnostics`).
        callbacks: more Keras callbacks, after the package's.
        verbose: Keras' progress output; 0 also silences the diagnostics' warnings.
        log: where the run's own messages go.

    Returns:
        A dict: `history` (the per-step history dict), `epoch_history` (Keras'
        per-epoch History dict of this call), `epochs_done`, `seconds` (of `fit`),
        `warnings` (the diagnostics' list), `paths` (name -> path of each output).

    Raises:
        ValueError: the folder is in use, or holds another run; a resume whose
            checkpoints are all damaged.
        RunInterrupted: Ctrl-C; a checkpoint of the step reached was saved.
    """
    paths = {name: os.path.join(run_dir, name) for name in (
        CONFIG, HISTORY, STEP_HISTORY, "losses.png", "scores.png", "progress.gif", "gan.keras",
        "generator.keras", "last_good.weights.h5", "warnings.txt")}
    with locked(run_dir, log=log):
        files.remove_temporaries(run_dir)
        if resume:
            read_config(run_dir)
            initial_epoch = _restore(gan, run_dir, epochs, log)
        else:
            claim_new_folder(run_dir, overwrite)
            files.write_json(paths[CONFIG], {**(config or {}), "variant": type(gan).__name__,
                                             "epochs": epochs})
            initial_epoch = 0
        checker = None
        if diagnostics:
            checker = gan_callbacks.Diagnostics(
                reference_images=dataset, checkpoint_path=paths["last_good.weights.h5"],
                log_path=paths["warnings.txt"], verbose=verbose > 0)
        steps = gan_callbacks.StepHistory(paths[STEP_HISTORY], append=resume)
        samples = gan_callbacks.SampleGIF(run_dir, num_images=num_samples, seed=sample_seed)
        checkpoint = gan_callbacks.RunCheckpoint(run_dir, every_n_steps=checkpoint_every)
        run_callbacks = [
            gan_callbacks.EpochTimer(),
            # Diagnostics before the loggers: they record its `warnings` / `sample_diversity` keys.
            *([checker] if checker else []),
            steps,
            samples,
            # The epoch's row is logged before its checkpoint is taken: a kill between
            # the two retrains that epoch on resume, and `_restore` drops the row.
            keras.callbacks.CSVLogger(paths[HISTORY], append=resume),
            checkpoint,
            *callbacks,
        ]
        seconds, epoch_history = 0.0, {}
        if initial_epoch < epochs:
            if verbose:
                log(f"Training {type(gan).__name__} for {epochs - initial_epoch} epochs; "
                    f"writing to {run_dir}/")
            start = time.perf_counter()
            try:
                # shuffle=False: the package's datasets shuffle themselves.
                history = gan.fit(dataset, initial_epoch=initial_epoch, epochs=epochs,
                                  callbacks=run_callbacks, verbose=verbose, shuffle=False)
            except KeyboardInterrupt:
                previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut it short
                try:
                    checkpoint.save(checkpoint.epoch, checkpoint.steps_in_epoch)
                finally:
                    signal.signal(signal.SIGINT, previous)
                raise RunInterrupted(
                    f"Interrupted at step {checkpoint.steps_in_epoch} of epoch {checkpoint.epoch + 1}; the "
                    f"training state is saved in {os.path.join(run_dir, 'checkpoints')}. Continue with: "
                    f"keras-gans train --resume {run_dir}") from None
            seconds = time.perf_counter() - start
            epoch_history = history.history
        _finish(gan, run_dir, paths, samples)
        step_history = steps.history if steps.history else gan_callbacks.read_history_csv(paths[STEP_HISTORY])
    return {"history": step_history, "epoch_history": epoch_history, "epochs_done": epochs,
            "seconds": seconds, "warnings": checker.warnings if checker else [], "paths": paths}


def _finish(gan, run_dir, paths, samples):
    """Write the outputs of a finished run; again after a resume, so a kill during this step loses nothing."""
    files.write_atomically(paths["gan.keras"], gan.save)
    # The network samples come from: the generator, or its moving average with `ema=`.
    files.write_atomically(paths["generator.keras"], gan.sampling_generator.save)
    if samples.frame_paths():
        samples.write_gif()
    history = gan_callbacks.read_history_csv(paths[STEP_HISTORY])
    if history.get("step"):
        plotting.plot_losses(history, path=paths["losses.png"])
        if "real_score" in history:
            plotting.plot_scores(history, path=paths["scores.png"],
                                 probabilities=getattr(gan, "scores_are_probabilities", None))
