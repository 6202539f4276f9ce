"""One way to set up, run, save and resume a training run, from one typed configuration.

    config = RunConfig.from_args({"model": "lsgan", "epochs": 5})   # the rest from keras_gans.presets
    dataset = load_data(config)
    gan = build_gan(config, dataset, jit_compile=choose_jit_compile(config, dataset))
    train(gan, dataset, config.output, config.epochs, config=config)

`keras-gans train` is exactly these four calls; the workshop comparison and the
scratch-vs-VGG16 experiment train through `train` too, so every run folder holds the
same files, written the same way:

    config.json          the run's `RunConfig` (`--resume` reads it and checks the options typed now)
    history.csv          one row per epoch (Keras' CSVLogger), with epoch_seconds
    history_steps.csv    one row per training step (StepHistory)
    epoch_NNN.png        the fixed latents' samples after each epoch; progress.gif of them all
    losses.png           loss curves, scores.png the discriminator's scores
    gan.keras            the whole GAN (both networks and optimizers), to train on
    generator.keras      the generator alone, to generate (its moving average with `ema=`)
    checkpoints/         the two newest training states (RunCheckpoint)
    last_good.weights.h5 the last epoch with finite losses (Diagnostics); warnings.txt its warnings
    run.lock             present while a process trains in the folder (`keras_gans.run_folder`)

A run folder belongs to one run: a folder that already holds files is refused
unless the run resumes (`resume=True`) or replaces it (`overwrite=True`), and the
lock keeps a second process out. Every file is written atomically or appended
row by row, so a kill at any instant leaves complete files, and resuming a run
killed at any point (even during its final save) ends with every output a
finished run has.
"""

import dataclasses
import os
import signal
import time

import keras
import numpy as np
import tensorflow as tf

from keras_gans import callbacks as gan_callbacks
from keras_gans import data, files, models, plotting, precision, presets, transfer
from keras_gans.run_folder import CONFIG, HISTORY, STEP_HISTORY, claim_new_folder, default_output, locked, restore


class RunInterrupted(Exception):
    """Training was stopped with Ctrl-C; the state was checkpointed and the message says how to resume."""


# ------------------------------------------------------------ the configuration


@dataclasses.dataclass(frozen=True)
class RunConfig:
    """Everything that makes a training run what it is; a run folder's `config.json`.

    Build one with `from_args` (the options typed, the rest from `keras_gans.presets`) or
    read a run's with `from_json`. The fields are `keras-gans train`'s options.

    Args:
        model: the variant, a key of `keras_gans.models.VARIANTS`.
        dataset: a name of `keras_gans.data.DATASETS`, or a folder or .zip of images.
        image_size, num_images, batch_size, epochs: the data and how long to train.
        latent_dim, width: the networks' latent size and base channel count.
        d_lr, g_lr, beta_1: the optimizers' settings (None: the variant's own).
        seed: one seed for the weights, the data order and the latents.
        output: the run folder.
        mixed_precision: train under `mixed_float16`.
        jit_compile: "auto", "on" or "off" (see `choose_jit_compile`).
        verbose: Keras' progress output (0, 1, 2).
        checkpoint_every: also checkpoint every this many steps (None: at epoch ends only).
        augment, ema: DiffAugment policy and generator moving-average decay (None: off).
        loss, conditioning: a conditional variant's loss family and discriminator (None otherwise).
        init_from, transfer, freeze_d, keep_optimizer_state: fine-tuning from a saved GAN.
        data_dir, download, skip_corrupt: how the data loader finds the images.
    """

    model: str = "dcgan"
    dataset: str = "mnist5k"
    image_size: int = 32
    num_images: int | None = None
    batch_size: int | None = None
    epochs: int | None = None
    latent_dim: int | None = None
    width: int | None = None
    d_lr: float | None = None
    g_lr: float | None = None
    beta_1: float | None = None
    seed: int = 0
    output: str | None = None
    mixed_precision: bool = False
    jit_compile: str = "auto"
    verbose: int = 1
    checkpoint_every: int | None = None
    augment: str | None = None
    ema: float | None = None
    loss: str | None = None
    conditioning: str | None = None
    init_from: str | None = None
    transfer: str = "both"
    freeze_d: int = 0
    keep_optimizer_state: bool = False
    data_dir: str | None = None
    download: bool = False
    skip_corrupt: bool = False

    # Options a resumed run may change: train for longer, talk more or less.
    MAY_CHANGE_ON_RESUME = ("epochs", "verbose", "checkpoint_every")

    @property
    def conditional(self):
        """Whether the variant trains on `(images, labels)` batches."""
        return models.variant_class(self.model).conditional

    @classmethod
    def from_args(cls, options):
        """A new run's configuration: the options given (a dict or an argparse namespace; None = not given),
        the rest from the preset of this model and image size (`keras_gans.presets.train_preset`).

        Raises:
            ValueError: options that do not fit together (e.g. `--loss` for an unconditional model).
        """
        given = {key: value for key, value in dict(vars(options) if hasattr(options, "__dict__") else options).items()
                 if value is not None and key in cls.field_names()}
        config = cls(**given)
        preset = presets.train_preset(config.model, config.image_size, fine_tuning=bool(config.init_from))
        filled = {key: getattr(preset, key) for key in ("epochs", "batch_size", "latent_dim", "width", "d_lr", "g_lr")
                  if getattr(config, key) is None}
        if config.conditional:
            if config.dataset not in data.LABELLED:
                raise ValueError(f"--model {config.model} trains on images with class labels: --dataset "
                                 f"{', '.join(data.LABELLED)}; {config.dataset} has none")
            filled["loss"] = config.loss or "bce"
            filled["conditioning"] = config.conditioning or "projection"
        else:
            for name in ("loss", "conditioning"):
                if getattr(config, name) is not None:
                    raise ValueError(f"--{name} applies to a conditional model only (--model cdcgan); "
                                     f"{config.model} has one loss and one discriminator: leave it out")
        if config.output is None:
            filled["output"] = default_output(config.model, config.dataset)
        return dataclasses.replace(config, **filled)

    @classmethod
    def from_json(cls, run_dir):
        """The configuration a run folder was started with, older `config.json` files migrated here, in one place."""
        path = os.path.join(run_dir, CONFIG)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{run_dir} is not a keras-gans run folder (it has no {CONFIG})")
        stored = files.read_json(path)
        # Before 0.2 `jit_compile` was stored as a bool by some versions; "variant" named the class.
        if isinstance(stored.get("jit_compile"), bool):
            stored["jit_compile"] = "on" if stored["jit_compile"] else "off"
        return cls(**{key: value for key, value in stored.items() if key in cls.field_names()})

    def to_json(self, path, **extra):
        """Write this configuration (and `extra` facts, e.g. the GAN's class) to `path`, atomically."""
        files.write_json(path, {**dataclasses.asdict(self), **extra})

    def resumed(self, run_dir, given):
        """This stored configuration for `--resume run_dir`, with the options typed now (None = not typed).

        Raises:
            ValueError: a typed option contradicts the stored run (only `MAY_CHANGE_ON_RESUME` may change).
        """
        given = {key: value for key, value in given.items() if value is not None and key in self.field_names()}
        for name, value in given.items():
            if name not in self.MAY_CHANGE_ON_RESUME and name != "output" and getattr(self, name) != value:
                flag = "--" + name.replace("_", "-")
                raise ValueError(f"{flag} {value} contradicts the run in {run_dir}, which was started with "
                                 f"{flag} {getattr(self, name)}; leave {flag} out to resume it")
        changes = {name: given[name] for name in self.MAY_CHANGE_ON_RESUME if name in given}
        return dataclasses.replace(self, output=run_dir, **changes)

    @classmethod
    def field_names(cls):
        return tuple(field.name for field in dataclasses.fields(cls))

    def variant_options(self):
        """The arguments of the variant's constructor that this configuration sets."""
        options = {"seed": self.seed, "augment": self.augment, "ema": self.ema}
        if self.conditional:
            options["loss"] = self.loss
        return options


# ------------------------------------------------------------ set up a run


def load_data(config):
    """The run's training batches: `(images, labels)` for a conditional model, seeded by `config.seed`."""
    keras.utils.set_random_seed(config.seed)
    return data.load(config.dataset, image_size=config.image_size, batch_size=config.batch_size,
                     num_images=config.num_images, seed=config.seed, data_dir=config.data_dir,
                     download=config.download, skip_corrupt=config.skip_corrupt, labels=config.conditional)


def build_gan(config, dataset, jit_compile="auto", log=print):
    """The compiled GAN a configuration describes, for batches like `dataset`'s.

    The weights depend on `config.seed` only (the random seed is set here), so a run's
    results do not depend on what ran in the process before it (e.g. `choose_jit_compile`).

    Args:
        config: a `RunConfig`.
        dataset: the run's batches (their image shape sets the channels).
        jit_compile: passed to `GAN.compile` (Keras' meaning: True, False or "auto").
        log: where a fine-tuning run says what it takes from the saved GAN.
    """
    if config.mixed_precision:
        precision.enable_mixed_precision("mixed_float16", verbose=False)
    keras.utils.set_random_seed(config.seed)
    channels = data.image_shape(dataset)[-1]
    d_optimizer, g_optimizer = models.default_optimizers(config.model, config.d_lr, config.g_lr, config.beta_1)
    if config.init_from:
        freeze = f", FreezeD on {config.freeze_d} layers" if config.freeze_d else ""
        log(f"Fine-tuning from {config.init_from}: transferring {config.transfer}{freeze}, training as "
            f"{config.model}")
        return transfer.fine_tune(
            config.init_from, transfer=config.transfer, freeze_discriminator_layers=config.freeze_d,
            keep_optimizer_state=config.keep_optimizer_state, variant=config.model,
            expected_shape=(config.image_size, channels, config.latent_dim),
            d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=jit_compile, **config.variant_options())
    extra = {}
    if config.conditional:
        extra = {"num_classes": data.LABELLED[config.dataset], "conditioning": config.conditioning}
    gan = models.build_gan(config.model, config.image_size, channels, config.latent_dim, width=config.width,
                           **config.variant_options(), **extra)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=jit_compile)
    return gan


def build(config, jit_compile="auto"):
    """`(gan, dataset)` of a configuration: `load_data`, then `build_gan`."""
    dataset = load_data(config)
    return build_gan(config, dataset, jit_compile), dataset


# ------------------------------------------------------------ XLA, chosen in the open

# A CPU run this long measures whether XLA is faster (about 10-20 s: XLA compiles the step twice);
# a shorter run would not earn that back and keeps Keras' CPU default (no XLA).
MEASURE_XLA_FROM_STEPS = 500


def choose_jit_compile(config, dataset, log=print, steps=None):
    """Whether the run compiles its training step with XLA: `True`, `False` or "auto" (Keras decides).

    - `config.jit_compile` "on" or "off": as asked.
    - A GPU, or the JAX or PyTorch backend: "auto", Keras' own choice (XLA on GPUs and on JAX).
    - A CPU under TensorFlow: Keras leaves XLA off there, but whether XLA is faster depends on the
      CPU and the model (slower for the 64 px DCGAN where TensorFlow uses oneDNN, faster where it
      runs without it: benchmarks/README.md#speed).
      So a run of `MEASURE_XLA_FROM_STEPS` steps or more measures it (`time_jit_compile`), on
      random images of the run's shape; a shorter one keeps XLA off.

    It says what it chose and why. The measurement builds and trains throwaway GANs and never
    touches `dataset`'s iterator, and `build_gan` sets the seed again, so the run itself is the
    same whether or not it measured. `steps`: the run's training steps (default: its epochs of `dataset`).
    """
    if config.jit_compile in ("on", "off"):
        log(f"XLA {config.jit_compile}, as asked (--jit-compile {config.jit_compile}).")
        return config.jit_compile == "on"
    if keras.backend.backend() != "tensorflow" or precision.gpu_visible():
        log(f"XLA: Keras' choice for the {keras.backend.backend()} backend on this machine (--jit-compile on|off "
            "forces it).")
        return "auto"
    steps = config.epochs * data.steps_per_epoch(dataset) if steps is None else steps
    if steps < MEASURE_XLA_FROM_STEPS:
        log(f"XLA off: {steps} steps are too few to earn back its compile time (--jit-compile on forces it).")
        return False
    seconds = time_jit_compile(config, data.image_shape(dataset))
    faster = seconds[True] < seconds[False]
    log(f"XLA {'on' if faster else 'off'}: a training step took {1000 * seconds[True]:.0f} ms with XLA and "
        f"{1000 * seconds[False]:.0f} ms without, measured just now (--jit-compile on|off chooses).")
    return faster


def time_jit_compile(config, image_shape, steps=6, rounds=3):
    """Seconds per training step of the configured GAN with XLA (`True`) and without (`False`).

    Two throwaway GANs, one each way, take turns training `steps` timed steps on one
    random batch of the run's shape (with labels for a conditional model), `rounds` times,
    after an untimed first step (tracing, XLA's compilation); the best round of each
    counts, so a moment of load on the machine does not decide.
    """
    rng = np.random.default_rng(0)
    images = rng.uniform(-1, 1, (config.batch_size, *image_shape)).astype("float32")
    batch = (images, rng.integers(0, 10, config.batch_size).astype("int32")) if config.conditional else images
    random_batches = tf.data.Dataset.from_tensors(batch).repeat()
    copies = {jit: build_gan(config, random_batches, jit_compile=jit, log=lambda _: None) for jit in (False, True)}
    seconds = {False: float("inf"), True: float("inf")}
    for _ in range(rounds):
        for jit, gan in copies.items():
            clock = _StepClock()
            gan.fit(random_batches, epochs=1, steps_per_epoch=1 + steps, verbose=0, callbacks=[clock])
            seconds[jit] = min(seconds[jit], clock.seconds_after(1) / steps)
    return seconds


class _StepClock(keras.callbacks.Callback):
    """When each training step ended (timed inside `fit`: a `fit` call's own start and end are left out)."""

    def on_train_begin(self, logs=None):
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(time.perf_counter())

    def seconds_after(self, warm_up):
        """Seconds from the end of step `warm_up` to the end of the last step."""
        return self.ends[-1] - self.ends[warm_up - 1]


# ------------------------------------------------------------------- a run


def train(gan, dataset, run_dir, epochs, config=None, resume=False, overwrite=False, checkpoint_every=None,
          num_samples=64, sample_seed=0, diagnostics=True, callbacks=(), verbose=1, log=print,
          steps_per_epoch=None):
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
        config: what the run is, written to `config.json` (a new run) with the GAN's class
            and `epochs`: a `RunConfig`, or a dict (the comparison's settings).
        resume: continue the run in `run_dir` from its newest checkpoint.
        overwrite: empty a non-empty `run_dir` first (a new run only).
        checkpoint_every: also checkpoint every this many steps (always at each epoch's end).
        num_samples: images in each sample grid.
        sample_seed: seed of the fixed latents of the grids (a resumed run keeps its own).
        diagnostics: watch for saturation, collapse, NaN and stalls (`Diagnostics`).
        callbacks: more Keras callbacks, after the package's.
        verbose: Keras' progress output; 0 also silences the diagnostics' warnings.
        log: where the run's own messages go.
        steps_per_epoch: with a repeating `dataset`, the steps that make one epoch (one GIF frame,
            one checkpoint); None: one pass over `dataset`.

    Returns:
        A dict: `history` (the per-step history dict), `epoch_history` (Keras'
        per-epoch History dict of this call), `epochs_done`, `seconds` (of `fit`),
        `warnings` (the diagnostics' list), `sample_latents` (the grids' fixed
        latents), `paths` (name -> path of each output).

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
            RunConfig.from_json(run_dir)  # refuses a folder that holds no run
            initial_epoch = restore(gan, run_dir, epochs, log)
        else:
            claim_new_folder(run_dir, overwrite)
            _write_config(paths[CONFIG], config, variant=type(gan).__name__, epochs=epochs)
            initial_epoch = 0
        watched = _RunCallbacks(gan, dataset, run_dir, paths, resume, checkpoint_every, num_samples,
                                sample_seed, diagnostics, verbose, log)
        seconds, epoch_history = 0.0, {}
        if initial_epoch < epochs:
            if verbose:
                log(f"Training {type(gan).__name__} for {epochs - initial_epoch} epochs; writing to {run_dir}/")
            start = time.perf_counter()
            try:
                # shuffle=False: the package's datasets shuffle themselves.
                history = gan.fit(dataset, initial_epoch=initial_epoch, epochs=epochs,
                                  steps_per_epoch=steps_per_epoch, callbacks=[*watched.in_order(), *callbacks],
                                  verbose=verbose, shuffle=False)
            except KeyboardInterrupt:
                raise _interrupted(watched.checkpoint, run_dir) from None
            seconds = time.perf_counter() - start
            epoch_history = history.history
        _finish(gan, paths, watched.samples)
        steps = watched.steps
        step_history = steps.history if steps.history else gan_callbacks.read_history_csv(paths[STEP_HISTORY])
    return {"history": step_history, "epoch_history": epoch_history, "epochs_done": epochs, "seconds": seconds,
            "warnings": watched.diagnostics.warnings if watched.diagnostics else [],
            "sample_latents": watched.samples.latents, "paths": paths}


def _write_config(path, config, **facts):
    if isinstance(config, RunConfig):
        config.to_json(path, **facts)
    else:
        files.write_json(path, {**(config or {}), **facts})


class _RunCallbacks:
    """The package's callbacks of a run, and the one order `fit` must call them in (`in_order`)."""

    def __init__(self, gan, dataset, run_dir, paths, resume, checkpoint_every, num_samples, sample_seed,
                 diagnostics, verbose, log=print):
        self.time_left = gan_callbacks.TimeLeft(log=log) if verbose else None
        self.timer = gan_callbacks.EpochTimer()
        self.diagnostics = gan_callbacks.Diagnostics(
            reference_images=dataset, checkpoint_path=paths["last_good.weights.h5"],
            log_path=paths["warnings.txt"], verbose=verbose > 0) if diagnostics else None
        self.steps = gan_callbacks.StepHistory(paths[STEP_HISTORY], append=resume)
        self.samples = gan_callbacks.SampleGIF(run_dir, num_images=num_samples, seed=sample_seed)
        self.epochs = keras.callbacks.CSVLogger(paths[HISTORY], append=resume)
        self.checkpoint = gan_callbacks.RunCheckpoint(run_dir, every_n_steps=checkpoint_every)

    def in_order(self):
        """Keras calls callbacks in list order, and each of these needs the ones before it:

        1. TimeLeft (when the run talks), then EpochTimer: TimeLeft's clock must see every other
           callback's epoch-end work; EpochTimer puts `epoch_seconds` into the epoch's logs, and
           the time of the callbacks after it is not counted as training;
        2. Diagnostics before the loggers: they record its `warnings` / `sample_diversity` keys;
        3. the histories and the samples;
        4. the epoch's CSV row before its checkpoint: a kill between the two retrains that
           epoch on resume, and `run_folder.restore` drops the row (the other order would lose it).
        """
        return [*([self.time_left] if self.time_left else []), self.timer,
                *([self.diagnostics] if self.diagnostics else []), self.steps, self.samples, self.epochs,
                self.checkpoint]


def _interrupted(checkpoint, run_dir):
    """Save the step reached after Ctrl-C and say how to resume."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut it short
    try:
        checkpoint.save(checkpoint.epoch, checkpoint.steps_in_epoch)
    finally:
        signal.signal(signal.SIGINT, previous)
    return RunInterrupted(
        f"Interrupted at step {checkpoint.steps_in_epoch} of epoch {checkpoint.epoch + 1}; the training state "
        f"is saved in {os.path.join(run_dir, 'checkpoints')}. Continue with: keras-gans train --resume {run_dir}")


def _finish(gan, paths, samples):
    """Write the outputs of a finished run; again after a resume, so a kill during this step loses nothing."""
    files.write_atomically(paths["gan.keras"], gan.save)
    # The network samples come from: the generator, or its moving average with `ema=`.
    files.write_atomically(paths["generator.keras"], gan.sampling_generator().save)
    if samples.frame_paths():
        samples.write_gif()
    history = gan_callbacks.read_history_csv(paths[STEP_HISTORY])
    if history.get("step"):
        plotting.plot_losses(history, path=paths["losses.png"])
        if "real_score" in history:
            plotting.plot_scores(history, path=paths["scores.png"], probabilities=gan.scores_are_probabilities)
