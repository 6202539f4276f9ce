"""Fine-tuning a saved GAN (what transfers, FreezeD, optimizer state), the CLI form, and the
scratch-vs-VGG16 experiment."""

import os

import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import LATENT_DIM, random_images, tiny_networks

import keras_gans
from keras_gans import cli, transfer
from keras_gans.experiments.vgg16 import compare_vgg16_discriminator


@pytest.fixture(scope="module")
def saved_gan(tmp_path_factory):
    """A tiny DCGAN trained for 2 steps and saved; returns (path, latents, its images on them).

    Every test loads its own copy from the file, so one file serves them all."""
    keras.utils.set_random_seed(0)
    gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
    gan.compile()
    gan.fit(random_images(8), batch_size=4, epochs=1, verbose=0)
    path = os.path.join(tmp_path_factory.mktemp("source"), "gan.keras")
    gan.save(path)
    latents = np.random.default_rng(0).normal(size=(4, LATENT_DIM)).astype("float32")
    return path, latents, gan.generate(latents)


def weights_of(model):
    return [w.numpy().copy() for w in model.weights]


def same_weights(a, b):
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


class FirstStepImages(keras.callbacks.Callback):
    """Record the generator's images on fixed latents just before the first training step."""

    def __init__(self, latents):
        super().__init__()
        self.latents = latents
        self.images = None

    def on_train_batch_begin(self, batch, logs=None):
        if self.images is None:
            self.images = self.model.generate(self.latents)


def test_fine_tuned_run_starts_from_the_loaded_weights(saved_gan):
    path, latents, images = saved_gan
    gan = transfer.fine_tune(path, transfer="both", seed=1)
    reference = keras.saving.load_model(path)
    recorder = FirstStepImages(latents)
    gan.fit(random_images(8, seed=5), batch_size=4, epochs=1, verbose=0, callbacks=[recorder])
    np.testing.assert_array_equal(recorder.images, reference.generate(latents))
    np.testing.assert_array_equal(recorder.images, images)
    # ... and then it did train.
    assert not np.array_equal(gan.generate(latents), images)


@pytest.mark.parametrize("what", ["generator", "discriminator"])
def test_only_the_chosen_network_transfers(saved_gan, what):
    path, _, _ = saved_gan
    source = keras.saving.load_model(path)
    gan = transfer.fine_tune(path, transfer=what)
    other = "discriminator" if what == "generator" else "generator"
    assert same_weights(weights_of(getattr(gan, what)), weights_of(getattr(source, what)))
    fresh, trained = getattr(gan, other), getattr(source, other)
    # Same architecture, new weights.
    assert [w.shape for w in fresh.weights] == [w.shape for w in trained.weights]
    assert not np.array_equal(fresh.weights[0].numpy(), trained.weights[0].numpy())
    assert int(gan.d_optimizer.iterations) == int(gan.g_optimizer.iterations) == 0


def test_freeze_d_keeps_the_first_layers(saved_gan):
    path, _, _ = saved_gan
    gan = transfer.fine_tune(path, transfer="both", freeze_discriminator_layers=2)
    d = gan.discriminator
    assert [layer.name for layer in d.layers if layer.weights and not layer.trainable] == ["conv1", "norm1"]
    # conv1's kernel, norm1's gamma and beta leave the trainable set.
    assert len(d.trainable_weights) == len(keras.saving.load_model(path).discriminator.trainable_weights) - 3
    frozen = weights_of(d.get_layer("conv1")) + weights_of(d.get_layer("norm1"))
    conv2 = d.get_layer("conv2").kernel.numpy().copy()
    gan.fit(random_images(8, seed=5), batch_size=4, epochs=1, verbose=0)
    assert same_weights(frozen, weights_of(d.get_layer("conv1")) + weights_of(d.get_layer("norm1")))
    assert not np.array_equal(conv2, d.get_layer("conv2").kernel.numpy())


def test_optimizer_state_kept_or_fresh(saved_gan):
    path, _, _ = saved_gan
    source = keras.saving.load_model(path)
    kept = transfer.fine_tune(path, transfer="both", keep_optimizer_state=True)
    assert int(kept.d_optimizer.iterations) == int(kept.g_optimizer.iterations) == 2
    assert same_weights([v.numpy() for v in kept.d_optimizer.variables],
                        [v.numpy() for v in source.d_optimizer.variables])
    kept.fit(random_images(4), batch_size=4, epochs=1, verbose=0)
    assert int(kept.g_optimizer.iterations) == 3
    # Generator only: its optimizer continues, the new discriminator gets a new one.
    half = transfer.fine_tune(path, transfer="generator", keep_optimizer_state=True,
                              d_optimizer=keras.optimizers.Adam(1e-3))
    assert int(half.g_optimizer.iterations) == 2 and int(half.d_optimizer.iterations) == 0
    assert float(half.d_optimizer.learning_rate) == pytest.approx(1e-3)
    fresh = transfer.fine_tune(path, transfer="both")
    assert int(fresh.d_optimizer.iterations) == 0
    # The optimizers given are for a fresh state: a network whose state is kept keeps the source's.
    both = transfer.fine_tune(path, transfer="both", keep_optimizer_state=True,
                              d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3))
    assert int(both.d_optimizer.iterations) == int(both.g_optimizer.iterations) == 2


def test_variant_and_the_fresh_network_can_be_chosen(saved_gan):
    path, _, _ = saved_gan
    discriminator = tiny_networks()[1]
    gan = transfer.fine_tune(path, transfer="generator", variant=keras_gans.models.VARIANTS["dcgan"],
                             discriminator=discriminator)
    assert gan.discriminator is discriminator
    assert type(gan) is keras_gans.DCGAN


def test_bad_fine_tuning_requests_teach(saved_gan, tmp_path):
    path, _, _ = saved_gan
    with pytest.raises(ValueError, match="Invalid value for argument `transfer`. Expected one of generator, "
                                         "discriminator, both. Received: transfer='all'"):
        transfer.fine_tune(path, transfer="all")
    with pytest.raises(ValueError, match="FreezeD freezes layers of a transferred discriminator"):
        transfer.fine_tune(path, transfer="generator", freeze_discriminator_layers=2)
    with pytest.raises(ValueError, match="Invalid value for argument `freeze_discriminator_layers`. "
                                         "Expected an integer from 0 to 7 .*"
                                         "Received: freeze_discriminator_layers=9"):
        transfer.fine_tune(path, transfer="both", freeze_discriminator_layers=9)
    with pytest.raises(ValueError, match="Invalid argument `generator`: with transfer='both'"):
        transfer.fine_tune(path, transfer="both", generator=tiny_networks()[0])
    generator_only = os.path.join(tmp_path, "generator.keras")
    keras.saving.load_model(path).generator.save(generator_only)
    with pytest.raises(ValueError, match="Expected a whole GAN saved by keras_gans .*Received a Functional"):
        transfer.load_gan(generator_only)
    with pytest.raises(FileNotFoundError, match="No saved GAN at"):
        transfer.load_gan(os.path.join(tmp_path, "missing.keras"))


def test_vgg16_discriminator_fine_tunes_with_its_layers_frozen(tmp_path):
    generator = tiny_networks()[0]
    discriminator = keras_gans.networks.vgg16_discriminator(32, 1, weights=None, head_filters=16)
    gan = keras_gans.DCGAN(generator, discriminator, seed=0)
    gan.compile()
    path = os.path.join(tmp_path, "vgg.keras")
    gan.save(path)
    tuned = transfer.fine_tune(path, transfer="both", keep_optimizer_state=True)
    block = tuned.discriminator.get_layer("block2_conv1").kernel.numpy().copy()
    tuned.fit(random_images(4), batch_size=4, epochs=1, verbose=0)
    np.testing.assert_array_equal(block, tuned.discriminator.get_layer("block2_conv1").kernel.numpy())
    assert len(tuned.discriminator.trainable_weights) == 4


CLI_TINY = ["--epochs", "1", "--num-images", "64", "--batch-size", "32", "--latent-dim", "16",
            "--verbose", "0"]


def test_cli_init_from(tmp_path, capsys):
    first, second = str(tmp_path / "first"), str(tmp_path / "second")
    assert cli.main(["train", "--output", first, "--width", "8", *CLI_TINY]) == 0
    assert cli.main(["train", "--output", second, "--init-from", os.path.join(first, "gan.keras"),
                     "--transfer", "generator", "--freeze-d", "0", *CLI_TINY]) == 0
    assert "Fine-tuning from" in capsys.readouterr().out
    # Same seed, same fixed latents: the fine-tuned run's first frame is the first run's last
    # one (below the "epoch N" label strip, the only thing that differs).
    last = keras_gans.plotting.read_png(os.path.join(first, "epoch_001.png"))
    start = keras_gans.plotting.read_png(os.path.join(second, "epoch_000.png"))
    assert last.shape == start.shape
    np.testing.assert_array_equal(last[30:], start[30:])

    assert cli.main(["train", "--output", str(tmp_path / "bad"), "--init-from",
                     os.path.join(first, "gan.keras"), "--image-size", "64", *CLI_TINY]) == 1
    error = capsys.readouterr().err.strip().splitlines()
    assert error == [
        f"keras-gans train: error: {os.path.join(first, 'gan.keras')} makes 32x32x1 images from 16 latents, "
        "but this run asks for 64x64x1 images from 16 latents; use --image-size 32 --latent-dim 16 and a "
        "dataset with 1 channel(s)."]


def test_fine_tuning_a_conditional_gan_trains_with_the_loss_asked_for(tmp_path):
    """`--model cdcgan --loss hinge --init-from X` recorded hinge in config.json and trained with BCE."""
    first, second = str(tmp_path / "first"), str(tmp_path / "second")
    assert cli.main(["train", "--model", "cdcgan", "--output", first, "--width", "8", *CLI_TINY]) == 0
    assert cli.main(["train", "--model", "cdcgan", "--loss", "hinge", "--output", second, "--init-from",
                     os.path.join(first, "gan.keras"), *CLI_TINY]) == 0
    assert keras.saving.load_model(os.path.join(first, "gan.keras")).loss_family == "bce"
    tuned = keras.saving.load_model(os.path.join(second, "gan.keras"))
    assert tuned.loss_family == "hinge" and tuned.discriminator_loss is keras_gans.losses.hinge_discriminator_loss
    assert keras_gans.runs.RunConfig.from_json(second).loss == "hinge"


def test_compare_scratch_and_vgg16(tmp_path):
    images = random_images(8)
    dataset = tf.data.Dataset.from_tensor_slices(images).batch(4)
    out = str(tmp_path / "experiment")
    result = compare_vgg16_discriminator(
        dataset, out, epochs=1, latent_dim=LATENT_DIM, width=8, vgg_weights=None, num_samples=4, verbose=0)
    written = ["epoch_000.png", "epoch_001.png", "progress.gif", "history.csv", "history_steps.csv",
               "losses.png", "gan.keras"]
    for name in [f"{run}/{name}" for run in ("scratch", "vgg16") for name in written] + [
            "side_by_side/epoch_000.png", "side_by_side/epoch_001.png", "side_by_side.gif", "losses.png"]:
        assert os.path.getsize(os.path.join(out, name)) > 0, name
    # Per-step loss curves: 8 images in batches of 4 make 2 steps per run.
    assert result["scratch"]["step"] == result["vgg16"]["step"] == [1, 2]
    assert all(np.isfinite(result["vgg16"]["d_loss"]))
    # Same initial generator and same fixed latents: the two runs' first frames are identical.
    np.testing.assert_array_equal(keras_gans.plotting.read_png(os.path.join(out, "scratch/epoch_000.png")),
                                  keras_gans.plotting.read_png(os.path.join(out, "vgg16/epoch_000.png")))
    np.testing.assert_array_equal(np.load(os.path.join(out, "scratch/latents.npy")),
                                  np.load(os.path.join(out, "vgg16/latents.npy")))
    # Different discriminators, so the runs part ways after training.
    assert not np.array_equal(keras_gans.plotting.read_png(os.path.join(out, "scratch/epoch_001.png")),
                              keras_gans.plotting.read_png(os.path.join(out, "vgg16/epoch_001.png")))
    vgg_gan = keras.saving.load_model(os.path.join(out, "vgg16/gan.keras"))
    # The GANs 101 article's comparison is an LSGAN's, and so is the default here and on the command line.
    assert type(vgg_gan) is keras_gans.LSGAN
    assert cli.parse(["vgg16-experiment"])[1].model == "lsgan"
    assert all(not layer.trainable for layer in vgg_gan.discriminator.layers if "block" in layer.name)
    side = keras_gans.plotting.read_png(os.path.join(out, "side_by_side/epoch_001.png"))
    single = keras_gans.plotting.read_png(os.path.join(out, "scratch/epoch_001.png"))
    assert side.shape[1] == 2 * single.shape[1] + 8
