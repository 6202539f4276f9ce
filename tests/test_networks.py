"""The DCGAN builders: the GANs 101 article's networks at 64 px, every size, clear errors."""

import keras
import pytest

from keras_gans import networks


def trainable_count(model):
    return sum(int(keras.ops.size(w)) for w in model.trainable_weights)


def test_64px_defaults_reproduce_the_seed_networks():
    generator, discriminator = networks.dcgan_generator(), networks.dcgan_discriminator()
    assert trainable_count(generator) == 3_806_080
    assert trainable_count(discriminator) == 2_765_696
    deconvs = [layer for layer in generator.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert [layer.filters for layer in deconvs] == [512, 256, 128, 64, 3]
    convs = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.Conv2D)]
    assert [layer.filters for layer in convs] == [64, 128, 256, 512, 1]
    assert all(layer.kernel_size == (4, 4) and not layer.use_bias for layer in deconvs + convs)
    norms = [layer for layer in discriminator.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(norms) == 4  # after every convolution but the last, the first included
    assert not any(isinstance(layer, keras.layers.Dense) for layer in generator.layers + discriminator.layers)


@pytest.mark.parametrize("image_size", [32, 64, 128])
@pytest.mark.parametrize("channels", [1, 3])
def test_shapes_for_every_size_and_channel_count(image_size, channels):
    generator = networks.dcgan_generator(image_size, channels, latent_dim=8, width=4)
    discriminator = networks.dcgan_discriminator(image_size, channels, width=4)
    images = generator(keras.random.normal((2, 8)))
    assert images.shape == (2, image_size, image_size, channels)
    assert discriminator(images).shape == (2, 1)
    values = keras.ops.convert_to_numpy(images)
    assert values.min() >= -1.0 and values.max() <= 1.0


def test_last_layers_stay_float32_under_mixed_precision():
    keras.mixed_precision.set_global_policy("mixed_float16")
    generator = networks.dcgan_generator(32, 1, latent_dim=8, width=4)
    discriminator = networks.dcgan_discriminator(32, 1, width=4)
    images = generator(keras.random.normal((2, 8)))
    assert images.dtype == "float32" and discriminator(images).dtype == "float32"
    assert generator.layers[1].compute_dtype == "float16"


@pytest.mark.parametrize("kind, layer_class", [("layer", keras.layers.LayerNormalization),
                                         ("batch", keras.layers.BatchNormalization)])
def test_discriminator_normalization(kind, layer_class):
    discriminator = networks.dcgan_discriminator(32, 1, width=4, normalization=kind)
    assert sum(isinstance(layer, layer_class) for layer in discriminator.layers) == 3
    plain = networks.dcgan_discriminator(32, 1, width=4, normalization="none")
    assert not any(isinstance(layer, (keras.layers.BatchNormalization, keras.layers.LayerNormalization))
                   for layer in plain.layers)


def test_unsupported_size_is_a_teaching_error():
    with pytest.raises(ValueError) as error:
        networks.dcgan_generator(image_size=50)
    assert str(error.value) == (
        "Invalid value for argument `image_size`. Expected one of 32, 64, 128. Received: image_size=50")
    with pytest.raises(ValueError, match="Expected one of batch, layer, none. Received: normalization='gro"):
        networks.dcgan_discriminator(normalization="group")
    with pytest.raises(ValueError, match="Received: channels=0"):
        networks.dcgan_discriminator(channels=0)
