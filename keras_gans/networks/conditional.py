"""Class-conditional DCGAN networks: a generator that draws the class it is asked for, and two
discriminators that judge an image together with its label.

    generator       [z (B, latent_dim), y (B,) int32] -> concat(z, embed(y)) -> DCGAN stack -> image
    discriminator   [image, y] -> logit, the label entering one of two ways:
      "projection"  (Miyato & Koyama 2018, the default): DCGAN stack -> phi(x) features;
                    logit = psi(phi(x)) + <V_y, phi(x)>
      "concatenate" (Mirza & Osindero 2014, the simpler teaching form): the one-hot label
                    as num_classes extra image channels, then the DCGAN discriminator

The hidden stacks are the DCGAN ones (`keras_gans.networks.dcgan`): 4x4 kernels,
stride 2, batch norm, ReLU / LeakyReLU(0.2), weights from N(0, 0.02). Labels are
integers 0 .. num_classes - 1. Every network's last layer is float32 and the
discriminators return logits, as everywhere in the package.
"""

import keras
import numpy as np
from keras import layers

from keras_gans import checks
from keras_gans.networks.dcgan import (
    SUPPORTED_NORMALIZATIONS,
    SUPPORTED_SIZES,
    conv_init,
    downsampling_stack,
    upsampling_stack,
)

CONDITIONINGS = ("projection", "concatenate")
DEFAULT_EMBEDDING_DIM = 32
LABEL_EMBEDDING = "label_embedding"  # the generator's embedding layer: it knows num_classes


def _check(image_size, channels, num_classes):
    checks.one_of("image_size", image_size, SUPPORTED_SIZES)
    checks.positive_int("channels", channels, "a positive integer (1 for grey, 3 for RGB)")
    if not checks.is_int(num_classes) or num_classes < 2:
        raise checks.invalid("num_classes", "an integer of at least 2", num_classes)


def _labels_input():
    return keras.Input((), dtype="int32", name="labels")


def conditional_generator(image_size=32, channels=1, latent_dim=128, num_classes=10, width=32,
                          embedding_dim=DEFAULT_EMBEDDING_DIM, normalization="batch", name="generator"):
    """A DCGAN generator that takes a class label beside its latent vector.

    Mirza and Osindero 2014, "Conditional Generative Adversarial Nets",
    https://arxiv.org/abs/1411.1784: the generator receives the label y with z. Here y
    is embedded (a learned vector per class, as in Miyato & Koyama 2018 and BigGAN)
    and joined to z:

    [z, y] -> concat(z, E[y]) -> ConvTranspose(4x4, valid) to 4x4 -> [ConvTranspose(4x4, stride 2)
           -> BN -> ReLU] ... -> ConvTranspose to `channels` -> tanh

    The embedding starts small (Keras' default, U(-0.05, 0.05)) and the label's voice
    grows as training needs it. Started as loud as z (N(0, 1)), the label's variation
    crowded z out of the first batch norm and every class collapsed to one image
    (measured on the digits after 1,500 steps: pixel spread across latents within a
    class 0.03 against 0.18 with the small start, 0.23 for real digits).

    Args:
        image_size: 32, 64 or 128.
        channels: output channels (1 grey, 3 RGB).
        latent_dim: size of z.
        num_classes: number of classes (labels 0 .. num_classes - 1).
        width: channels of the last hidden layer, as in `dcgan_generator`.
        embedding_dim: size of the label's vector E[y].
        normalization: "batch" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` with inputs [latents (B, latent_dim) float32,
        labels (B,) int32] and output (B, S, S, channels) float32 in [-1, 1].

    Example:
    >>> g = conditional_generator(32, channels=1, latent_dim=16, num_classes=10, width=8)
    >>> tuple(g([keras.ops.zeros((2, 16)), keras.ops.array([3, 7])]).shape)
    (2, 32, 32, 1)
    """
    _check(image_size, channels, num_classes)
    checks.one_of("normalization", normalization, ("batch", "none"))
    checks.positive_int("embedding_dim", embedding_dim)
    latents = keras.Input((latent_dim,), name="latents")
    labels = _labels_input()
    embedded = layers.Embedding(num_classes, embedding_dim, name=LABEL_EMBEDDING)(labels)
    code = layers.Concatenate(name="latents_and_label")([latents, embedded])
    x = upsampling_stack(layers.Reshape((1, 1, latent_dim + embedding_dim))(code), image_size, width,
                         normalization)
    images = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", use_bias=False,
                                    kernel_initializer=conv_init(), activation="tanh",
                                    dtype="float32", name="to_image")(x)
    return keras.Model([latents, labels], images, name=name)


def conditional_discriminator(image_size=32, channels=1, num_classes=10, width=32, conditioning="projection",
                              normalization="batch", name="discriminator"):
    """A DCGAN discriminator that judges an image together with its label: one logit per pair.

    "projection" (the default), Miyato and Koyama 2018, "cGANs with Projection
    Discriminator", https://arxiv.org/abs/1802.05637: with phi(x) the features of the
    DCGAN stack, psi a linear map to one number and V a learned vector per class,

    logit(x, y) = psi(phi(x)) + <V_y, phi(x)>

    The first term says how real x looks, the second how much it looks like class y.

    "concatenate", Mirza and Osindero 2014, https://arxiv.org/abs/1411.1784: the
    one-hot label becomes `num_classes` constant image channels (one of them all
    ones) beside the image's own, and the DCGAN discriminator reads them together.

    Departure from Miyato & Koyama: their phi is a ResNet's features summed over the
    positions of the last map; here phi is the DCGAN stack's whole 4x4 map, flattened,
    so psi is exactly the DCGAN discriminator's last 4x4 convolution and the
    unconditional part is the DCGAN discriminator unchanged. There is no spectral
    normalisation (the DCGAN stack's batch norm instead).

    Args:
        image_size: 32, 64 or 128.
        channels: image channels.
        num_classes: number of classes (labels 0 .. num_classes - 1).
        width: channels of the first layer, doubled at every layer after it.
        conditioning: "projection" or "concatenate".
        normalization: "batch", "layer" or "none".
        name: model name.

    Returns:
        A functional `keras.Model` with inputs [images (B, S, S, channels), labels (B,)
        int32] and output (B, 1) float32 logits.

    Example:
    >>> d = conditional_discriminator(32, channels=1, num_classes=10, width=8)
    >>> tuple(d([keras.ops.zeros((2, 32, 32, 1)), keras.ops.array([3, 7])]).shape)
    (2, 1)
    """
    _check(image_size, channels, num_classes)
    checks.one_of("conditioning", conditioning, CONDITIONINGS)
    checks.one_of("normalization", normalization, SUPPORTED_NORMALIZATIONS)
    images = keras.Input((image_size, image_size, channels), name="images")
    labels = _labels_input()
    if conditioning == "concatenate":
        one_hot = layers.CategoryEncoding(num_classes, output_mode="one_hot", name="label_one_hot")(labels)
        planes = layers.UpSampling2D(image_size, name="label_planes")(
            layers.Reshape((1, 1, num_classes))(one_hot))
        x = downsampling_stack(layers.Concatenate(name="image_and_label")([images, planes]), image_size,
                               width, normalization)
        x = layers.Conv2D(1, 4, padding="valid", use_bias=False, kernel_initializer=conv_init(),
                          dtype="float32", name="to_logit")(x)
        logits = layers.Flatten(dtype="float32", name="logits")(x)
        return keras.Model([images, labels], logits, name=name)
    features = layers.Flatten(dtype="float32", name="features")(downsampling_stack(images, image_size, width,
                                                                                    normalization))
    return keras.Model([images, labels], projection_logits(features, labels, num_classes), name=name)


def projection_logits(features, labels, num_classes):
    """The projection head: psi(phi) + <V_y, phi>, from features (B, F) and labels (B,); float32.

    psi is a Dense(1) without bias (`to_logit`), V an Embedding(num_classes, F)
    (`label_projection`); both start from N(0, 0.02) like the DCGAN layers.
    """
    unconditional = layers.Dense(1, use_bias=False, kernel_initializer=conv_init(), dtype="float32",
                                 name="to_logit")(features)
    class_vectors = layers.Embedding(num_classes, features.shape[-1], embeddings_initializer=conv_init(),
                                     dtype="float32", name="label_projection")(labels)
    projection = layers.Dot(axes=1, dtype="float32", name="projection")([class_vectors, features])
    return layers.Add(dtype="float32", name="logits")([unconditional, projection])


def is_conditional(model):
    """Whether a generator takes [latents (B, latent_dim), labels (B,)]."""
    inputs = getattr(model, "inputs", None) or []
    return len(inputs) == 2 and len(inputs[0].shape) == 2 and len(inputs[1].shape) == 1


def num_classes_of(generator):
    """The number of classes of a conditional generator built here (its `label_embedding`), else None."""
    try:
        return int(generator.get_layer(LABEL_EMBEDDING).input_dim)
    except ValueError:
        return None


def labels_for(num_images, labels, num_classes):
    """The class of each of `num_images` images, as an int32 NumPy array, checked against `num_classes`.

    Args:
        num_images: how many images.
        labels: None cycles through the classes (0, 1, ..., num_classes - 1, 0, ...); an
            int gives every image that class; a sequence of `num_images` gives each its
            own; a shorter sequence is repeated (labels=[3, 5] gives 3, 5, 3, 5, ...).
        num_classes: the number of classes.

    Returns:
        int32 array (num_images,).

    Example:
    >>> labels_for(5, None, 3).tolist()
    [0, 1, 2, 0, 1]
    """
    if labels is None:
        return (np.arange(num_images) % num_classes).astype("int32")
    values = np.asarray(labels)
    expected = f"class numbers from 0 to {num_classes - 1} (an int or a sequence of at most {num_images})"
    if values.dtype.kind not in "iu" or values.ndim > 1 or values.size == 0 or values.size > num_images:
        raise checks.invalid("labels", expected, labels)
    if values.min() < 0 or values.max() >= num_classes:
        raise checks.invalid("labels", expected, labels)
    return np.resize(values.astype("int32"), num_images)
