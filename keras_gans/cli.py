"""The `keras-gans` command line: argument parsing, and calls into the library.

    keras-gans train                      # DCGAN on the embedded digits (the default run)
    keras-gans train --model cdcgan       # a conditional DCGAN: it draws the digit you ask for
    keras-gans generate --model saved_models/cdcgan_digits/generator.keras --labels 0,1,2 -n 30
    keras-gans generate --model saved_models/RUN/gan.keras -n 64 --output grid.png
    keras-gans evaluate --model saved_models/RUN/generator.keras --num-images 5000   # digits FID, offline
    keras-gans compare --quick --output comparison     # DCGAN, LSGAN, WGAN, WGAN-GP side by side

Every expected failure (a bad argument or file, missing data, a folder in use,
Ctrl-C) ends in one line that says what happened and what to do; `--debug`
shows the traceback instead.
"""

import argparse
import os
import sys
import time
import zipfile

import keras

from keras_gans import augment, data, generation, models, presets, run_folder, runs
from keras_gans.evaluation import scoring
from keras_gans.experiments.compare import compare
from keras_gans.experiments.vgg16 import compare_vgg16_discriminator

DATASETS = data.DATASETS
MODELS = tuple(models.VARIANTS)
# `compare` trains unconditional variants side by side (on images without labels).
COMPARE_MODELS = tuple(name for name in MODELS if not models.variant_class(name).conditional)
LOSSES = tuple(models.conditional.LOSSES)
CONDITIONINGS = ("projection", "concatenate")
BACKENDS = ("tensorflow", "jax", "torch")


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one clear line (no usage dump, no traceback)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def _dataset(text):
    """A name from DATASETS, or the path of a folder or a .zip of images."""
    if text in DATASETS or os.path.isdir(text) or zipfile.is_zipfile(text):
        return text
    raise argparse.ArgumentTypeError(
        f"expected one of {', '.join(DATASETS)}, or a folder or .zip of images, got {text}")


def _model_list(text):
    """Comma-separated names from COMPARE_MODELS, e.g. "dcgan,wgan-gp"."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in COMPARE_MODELS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated names from {', '.join(COMPARE_MODELS)}, got {text}")
    return names


def _augment_policy(text):
    """A DiffAugment policy: "diffaugment", or comma-separated names from augment.OPERATIONS."""
    try:
        augment.parse_policy(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected {augment.DIFFAUGMENT} or comma-separated names from {', '.join(augment.OPERATIONS)}, "
            f"got {text}") from None
    return text


def _decay(text):
    """A moving-average decay strictly between 0 and 1, e.g. 0.999."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 (e.g. 0.999), got {text}")
    return value


def _label_list(text):
    """Comma-separated class numbers (0 and up), e.g. "0,1,2"."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 0:
        raise argparse.ArgumentTypeError(f"expected comma-separated class numbers (0, 1, ...), got {text}")
    return values


def _add_small_data_options(parser):
    """--augment and --ema, the two options every variant has (train and compare)."""
    option = parser.add_argument
    option("--augment", type=_augment_policy, metavar="POLICY",
           help="DiffAugment for the discriminator, real and generated images alike: diffaugment (color, "
                "translation, cutout; the color of grey images is brightness and contrast) or names, e.g. "
                "translation,cutout (default: none)")
    option("--ema", type=_decay, metavar="DECAY",
           help="keep a moving average of the generator's weights with this decay (e.g. 0.999) and sample "
                "from it: grids, GIF and generator.keras (default: none)")


def _int_list(text):
    """Comma-separated positive integers, e.g. "1000,5000"."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {text}")
    return values


def _command_parser(name, description):
    parser = _Parser(prog=f"keras-gans {name}", description=description)
    parser.add_argument("--debug", action="store_true", help="show the full traceback of an error")
    parser.add_argument("--backend", choices=BACKENDS,
                        help="the Keras backend to run on (default: KERAS_BACKEND, else tensorflow)")
    return parser


def train_parser():
    """`keras-gans train`. Every option defaults to None (not typed): `runs.RunConfig.from_args` fills the
    rest from `keras_gans.presets`, so a resumed run can tell what was typed from what was not."""
    train = _command_parser("train", "Train a GAN (default: DCGAN on the embedded digits).")
    option = train.add_argument
    default_run, train_32, train_64 = presets.DEFAULT_RUN, presets.TRAIN[32], presets.TRAIN[64]
    option("--model", choices=MODELS,
           help="GAN variant (default: dcgan; cdcgan is conditional: it trains on images and their labels)")
    option("--dataset", type=_dataset,
           help="training images: a name (default: mnist5k, the 5,000 embedded digits; the tfds ones "
                "need --download or a prepared --data-dir) or a folder of images")
    option("--data-dir", help="tfds data folder (default ~/tensorflow_datasets)")
    option("--download", action="store_true", default=None,
           help="let tfds download the dataset if it is not prepared (needs the network)")
    option("--skip-corrupt", action="store_true", default=None,
           help="with a folder of images: leave out files that cannot be decoded")
    option("--num-images", type=_positive_int, help="train on a fixed subset of this many images")
    option("--image-size", type=int, choices=(32, 64, 128), help="default: 32")
    option("--epochs", type=_positive_int,
           help=f"default: {default_run.epochs} for {' and '.join(presets.DEFAULT_RUN_MODELS)} at 32 px (the "
                f"default run), {train_32.epochs} otherwise")
    option("--batch-size", type=_positive_int,
           help=f"default: {train_32.batch_size} at 32 px, {train_64.batch_size} at 64 px and above (the GANs 101 "
                "article)")
    option("--d-lr", type=_positive_float,
           help=f"discriminator learning rate (default: {default_run.d_lr:g} for the default run, otherwise the "
                "variant's own, e.g. 2e-4 for dcgan)")
    option("--g-lr", type=_positive_float, help="generator learning rate (default: as --d-lr)")
    option("--beta-1", type=float,
           help="Adam beta_1 of both optimizers (default: the variant's own, e.g. 0.5 for dcgan)")
    option("--latent-dim", type=_positive_int, help=f"default: {train_32.latent_dim}")
    option("--width", type=_positive_int,
           help=f"base channel count of both networks; default: {train_32.width} at 32 px, {train_64.width} at "
                "64 px and above (the article)")
    option("--seed", type=int, help="default: 0")
    option("--output", help="run folder (default: saved_models/<model>_<dataset>_<time>)")
    option("--overwrite", action="store_true", help="replace what the --output folder holds")
    option("--mixed-precision", action="store_true", default=None,
           help="train under mixed_float16 (for GPUs; slow on a CPU)")
    option("--jit-compile", choices=("auto", "on", "off"),
           help=f"compile the train step with XLA: on, off, or auto (the default: Keras' choice on a GPU and "
                f"on JAX; on a CPU under TensorFlow, a run of {runs.MEASURE_XLA_FROM_STEPS} steps or more times "
                "both for a few seconds and keeps the faster)")
    option("--verbose", type=int, choices=(0, 1, 2), help="Keras progress output (default: 1)")
    option("--init-from", metavar="GAN_KERAS",
           help="fine-tune: start from a saved gan.keras (its networks replace --width; --image-size and "
                "--latent-dim must match it)")
    option("--transfer", choices=("generator", "discriminator", "both"),
           help="with --init-from: the network(s) taken from it (default: both); the other starts afresh")
    option("--freeze-d", type=int, metavar="N",
           help="with --init-from: FreezeD, freeze the transferred discriminator's first N weighted layers")
    option("--keep-optimizer-state", action="store_true", default=None,
           help="with --init-from: continue the transferred networks' optimizers (default: fresh ones)")
    option("--resume", metavar="RUN_DIR",
           help="continue an interrupted run from its newest checkpoint, with the options it was started "
                "with (--epochs may be raised)")
    option("--checkpoint-every", type=_positive_int, metavar="N",
           help="also checkpoint every N steps (always at the end of every epoch)")
    _add_small_data_options(train)
    option("--loss", choices=LOSSES,
           help="with --model cdcgan: the loss family (default: bce; also least_squares, hinge)")
    option("--conditioning", choices=CONDITIONINGS,
           help="with --model cdcgan: how the discriminator reads the label (default: projection, Miyato & "
                "Koyama 2018; concatenate: one-hot label planes beside the image, Mirza & Osindero 2014)")
    return train


def vgg16_experiment_parser():
    experiment = _command_parser(
        "vgg16-experiment", "The same GAN with a discriminator from scratch and one on frozen VGG16.")
    preset = presets.VGG16_EXPERIMENT
    experiment.add_argument("--model", choices=COMPARE_MODELS, default="lsgan",
                            help="GAN variant of both runs (default: lsgan, as the GANs 101 article)")
    experiment.add_argument("--dataset", type=_dataset, default="mnist5k",
                            help="a dataset name (default: mnist5k) or a folder of images")
    experiment.add_argument("--num-images", type=_positive_int, default=None)
    experiment.add_argument("--image-size", type=int, choices=(32, 64, 128), default=preset.image_size)
    experiment.add_argument("--epochs", type=_positive_int, default=preset.epochs)
    experiment.add_argument("--batch-size", type=_positive_int, default=preset.batch_size)
    experiment.add_argument("--lr", type=_positive_float, default=preset.d_lr,
                            help="Adam learning rate of all optimizers")
    experiment.add_argument("--beta-1", type=float, default=0.5)
    experiment.add_argument("--latent-dim", type=_positive_int, default=preset.latent_dim)
    experiment.add_argument("--width", type=_positive_int, default=preset.width)
    experiment.add_argument("--vgg-weights", default="imagenet",
                            help="imagenet (downloads once), none, or a .weights.h5 saved from "
                                 "keras.applications.VGG16(include_top=False)")
    experiment.add_argument("--frozen-until", default="block3_conv3", help="last VGG16 layer kept")
    experiment.add_argument("--unfreeze-from", default=None,
                            help="train the kept VGG16 layers from this one upward")
    experiment.add_argument("--seed", type=int, default=0)
    experiment.add_argument("--output", default=None,
                            help="folder (default: saved_models/vgg16_<model>_<dataset>_<time>)")
    experiment.add_argument("--overwrite", action="store_true", help="replace what the --output folder holds")
    experiment.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)
    return experiment


def generate_parser():
    generate = _command_parser("generate", "Generate images from a saved model.")
    generate.add_argument("--model", required=True,
                          help="a saved gan.keras or generator.keras, or a shipped generator: "
                               + ", ".join(generation.PRETRAINED))
    generate.add_argument("-n", "--num-images", type=_positive_int, default=64)
    generate.add_argument("--seed", type=int, default=None, help="seed of the latents (default: random)")
    generate.add_argument("--output", default="generated.png",
                          help=f"PNG grid to write (of the first {generation.MAX_GRID_IMAGES} at most)")
    generate.add_argument("--npy", default=None,
                          help="also save all the images as float32 [-1, 1] .npy, written batch by batch")
    generate.add_argument("--batch-size", type=_positive_int, default=256)
    generate.add_argument("--labels", type=_label_list, default=None, metavar="0,1,2",
                          help="a conditional generator's classes, repeated to fill -n (default: every class "
                               "in turn, one class per column of the grid)")
    return generate


def evaluate_parser():
    evaluate = _command_parser("evaluate", "Score a saved generator against real images (FID, KID).")
    evaluate.add_argument("--model", required=True,
                          help="a saved gan.keras or generator.keras, a shipped generator's name, or "
                               "generated images as .npy")
    evaluate.add_argument("--dataset", type=_dataset, default="mnist5k",
                          help="real images: a dataset name (default: mnist5k) or a folder of images")
    evaluate.add_argument("--num-images", type=_positive_int, default=10_000,
                          help="generated images (and at most this many real ones; default 10000)")
    evaluate.add_argument("--feature-extractor", choices=("digits", "inception_v3", "fid_inception"),
                          default=None, help="network whose features are compared (default: digits for "
                                             "grey images, offline; inception_v3 for colour)")
    evaluate.add_argument("--weights", default="default",
                          help="weights of the feature extractor: default, a file, or none (random)")
    evaluate.add_argument("--real-statistics", default=None, metavar="NPZ",
                          help="cache of the real images' statistics: read if it exists, else written")
    evaluate.add_argument("--kid", action="store_true", help="also compute the KID")
    evaluate.add_argument("--batch-size", type=_positive_int, default=100)
    evaluate.add_argument("--seed", type=int, default=0, help="seed of the latents")
    return evaluate


def compare_parser():
    comparison = _command_parser(
        "compare", "Train several variants on the same data and write a comparison folder.")
    comparison.add_argument("--models", type=_model_list, default=["dcgan", "lsgan", "wgan", "wgan-gp"],
                            help="comma-separated variants, one row each (default: dcgan,lsgan,wgan,wgan-gp; "
                                 f"any of {', '.join(COMPARE_MODELS)})")
    comparison.add_argument("--num-images", type=_int_list, default=[1000, 5000],
                            help="comma-separated training-set sizes, one column each (default: 1000,5000)")
    quick, full = presets.COMPARE["quick"], presets.COMPARE["full"]
    comparison.add_argument("--steps", type=_positive_int, default=None,
                            help="generator steps of every run, whatever its number of images; each with its "
                                 "variant's critic steps, 5 for WGAN and WGAN-GP (default: "
                                 f"{quick.steps} with --quick, else {full.steps})")
    tuned = ", ".join(presets.COMPARE_LEARNING_RATES["quick"])
    comparison.add_argument("--quick", action="store_true",
                            help=f"small networks for a CPU (width {quick.width}, latent {quick.latent_dim}, batch "
                                 f"{quick.batch_size}; faster learning rates for {tuned}: keras_gans/presets.py); "
                                 "benchmarks/README.md says how long it takes")
    comparison.add_argument("--dataset", type=_dataset, default="mnist5k",
                            help="a dataset name (default: mnist5k, offline) or a folder of images")
    comparison.add_argument("--image-size", type=int, choices=(32, 64, 128), default=32)
    comparison.add_argument("--batch-size", type=_positive_int, default=None,
                            help=f"default: {quick.batch_size} with --quick, else {full.batch_size}")
    comparison.add_argument("--latent-dim", type=_positive_int, default=None,
                            help=f"default: {quick.latent_dim} with --quick, else {full.latent_dim}")
    comparison.add_argument("--width", type=_positive_int, default=None,
                            help=f"base channel count of the networks (default: {quick.width} with --quick, "
                                 f"else {full.width})")
    comparison.add_argument("--quality", choices=("digits", "none"), default=None,
                            help="quality score column: digits (digits FID; mnist5k at 32 px only) or none "
                                 "(default: digits where it applies)")
    comparison.add_argument("--seed", type=int, default=0)
    comparison.add_argument("--mixed-precision", action="store_true", help="train under mixed_float16 (GPUs)")
    comparison.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto",
                            help="compile every run's train step with XLA (default: auto, decided once for "
                                 "every run as `train` decides it, from the first variant's networks; it says "
                                 "which)")
    comparison.add_argument("--time-limit", type=_positive_float, metavar="SECONDS",
                            help="a safety stop: seconds of training per run (default: none)")
    _add_small_data_options(comparison)
    comparison.add_argument("--output", default=None,
                            help="folder to write (default: saved_models/compare_<dataset>_<time>)")
    comparison.add_argument("--overwrite", action="store_true", help="replace what the --output folder holds")
    comparison.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)
    return comparison


# ------------------------------------------------------------------- train


def _train(args):
    """Four calls: the configuration, the data, XLA chosen in the open, the GAN; then `runs.train`."""
    typed = {key: value for key, value in vars(args).items() if key not in ("resume", "overwrite", "debug")}
    if args.resume is not None:
        config = runs.RunConfig.from_json(args.resume).resumed(args.resume, typed)
    else:
        config = runs.RunConfig.from_args(typed)
    dataset = runs.load_data(config)
    jit_compile = runs.choose_jit_compile(config, dataset)
    gan = runs.build_gan(config, dataset, jit_compile)
    result = runs.train(gan, dataset, config.output, config.epochs, config=config,
                        resume=args.resume is not None, overwrite=args.overwrite,
                        checkpoint_every=config.checkpoint_every, verbose=config.verbose)
    paths, warnings = result["paths"], result["warnings"]
    print(f"Done ({result['seconds'] / 60:.1f} min of training). In {config.output}/: gan.keras, "
          "generator.keras, epoch_NNN.png grids\n"
          f"Per-step history: {paths['history_steps.csv']}\n"
          f"Loss curves:      {paths['losses.png']}\n"
          f"Score curves:     {paths['scores.png']}\n"
          f"Samples GIF:      {paths['progress.gif']}\n"
          f"Diagnostics: {len(warnings)} warning(s)"
          + (f", written to {paths['warnings.txt']}" if warnings else "")
          + f"; last good weights in {paths['last_good.weights.h5']}")
    return 0


# ----------------------------------------------------------- the others


def _generate(args):
    written = generation.write_images(args.model, args.num_images, grid=args.output, npy=args.npy,
                                      seed=args.seed, batch_size=args.batch_size, labels=args.labels)
    print(f"Wrote {args.num_images} images: {', '.join(written)}")
    return 0


def _evaluate(args):
    weights = None if args.weights == "none" else args.weights
    scoring.evaluate(args.model, args.dataset, num_images=args.num_images, batch_size=args.batch_size,
                     feature_extractor=args.feature_extractor, weights=weights, seed=args.seed,
                     real_statistics=args.real_statistics, kid=args.kid)
    return 0


def _compare(args):
    output = args.output or run_folder.default_output("compare", args.dataset)
    quality = args.quality
    if quality is None:
        quality = "digits" if args.dataset == "mnist5k" and args.image_size == 32 else "none"
    print(f"Comparing {', '.join(args.models)} on {', '.join(map(str, args.num_images))} images of "
          f"{args.dataset}; writing to {output}/")
    start = time.perf_counter()
    compare(models=args.models, num_images=args.num_images, steps=args.steps, output_dir=output,
            dataset=args.dataset, image_size=args.image_size, batch_size=args.batch_size,
            latent_dim=args.latent_dim, width=args.width, seed=args.seed, quick=args.quick,
            quality=None if quality == "none" else quality, mixed_precision=args.mixed_precision,
            jit_compile={"on": True, "off": False}.get(args.jit_compile, "auto"), time_limit=args.time_limit,
            verbose=args.verbose, overwrite=args.overwrite, augment=args.augment, ema=args.ema)
    print(f"Done in {(time.perf_counter() - start) / 60:.1f} min. In {output}/: samples.png, losses.png, "
          "summary.md, summary.csv, and a run folder per variant and size with its progress.gif")
    return 0


def _vgg16_experiment(args):
    output = args.output or run_folder.default_output(f"vgg16_{args.model}", args.dataset)
    dataset = data.load(args.dataset, image_size=args.image_size, batch_size=args.batch_size,
                        num_images=args.num_images, seed=args.seed)
    start = time.perf_counter()
    result = compare_vgg16_discriminator(
        dataset, output, epochs=args.epochs, variant=args.model, latent_dim=args.latent_dim,
        width=args.width, vgg_weights=None if args.vgg_weights.lower() == "none" else args.vgg_weights,
        frozen_until=args.frozen_until, unfreeze_from=args.unfreeze_from, learning_rate=args.lr,
        beta_1=args.beta_1, seed=args.seed, verbose=args.verbose, overwrite=args.overwrite,
        # WGAN-GP's penalty is per example: no batch norm in its critics (as build_gan does).
        normalization="layer" if args.model == "wgan-gp" else "batch")
    print(f"Done in {(time.perf_counter() - start) / 60:.1f} min. In {output}/: side_by_side/ grids, "
          f"{os.path.basename(result['gif'])}, losses.png, and the run folders scratch/ and vgg16/")
    return 0


# name -> (what it does, its parser, the function that runs it)
COMMANDS = {
    "train": ("train a GAN (default: DCGAN on the embedded digits)", train_parser, _train),
    "generate": ("generate images from a saved model", generate_parser, _generate),
    "evaluate": ("score a saved generator against real images (FID, KID)", evaluate_parser, _evaluate),
    "compare": ("train several variants on the same data and write a comparison folder", compare_parser,
                _compare),
    "vgg16-experiment": ("the same GAN with a discriminator from scratch and one on frozen VGG16",
                         vgg16_experiment_parser, _vgg16_experiment),
}
# Names of version 0.1 that still work (not listed in the help).
RENAMED = {"transfer-experiment": "vgg16-experiment"}


def build_parser():
    """The top-level parser: only the command; each command's own parser reads the rest."""
    epilog = "commands:\n" + "\n".join(f"  {name:21s} {about}" for name, (about, _, _) in COMMANDS.items())
    parser = _Parser(prog="keras-gans", usage="keras-gans COMMAND [options]",
                     description="Train GANs and generate images with keras_gans.",
                     epilog=epilog + "\n\n`keras-gans COMMAND --help` shows a command's options.",
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=COMMANDS, metavar="COMMAND", help="one of the commands below")
    return parser


def parse(argv):
    """(command, its parsed arguments) for a command line."""
    command = RENAMED.get(argv[0], argv[0]) if argv else None
    if command not in COMMANDS:
        build_parser().parse_args(argv[:1])  # --help, or one line naming what is wrong
    return command, COMMANDS[command][1]().parse_args(argv[1:])


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    command, args = parse(argv)
    if args.backend and args.backend != keras.backend.backend():
        # Keras reads KERAS_BACKEND once, when it is first imported (importing keras_gans did that), so
        # the command starts again in a new process with the backend set.
        sys.stdout.flush()
        os.execve(sys.executable, [sys.executable, "-m", "keras_gans", *argv],
                  {**os.environ, "KERAS_BACKEND": args.backend})
    try:
        return COMMANDS[command][2](args)
    except runs.RunInterrupted as stop:
        print(f"\nkeras-gans {command}: {stop}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(f"\nkeras-gans {command}: interrupted.", file=sys.stderr)
        return 130
    except (ValueError, OSError, RuntimeError) as error:
        if args.debug:
            raise
        print(f"keras-gans {command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
