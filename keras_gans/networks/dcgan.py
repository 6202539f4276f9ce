"""DCGAN generator and discriminator (Radford et al. 2016, https://arxiv.org/abs/1511.06434).

At 64 px with the defaults these are the GANs 101 article's networks layer for layer:

    generator      z (128) -> 4x4x512 -> 8x8x256 -> 16x16x128 -> 32x32x64 -> 64x64xC, tanh
    discriminator  64x64xC -> 32x32x64 -> 16x16x128 -> 8x8x256 -> 4x4x512 -> 1 logit

4x4 kernels, stride 2, no biases, batch norm after every layer but the last (the
seed normalises the discriminator's first layer too, which the DCGAN paper does
not), ReLU in the generator, LeakyReLU(0.2) in the discriminator, no dense layers.
32 px drops one block on each side, 128 px adds one. Weights start from
N(0, 0.02) and batch-norm scales from N(1, 0.02), as the DCGAN paper prescribes.

Departure from the seed: the discriminator returns a **logit**, not a probability
(no sigmoid); `keras_gans.losses` computes BCE from logits, which stays finite
under float16. The last layer of each network is float32 under mixed precision.
"""

import math

import keras
from keras import layers, ops

from keras_gans import checks

SUPPORTED_SIZES = (32, 64, 128)
SUPPORTED_NORMALIZATIONS = ("batch", "layer", "none")


def conv_init():
    return keras.initializers.RandomNormal(0.0, 0.02)


def normalization_layer(kind, name):
    if kind == "batch":
        # PyTorch's BatchNorm2d defaults, as the GANs 101 article uses: its momentum 0.1 is Keras'
        # momentum 0.9 (Keras weighs the old average; 0.99 would let the moving
        # statistics used by `generate` lag far behind a fast-changing generator),
        # and epsilon 1e-5 (Keras' default is 1e-3).
        return layers.BatchNormalization(
            momentum=0.9, epsilon=1e-5, gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02),
            name=name,
        )
    if kind == "layer":
        # Normalise each example over height, width and channels, as WGAN-GP's
        # critic does (batch norm would couple the examples of a batch, which
        # invalidates the per-example gradient penalty).
        return LayerNormalization(axis=[1, 2, 3], name=name)
    return None


@keras.saving.register_keras_serializable(package="keras_gans")
class LayerNormalization(layers.LayerNormalization):
    """Keras' `LayerNormalization` (Ba et al. 2016), with exact second derivatives on every backend.

    y = gamma * (x - mean) / sqrt(var + epsilon) + beta,   var = mean((x - mean)^2)

    over `axis`, computed in float32. WGAN-GP's gradient penalty differentiates the
    critic's gradient, so the critic needs exact second derivatives. Keras' TensorFlow
    backend takes the variance from `tf.nn.moments`, which stops the gradient through the
    mean inside the variance: exact first derivatives, approximate second ones (the
    penalty's gradient came out about 1e-4 relative away from JAX's and PyTorch's, and one
    WGAN-GP step a few percent apart). Here the variance is written out in `keras.ops`, the
    same arithmetic on every backend.
    """

    def call(self, inputs):
        if self.rms_scaling:
            return super().call(inputs)
        # Statistics in float32 (or float64), also under mixed precision, as Keras computes them.
        x = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        mean = ops.mean(x, axis=self.axis, keepdims=True)
        variance = ops.mean(ops.square(x - mean), axis=self.axis, keepdims=True)
        outputs = (x - mean) * ops.rsqrt(variance + self.epsilon)
        shape = [1] * len(x.shape)  # gamma and beta span `axis`
        for axis in self.axis:
            shape[axis] = x.shape[axis]
        if self.gamma is not None:
            outputs = outputs * ops.reshape(ops.cast(self.gamma, x.dtype), shape)
        if self.beta is not None:
            outputs = outputs + ops.reshape(ops.cast(self.beta, x.dtype), shape)
        return ops.cast(outputs, self.compute_dtype)


def num_blocks(image_size):
    # Number of stride-2 layers between 4x4 and the image size.
    return int(math.log2(image_size // 4))


def generator_hidden_layers(image_size, latent_dim, width, normalization):
    """The generator's input and its hidden stack, up to the S/2 x S/2 map (DCGAN and SAGAN).

    z -> ConvTranspose(4x4, valid) to 4x4 -> [ConvTranspose(4x4, stride 2) -> norm -> ReLU] ...
    Returns the `keras.Input` and the last hidden tensor.
    """
    z = keras.Input((latent_dim,), name="latents")
    return z, upsampling_stack(layers.Reshape((1, 1, latent_dim))(z), image_size, width, normalization)


def upsampling_stack(x, image_size, width, normalization):
    """The generator's hidden stack from a (B, 1, 1, d) code to the S/2 x S/2 map (shared with
    `keras_gans.networks.conditional`)."""
    blocks = num_blocks(image_size)
    for i in range(blocks):
        filters = width * 2 ** (blocks - 1 - i)
        # The first layer turns the 1x1 latent into 4x4; the others double the size.
        strides, padding = (1, "valid") if i == 0 else (2, "same")
        x = layers.Conv2DTranspose(filters, 4, strides=strides, padding=padding, use_bias=False,
                                   kernel_initializer=conv_init(), name=f"deconv{i + 1}")(x)
        norm = normalization_layer(normalization, f"bn{i + 1}")
        if norm is not None:
            x = norm(x)
        x = layers.ReLU(name=f"relu{i + 1}")(x)
    return x


def dcgan_generator(image_size=64, channels=3, latent_dim=128, width=64, normalization="batch",
                    name="generator"):
    """DCGAN generator: a latent vector to an image in [-1, 1].

    Radford et al. 2016, https://arxiv.org/abs/1511.06434.

    z -> ConvTranspose(4x4, valid) to 4x4 -> [ConvTranspose(4x4, stride 2) -> BN -> ReLU] ...
      -> ConvTranspose to `channels` -> tanh

    Args:
        image_size: 32, 64 or 128.
        channels: output channels (1 grey, 3 RGB).
        latent_dim: size of the latent vector z.
        width: channels of the last hidden layer; the first hidden layer has
            width * image_size / 8 (512 at 64 px with width 64, as the GANs 101 article).
        normalization: "batch" (the GANs 101 article) or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping (B, latent_dim) to (B, S, S, channels)
        float32 in [-1, 1].

    Example:
    >>> g = dcgan_generator(32, channels=1, latent_dim=16, width=8)
    >>> tuple(g(keras.ops.zeros((2, 16))).shape)
    (2, 32, 32, 1)
    """
    checks.one_of("image_size", image_size, SUPPORTED_SIZES)
    checks.one_of("normalization", normalization, ("batch", "none"))
    checks.positive_int("channels", channels, "a positive integer (1 for grey, 3 for RGB)")
    z, x = generator_hidden_layers(image_size, latent_dim, width, normalization)
    images = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", use_bias=False,
                                    kernel_initializer=conv_init(), activation="tanh",
                                    dtype="float32", name="to_image")(x)
    return keras.Model(z, images, name=name)


def dcgan_discriminator(image_size=64, channels=3, width=64, normalization="batch",
                        name="discriminator"):
    """DCGAN discriminator: an image in [-1, 1] to one real/fake **logit**.

    Radford et al. 2016, https://arxiv.org/abs/1511.06434.

    image -> [Conv(4x4, stride 2) -> norm -> LeakyReLU(0.2)] ... -> Conv(4x4, valid) -> logit

    Args:
        image_size: 32, 64 or 128.
        channels: input channels.
        width: channels of the first layer, doubled at every layer after it.
        normalization: "batch" (the GANs 101 article; also normalises the first layer),
            "layer" (per example; use it for WGAN-GP critics) or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping (B, S, S, channels) to (B, 1) float32 logits.

    Example:
    >>> d = dcgan_discriminator(32, channels=1, width=8)
    >>> tuple(d(keras.ops.zeros((2, 32, 32, 1))).shape)
    (2, 1)
    """
    checks.one_of("image_size", image_size, SUPPORTED_SIZES)
    checks.one_of("normalization", normalization, SUPPORTED_NORMALIZATIONS)
    checks.positive_int("channels", channels, "a positive integer (1 for grey, 3 for RGB)")
    images = keras.Input((image_size, image_size, channels), name="images")
    x = downsampling_stack(images, image_size, width, normalization)
    # The last 4x4 map is read by one 4x4 convolution: one logit per image.
    x = layers.Conv2D(1, 4, padding="valid", use_bias=False, kernel_initializer=conv_init(),
                      dtype="float32", name="to_logit")(x)
    logits = layers.Flatten(dtype="float32", name="logits")(x)
    return keras.Model(images, logits, name=name)


def downsampling_stack(x, image_size, width, normalization):
    """The discriminator's stack from the S x S image to the 4x4 map (shared with
    `keras_gans.networks.conditional`): [Conv(4x4, stride 2) -> norm -> LeakyReLU(0.2)] ..."""
    for i in range(num_blocks(image_size)):
        x = layers.Conv2D(width * 2 ** i, 4, strides=2, padding="same", use_bias=False,
                          kernel_initializer=conv_init(), name=f"conv{i + 1}")(x)
        norm = normalization_layer(normalization, f"norm{i + 1}")
        if norm is not None:
            x = norm(x)
        x = layers.LeakyReLU(0.2, name=f"lrelu{i + 1}")(x)
    return x
