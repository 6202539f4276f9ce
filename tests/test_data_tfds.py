"""The tfds loaders, offline: `tfds.testing.mock_data` stands in for prepared data.

mock_data works offline with tensorflow-datasets 4.9.10 for mnist, fashion_mnist,
kmnist, cifar10 and celeb_a (it ships their metadata); it ignores split slicing and
yields `num_examples` random images of the right shape.
"""

import os
import socket

import numpy as np
import pytest
import tensorflow_datasets as tfds

from keras_gans import data


@pytest.mark.parametrize("name, channels",
                         [("mnist", 1), ("fashion_mnist", 1), ("kmnist", 1), ("cifar10", 3)])
def test_tfds_sets_keep_the_data_contract(name, channels):
    with tfds.testing.mock_data(num_examples=20):
        batches = list(data.load_tfds(name, image_size=32, batch_size=8, seed=0))
    assert len(batches) == 2
    for batch in batches:
        batch = batch.numpy()
        assert batch.shape == (8, 32, 32, channels) and batch.dtype == np.float32
        assert batch.min() >= -1.0 and batch.max() <= 1.0


def test_28_pixel_sets_are_padded_or_resized_to_32():
    with tfds.testing.mock_data(num_examples=6):
        padded = data.tfds_arrays("mnist", image_size=32)
        stretched = data.tfds_arrays("mnist", image_size=32, pad=False)
        native = data.tfds_arrays("mnist", image_size=28)
    assert padded.shape == stretched.shape == (6, 32, 32, 1) and native.shape == (6, 28, 28, 1)
    border = np.ones((32, 32), bool)
    border[2:30, 2:30] = False
    assert (padded[:, border] == 0).all()  # a 2-pixel black frame around the 28x28 digit
    assert (stretched[:, border] > 0).any()  # the mock's random pixels reach the edge


def test_subsets_channels_and_cache(tmp_path):
    with tfds.testing.mock_data(num_examples=20):
        assert len(data.tfds_arrays("fashion_mnist", image_size=16, num_images=7)) == 7
        rgb = data.tfds_arrays("kmnist", image_size=16, channels=3, num_images=4)
        grey = data.tfds_arrays("cifar10", image_size=16, channels=1, num_images=4)
        cached = data.tfds_arrays("cifar10", image_size=16, num_images=5, cache_dir=str(tmp_path))
    assert rgb.shape == (4, 16, 16, 3) and (rgb[..., 0] == rgb[..., 2]).all()
    assert grey.shape == (4, 16, 16, 1)
    (file,) = os.listdir(tmp_path)
    stored = np.load(tmp_path / file)
    assert stored.dtype == np.uint8 and stored.shape == (5, 16, 16, 3)
    np.testing.assert_array_equal(stored, cached)


def test_celeba_through_tfds():
    with tfds.testing.mock_data(num_examples=10):
        batches = list(data.load_celeba(image_size=32, batch_size=4, seed=0))
        by_name = next(iter(data.load("celeba", image_size=16, batch_size=4)))
        every_split = list(data.load_celeba(image_size=16, batch_size=5, split="all", num_images=5))
    assert len(batches) == 2 and batches[0].shape == (4, 32, 32, 3)
    first = batches[0].numpy()
    assert first.dtype == np.float32 and -1.0 <= first.min() <= first.max() <= 1.0
    assert by_name.shape == (4, 16, 16, 3)
    assert len(every_split) == 1 and every_split[0].shape == (5, 16, 16, 3)


def test_missing_tfds_data_fails_at_once_and_says_how_to_get_it(tmp_path, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("the loader tried to reach the network")

    # tfds without the network retries for minutes: a missing dataset must not try at all.
    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    with pytest.raises(FileNotFoundError, match="The tfds dataset 'celeb_a' is not prepared in") as error:
        data.load_celeba(data_dir=str(tmp_path))
    for advice in ("img_align_celeba.zip", "source='celeba-dataset.zip'", "--dataset celeba-dataset.zip",
                   "kaggle datasets download -d jessicali9530/celeba-dataset", "manual_dir=", "download=True",
                   "(--download)"):
        assert advice in str(error.value)
    with pytest.raises(FileNotFoundError, match="'mnist' is not prepared .* Pass download=True"):
        data.load_tfds("mnist", data_dir=str(tmp_path))


def test_manual_dir_without_the_official_files_is_refused_before_any_download(tmp_path):
    manual = tmp_path / "manual"
    manual.mkdir()
    (manual / "img_align_celeba.zip").write_bytes(b"")
    with pytest.raises(FileNotFoundError, match=r"lacks list_eval_partition.txt, list_attr_celeba.txt, "
                                                r"list_landmarks_align_celeba.txt, identity_CelebA.txt"):
        data.load_celeba(data_dir=str(tmp_path / "tfds"), manual_dir=str(manual))


def test_bad_names_and_sizes():
    with pytest.raises(ValueError, match="Expected one of mnist, fashion_mnist, kmnist, cifar10, celeba. "
                                         "Received: name='svhn'"):
        data.load_tfds("svhn")
    with pytest.raises(ValueError, match="Received: image_size=48"):
        data.load_tfds("mnist", image_size=48)
    with pytest.raises(ValueError, match="Received: channels=2"):
        data.load_tfds("mnist", channels=2)
    assert set(data.DATASETS) >= {"mnist5k", "mnist", "fashion_mnist", "kmnist", "cifar10", "celeba"}
