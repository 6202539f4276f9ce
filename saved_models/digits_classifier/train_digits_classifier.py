"""Train the small digits classifier whose features give the offline "digits FID".

    python saved_models/digits_classifier/train_digits_classifier.py

Writes `digits_classifier.keras` next to this script (about 0.5 MB) and prints the
accuracy on 500 held-out digits. `keras_gans.metrics` uses the output of its
`features` layer (128 numbers per image, the layer before the logits) as the
feature space of `feature_extractor="digits"`; the architecture is
`keras_gans.evaluation.digits_classifier()`.

The classifier sees digits the way a GAN does: 28 px digits resized to 32 px
(bilinear, antialiased, as `keras_gans.data.load_mnist_5k` does) and scaled to
[-1, 1]. Data: the 5,000 embedded MNIST digits, 450 per class for training and 50
per class held out. Small random shifts and zooms make the features less sensitive
to a digit that is a pixel off centre, which generated digits often are.
"""

import argparse
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from keras_gans import data  # noqa: E402
from keras_gans.evaluation import digits_classifier  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
IMAGE_SIZE = 32


def held_out_split(labels, per_class=50, seed=0):
    """Indices of the training and held-out digits: `per_class` of each class held out."""
    rng = np.random.default_rng(seed)
    held_out = np.concatenate([rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
                               for c in range(10)])
    train = np.setdiff1d(np.arange(len(labels)), held_out)
    return train, np.sort(held_out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--output", default=os.path.join(HERE, "digits_classifier.keras"))
    args = parser.parse_args(argv)

    keras.utils.set_random_seed(args.seed)
    images, labels = data.mnist_5k_arrays()
    images = data.to_float(data.resize_uint8(images, IMAGE_SIZE))
    labels = labels.astype("int32")
    train, held_out = held_out_split(labels, seed=args.seed)

    augment = keras.Sequential([
        keras.layers.RandomTranslation(0.08, 0.08, fill_value=-1.0, seed=args.seed),
        keras.layers.RandomZoom(0.1, fill_value=-1.0, seed=args.seed),
    ])
    train_ds = (tf.data.Dataset.from_tensor_slices((images[train], labels[train]))
                .shuffle(len(train), seed=args.seed)
                .batch(args.batch_size)
                .map(lambda x, y: (augment(x, training=True), y))
                .prefetch(tf.data.AUTOTUNE))

    model = digits_classifier()
    # A cosine decay to zero ends training on a settled model, not a lucky or unlucky step.
    steps = args.epochs * len(train_ds)
    model.compile(optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(2e-3, steps)),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(train_ds, epochs=args.epochs, validation_data=(images[held_out], labels[held_out]), verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(images[held_out], labels[held_out], verbose=0)
    # Ship the weights without the optimizer state (3x smaller): a fresh, uncompiled copy.
    shipped = digits_classifier()
    shipped.set_weights(model.get_weights())
    shipped.save(args.output)
    size_kb = os.path.getsize(args.output) / 1024
    print(f"Held-out accuracy {accuracy:.4f} on {len(held_out)} digits; trained in {seconds:.0f} s; "
          f"{model.count_params():,} parameters; wrote {args.output} ({size_kb:.0f} KB)")


if __name__ == "__main__":
    main()
