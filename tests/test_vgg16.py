"""The VGG16 transfer-learning discriminator: shapes, freezing, preprocessing, weights files."""

import os

import keras
import numpy as np
import pytest
from conftest import LATENT_DIM, random_images

import keras_gans
from keras_gans import networks
from keras_gans.networks.vgg16 import VGG16Preprocessing

VGG_KEPT = ["block1_conv1", "block1_conv2", "block1_pool", "block2_conv1", "block2_conv2", "block2_pool",
            "block3_conv1", "block3_conv2", "block3_conv3"]
HEAD = ["head_pool", "head_conv", "head_norm", "head_lrelu", "to_logit", "logits"]


def small_vgg_discriminator(**kwargs):
    kwargs = {"image_size": 32, "channels": 1, "weights": None, "head_filters": 16, **kwargs}
    return networks.vgg16_discriminator(**kwargs)


def frozen_layers(discriminator):
    return [layer for layer in discriminator.layers if "block" in layer.name and layer.weights]


def snapshot(layers_):
    return {layer.name: [w.numpy().copy() for w in layer.weights] for layer in layers_}


def tiny_vgg_gan(seed=0, **kwargs):
    generator = networks.dcgan_generator(32, 1, LATENT_DIM, width=8)
    gan = keras_gans.DCGAN(generator, small_vgg_discriminator(**kwargs), seed=seed)
    gan.compile()
    return gan


@pytest.mark.parametrize("image_size, kernel", [(32, 2), (64, 4), (128, 8)])
def test_layers_and_output_shape_per_size(image_size, kernel):
    d = networks.vgg16_discriminator(image_size, channels=3, weights=None, head_filters=16)
    names = [layer.name for layer in d.layers]
    assert names == ["images", "vgg_preprocessing", *VGG_KEPT, *HEAD]
    # "block" marks VGG's layers and only them.
    assert [n for n in names if "block" in n] == VGG_KEPT
    features = d.get_layer("block3_conv3").output
    assert tuple(features.shape) == (None, image_size // 4, image_size // 4, 256)
    # The last kernel covers the whole map that is left: one logit per image.
    assert tuple(d.get_layer("to_logit").kernel.shape) == (kernel, kernel, 16, 1)
    logits = d(random_images(2, image_size, 3))
    assert tuple(logits.shape) == (2, 1)
    assert logits.dtype == "float32"


def test_trainable_weights_are_the_head_only():
    d = small_vgg_discriminator()
    # Seven convolutions, kernel and bias each, are frozen.
    assert len(d.non_trainable_weights) == 14 + 2  # + the head's batch-norm moving statistics
    assert all("block" not in w.path for w in d.trainable_weights)
    assert len(d.trainable_weights) == 4  # head conv, BN gamma and beta, logit conv
    assert all(not layer.trainable for layer in frozen_layers(d))


def test_unfreeze_from_trains_the_top_of_the_cut():
    d = small_vgg_discriminator(unfreeze_from="block3_conv2")
    trainable = {layer.name for layer in frozen_layers(d) if layer.trainable}
    assert trainable == {"block3_conv2", "block3_conv3"}
    assert len(d.trainable_weights) == 4 + 4


def test_other_cut_point():
    d = small_vgg_discriminator(frozen_until="block2_conv2")
    assert [layer.name for layer in d.layers if "block" in layer.name][-1] == "block2_conv2"
    assert tuple(d.get_layer("to_logit").kernel.shape) == (4, 4, 16, 1)  # 32 -> 16 -> 8 -> 4


def test_preprocessing_matches_vgg_expectations():
    rgb = np.array([[[[-1.0, 0.0, 1.0]]]], "float32")  # R = 0, G = 127.5, B = 255 on [0, 255]
    out = keras.ops.convert_to_numpy(VGG16Preprocessing()(rgb))
    # BGR order minus the ImageNet BGR means, by hand.
    np.testing.assert_allclose(out[0, 0, 0], [255 - 103.939, 127.5 - 116.779, 0 - 123.68], rtol=1e-6)
    images = keras.ops.convert_to_numpy(random_images(2, 8, 3))
    expected = keras.applications.vgg16.preprocess_input((images + 1.0) * 127.5)
    np.testing.assert_allclose(VGG16Preprocessing()(images), expected, rtol=1e-5, atol=1e-4)


def test_grey_images_are_repeated_to_three_channels():
    grey = keras.ops.convert_to_numpy(random_images(2, 8, 1))
    out = VGG16Preprocessing()(grey)
    assert tuple(out.shape) == (2, 8, 8, 3)
    np.testing.assert_allclose(out, VGG16Preprocessing()(np.repeat(grey, 3, axis=-1)), atol=1e-5)


@pytest.mark.parametrize("policy", ["float32", "mixed_float16"])
def test_frozen_weights_do_not_change_in_fit(policy):
    keras.mixed_precision.set_global_policy(policy)
    gan = tiny_vgg_gan()
    frozen = snapshot(frozen_layers(gan.discriminator))
    head = gan.discriminator.get_layer("head_conv").kernel.numpy().copy()
    history = gan.fit(random_images(8), batch_size=4, epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    for name, before in frozen.items():
        for b, a in zip(before, gan.discriminator.get_layer(name).weights):
            np.testing.assert_array_equal(b, a.numpy())
    # The head did learn (under float16 the first steps may be skipped while the loss scale settles).
    if policy == "float32":
        assert not np.array_equal(head, gan.discriminator.get_layer("head_conv").kernel.numpy())
    assert gan.discriminator.get_layer("to_logit").compute_dtype == "float32"
    if policy == "mixed_float16":
        assert gan.discriminator.get_layer("block1_conv1").compute_dtype == "float16"


def test_freezing_survives_keras_round_trip(tmp_path):
    gan = tiny_vgg_gan(unfreeze_from="block3_conv3")
    gan.fit(random_images(4), batch_size=4, epochs=1, verbose=0)
    path = os.path.join(tmp_path, "gan.keras")
    gan.save(path)
    loaded = keras.saving.load_model(path)
    d = loaded.discriminator
    assert {layer.name: layer.trainable for layer in frozen_layers(d)} == {
        layer.name: layer.trainable for layer in frozen_layers(gan.discriminator)}
    assert len(d.trainable_weights) == len(gan.discriminator.trainable_weights) == 6
    images = random_images(2)
    np.testing.assert_allclose(d(images), gan.discriminator(images), atol=1e-5)
    frozen = snapshot(layer for layer in frozen_layers(d) if not layer.trainable)
    loaded.fit(random_images(4), batch_size=4, epochs=1, verbose=0)
    for name, before in frozen.items():
        for b, a in zip(before, d.get_layer(name).weights):
            np.testing.assert_array_equal(b, a.numpy())


def test_weights_file_is_loaded(tmp_path):
    keras.utils.set_random_seed(1)
    source = keras.applications.VGG16(include_top=False, weights=None, input_shape=(32, 32, 3))
    path = os.path.join(tmp_path, "vgg16_notop.weights.h5")
    source.save_weights(path)
    # Saved at 32 px, used at 64 px: convolution weights do not depend on the image size.
    d = networks.vgg16_discriminator(64, channels=3, weights=path, head_filters=16)
    for layer in frozen_layers(d):
        for w, expected in zip(layer.weights, source.get_layer(layer.name).weights):
            np.testing.assert_array_equal(w.numpy(), expected.numpy())
    random = networks.vgg16_discriminator(64, channels=3, weights=None, head_filters=16)
    assert not np.array_equal(random.get_layer("block1_conv1").kernel.numpy(),
                              d.get_layer("block1_conv1").kernel.numpy())


def test_bad_arguments_teach(tmp_path):
    with pytest.raises(ValueError, match="Invalid value for argument `frozen_until`. Expected one of "
                                         "block1_conv1, .*Received: frozen_until='block3_conv4'"):
        small_vgg_discriminator(frozen_until="block3_conv4")
    with pytest.raises(ValueError, match="Invalid value for argument `unfreeze_from`.*"
                                         "Received: unfreeze_from='block4_conv1'"):
        small_vgg_discriminator(unfreeze_from="block4_conv1")
    with pytest.raises(ValueError, match="leaves 1x1 features and the head needs at least 2x2"):
        small_vgg_discriminator(frozen_until="block5_pool")
    with pytest.raises(ValueError, match="Invalid value for argument `weights`.*Received: weights='vgg16'"):
        small_vgg_discriminator(weights="vgg16")
    with pytest.raises(FileNotFoundError, match="No VGG16 weights file at .*missing.weights.h5"):
        small_vgg_discriminator(weights=os.path.join(tmp_path, "missing.weights.h5"))
    with pytest.raises(ValueError, match="Invalid value for argument `channels`"):
        small_vgg_discriminator(channels=2)


def test_failed_imagenet_download_says_what_to_do(monkeypatch):
    def offline(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...: None -- no network")

    # Stands in for the download, so the test stays offline.
    monkeypatch.setattr(keras.applications, "VGG16", offline)
    with pytest.raises(OSError, match="Could not download VGG16's ImageNet weights .*Offline, pass "
                                      "weights=None or the path of a `.weights.h5` file"):
        small_vgg_discriminator(weights="imagenet")


class StopInEpoch(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("interrupted")


def test_frozen_layers_stay_frozen_in_a_resumed_run(tmp_path):
    backup = keras.callbacks.BackupAndRestore(os.path.join(tmp_path, "backup"))
    keras.utils.set_random_seed(0)
    gan = tiny_vgg_gan()
    frozen = snapshot(frozen_layers(gan.discriminator))
    with pytest.raises(RuntimeError, match="interrupted"):
        gan.fit(random_images(4), batch_size=4, epochs=2, verbose=0, callbacks=[backup, StopInEpoch(1)])
    keras.utils.set_random_seed(0)  # a new session builds the same model and resumes it
    resumed = tiny_vgg_gan()
    resumed.fit(random_images(4), batch_size=4, epochs=2, verbose=0, callbacks=[backup])
    assert int(resumed.d_optimizer.iterations) == 2  # one step restored, one more run
    assert len(resumed.discriminator.trainable_weights) == 4
    for name, before in frozen.items():
        for b, a in zip(before, resumed.discriminator.get_layer(name).weights):
            np.testing.assert_array_equal(b, a.numpy())
