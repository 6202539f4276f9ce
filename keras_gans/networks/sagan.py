"""Self-attention and spectral normalisation: the SAGAN networks (Zhang et al. 2019).

Zhang, Goodfellow, Metaxas and Odena 2019, "Self-Attention Generative Adversarial
Networks", https://arxiv.org/abs/1805.08318. A convolution only sees a small
neighbourhood; a self-attention block lets every position of a feature map look
at every other one, so distant parts of an image (two eyes, the two ends of a
stroke) can agree. Spectral normalisation (Miyato et al. 2018,
https://arxiv.org/abs/1802.05957) keeps the discriminator's layers 1-Lipschitz.

The builders follow a CIFAR-10 DCGAN/SAGAN project (vineeths96's Generative-Adversarial-
Networks-GANs on GitHub), DCGAN-style:

    generator      z -> 4x4 -> ... -> S/2 x S/2 -> self-attention -> S x S x C, tanh
    discriminator  S x S x C -> S/2 x S/2 -> self-attention -> ... -> 4x4 -> 1 logit

4x4 (de)convolutions with stride 2, batch norm + ReLU in the generator, spectral
norm on every discriminator layer (attention included) + LeakyReLU(0.1).

Departures from the paper, written here once:
- The paper's networks are residual (ResNet blocks); these are plain DCGAN-style
  stacks, as in that project, so a comparison with DCGAN changes one thing
  at a time.
- The paper also applies spectral norm to the generator and uses class-conditional
  batch norm; this generator is unconditional with plain batch norm (that
  project's choice).
- `keras.layers.SpectralNormalization` divides the kernel by its largest singular
  value (one power iteration per training call) and writes the result back into
  the kernel; in Miyato et al. the division is part of the forward pass and the
  gradient flows through sigma. The effect, a kernel of spectral norm about 1 at
  every step, is the same.
- The attention logits go through the softmax in float32, so `mixed_float16`
  cannot overflow them.
"""

import keras
from keras import layers, ops

from keras_gans import checks
from keras_gans.networks.dcgan import conv_init, generator_hidden_layers, num_blocks

SUPPORTED_SIZES = (32, 64)


@keras.saving.register_keras_serializable(package="keras_gans")
class SpectralNormalization(layers.SpectralNormalization):
    """Keras' `SpectralNormalization`, with the same gradient on TensorFlow, JAX and PyTorch.

    In training Keras writes the normalised kernel W / sigma back into the kernel, and the
    wrapped layer then reads the kernel. On TensorFlow and PyTorch the write cuts the
    gradient: the loss is differentiated as if W / sigma were the weight itself. On JAX,
    where the write only records a traced value, the gradient would also flow through
    sigma(W), a different update. Writing stop_gradient(W / sigma) + (W - stop_gradient(W))
    keeps the value W / sigma exactly (W - W is 0) and gives every backend TensorFlow's
    gradient.
    """

    def normalized_weights(self):
        vector_u, kernel = super().normalized_weights()
        return vector_u, ops.stop_gradient(kernel) + (self.kernel - ops.stop_gradient(self.kernel))


def spectral_norm(layer, name):
    """Wrap `layer` in `SpectralNormalization` (Keras' layer, one gradient on every backend), in float32.

    Under `mixed_float16` the wrapper would run its power iteration in float16, where
    the squared entries of the small singular vectors underflow to 0 and the
    normalisation divides by zero (NaN weights after a few steps; seen with Keras
    3.15). A float32 wrapper keeps that arithmetic in float32; the wrapped layer
    still computes in its own (float16) dtype.
    """
    return SpectralNormalization(layer, dtype="float32", name=name)


@keras.saving.register_keras_serializable(package="keras_gans")
class SelfAttention(layers.Layer):
    """Self-attention over the positions of a feature map (SAGAN, Zhang et al. 2019).

    https://arxiv.org/abs/1805.08318, section 4. With x the (B, H, W, C) input and
    N = H * W positions, 1x1 convolutions give queries f(x), keys g(x) (C/8
    channels each) and values h(x) (C/8 channels), then

    beta = softmax(f(x) g(x)^T)          (B, N, N): how much each position looks at each other
    o = v(beta h(x))                     back to C channels by a 1x1 convolution v
    y = gamma * o + x                    gamma starts at 0

    so the block starts as the identity and learns how much attention to mix in.

    Args:
        reduction: channel reduction of queries, keys and values (paper: 8).
        spectral_norm: wrap the four 1x1 convolutions in
            `keras.layers.SpectralNormalization` (the discriminator's setting).
        **kwargs: `keras.layers.Layer` options (`name`, `dtype`).

    Example:
    >>> tuple(SelfAttention()(keras.ops.ones((2, 8, 8, 16))).shape)
    (2, 8, 8, 16)
    """

    def __init__(self, reduction=8, spectral_norm=False, **kwargs):
        super().__init__(**kwargs)
        self.reduction = checks.positive_int("reduction", reduction)
        self.spectral_norm = spectral_norm

    def _conv(self, filters, name):
        conv = layers.Conv2D(filters, 1, kernel_initializer=conv_init(), dtype=self.dtype_policy,
                             name=name)
        if self.spectral_norm:
            return spectral_norm(conv, f"{name}_sn")
        return conv

    def build(self, input_shape):
        channels = int(input_shape[-1])
        inner = max(1, channels // self.reduction)
        self.query = self._conv(inner, "query")
        self.key = self._conv(inner, "key")
        self.value = self._conv(inner, "value")
        self.output_conv = self._conv(channels, "output")
        self.query.build(input_shape)
        self.key.build(input_shape)
        self.value.build(input_shape)
        self.output_conv.build((*input_shape[:-1], inner))
        self.gamma = self.add_weight(shape=(), initializer="zeros", name="gamma")

    def _project(self, conv, x, training):
        # A float32 spectral-norm wrapper hands back float32; stay in the block's dtype.
        return ops.cast(conv(x, training=training), x.dtype)

    def call(self, inputs, training=False):
        batch, height, width, channels = ops.shape(inputs)
        positions = height * width
        queries = ops.reshape(self._project(self.query, inputs, training), (batch, positions, -1))
        keys = ops.reshape(self._project(self.key, inputs, training), (batch, positions, -1))
        values = ops.reshape(self._project(self.value, inputs, training), (batch, positions, -1))
        logits = ops.matmul(queries, ops.transpose(keys, (0, 2, 1)))
        attention = ops.cast(ops.softmax(ops.cast(logits, "float32"), axis=-1), values.dtype)
        attended = ops.reshape(ops.matmul(attention, values), (batch, height, width, -1))
        return inputs + self.gamma * self._project(self.output_conv, attended, training)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "reduction": self.reduction, "spectral_norm": self.spectral_norm}


def sagan_generator(image_size=32, channels=3, latent_dim=128, width=64, name="generator"):
    """SAGAN generator: a latent vector to an image in [-1, 1], with self-attention.

    Zhang et al. 2019, https://arxiv.org/abs/1805.08318 (DCGAN-style, see the
    module docstring for the departures).

    z -> ConvTranspose to 4x4 -> [ConvTranspose(4x4, stride 2) -> BN -> ReLU] ...
      -> SelfAttention at S/2 -> ConvTranspose to `channels` -> tanh

    Args:
        image_size: 32 or 64.
        channels: output channels (1 grey, 3 RGB).
        latent_dim: size of the latent vector z.
        width: channels of the last hidden layer (S/2 x S/2), doubled towards 4x4.
        name: model name.

    Returns:
        A functional `keras.Model` mapping (B, latent_dim) to (B, S, S, channels)
        float32 in [-1, 1].

    Example:
    >>> g = sagan_generator(32, channels=1, latent_dim=16, width=8)
    >>> tuple(g(keras.ops.zeros((2, 16))).shape)
    (2, 32, 32, 1)
    """
    checks.one_of("image_size", image_size, SUPPORTED_SIZES)
    checks.positive_int("channels", channels, "a positive integer (1 for grey, 3 for RGB)")
    z, x = generator_hidden_layers(image_size, latent_dim, width, "batch")  # DCGAN's stack
    # The last hidden map (S/2 x S/2) attends to itself before becoming the image.
    x = SelfAttention(name="attention")(x)
    images = layers.Conv2DTranspose(channels, 4, strides=2, padding="same", kernel_initializer=conv_init(),
                                    activation="tanh", dtype="float32", name="to_image")(x)
    return keras.Model(z, images, name=name)


def sagan_discriminator(image_size=32, channels=3, width=64, name="discriminator"):
    """SAGAN discriminator: an image to one **logit**, spectrally normalised, with self-attention.

    Zhang et al. 2019, https://arxiv.org/abs/1805.08318; spectral normalisation
    from Miyato et al. 2018, https://arxiv.org/abs/1802.05957.

    image -> SN-Conv(4x4, stride 2) -> LeakyReLU(0.1) -> SelfAttention at S/2
          -> [SN-Conv(4x4, stride 2) -> LeakyReLU(0.1)] ... -> SN-Conv(4x4, valid) -> logit

    No batch norm: spectral norm is the discriminator's only normaliser.

    Args:
        image_size: 32 or 64.
        channels: input channels.
        width: channels of the first layer, doubled at every layer after it.
        name: model name.

    Returns:
        A functional `keras.Model` mapping (B, S, S, channels) to (B, 1) float32 logits.

    Example:
    >>> d = sagan_discriminator(32, channels=1, width=8)
    >>> tuple(d(keras.ops.zeros((2, 32, 32, 1))).shape)
    (2, 1)
    """
    checks.one_of("image_size", image_size, SUPPORTED_SIZES)
    checks.positive_int("channels", channels, "a positive integer (1 for grey, 3 for RGB)")
    images = keras.Input((image_size, image_size, channels), name="images")
    x = images
    for i in range(num_blocks(image_size)):
        conv = layers.Conv2D(width * 2 ** i, 4, strides=2, padding="same", kernel_initializer=conv_init(),
                             name=f"conv{i + 1}")
        x = spectral_norm(conv, f"sn_conv{i + 1}")(x)
        x = layers.LeakyReLU(0.1, name=f"lrelu{i + 1}")(x)
        if i == 0:
            # The first feature map (S/2 x S/2) attends to itself, mirroring the generator.
            x = SelfAttention(spectral_norm=True, name="attention")(x)
    to_logit = layers.Conv2D(1, 4, padding="valid", kernel_initializer=conv_init(), dtype="float32",
                             name="to_logit")
    x = spectral_norm(to_logit, "sn_to_logit")(x)
    logits = layers.Flatten(dtype="float32", name="logits")(x)
    return keras.Model(images, logits, name=name)
