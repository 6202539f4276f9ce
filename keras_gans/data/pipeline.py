"""The shared tail of every loader: one uint8 array -> shuffled float32 batches.

    (decode, crop and resize: `images.py`) -> one uint8 array (in memory, or a
    memory-mapped .npy in cache_dir) -> each epoch: seeded shuffle of the indices
    -> batch -> gather -> float32 [-1, 1] -> prefetch
"""

import hashlib
import os

import numpy as np
import tensorflow as tf

from keras_gans import checks

SUPPORTED_SIZES = (16, 28, 32, 64, 128)


def image_shape(dataset):
    """(height, width, channels) of a dataset's image batches (of `(images, labels)` batches, the images')."""
    spec = dataset.element_spec
    spec = spec[0] if isinstance(spec, tuple) else spec
    return tuple(spec.shape[1:])


def steps_per_epoch(dataset):
    """The number of batches in one pass over a dataset of batches (0 when it cannot tell, e.g. `repeat()`)."""
    return max(int(dataset.cardinality()), 0)


def check_image_size(image_size):
    return checks.one_of("image_size", image_size, SUPPORTED_SIZES)


def resize_uint8(images, image_size):
    """Resize a uint8 batch (N, H, W, C) to `image_size` squared, antialiased, as uint8."""
    if images.shape[1] == image_size and images.shape[2] == image_size:
        return images
    resized = tf.image.resize(tf.cast(images, tf.float32), (image_size, image_size),
                              method="bilinear", antialias=True)
    return tf.cast(tf.clip_by_value(tf.round(resized), 0, 255), tf.uint8).numpy()


def subset_indices(total, num_images, seed=None):
    """Indices of a deterministic subset of `num_images` out of `total` (sorted)."""
    if num_images is None:
        return np.arange(total)
    checks.positive_int("num_images", num_images)
    if num_images > total:
        raise ValueError(
            f"Invalid value for argument `num_images`. The dataset has {total} images. "
            f"Received: num_images={num_images}"
        )
    rng = np.random.default_rng(0 if seed is None else seed)
    return np.sort(rng.choice(total, size=num_images, replace=False))


def batches_from_uint8(images, batch_size, seed=None, shuffle=True, drop_remainder=True, labels=None):
    """The shared tail of every loader: uint8 images (N, H, W, C) to float32 batches.

    shuffle (seeded, reshuffled every epoch) -> batch -> uint8 to [-1, 1] -> prefetch.

    With `labels` (N,) integers, each batch is `(images, labels)`, the labels int32
    and gathered with the same indices (what a conditional GAN trains on); the
    images are the same batches as without them.

    What is shuffled is the list of indices, not the images: every batch gathers its
    images from one uint8 tensor, so no `shuffle` buffer holds a second copy of the
    data. Making that tensor from a NumPy array copies it once (the loaders drop
    their array right after, so the peak is briefly twice the data). A `np.memmap`
    (the disk cache of `cache_dir=`) is not copied: it is read batch by batch.

    `drop_remainder=True` by default: a GAN's batch norm and `tf.distribute` both
    prefer every batch to have the same size.
    """
    checks.positive_int("batch_size", batch_size)
    if len(images) < batch_size and drop_remainder:
        raise ValueError(
            f"Invalid value for argument `batch_size`. Only {len(images)} images, fewer than one "
            f"batch, and the last incomplete batch is dropped. Received: batch_size={batch_size}"
        )
    indices = tf.data.Dataset.range(len(images))
    if shuffle:
        indices = indices.shuffle(len(images), seed=seed, reshuffle_each_iteration=True)
    indices = indices.batch(batch_size, drop_remainder=drop_remainder)
    if isinstance(images, np.memmap):
        def gather(batch_indices):
            batch = tf.numpy_function(lambda i: images[i], [batch_indices], tf.uint8, stateful=False)
            return tf.ensure_shape(batch, (batch_size if drop_remainder else None, *images.shape[1:]))
    else:
        table = tf.convert_to_tensor(images, dtype=tf.uint8)

        def gather(batch_indices):
            return tf.gather(table, batch_indices)
    def to_float(batch):
        # pixels.to_float's arithmetic in TensorFlow's own ops: this runs inside tf.data, which feeds
        # `fit` on every Keras backend, and keras.ops would make JAX or PyTorch tensors here.
        return tf.cast(batch, tf.float32) / 127.5 - 1.0

    if labels is None:
        return _fixed_parallelism(indices.map(lambda i: to_float(gather(i)), num_parallel_calls=2).prefetch(2))
    labels = np.asarray(labels)
    if labels.shape != (len(images),) or labels.dtype.kind not in "iu":
        raise ValueError(f"Invalid value for argument `labels`. Expected {len(images)} integers, one per "
                         "image. "
                         f"Received: labels of shape {labels.shape} and dtype {labels.dtype}")
    label_table = tf.convert_to_tensor(labels.astype("int32"))
    dataset = indices.map(lambda i: (to_float(gather(i)), tf.gather(label_table, i)), num_parallel_calls=2)
    return _fixed_parallelism(dataset.prefetch(2))


def _fixed_parallelism(dataset):
    """`dataset` without tf.data's autotuning: two batches made in parallel, two kept ready.

    A batch here is a gather and a cast, far quicker than a training step, so tuning has nothing
    to win, and it cost time: `fit` makes a new iterator every epoch, and with autotuning on,
    some epochs of the default run waited seconds for it before their first step
    (`python benchmarks/run_overhead.py --autotune` against the same without it:
    benchmarks/README.md#run-overhead).
    """
    options = tf.data.Options()
    options.autotune.enabled = False
    return dataset.with_options(options)


def cache_path(cache_dir, parts):
    """A file name in `cache_dir` that changes whenever anything in `parts` changes."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    return os.path.join(os.fspath(cache_dir), f"keras_gans_{digest}.npy")


def cached(cache_dir, parts, build):
    """`build()` once; with `cache_dir`, keep its uint8 array in a .npy file and memory-map it after."""
    if cache_dir is None:
        return build()
    file = cache_path(cache_dir, parts)
    if not os.path.exists(file):
        images = build()
        os.makedirs(os.fspath(cache_dir), exist_ok=True)
        partial = f"{file}.{os.getpid()}.partial.npy"
        np.save(partial, images)
        os.replace(partial, file)  # atomic: an interrupted run leaves no half-written cache
    return np.load(file, mmap_mode="r")


def collect(dataset, count, image_size, channels):
    """Run a dataset of (index, uint8 image, was_small) once into one uint8 array.

    Elements may arrive in any order (the decoding is parallel and not ordered) and
    some may be missing (skipped files); each lands at its own index.

    Returns:
        (images, kept, small): the uint8 array (count, size, size, channels), a
        boolean mask of the indices that arrived, and a mask of the upscaled ones.
    """
    images = np.empty((count, image_size, image_size, channels), dtype="uint8")
    kept = np.zeros(count, dtype=bool)
    small = np.zeros(count, dtype=bool)
    for indices, batch, was_small in dataset.batch(256).prefetch(2).as_numpy_iterator():
        images[indices], kept[indices], small[indices] = batch, True, was_small
    return images, kept, small
