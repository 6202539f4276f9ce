"""The embedded digits loader."""

import numpy as np
import pytest

from keras_gans import data


def test_embedded_digits_are_5000_real_uint8_digits():
    images, labels = data.mnist_5k_arrays()
    assert images.shape == (5000, 28, 28, 1) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [500] * 10
    assert 20 < images.mean() < 60  # MNIST: mostly black, about 33 on average


def test_load_mnist_5k_keeps_the_data_contract():
    dataset = data.load_mnist_5k(image_size=32, batch_size=64)
    batches = list(dataset)
    assert len(batches) == 5000 // 64
    batch = batches[0].numpy()
    assert batch.shape == (64, 32, 32, 1) and batch.dtype == np.float32
    assert batch.min() == -1.0 and batch.max() <= 1.0 and batch.max() > 0.9
    # `fit` makes a new iterator every epoch; with tf.data's autotuning some epochs waited seconds for it
    assert dataset.options().autotune.enabled is False


def test_subsets_are_deterministic_and_shuffles_seeded():
    first = np.concatenate(list(data.load_mnist_5k(batch_size=10, num_images=100, seed=4)))
    again = np.concatenate(list(data.load_mnist_5k(batch_size=10, num_images=100, seed=4)))
    other = np.concatenate(list(data.load_mnist_5k(batch_size=10, num_images=100, seed=5)))
    assert first.shape == (100, 32, 32, 1)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(np.sort(first.ravel()), np.sort(other.ravel()))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"Expected one of 16, 28, 32, 64, 128. Received: image_size=50"):
        data.load_mnist_5k(image_size=50)
    with pytest.raises(ValueError, match="The dataset has 5000 images. Received: num_images=6000"):
        data.load_mnist_5k(num_images=6000)
    with pytest.raises(ValueError, match="fewer than one batch"):
        data.load_mnist_5k(num_images=10, batch_size=64)
