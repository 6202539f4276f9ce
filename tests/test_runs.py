"""Atomic files, rolling checkpoints, and falling back from a damaged one."""

import os

import numpy as np
import pytest
from conftest import random_images, tiny_networks

import keras_gans
from keras_gans import runs


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = str(tmp_path / "state.json")
    runs.write_json(path, {"epoch": 1})

    def crash(temporary):
        with open(temporary, "w") as f:
            f.write('{"epo')  # killed half way
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        runs.write_atomically(path, crash)
    assert open(path).read() == '{\n  "epoch": 1\n}'
    assert os.listdir(tmp_path) == ["state.json"]  # no temporary left behind


def make_gan():
    gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
    gan.compile()
    return gan


def test_checkpoints_roll_and_a_damaged_one_falls_back(tmp_path):
    gan = make_gan()
    callback = runs.RunCheckpoint(str(tmp_path), every_n_steps=3)
    gan.fit(random_images(64), batch_size=16, epochs=3, verbose=0, shuffle=False, callbacks=[callback])
    # 4 steps an epoch: a step checkpoint after step 3 of each epoch, one at each epoch end
    found = [(epoch, step) for epoch, step, _ in runs.checkpoint_paths(str(tmp_path))]
    assert found == [(2, 3), (3, 0)]

    restored = make_gan()
    assert runs.restore_latest(restored, str(tmp_path)) == (3, 0)
    for a, b in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(restored.g_optimizer.iterations) == 12

    newest = runs.checkpoint_paths(str(tmp_path))[-1][2]
    with open(newest, "r+b") as f:
        f.truncate(os.path.getsize(newest) // 2)
    messages = []
    fallback = make_gan()
    assert runs.restore_latest(fallback, str(tmp_path), log=messages.append) == (2, 3)
    assert messages == [f"keras-gans: checkpoint {newest} is damaged (OSError); falling back to the one "
                        "before it."]
    assert int(fallback.g_optimizer.iterations) == 11


def test_a_run_without_checkpoints_starts_at_zero(tmp_path):
    assert runs.restore_latest(make_gan(), str(tmp_path)) == (0, 0)
