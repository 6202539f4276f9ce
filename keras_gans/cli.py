"""The `keras-gans` command line: train, generate, evaluate and compare.

    keras-gans train                      # DCGAN on the embedded digits, about 3 minutes on a CPU
    keras-gans generate --model saved_models/RUN/gan.keras -n 64 --output grid.png
    keras-gans evaluate --model saved_models/RUN/generator.keras --num-images 5000   # digits FID, offline
    keras-gans compare --quick --output comparison     # DCGAN, LSGAN, WGAN, WGAN-GP side by side
"""

import argparse
import datetime
import json
import os
import sys
import time

# Kept in step with keras_gans.models.VARIANTS and keras_gans.data.DATASETS (a test
# checks); written out here so that parsing arguments does not load TensorFlow.
DATASETS = ("mnist5k", "mnist", "fashion_mnist", "kmnist", "cifar10", "celeba")
MODELS = ("dcgan", "lsgan", "wgan", "wgan-gp", "sagan")


class _Parser(argparse.ArgumentParser):
    """Bad arguments end in one clear line (no usage dump, no traceback)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def _positive_int(text):
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _dataset(text):
    """A name from DATASETS, or the path of a folder of images."""
    if text in DATASETS or os.path.isdir(text):
        return text
    raise argparse.ArgumentTypeError(
        f"expected one of {', '.join(DATASETS)} or a folder of images, got {text}")


def _model_list(text):
    """Comma-separated names from MODELS, e.g. "dcgan,wgan-gp"."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in MODELS]
    if not names or unknown:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated names from {', '.join(MODELS)}, got {text}")
    return names


def _int_list(text):
    """Comma-separated positive integers, e.g. "1000,5000"."""
    try:
        values = [int(part) for part in text.split(",")]
    except ValueError:
        values = []
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"expected comma-separated positive integers, got {text}")
    return values


def _positive_float(text):
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text}")
    return value


def build_parser():
    parser = _Parser(prog="keras-gans", description="Train GANs and generate images with keras_gans.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    train = commands.add_parser("train", help="train a GAN (default: DCGAN on the embedded digits)")
    train.add_argument("--model", choices=MODELS, default="dcgan", help="GAN variant (default: dcgan)")
    train.add_argument("--dataset", type=_dataset, default="mnist5k",
                       help="training images: a name (default: mnist5k, the 5,000 embedded digits; "
                            "the tfds ones need the data prepared) or a folder of images")
    train.add_argument("--num-images", type=_positive_int, default=None,
                       help="train on a deterministic subset of this many images")
    train.add_argument("--image-size", type=int, choices=(32, 64, 128), default=32)
    train.add_argument("--epochs", type=_positive_int, default=35,
                       help="default 35: about 3 minutes on the embedded digits on a 2-core CPU")
    train.add_argument("--batch-size", type=_positive_int, default=None,
                       help="default: 128 at 64 px and above (the seed), 32 at 32 px")
    train.add_argument("--d-lr", type=_positive_float, default=None,
                       help="discriminator learning rate (default: the variant's own, e.g. 2e-4 for dcgan)")
    train.add_argument("--g-lr", type=_positive_float, default=None,
                       help="generator learning rate (default: the variant's own)")
    train.add_argument("--beta-1", type=float, default=None,
                       help="Adam beta_1 of both optimizers (default: the variant's own, e.g. 0.5 for dcgan)")
    train.add_argument("--latent-dim", type=_positive_int, default=128)
    train.add_argument("--width", type=_positive_int, default=None,
                       help="base channel count of both networks; default: 64 at 64 px and above (the "
                            "seed), 32 at 32 px")
    train.add_argument("--seed", type=int, default=0)
    train.add_argument("--output", default=None,
                       help="run folder (default: saved_models/<model>_<dataset>_<time>)")
    train.add_argument("--mixed-precision", action="store_true",
                       help="train under mixed_float16 (for GPUs; slow on a CPU)")
    train.add_argument("--jit-compile", action="store_true", help="compile the train step with XLA")
    train.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1, help="Keras progress output")
    train.add_argument("--init-from", default=None, metavar="GAN_KERAS",
                       help="fine-tune: start from a saved gan.keras (its networks replace --width; "
                            "--image-size and --latent-dim must match it)")
    train.add_argument("--transfer", choices=("generator", "discriminator", "both"), default="both",
                       help="with --init-from: the network(s) taken from it; the other starts afresh")
    train.add_argument("--freeze-d", type=int, default=0, metavar="N",
                       help="with --init-from: FreezeD, freeze the discriminator's first N weighted layers")
    train.add_argument("--keep-optimizer-state", action="store_true",
                       help="with --init-from: continue the transferred networks' optimizers "
                            "(default: fresh ones)")
    train.add_argument("--resume", default=None, metavar="RUN_DIR",
                       help="continue an interrupted run from its newest checkpoint, with the options "
                            "it was started with (--epochs may be raised)")
    train.add_argument("--checkpoint-every", type=_positive_int, default=None, metavar="N",
                       help="also checkpoint every N steps (always at the end of every epoch)")

    experiment = commands.add_parser(
        "transfer-experiment", help="the same GAN with a discriminator from scratch and one on frozen VGG16")
    experiment.add_argument("--model", choices=MODELS, default="lsgan" if "lsgan" in MODELS else "dcgan",
                            help="GAN variant of both runs (default: lsgan, as the seed article)")
    experiment.add_argument("--dataset", type=_dataset, default="mnist5k",
                            help="a dataset name (default: mnist5k) or a folder of images")
    experiment.add_argument("--num-images", type=_positive_int, default=None)
    experiment.add_argument("--image-size", type=int, choices=(32, 64, 128), default=32)
    experiment.add_argument("--epochs", type=_positive_int, default=5)
    experiment.add_argument("--batch-size", type=_positive_int, default=64)
    experiment.add_argument("--lr", type=_positive_float, default=2e-4,
                            help="Adam learning rate of all optimizers")
    experiment.add_argument("--beta-1", type=float, default=0.5)
    experiment.add_argument("--latent-dim", type=_positive_int, default=128)
    experiment.add_argument("--width", type=_positive_int, default=64)
    experiment.add_argument("--vgg-weights", default="imagenet",
                            help="imagenet (downloads once), none, or a .weights.h5 saved from "
                                 "keras.applications.VGG16(include_top=False)")
    experiment.add_argument("--frozen-until", default="block3_conv3", help="last VGG16 layer kept")
    experiment.add_argument("--unfreeze-from", default=None,
                            help="train the kept VGG16 layers from this one upward")
    experiment.add_argument("--seed", type=int, default=0)
    experiment.add_argument("--output", default=None,
                            help="folder (default: saved_models/vgg16_<model>_<dataset>_<time>)")
    experiment.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)

    generate = commands.add_parser("generate", help="generate a grid of images from a saved model")
    generate.add_argument("--model", required=True, help="a saved gan.keras or generator.keras")
    generate.add_argument("-n", "--num-images", type=_positive_int, default=64)
    generate.add_argument("--seed", type=int, default=None, help="seed of the latents (default: random)")
    generate.add_argument("--output", default="generated.png", help="PNG grid to write")
    generate.add_argument("--npy", default=None, help="also save the images as float32 [-1, 1] .npy")

    evaluate = commands.add_parser("evaluate", help="score a saved generator against real images (FID, KID)")
    evaluate.add_argument("--model", required=True,
                          help="a saved gan.keras or generator.keras, or generated images as .npy")
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
    compare = commands.add_parser(
        "compare", help="train several variants on the same data and write a comparison folder")
    compare.add_argument("--models", type=_model_list, default=["dcgan", "lsgan", "wgan", "wgan-gp"],
                         help="comma-separated variants, one row each (default: dcgan,lsgan,wgan,wgan-gp)")
    compare.add_argument("--num-images", type=_int_list, default=[1000, 5000],
                         help="comma-separated training-set sizes, one column each (default: 1000,5000)")
    compare.add_argument("--epochs", type=_positive_int, default=None,
                         help="epochs of every run (default: 10 with --quick, else 20)")
    compare.add_argument("--quick", action="store_true",
                         help="small networks: about 5 min on 2 CPU cores (width 16, latent 32, batch 32)")
    compare.add_argument("--dataset", type=_dataset, default="mnist5k",
                         help="a dataset name (default: mnist5k, offline) or a folder of images")
    compare.add_argument("--image-size", type=int, choices=(32, 64, 128), default=32)
    compare.add_argument("--batch-size", type=_positive_int, default=None,
                         help="default: 32 with --quick, else 64")
    compare.add_argument("--latent-dim", type=_positive_int, default=None,
                         help="default: 32 with --quick, else 128")
    compare.add_argument("--width", type=_positive_int, default=None,
                         help="base channel count of the networks (default: 16 with --quick, else 64)")
    compare.add_argument("--quality", choices=("digits", "none"), default=None,
                         help="quality score column: digits (digits FID; mnist5k at 32 px only) or none "
                              "(default: digits where it applies)")
    compare.add_argument("--seed", type=int, default=0)
    compare.add_argument("--mixed-precision", action="store_true", help="train under mixed_float16 (GPUs)")
    compare.add_argument("--output", default=None,
                         help="folder to write (default: saved_models/compare_<dataset>_<time>)")
    compare.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)
    return parser


def _compare(args):
    from keras_gans.compare import compare

    output = args.output or os.path.join(
        "saved_models",
        f"compare_{os.path.basename(os.path.normpath(args.dataset))}_{datetime.datetime.now():%Y%m%d-%H%M%S}")
    quality = args.quality
    if quality is None:
        quality = "digits" if args.dataset == "mnist5k" and args.image_size == 32 else "none"
    print(f"Comparing {', '.join(args.models)} on {', '.join(map(str, args.num_images))} images of "
          f"{args.dataset}; writing to {output}/")
    start = time.perf_counter()
    compare(models=args.models, num_images=args.num_images, epochs=args.epochs, output_dir=output,
            dataset=args.dataset, image_size=args.image_size, batch_size=args.batch_size,
            latent_dim=args.latent_dim, width=args.width, seed=args.seed, quick=args.quick,
            quality=None if quality == "none" else quality, mixed_precision=args.mixed_precision,
            verbose=args.verbose)
    minutes = (time.perf_counter() - start) / 60
    print(f"Done in {minutes:.1f} min. In {output}/: samples.png, losses.png, summary.md, summary.csv, "
          "and a folder per run with its progress.gif")
    return 0


def _train(args):
    import keras

    import keras_gans
    from keras_gans import runs

    resuming = args.resume is not None
    if resuming:
        args = _resumed_options(args)
    if args.mixed_precision:
        keras_gans.enable_mixed_precision("mixed_float16")
    keras.utils.set_random_seed(args.seed)
    # Defaults by image size. At 64 px and above: the seed article's networks and
    # batch. At 32 px (the embedded digits): half the channels and batch 32, which
    # measured here gave better digits in less time (digits FID 14.2 in 123 s
    # against 19.6 in 197 s for width 64, batch 64; benchmarks/RESULTS.md).
    small = args.image_size == 32
    args.width = args.width or (32 if small else 64)
    args.batch_size = args.batch_size or (32 if small else 128)
    run_dir = args.output = args.output or os.path.join(
        "saved_models",
        f"{args.model}_{os.path.basename(os.path.normpath(args.dataset))}_{datetime.datetime.now():%Y%m%d-%H%M%S}")
    os.makedirs(run_dir, exist_ok=True)
    if not resuming:
        runs.write_json(os.path.join(run_dir, "config.json"),
                        {key: value for key, value in vars(args).items() if key not in ("given", "resume")})

    dataset = keras_gans.data.load(args.dataset, image_size=args.image_size, batch_size=args.batch_size,
                                   num_images=args.num_images, seed=args.seed)
    channels = dataset.element_spec.shape[-1]
    d_optimizer, g_optimizer = _optimizers(args)
    if args.init_from:
        gan = _fine_tuned_gan(args, channels, d_optimizer, g_optimizer)
    else:
        gan = keras_gans.models.build_gan(args.model, args.image_size, channels, args.latent_dim,
                                          width=args.width, seed=args.seed)
        gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, jit_compile=args.jit_compile)
    # Diagnostics first: the loggers after it record its `warnings` / `sample_diversity` keys.
    paths = {name: os.path.join(run_dir, name) for name in (
        "history.csv", "history_steps.csv", "losses.png", "scores.png", "progress.gif",
        "last_good.weights.h5", "warnings.txt")}
    initial_epoch = _restore(gan, run_dir, paths, args.epochs) if resuming else 0
    if initial_epoch is None:
        return 0
    diagnostics = keras_gans.callbacks.Diagnostics(reference_images=dataset,
                                                   checkpoint_path=paths["last_good.weights.h5"],
                                                   log_path=paths["warnings.txt"])
    step_history = keras_gans.callbacks.StepHistory(paths["history_steps.csv"], append=resuming)
    callbacks = [
        diagnostics,
        step_history,
        keras_gans.callbacks.SampleGIF(run_dir, seed=args.seed),
        # The epoch's row is logged before its checkpoint is taken: a kill between
        # the two retrains that epoch on resume, and `_restore` drops the row.
        keras.callbacks.CSVLogger(paths["history.csv"], append=resuming),
        runs.RunCheckpoint(run_dir, every_n_steps=args.checkpoint_every),
    ]
    print(f"Training {args.model} on {args.dataset} for {args.epochs} epochs; writing to {run_dir}/")
    start = time.perf_counter()
    gan.fit(dataset, initial_epoch=initial_epoch, epochs=args.epochs, callbacks=callbacks,
            verbose=args.verbose, shuffle=False)
    minutes = (time.perf_counter() - start) / 60
    runs.write_atomically(os.path.join(run_dir, "gan.keras"), gan.save)
    runs.write_atomically(os.path.join(run_dir, "generator.keras"), gan.generator.save)
    print(f"Done in {minutes:.1f} min. In {run_dir}/: gan.keras, generator.keras, "
          "history.csv, epoch_NNN.png grids, progress.gif")
    keras_gans.plotting.plot_losses(step_history, path=paths["losses.png"])
    keras_gans.plotting.plot_scores(step_history, path=paths["scores.png"])
    print(f"Per-step history: {paths['history_steps.csv']}\n"
          f"Loss curves:      {paths['losses.png']}\n"
          f"Score curves:     {paths['scores.png']}\n"
          f"Samples GIF:      {paths['progress.gif']}")
    print(f"Diagnostics: {len(diagnostics.warnings)} warning(s)"
          + (f", written to {paths['warnings.txt']}" if diagnostics.warnings else "")
          + f"; last good weights in {paths['last_good.weights.h5']}")
    return 0


def _optimizers(args):
    """The variant's own optimizers (its paper's), with --d-lr, --g-lr and --beta-1 where given."""
    from keras_gans.models import VARIANTS

    variant = VARIANTS[args.model]
    # `default_*_optimizer` read nothing from the model, so the class answers without building one.
    pair = []
    for optimizer, learning_rate in ((variant.default_d_optimizer(None), args.d_lr),
                                     (variant.default_g_optimizer(None), args.g_lr)):
        config = optimizer.get_config()
        if learning_rate is not None:
            config["learning_rate"] = learning_rate
        if args.beta_1 is not None:
            if "beta_1" not in config:
                raise ValueError(f"--beta-1 applies to Adam; {args.model} trains with "
                                 f"{type(optimizer).__name__}. Leave --beta-1 out.")
            config["beta_1"] = args.beta_1
        pair.append(type(optimizer).from_config(config))
    return pair


# Options a resumed run may change: train for longer, or talk more or less.
_RESUME_MAY_CHANGE = ("epochs", "verbose", "resume", "command")


def _resumed_options(args):
    """`train --resume DIR`: the options DIR was started with, checked against those given now."""
    config_path = os.path.join(args.resume, "config.json")
    if not os.path.isfile(config_path):
        raise ValueError(f"{args.resume} is not a keras-gans run folder (it has no config.json)")
    with open(config_path) as f:
        stored = json.load(f)
    for name, value in args.given.items():
        if name not in _RESUME_MAY_CHANGE and stored.get(name) != value:
            flag = "--" + name.replace("_", "-")
            raise ValueError(f"{flag} {value} contradicts the run in {args.resume}, which was started with "
                             f"{flag} {stored.get(name)}; leave {flag} out to resume it")
    return argparse.Namespace(**{**stored, "output": args.resume, "resume": args.resume,
                                 "epochs": args.given.get("epochs", stored["epochs"]),
                                 "verbose": args.given.get("verbose", stored["verbose"])})


def _restore(gan, run_dir, paths, epochs):
    """Load a resumed run's newest good checkpoint; the epoch to go on from (None: finished)."""
    from keras_gans import runs

    epochs_done, step = runs.restore_latest(gan, run_dir)
    if epochs_done >= epochs:
        print(f"The run in {run_dir} has finished its {epochs} epochs; nothing to resume "
              "(pass a larger --epochs to train it for longer).")
        return None
    if step:
        # Keras starts epochs at their first batch: the batches of this epoch seen
        # before the interruption are seen again, by the weights of the checkpoint.
        print(f"Resuming from the checkpoint taken {step} steps into epoch {epochs_done + 1}; "
              "that epoch starts again from its first batch.")
    else:
        print(f"Resuming after epoch {epochs_done} of {epochs}.")
    runs.truncate_csv(paths["history.csv"], last_epoch=epochs_done - 1)  # CSVLogger counts from 0
    runs.truncate_csv(paths["history_steps.csv"], last_epoch=epochs_done, first_epoch=1)
    return epochs_done


def _fine_tuned_gan(args, channels, d_optimizer, g_optimizer):
    """`train --init-from`: the saved GAN's networks, ready to train on this run's data."""
    from keras_gans import transfer

    source = transfer.load_gan(args.init_from)
    transfer.check_compatible(source, args.image_size, channels, args.latent_dim, source=args.init_from)
    # A network whose optimizer state is kept brings its own optimizer.
    keeps_d = args.keep_optimizer_state and args.transfer in ("discriminator", "both")
    keeps_g = args.keep_optimizer_state and args.transfer in ("generator", "both")
    print(f"Fine-tuning from {args.init_from} ({type(source).__name__}): transferring {args.transfer}"
          f"{f', FreezeD on {args.freeze_d} layers' if args.freeze_d else ''}, training as {args.model}")
    return transfer.fine_tune(
        source, transfer=args.transfer, freeze_discriminator_layers=args.freeze_d,
        keep_optimizer_state=args.keep_optimizer_state, variant=args.model, seed=args.seed,
        d_optimizer=None if keeps_d else d_optimizer,
        g_optimizer=None if keeps_g else g_optimizer,
        jit_compile=args.jit_compile,
    )


def _transfer_experiment(args):
    import keras

    import keras_gans
    from keras_gans import transfer

    keras.utils.set_random_seed(args.seed)
    output = args.output or os.path.join(
        "saved_models", f"vgg16_{args.model}_{os.path.basename(os.path.normpath(args.dataset))}_"
                        f"{datetime.datetime.now():%Y%m%d-%H%M%S}")
    weights = None if args.vgg_weights.lower() == "none" else args.vgg_weights
    dataset = keras_gans.data.load(args.dataset, image_size=args.image_size, batch_size=args.batch_size,
                                   num_images=args.num_images, seed=args.seed)
    os.makedirs(output, exist_ok=True)
    with open(os.path.join(output, "config.json"), "w") as f:
        json.dump(vars(args), f, indent=2)
    start = time.perf_counter()
    result = transfer.compare_vgg16_discriminator(
        dataset, output, epochs=args.epochs, variant=args.model, latent_dim=args.latent_dim,
        width=args.width, vgg_weights=weights, frozen_until=args.frozen_until,
        unfreeze_from=args.unfreeze_from, learning_rate=args.lr, beta_1=args.beta_1, seed=args.seed,
        # WGAN-GP's penalty is per example: no batch norm in its critics (as build_gan does).
        normalization="layer" if args.model == "wgan-gp" else "batch", verbose=args.verbose)
    minutes = (time.perf_counter() - start) / 60
    print(f"Done in {minutes:.1f} min. In {output}/: side_by_side/ grids, {os.path.basename(result['gif'])}, "
          "losses.png, and scratch/ and vgg16/ with each run's grids, GIF, history and gan.keras")
    return 0


def _generate(args):
    import keras

    import keras_gans

    if not os.path.exists(args.model):
        raise FileNotFoundError(f"No saved model at {args.model}")
    model = keras.saving.load_model(args.model)
    if isinstance(model, keras_gans.GAN):
        images = model.generate(args.num_images, seed=args.seed)
    else:  # a bare generator
        latents = keras.random.normal((args.num_images, model.inputs[0].shape[-1]), seed=args.seed)
        images = keras.ops.convert_to_numpy(model(latents, training=False))
    grid = keras_gans.plotting.image_grid(images, scale=2 if images.shape[1] <= 32 else 1)
    keras_gans.plotting.save_png(grid, args.output)
    if args.npy:
        import numpy as np

        np.save(args.npy, images)
    print(f"Wrote {args.num_images} images to {args.output}")
    return 0


def _evaluate(args):
    import keras

    from keras_gans import metrics

    if not os.path.exists(args.model):
        raise FileNotFoundError(f"No saved model at {args.model}")
    if args.model.endswith(".npy"):  # generated images saved as float32 [-1, 1] (e.g. `generate --npy`)
        import numpy as np

        generator = np.load(args.model)
        grey = generator.shape[-1] == 1
    else:
        model = keras.saving.load_model(args.model, compile=False)
        generator = getattr(model, "generator", model)
        grey = generator.outputs[0].shape[-1] == 1
    extractor = args.feature_extractor or ("digits" if grey else "inception_v3")
    weights = None if args.weights == "none" else args.weights
    common = dict(num_images=args.num_images, batch_size=args.batch_size, feature_extractor=extractor,
                  weights=weights, seed=args.seed)
    metrics.compute_fid(generator, args.dataset, real_statistics=args.real_statistics, **common)
    if args.kid:
        metrics.compute_kid(generator, args.dataset, **common)
    return 0


def _given_options(argv):
    """The options typed on the command line, without the defaults (to check a resume against)."""
    parser = build_parser()
    for subparser in parser._subparsers._group_actions[0].choices.values():
        for action in subparser._actions:
            action.default = argparse.SUPPRESS
    return vars(parser.parse_args(argv))


def main(argv=None):
    args = build_parser().parse_args(argv)
    if args.command == "train":
        args.given = _given_options(sys.argv[1:] if argv is None else argv)
    try:
        commands = {"train": _train, "generate": _generate, "transfer-experiment": _transfer_experiment,
                    "evaluate": _evaluate, "compare": _compare}
        return commands[args.command](args)
    except (ValueError, FileNotFoundError, OSError) as error:
        print(f"keras-gans {args.command}: error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
