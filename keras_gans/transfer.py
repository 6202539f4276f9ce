"""Transfer learning for GANs: fine-tune a trained GAN on new data, and compare a
discriminator learned from scratch with one built on frozen VGG16 layers.

Fine-tuning (as in the comparison seed project, MNIST to Fashion-MNIST): load a
trained GAN, keep its generator, its discriminator or both, start the other one
afresh, and continue training on the new images:

    gan = fine_tune("saved_models/RUN/gan.keras", transfer="both", freeze_discriminator_layers=2)
    gan.fit(new_dataset, epochs=5)

FreezeD (Mo et al. 2020, https://arxiv.org/abs/2002.10964) keeps the first
discriminator layers fixed during fine-tuning: they already detect edges and
textures, and keeping them stops a discriminator that sees few new images from
over-fitting them.

The comparison (the seed article's experiment, `compare_vgg16_discriminator`)
trains the same GAN twice on the same data with the same hyper-parameters, the
same initial generator and the same fixed latents: once with the DCGAN
discriminator, once with `networks.vgg16_discriminator`; then it writes the two
sample grids side by side for every epoch, both GIFs and both loss curves.
"""

import os

import keras
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans import callbacks, networks, plotting
from keras_gans.models import GAN, VARIANTS

TRANSFERS = ("generator", "discriminator", "both")


def load_gan(path):
    """Load a GAN saved by keras_gans (`gan.save("....keras")`), with its optimizer state.

    Args:
        path: a `.keras` file holding a whole GAN (not a bare `generator.keras`).

    Returns:
        The GAN, compiled with its saved optimizers when it was saved compiled.

    Example:
    >>> gan = load_gan("saved_models/dcgan_mnist5k/gan.keras")  # doctest: +SKIP
    """
    if not os.path.exists(path):
        raise FileNotFoundError(f"No saved GAN at {path}")
    model = keras.saving.load_model(path)
    if not isinstance(model, GAN):
        raise ValueError(
            f"Invalid model file {path}. Expected a whole GAN saved by keras_gans (gan.keras), "
            f"with both networks. Received a {type(model).__name__}."
        )
    return model


def image_shape_and_latent_dim(gan):
    """(image_size, channels, latent_dim) of a GAN, read from its generator."""
    _, height, _, channels = gan.generator.outputs[0].shape
    return int(height), int(channels), int(gan.latent_dim)


def check_compatible(gan, image_size, channels, latent_dim, source="the loaded model"):
    """Raise a one-line ValueError unless `gan` makes images of this size from latents of this size."""
    have = image_shape_and_latent_dim(gan)
    if have != (image_size, channels, latent_dim):
        raise ValueError(
            f"{source} makes {have[0]}x{have[0]}x{have[1]} images from {have[2]} latents, but this run "
            f"asks for {image_size}x{image_size}x{channels} images from {latent_dim} latents; "
            f"use --image-size {have[0]} --latent-dim {have[2]} and a dataset with {have[1]} channel(s)."
        )


def freeze_first_layers(discriminator, num_layers):
    """FreezeD: make the first `num_layers` layers that hold weights untrainable.

    Mo et al. 2020, "Freeze the Discriminator", https://arxiv.org/abs/2002.10964.
    Layers are counted in order from the input, counting only layers with weights
    (convolutions and normalisations). A frozen batch-norm layer also runs in
    inference mode (Keras' rule for fine-tuning): it normalises with the moving
    statistics it learned on the source data.

    Args:
        discriminator: a functional Keras model.
        num_layers: how many weighted layers to freeze, from the input upward.

    Returns:
        The names of the frozen layers.

    Example:
    >>> d = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8)
    >>> freeze_first_layers(d, 2)
    ['conv1', 'norm1']
    """
    weighted = _weighted_layers(discriminator, num_layers, "num_layers")
    for layer in weighted[:num_layers]:
        layer.trainable = False
    return [layer.name for layer in weighted[:num_layers]]


def _weighted_layers(discriminator, num_layers, argument):
    weighted = [layer for layer in discriminator.layers if layer.weights]
    is_int = isinstance(num_layers, int) and not isinstance(num_layers, bool)
    if not is_int or not 0 <= num_layers <= len(weighted):
        raise ValueError(
            f"Invalid value for argument `{argument}`. Expected an integer from 0 to {len(weighted)} (the "
            f"discriminator's layers with weights). Received: {argument}={num_layers!r}"
        )
    return weighted


def _variant_class(variant):
    """A GAN class from a `models.VARIANTS` key ("lsgan") or the class itself."""
    if isinstance(variant, type) and issubclass(variant, GAN):
        return variant
    if variant not in VARIANTS:
        raise ValueError(
            f"Invalid value for argument `variant`. Expected one of {', '.join(VARIANTS)} or a GAN "
            f"class. Received: variant={variant!r}"
        )
    return VARIANTS[variant]


def _fresh_copy(network):
    # Same architecture, new layers, weights drawn again from the initializers.
    return keras.models.clone_model(network)


def fine_tune(source, transfer="both", freeze_discriminator_layers=0, keep_optimizer_state=False,
              variant=None, generator=None, discriminator=None, d_optimizer=None, g_optimizer=None,
              seed=None, **compile_kwargs):
    """A GAN that starts from a trained one, ready to `fit` on new data.

    The networks named by `transfer` are taken from `source` with their trained
    weights; the other network is a fresh copy of the source's (same
    architecture, new random weights) unless you pass one.

    Args:
        source: a GAN, or the path of a saved `gan.keras`. Its transferred networks
            are reused, not copied.
        transfer: "generator", "discriminator" or "both".
        freeze_discriminator_layers: FreezeD; freeze this many of the transferred
            discriminator's first weighted layers (see `freeze_first_layers`).
        keep_optimizer_state: True continues each transferred network's optimizer
            (Adam moments, step count, learning rate) from the source; False starts
            both optimizers afresh.
        variant: the GAN class to train with, a `models.VARIANTS` key or a class
            (default: the source's class).
        generator: a generator to use when the generator is not transferred.
        discriminator: a discriminator to use when it is not transferred (e.g. a
            `vgg16_discriminator` with ImageNet weights, which a fresh copy would
            re-initialise).
        d_optimizer: the optimizer of a discriminator whose state is not kept
            (default: the variant's default).
        g_optimizer: the same for the generator.
        seed: seed of the new GAN's latent sampler.
        **compile_kwargs: passed to `compile` (e.g. `jit_compile=True`).

    Returns:
        A compiled GAN of class `variant`.

    Example:
    >>> gan = fine_tune("saved_models/RUN/gan.keras", transfer="generator")  # doctest: +SKIP
    >>> gan.fit(keras_gans.data.load("mnist5k", image_size=32), epochs=2)  # doctest: +SKIP
    """
    if transfer not in TRANSFERS:
        raise ValueError(
            f"Invalid value for argument `transfer`. Expected one of {', '.join(TRANSFERS)}. "
            f"Received: transfer={transfer!r}"
        )
    if isinstance(source, (str, os.PathLike)):
        source = load_gan(source)
    keeps_generator = transfer in ("generator", "both")
    keeps_discriminator = transfer in ("discriminator", "both")
    for name, given, kept in (("generator", generator, keeps_generator),
                              ("discriminator", discriminator, keeps_discriminator)):
        if given is not None and kept:
            raise ValueError(
                f"Invalid argument `{name}`: with transfer={transfer!r} the {name} comes from the "
                f"source GAN. Pass `{name}=` only for a network that is not transferred."
            )
    if freeze_discriminator_layers and not keeps_discriminator:
        raise ValueError(
            "Invalid value for argument `freeze_discriminator_layers`. FreezeD freezes layers of a "
            f"transferred discriminator, and transfer={transfer!r} starts it afresh. "
            f"Received: freeze_discriminator_layers={freeze_discriminator_layers}"
        )
    variant = type(source) if variant is None else _variant_class(variant)

    if keeps_generator:
        generator = source.generator
    elif generator is None:
        generator = _fresh_copy(source.generator)
    if keeps_discriminator:
        discriminator = source.discriminator
    elif discriminator is None:
        discriminator = _fresh_copy(source.discriminator)
    _weighted_layers(discriminator, freeze_discriminator_layers, "freeze_discriminator_layers")
    freeze_first_layers(discriminator, freeze_discriminator_layers)

    if keep_optimizer_state:
        if not source.compiled:
            raise ValueError("Invalid argument `keep_optimizer_state=True`: the source GAN was saved "
                             "without optimizers (it was never compiled).")
        for name, given, kept in (("d_optimizer", d_optimizer, keeps_discriminator),
                                  ("g_optimizer", g_optimizer, keeps_generator)):
            if given is not None and kept:
                raise ValueError(f"Invalid argument `{name}`: with keep_optimizer_state=True the "
                                 "transferred network keeps the source's optimizer.")
        # The optimizers keep their slots per variable, so a network with layers
        # frozen by FreezeD simply stops updating those slots.
        if keeps_discriminator:
            d_optimizer = getattr(source.d_optimizer, "inner_optimizer", source.d_optimizer)
        if keeps_generator:
            g_optimizer = getattr(source.g_optimizer, "inner_optimizer", source.g_optimizer)

    gan = variant(generator, discriminator, seed=seed)
    gan.compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, **compile_kwargs)
    return gan


# ------------------------------------------------------------ the comparison


def compare_vgg16_discriminator(dataset, output_dir, epochs=5, variant="lsgan", latent_dim=128, width=64,
                                vgg_weights="imagenet", frozen_until="block3_conv3", unfreeze_from=None,
                                normalization="batch", learning_rate=2e-4, beta_1=0.5, seed=0, num_samples=64,
                                verbose=1, **compile_kwargs):
    """The seed article's experiment: one GAN from scratch, one with a VGG16 discriminator.

    Both runs share everything but the discriminator: the variant (LSGAN, as in
    the seed), the data in the same order, the learning rates, the generator's
    initial weights (same random seed when it is built) and the fixed latents of
    the sample grids. Written to `output_dir`:

        scratch/ and vgg16/         each run's epoch_NNN.png grids, progress.gif,
                                    history.csv (per epoch), history_steps.csv (per
                                    step), losses.png, gan.keras
        side_by_side/epoch_NNN.png  both grids of an epoch, scratch on the left
        side_by_side.gif            the same as a GIF
        losses.png                  d_loss and g_loss of both runs, step by step,
                                    with a rolling mean over one epoch

    Args:
        dataset: a `tf.data.Dataset` of image batches in [-1, 1] (e.g. `keras_gans.data.load(...)`).
        output_dir: folder for everything written.
        epochs: epochs of each run.
        variant: a `models.VARIANTS` key or a GAN class.
        latent_dim: latent size of the generator.
        width: base channel count of the generator and of the scratch discriminator.
        vgg_weights: "imagenet" (downloads once), None, or a `.weights.h5` path.
        frozen_until: last VGG16 layer kept (the seed: "block3_conv3").
        unfreeze_from: optionally fine-tune the VGG layers from this one upward.
        normalization: of both discriminators: "batch" (the seed) or "layer" (use
            it with "wgan-gp", whose gradient penalty is per example).
        learning_rate: Adam learning rate of all four optimizers.
        beta_1: Adam beta_1.
        seed: seed of the weights, the latent samplers and the fixed latents.
        num_samples: images per grid.
        verbose: Keras progress output.
        **compile_kwargs: passed to `compile` (e.g. `jit_compile=True`).

    Returns:
        A dict: {"scratch": StepHistory, "vgg16": StepHistory, "losses": path, "gif": path}.

    Example:
    >>> data = keras_gans.data.load("mnist5k", image_size=32, num_images=1000)  # doctest: +SKIP
    >>> compare_vgg16_discriminator(data, "runs/vgg16", epochs=10)  # doctest: +SKIP
    """
    variant = _variant_class(variant)
    shape = dataset.element_spec.shape
    image_size, channels = int(shape[1]), int(shape[-1])

    histories = {}
    for run in ("scratch", "vgg16"):
        # Same seed before building: the two generators start from the same weights.
        keras.utils.set_random_seed(seed)
        generator = networks.dcgan_generator(image_size, channels, latent_dim, width=width)
        if run == "scratch":
            discriminator = networks.dcgan_discriminator(image_size, channels, width=width,
                                                         normalization=normalization)
        else:
            discriminator = networks.vgg16_discriminator(image_size, channels, weights=vgg_weights,
                                                         frozen_until=frozen_until,
                                                         unfreeze_from=unfreeze_from,
                                                         normalization=normalization)
        gan = variant(generator, discriminator, seed=seed)
        gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1),
                    g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1), **compile_kwargs)
        run_dir = os.path.join(output_dir, run)
        histories[run] = callbacks.StepHistory(os.path.join(run_dir, "history_steps.csv"))
        run_callbacks = [
            callbacks.SampleGIF(run_dir, num_images=num_samples, seed=seed),
            keras.callbacks.CSVLogger(os.path.join(run_dir, "history.csv")),
            histories[run],
        ]
        if verbose:
            print(f"{variant.__name__} with the {run} discriminator, {epochs} epochs -> {run_dir}/")
        gan.fit(dataset, epochs=epochs, callbacks=run_callbacks, verbose=verbose, shuffle=False)
        gan.save(os.path.join(run_dir, "gan.keras"))
        plotting.plot_losses(histories[run], path=os.path.join(run_dir, "losses.png"),
                             title=f"{variant.__name__}, {run} discriminator")

    gif = _side_by_side(output_dir, epochs)
    losses_path = os.path.join(output_dir, "losses.png")
    plot_loss_comparison(histories, losses_path, title=f"{variant.__name__}: scratch vs VGG16 discriminator")
    return {**histories, "losses": losses_path, "gif": gif}


def _side_by_side(output_dir, epochs, gap=8):
    """Write both runs' grids of each epoch side by side, and a GIF of them."""
    folder = os.path.join(output_dir, "side_by_side")
    os.makedirs(folder, exist_ok=True)
    frames = []
    for epoch in range(epochs + 1):
        name = f"epoch_{epoch:03d}.png"
        left, right = (os.path.join(output_dir, run, name) for run in ("scratch", "vgg16"))
        if not (os.path.exists(left) and os.path.exists(right)):
            continue
        left, right = plotting.read_png(left), plotting.read_png(right)  # same size: same generator
        white = np.full((left.shape[0], gap, 3), 255, "uint8")
        frame = _with_title(np.concatenate([left, white, right], axis=1),
                            "from scratch  |  VGG16 discriminator")
        plotting.save_png(frame, os.path.join(folder, name))
        frames.append(frame)
    gif = os.path.join(output_dir, "side_by_side.gif")
    plotting.save_gif(frames, gif)
    return gif


def _with_title(image, title):
    strip = Image.new("RGB", (image.shape[1], 20), "white")
    ImageDraw.Draw(strip).text((4, 3), title, fill="black", font=ImageFont.load_default(12))
    return np.concatenate([np.asarray(strip), image], axis=0)


def plot_loss_comparison(histories, path=None, title=None, window=None):
    """Plot d_loss and g_loss of several runs on shared axes, one panel per loss.

    Raw values are drawn faint and a trailing rolling mean on top, as
    `plotting.plot_losses` does for one run (the same window for every run).

    Args:
        histories: {run name: a `StepHistory`, a Keras `History` or a `.history` dict}.
        path: PNG to write (optional).
        title: figure title.
        window: steps in the rolling mean (default: one epoch of steps of the first
            run; 1 for per-epoch histories).

    Returns:
        The matplotlib Figure.

    Example:
    >>> plot_loss_comparison({"a": {"d_loss": [1.0, 0.5], "g_loss": [2.0, 1.0]}})  # doctest: +ELLIPSIS
    <Figure ...>
    """
    from matplotlib.figure import Figure

    curves = {run: plotting.history_series(history) for run, history in histories.items()}
    _, _, x_label, steps_per_epoch = next(iter(curves.values()))
    window = window or steps_per_epoch or 1
    figure = Figure(figsize=(11, 4), layout="constrained")
    for axis, key in zip(figure.subplots(1, 2), ("d_loss", "g_loss")):
        for i, (run, (x, series, _, _)) in enumerate(curves.items()):
            color = f"C{i}"
            if window > 1:
                axis.plot(x, series[key], color=color, alpha=0.25, linewidth=0.8)
            axis.plot(x, plotting.rolling_mean(series[key], window), color=color, label=run)
        axis.set_xlabel(x_label)
        axis.set_ylabel(key)
        axis.legend()
    if title:
        figure.suptitle(f"{title} (rolling mean over {window} steps)" if window > 1 else title)
    if path:
        figure.savefig(path, dpi=100)
    return figure
