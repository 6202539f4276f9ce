"""Test set-up: offline, CPU only, quiet, two logical CPU devices for tf.distribute."""

import os
import re

os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import pytest  # noqa: E402
import tensorflow as tf  # noqa: E402

# Two logical CPUs must be configured before TensorFlow starts its runtime, so it
# happens here, once, for the whole session (the distribution test needs them).
tf.config.set_logical_device_configuration(
    tf.config.list_physical_devices("CPU")[0],
    [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()],
)

from keras_gans import networks  # noqa: E402

LATENT_DIM = 16


@pytest.fixture(scope="session")
def mirrored():
    """One MirroredStrategy over the two logical CPUs for the whole test session.

    Two MirroredStrategy objects in one process can hand out clashing collective
    keys (a TensorFlow limitation), so every test shares this one.
    """
    devices = tf.config.list_logical_devices("CPU")
    assert len(devices) >= 2, "two logical CPUs are configured above"
    return tf.distribute.MirroredStrategy([d.name for d in devices[:2]])


@pytest.fixture(autouse=True)
def float32_policy():
    """Every test starts in float32, whatever the one before it set."""
    keras.mixed_precision.set_global_policy("float32")
    yield
    keras.mixed_precision.set_global_policy("float32")


def tiny_networks(image_size=32, channels=1, normalization="batch", critic_normalization=None):
    """Small DCGAN networks (width 8, latent 16) so a training step takes milliseconds."""
    generator = networks.dcgan_generator(image_size, channels, LATENT_DIM, width=8,
                                         normalization=normalization)
    discriminator = networks.dcgan_discriminator(image_size, channels, width=8,
                                                 normalization=critic_normalization or normalization)
    return generator, discriminator


# What TensorFlow's C++ runtime prints to stderr when it starts (no variable silences
# it in TF 2.21): not the command's own output.
_TENSORFLOW_START_UP = re.compile(
    r"^(WARNING: All log messages before absl|[IWE]\d{4} \d\d:\d\d:|To enable the following instructions)")


def own_lines(stderr):
    """The lines of a command's stderr without TensorFlow's start-up messages."""
    return [line for line in stderr.strip().splitlines() if not _TENSORFLOW_START_UP.match(line)]


def random_images(n=64, image_size=32, channels=1, seed=0):
    return keras.random.uniform((n, image_size, image_size, channels), -1.0, 1.0, seed=seed)
