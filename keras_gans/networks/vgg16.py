"""A discriminator built on the frozen lower layers of VGG16 (transfer learning).

The GANs 101 article's experiment: instead of learning its features from scratch, the
discriminator reuses the first layers of an ImageNet classifier, frozen, and only
a small head on top of them learns to tell real images from generated ones.
Yosinski et al. 2014 (https://arxiv.org/abs/1411.1792) found that lower layers
transfer best between very different data, hence the cut in the third block.

    image in [-1, 1] -> VGG preprocessing -> VGG16 up to `frozen_until` (frozen)
        -> MaxPool(2) -> Conv(4x4, stride 2, 512) -> BN -> LeakyReLU(0.2)
        -> Conv(k x k, valid) to 1 logit, k = the spatial size left

With the default cut (`block3_conv3`, 256 channels at a quarter of the input
size) a 64 px image leaves 16x16 features, 8x8 after pooling, 4x4 after the
strided convolution: the last kernel is 4x4. At 32 px it is 2x2, at 128 px 8x8.

Departures from the seed: the seed cut torchvision's VGG16 *with batch norm*
after 22 layers (the same cut: the third block's last convolution and its
ReLU); `keras.applications` ships VGG16 without batch norm, so these are the
same convolutions without the normalisations. The GANs 101 article's head ends in a sigmoid;
here it ends in a logit, like every discriminator of the package.
"""

import os

import keras
from keras import layers, ops

from keras_gans import checks
from keras_gans.networks.dcgan import SUPPORTED_SIZES, conv_init, normalization_layer

# The layers of `keras.applications.VGG16(include_top=False)`, in order.
VGG16_LAYERS = (
    "block1_conv1", "block1_conv2", "block1_pool",
    "block2_conv1", "block2_conv2", "block2_pool",
    "block3_conv1", "block3_conv2", "block3_conv3", "block3_pool",
    "block4_conv1", "block4_conv2", "block4_conv3", "block4_pool",
    "block5_conv1", "block5_conv2", "block5_conv3", "block5_pool",
)  # fmt: skip


@keras.saving.register_keras_serializable(package="keras_gans")
class VGG16Preprocessing(layers.Layer):
    """VGG16's own input preprocessing, for images in [-1, 1].

    VGG16 was trained on Caffe-style inputs: BGR channel order, pixels in
    [0, 255] minus the ImageNet mean of each channel (no scaling by the standard
    deviation). This is `keras.applications.vgg16.preprocess_input` after mapping
    [-1, 1] back to [0, 255]:

        pixels = (x + 1) * 127.5
        out = pixels[..., ::-1] - [103.939, 116.779, 123.68]     (B, G, R means)

    A single-channel image is repeated to three channels first (grey as R = G = B).

    Example:
    >>> keras.ops.convert_to_numpy(VGG16Preprocessing()(keras.ops.ones((1, 2, 2, 3))))[0, 0, 0].round(2)
    array([151.06, 138.22, 131.32], dtype=float32)
    """

    MEAN_BGR = (103.939, 116.779, 123.68)

    def call(self, images):
        if images.shape[-1] == 1:
            images = ops.repeat(images, 3, axis=-1)
        pixels = (images + 1.0) * 127.5
        bgr = ops.flip(pixels, axis=-1)
        return bgr - ops.convert_to_tensor(self.MEAN_BGR, dtype=bgr.dtype)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], 3)


def _check_weights(weights):
    if weights is None or weights == "imagenet":
        return
    if not isinstance(weights, (str, os.PathLike)) or not str(weights).endswith(".h5"):
        raise ValueError(
            "Invalid value for argument `weights`. Expected 'imagenet', None, or the path of a "
            "`.weights.h5` file saved from `keras.applications.VGG16(include_top=False)`. "
            f"Received: weights={weights!r}"
        )
    if not os.path.exists(weights):
        raise FileNotFoundError(f"No VGG16 weights file at {weights}")


def vgg16_discriminator(image_size=64, channels=3, weights="imagenet", frozen_until="block3_conv3",
                        unfreeze_from=None, head_filters=512, normalization="batch",
                        name="discriminator"):
    """A discriminator whose lower layers are VGG16's, frozen, with a small trainable head.

    Simonyan and Zisserman 2015 (https://arxiv.org/abs/1409.1556) for VGG16; the
    GANs 101 article's transfer-learning experiment for the head.

    image -> VGG preprocessing -> VGG16 layers up to `frozen_until` (not trained)
          -> MaxPool(2) -> Conv(4x4, stride 2) -> norm -> LeakyReLU(0.2) -> Conv(k x k) -> logit

    VGG's layers keep their names (`block1_conv1`, ...); no layer of the head has
    `block` in its name, so `[l for l in d.layers if "block" in l.name]` lists
    exactly the transferred layers. Frozen layers have `trainable=False`: they are
    not in `trainable_weights`, `fit` does not change them, and the flag is saved
    in `.keras` files. The head's last layer is float32 under mixed precision.

    Args:
        image_size: 32, 64 or 128.
        channels: 1 (repeated to RGB inside the model) or 3.
        weights: "imagenet" (downloads the ImageNet weights once; the Colab path),
            None (random weights: tests, offline runs), or the path of a
            `.weights.h5` file saved from `keras.applications.VGG16(include_top=False)`
            (any input size); the layers up to the cut are taken from it.
        frozen_until: the last VGG16 layer kept, e.g. "block2_conv2", "block3_conv3"
            (the GANs 101 article's cut) or "block4_conv3".
        unfreeze_from: None (every VGG layer frozen) or a kept VGG layer from which
            upward the layers train too, e.g. "block3_conv1" fine-tunes the third block.
        head_filters: channels of the head's strided convolution (the seed: 512).
        normalization: the head's normalisation, "batch" (the GANs 101 article), "layer" (for
            WGAN-GP critics) or "none".
        name: model name.

    Returns:
        A functional `keras.Model` mapping (B, S, S, channels) images in [-1, 1] to
        (B, 1) float32 logits.

    Example:
    >>> d = vgg16_discriminator(32, channels=1, weights=None)
    >>> tuple(d(keras.ops.zeros((2, 32, 32, 1))).shape)
    (2, 1)
    >>> len(d.trainable_weights)  # head conv, BN gamma and beta, logit conv
    4
    """
    checks.one_of("image_size", image_size, SUPPORTED_SIZES)
    checks.one_of("channels", channels, (1, 3))
    checks.one_of("frozen_until", frozen_until, VGG16_LAYERS)
    checks.one_of("normalization", normalization, ("batch", "layer", "none"))
    _check_weights(weights)
    kept = VGG16_LAYERS[: VGG16_LAYERS.index(frozen_until) + 1]
    if unfreeze_from is not None:
        checks.one_of("unfreeze_from", unfreeze_from, kept)
    trainable_from = len(kept) if unfreeze_from is None else kept.index(unfreeze_from)
    cut_size = image_size // 2 ** sum(layer.endswith("_pool") for layer in kept)
    if cut_size < 2:
        raise ValueError(
            f"Invalid value for argument `frozen_until`. At image_size={image_size}, "
            f"frozen_until={frozen_until!r} leaves {cut_size}x{cut_size} features and the head "
            "needs at least 2x2. Cut at an earlier layer or use larger images."
        )

    # The whole convolutional VGG16, with its weights, then rebuilt up to the cut
    # in our own model (fresh layers from each layer's config, weights copied).
    try:
        vgg = keras.applications.VGG16(include_top=False, weights=weights,
                                       input_shape=(image_size, image_size, 3))
    except Exception as error:  # Keras reports a failed download as a bare Exception.
        if weights != "imagenet" or isinstance(error, ValueError):
            raise
        raise OSError(
            f"Could not download VGG16's ImageNet weights ({error}). Offline, pass weights=None "
            "or the path of a `.weights.h5` file saved from keras.applications.VGG16(include_top=False)."
        ) from error
    images = keras.Input((image_size, image_size, channels), name="images")
    x = VGG16Preprocessing(name="vgg_preprocessing")(images)
    for i, layer_name in enumerate(kept):
        source = vgg.get_layer(layer_name)
        layer = type(source).from_config(source.get_config())
        x = layer(x)
        layer.set_weights(source.get_weights())
        layer.trainable = i >= trainable_from

    x = layers.MaxPooling2D(2, name="head_pool")(x)
    x = layers.Conv2D(head_filters, 4, strides=2, padding="same", use_bias=False,
                      kernel_initializer=conv_init(), name="head_conv")(x)
    norm = normalization_layer(normalization, "head_norm")
    if norm is not None:
        x = norm(x)
    x = layers.LeakyReLU(0.2, name="head_lrelu")(x)
    # One kernel over whatever spatial size is left: one logit per image.
    x = layers.Conv2D(1, x.shape[1], padding="valid", use_bias=False, kernel_initializer=conv_init(),
                      dtype="float32", name="to_logit")(x)
    logits = layers.Flatten(dtype="float32", name="logits")(x)
    return keras.Model(images, logits, name=name)
