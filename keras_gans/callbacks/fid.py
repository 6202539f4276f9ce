"""`FIDCallback`: the FID every few epochs during `fit`, into the logs and the history."""

import math

import keras
import numpy as np

from keras_gans.evaluation.metrics import FrechetInceptionDistance
from keras_gans.evaluation.scoring import real_batches
from keras_gans.generation import generation_labels, load_generator


class FIDCallback(keras.callbacks.Callback):
    """Compute the FID every few epochs during `fit` and record it in the logs and history.

    The real statistics are computed once, at the start of training, from up to
    `num_images` real images; each scoring generates `num_images` images from the
    same fixed latents, so successive scores differ only because the generator
    changed. The score goes into the epoch's logs under `name`, so `History`,
    `CSVLogger` and `TensorBoard` record it; epochs that are not scored get NaN (so
    every row has the column). Put this callback before `CSVLogger` in the list.
    It scores the network the GAN samples from (its moving average with `ema=`); a
    conditional generator draws every class in turn.

    Args:
        real_images: a dataset name, a `tf.data.Dataset` or an array of real images
            in [-1, 1] (as `compute_fid`'s `dataset`).
        every_n_epochs: score every this many epochs (and after the last).
        num_images: real and generated images per score (1,000 is quick with
            "digits"; the FID of fewer images is higher, so compare like with like).
        feature_extractor, weights: see `get_feature_extractor`.
        batch_size: images per forward pass.
        seed: seed of the fixed latents.
        name: the log key ("fid"; e.g. "digits_fid").

    Example:
    >>> score = FIDCallback("mnist5k", feature_extractor="digits", name="digits_fid")
    >>> history = gan.fit(dataset, epochs=10, callbacks=[score])  # doctest: +SKIP
    >>> keras_gans.plotting.plot_quality(history, "digits_fid", path="fid.png")  # doctest: +SKIP
    """

    def __init__(self, real_images, every_n_epochs=1, num_images=1000, feature_extractor="inception_v3",
                 weights="default", batch_size=100, seed=0, name="fid"):
        super().__init__()
        self.real_images = real_images
        self.every_n_epochs = every_n_epochs
        self.num_images = num_images
        self.feature_extractor = feature_extractor
        self.weights = weights
        self.batch_size = batch_size
        self.seed = seed
        self.name = name
        self.metric = None
        self.scores = {}  # epoch (counted from 1) -> score

    def on_train_begin(self, logs=None):
        if self.metric is None:
            self.metric = FrechetInceptionDistance(self.feature_extractor, self.weights,
                                                   reset_real_features=False, name=self.name)
            generator = load_generator(self.model)
            image_size = generator.outputs[0].shape[1]
            count = 0
            for batch in real_batches(self.real_images, image_size, self.batch_size, self.seed):
                batch = batch[: self.num_images - count]
                self.metric.update_state(real_images=batch)
                count += int(batch.shape[0])
                if count >= self.num_images:
                    break
            rng = np.random.default_rng(self.seed)
            shape = (self.num_images, generator.inputs[0].shape[-1])
            self.latents = rng.standard_normal(shape).astype("float32")
            # A conditional generator draws every class in turn (None for an unconditional one).
            self.labels = generation_labels(generator, self.num_images)

    def score(self):
        """The FID of the model's generator now, on the fixed latents."""
        generator = load_generator(self.model)
        self.metric.reset_state()  # generated statistics only
        for i in range(0, self.num_images, self.batch_size):
            latents = self.latents[i:i + self.batch_size]
            inputs = latents if self.labels is None else [latents, self.labels[i:i + self.batch_size]]
            self.metric.update_state(fake_images=generator(inputs, training=False))
        return float(self.metric.result())

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        value = math.nan
        if done % self.every_n_epochs == 0 or done == self.params.get("epochs"):
            value = self.score()
            self.scores[done] = value
        if logs is not None:
            logs[self.name] = value
