"""The GANs 101 article's transfer experiment: a discriminator from scratch against one on frozen VGG16.

    from keras_gans.experiments.vgg16 import compare_vgg16_discriminator
    compare_vgg16_discriminator(keras_gans.data.load("mnist5k", num_images=1000), "runs/vgg16", epochs=10)

Both runs share everything but the discriminator: the variant (LSGAN, as in the
article), the data in the same order, the learning rates, the generator's initial
weights (the same random seed when it is built) and the fixed latents of the
sample grids. Each run trains through `keras_gans.runs.train`, so `scratch/` and
`vgg16/` are ordinary run folders.
"""

import os

import keras

from keras_gans import callbacks, data, networks, plotting, runs
from keras_gans.models import variant_class
from keras_gans.run_folder import claim_new_folder, locked

RUNS = ("scratch", "vgg16")


def compare_vgg16_discriminator(dataset, output_dir, epochs=5, variant="lsgan", latent_dim=128, width=64,
                                vgg_weights="imagenet", frozen_until="block3_conv3", unfreeze_from=None,
                                normalization="batch", learning_rate=2e-4, beta_1=0.5, seed=0, num_samples=64,
                                verbose=1, overwrite=False, steps_per_epoch=None, time_limit=None,
                                jit_compile="auto"):
    """Train the same GAN with a scratch and a VGG16 discriminator, and write them side by side.

    Written to `output_dir`:

        scratch/ and vgg16/         each a run folder (`keras_gans.runs.train`): epoch_NNN.png
                                    grids, progress.gif, history.csv, history_steps.csv,
                                    losses.png, gan.keras, generator.keras
        side_by_side/epoch_NNN.png  both grids of an epoch, scratch on the left
        side_by_side.gif            the same as a GIF
        losses.png                  d_loss and g_loss of both runs, step by step,
                                    with a rolling mean over one epoch

    Args:
        dataset: a `tf.data.Dataset` of image batches in [-1, 1] (e.g. `keras_gans.data.load(...)`).
        output_dir: folder for everything written (new or empty, unless `overwrite`).
        epochs: epochs of each run.
        variant: a `models.VARIANTS` key or a GAN class.
        latent_dim: latent size of the generator.
        width: base channel count of the generator and of the scratch discriminator.
        vgg_weights: "imagenet" (downloads once), None (random), or a `.weights.h5` path.
        frozen_until: last VGG16 layer kept (the article: "block3_conv3").
        unfreeze_from: optionally fine-tune the VGG layers from this one upward.
        normalization: of both discriminators: "batch" (the article) or "layer" (use
            it with "wgan-gp", whose gradient penalty is per example).
        learning_rate: Adam learning rate of all four optimizers.
        beta_1: Adam beta_1.
        seed: seed of the weights, the latent samplers and the fixed latents.
        num_samples: images per grid.
        verbose: Keras progress output.
        overwrite: empty a non-empty `output_dir` first.
        steps_per_epoch: with a repeating `dataset`, the steps of one epoch (one grid);
            None: one pass over `dataset`.
        time_limit: a safety stop, seconds of training per run (None: none); it says when it fires.
        jit_compile: passed to `compile` (Keras' meaning).

    Returns:
        A dict: {"scratch": per-step history, "vgg16": per-step history, "losses": path, "gif": path}.
    """
    variant = variant_class(variant)
    image_size, _, channels = data.image_shape(dataset)
    histories = {}
    with locked(output_dir):
        claim_new_folder(output_dir, overwrite)
        for run in RUNS:
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
                        g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=beta_1), jit_compile=jit_compile)
            config = {"experiment": "vgg16", "run": run, "vgg_weights": str(vgg_weights),
                      "frozen_until": frozen_until, "unfreeze_from": unfreeze_from, "seed": seed}
            result = runs.train(gan, dataset, os.path.join(output_dir, run), epochs, config=config,
                                num_samples=num_samples, sample_seed=seed, verbose=verbose,
                                steps_per_epoch=steps_per_epoch, callbacks=[callbacks.TimeLimit(time_limit)])
            histories[run] = result["history"]
        gif = _side_by_side(output_dir, epochs, vgg_weights)
        losses = os.path.join(output_dir, "losses.png")
        plotting.plot_loss_comparison(histories, losses,
                                      title=f"{variant.__name__}: scratch vs VGG16 discriminator")
    return {**histories, "losses": losses, "gif": gif}


def _side_by_side(output_dir, epochs, vgg_weights="imagenet"):
    """Write both runs' grids of each epoch side by side, and a GIF of them.

    The title names the VGG16 weights: with random ones (`vgg_weights=None`, what runs
    offline) the right-hand side shows the method, not the benefit of ImageNet features,
    and a picture shown without its caption must still say so.
    """
    if vgg_weights is None:
        title = "left: discriminator from scratch  |  right: frozen VGG16 layers with RANDOM weights (offline)"
    else:
        weights = os.path.basename(str(vgg_weights))
        title = f"left: discriminator from scratch  |  right: frozen VGG16 layers ({weights} weights)"
    folder = os.path.join(output_dir, "side_by_side")
    os.makedirs(folder, exist_ok=True)
    frames = []
    for epoch in range(epochs + 1):
        name = f"epoch_{epoch:03d}.png"
        grids = [os.path.join(output_dir, run, name) for run in RUNS]
        if not all(os.path.exists(path) for path in grids):
            continue
        left, right = (plotting.read_png(path) for path in grids)  # same size: same generator
        frame = plotting.side_by_side(left, right, title)
        plotting.save_png(frame, os.path.join(folder, name))
        frames.append(frame)
    gif = os.path.join(output_dir, "side_by_side.gif")
    plotting.save_gif(frames, gif)
    return gif
