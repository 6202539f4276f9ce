"""SampleGIF: a labelled grid per epoch from fixed latents, and the GIF."""

import os

import imageio.v3 as iio
import keras
import numpy as np
from conftest import random_images, tiny_networks

import keras_gans


def test_sample_gif_writes_a_frame_per_epoch_and_the_gif(tmp_path):
    # Learning rates of zero and no batch norm (whose moving averages move even
    # then): the generator never changes, so every frame must be the same picture
    # (but for its label), which proves the latents are fixed.
    gan = keras_gans.DCGAN(*tiny_networks(normalization="none"), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.0), g_optimizer=keras.optimizers.Adam(0.0))
    callback = keras_gans.callbacks.SampleGIF(str(tmp_path), num_images=16, scale=1)
    gan.fit(random_images(32), batch_size=16, epochs=3, verbose=0, callbacks=[callback])
    names = sorted(os.listdir(tmp_path))
    assert names == ["epoch_000.png", "epoch_001.png", "epoch_002.png", "epoch_003.png",
                     "latents.npy", "progress.gif"]
    frames = iio.imread(tmp_path / "progress.gif", index=None)
    assert frames.shape[0] == 4
    first = iio.imread(tmp_path / "epoch_000.png")
    strip = first.shape[0] - (4 * 34 + 2)  # the label strip above a 4x4 grid of 32 px + padding
    for name in names[1:4]:
        frame = iio.imread(tmp_path / name)
        np.testing.assert_array_equal(frame[strip:], first[strip:])
        assert not np.array_equal(frame[:strip], first[:strip])  # "epoch N" differs
    assert np.load(tmp_path / "latents.npy").shape == (16, 16)
