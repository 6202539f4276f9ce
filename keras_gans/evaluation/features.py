"""Feature extractors: networks that map images in [-1, 1] to the vectors FID and KID compare.

- "digits": a small classifier trained on the 5,000 embedded MNIST digits, shipped in
  `saved_models/digits_classifier/`; its 128-d `features` layer gives an offline
  "digits FID" in seconds on a CPU. Only for MNIST-like images, and not comparable
  with any published number.
- "inception_v3": `keras.applications.InceptionV3` average-pool features (2048-d)
  with ImageNet weights (downloaded once by Keras) or a weights file.
- "fid_inception": the network of published FID tables (`fid_inception.py`).
"""

import os

import keras
from keras import ops

from keras_gans import batches, shipped

DIGITS_CLASSIFIER_PATH = shipped.path("saved_models/digits_classifier/digits_classifier.keras")


def digits_classifier(num_classes=10, feature_dim=128):
    """The architecture of the digits classifier: 32x32x1 images in [-1, 1] -> logits.

    Three 3x3 conv + 2x2 max-pool blocks (32, 64, 128 filters), global average
    pooling, a 128-unit ReLU layer named `features` (the FID features), dropout and
    the logits. `saved_models/digits_classifier/train_digits_classifier.py` trains it.
    """
    inputs = keras.Input((32, 32, 1), name="images")
    x = inputs
    for filters in (32, 64, 128):
        x = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
        x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    features = keras.layers.Dense(feature_dim, activation="relu", name="features")(x)
    x = keras.layers.Dropout(0.3)(features)
    logits = keras.layers.Dense(num_classes, name="logits")(x)
    return keras.Model(inputs, logits, name="digits_classifier")


class FeatureExtractor:
    """A network that maps images in [-1, 1] to feature vectors, with its input conventions.

    Images of another size are resized (bilinear; antialiased when shrinking) to
    the network's `image_size`; grey images are repeated to 3 channels for an RGB
    network, and RGB images averaged to grey for a grey one.

    Args:
        model: a Keras model mapping (B, image_size, image_size, channels) images
            in [-1, 1] to (B, d) features.
        name: a name for messages and cache files.

    Example:
    >>> extractor = keras_gans.evaluation.get_feature_extractor("digits")
    >>> tuple(extractor(np.zeros((2, 28, 28, 1), "float32")).shape)
    (2, 128)
    """

    def __init__(self, model, name=None):
        if len(model.inputs) != 1 or len(model.inputs[0].shape) != 4 or len(model.outputs[0].shape) != 2:
            raise ValueError(
                "Invalid value for argument `model`. Expected a model with one image input "
                "(batch, height, width, channels) and a (batch, features) output. Received: inputs "
                f"{[tuple(t.shape) for t in model.inputs]}, outputs {[tuple(t.shape) for t in model.outputs]}"
            )
        self.model = model
        self.name = name or model.name
        _, height, width, self.channels = model.inputs[0].shape
        self.image_size = (height, width)
        self.feature_dim = int(model.outputs[0].shape[-1])

    def preprocess(self, images):
        """Bring a float batch in [-1, 1] to the network's size and channel count."""
        images = ops.convert_to_tensor(images, "float32")
        channels = images.shape[-1]
        if channels != self.channels:
            if channels == 1 and self.channels == 3:
                images = ops.repeat(images, 3, axis=-1)
            elif channels == 3 and self.channels == 1:
                images = ops.mean(images, axis=-1, keepdims=True)
            else:
                raise ValueError(
                    f"Invalid images for the `{self.name}` feature extractor. Expected 1 or 3 channels. "
                    f"Received shape: {tuple(images.shape)}"
                )
        size = tuple(images.shape[1:3])
        if None not in self.image_size and size != self.image_size:
            shrinking = size[0] > self.image_size[0]
            images = ops.image.resize(images, self.image_size, interpolation="bilinear", antialias=shrinking)
        return images

    def __call__(self, images):
        """Features of a batch of images in [-1, 1], as a (B, d) float32 tensor."""
        return self.model(self.preprocess(images), training=False)

    def features(self, images, batch_size=100):
        """Features of an array of images, batch by batch, as a float64 NumPy array (n, d)."""
        return batches.in_batches(self, [images], batch_size).astype("float64")


def digits_extractor(weights):
    path = DIGITS_CLASSIFIER_PATH if weights == "default" else weights
    if path is None:
        classifier = digits_classifier()  # random weights: for tests of the mechanics
    else:
        if not os.path.exists(path):
            raise FileNotFoundError(
                f"The digits classifier is not at {path}: this installation of keras_gans is incomplete "
                "(it ships with the package). Reinstall it, or train the classifier with "
                "`python saved_models/digits_classifier/train_digits_classifier.py` in a clone."
            )
        classifier = keras.saving.load_model(path, compile=False)
    model = keras.Model(classifier.inputs, classifier.get_layer("features").output, name="digits_features")
    return FeatureExtractor(model, name="digits")


def inception_v3_extractor(weights):
    weights = "imagenet" if weights == "default" else weights
    is_file = weights not in (None, "imagenet")
    if is_file and not os.path.exists(weights):
        raise FileNotFoundError(f"No InceptionV3 weights file at {weights}")
    # Keras' InceptionV3 expects pixels in [-1, 1] (its `preprocess_input` is
    # x / 127.5 - 1), the package's range, so the images go in unchanged.
    try:
        model = keras.applications.InceptionV3(include_top=False, weights=None if is_file else weights,
                                               input_shape=(299, 299, 3), pooling="avg")
    except Exception as error:  # Keras' download raises a bare Exception when the network fails
        raise OSError(
            "InceptionV3's ImageNet weights could not be downloaded (" + str(error).splitlines()[0] + "). "
            "Offline, pass a weights file saved from keras.applications.InceptionV3(include_top=False, "
            "pooling='avg') (--weights FILE), or use the FID Inception with its converted weights "
            "(--feature-extractor fid_inception), or score grey digits with --feature-extractor digits."
        ) from None
    if is_file:
        try:
            model.load_weights(weights)
        except ValueError as error:
            raise ValueError(
                f"{weights} does not hold keras.applications.InceptionV3 weights "
                f"({str(error).splitlines()[0]}). The converted FID Inception weights (python -m "
                "keras_gans.evaluation.fid_inception) go with feature_extractor='fid_inception' "
                "(--feature-extractor fid_inception)."
            ) from None
    return FeatureExtractor(model, name="inception_v3")
