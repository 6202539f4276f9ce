"""Atomic files, rolling checkpoints, and falling back from a damaged one."""

import csv
import os
import signal
import subprocess
import sys
import time

import imageio.v3 as iio
import keras
import numpy as np
import pytest
import tensorflow as tf
from conftest import random_images, tiny_networks

import keras_gans
from keras_gans import callbacks, files, runs


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = str(tmp_path / "state.json")
    files.write_json(path, {"epoch": 1})

    def crash(temporary):
        with open(temporary, "w") as f:
            f.write('{"epo')  # killed half way
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_atomically(path, crash)
    assert open(path).read() == '{\n  "epoch": 1\n}'
    assert os.listdir(tmp_path) == ["state.json"]  # no temporary left behind


def make_gan():
    gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
    gan.compile()
    return gan


def test_checkpoints_roll_and_a_damaged_one_falls_back(tmp_path):
    gan = make_gan()
    callback = callbacks.RunCheckpoint(str(tmp_path), every_n_steps=3)
    gan.fit(random_images(64), batch_size=16, epochs=3, verbose=0, shuffle=False, callbacks=[callback])
    # 4 steps an epoch: a step checkpoint after step 3 of each epoch, one at each epoch end
    found = [(epoch, step) for epoch, step, _ in callbacks.checkpoint_paths(str(tmp_path))]
    assert found == [(2, 3), (3, 0)]

    restored = make_gan()
    assert callbacks.restore_latest(restored, str(tmp_path)) == (3, 0)
    for a, b in zip(gan.get_weights(), restored.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(restored.g_optimizer.iterations) == 12

    newest = callbacks.checkpoint_paths(str(tmp_path))[-1][2]
    with open(newest, "r+b") as f:
        f.truncate(os.path.getsize(newest) // 2)
    messages = []
    fallback = make_gan()
    assert callbacks.restore_latest(fallback, str(tmp_path), log=messages.append) == (2, 3)
    assert messages == [f"keras-gans: checkpoint {newest} is damaged (OSError); falling back to the one "
                        "before it."]
    assert int(fallback.g_optimizer.iterations) == 11


def test_a_run_without_checkpoints_has_nothing_to_restore(tmp_path):
    assert callbacks.restore_latest(make_gan(), str(tmp_path)) is None


TINY = ["--epochs", "3", "--num-images", "256", "--batch-size", "32", "--width", "8", "--latent-dim", "16",
        "--verbose", "0"]


def cli(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "keras_gans", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""},
                            **kwargs)


def test_a_killed_run_resumes_with_nothing_lost_or_repeated(tmp_path):
    run = str(tmp_path / "run")
    process = cli("train", "--output", run, *TINY)
    deadline = time.time() + 240
    while not callbacks.checkpoint_paths(run) and time.time() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert callbacks.checkpoint_paths(run), "the first checkpoint never appeared"
    process.send_signal(signal.SIGKILL)
    process.wait()

    resumed = cli("train", "--resume", run)
    out, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err
    assert "Resuming after epoch" in out
    with open(os.path.join(run, "history.csv")) as f:
        epochs = [row["epoch"] for row in csv.DictReader(f)]
    assert epochs == ["0", "1", "2"]
    with open(os.path.join(run, "history_steps.csv")) as f:
        steps = [int(row["step"]) for row in csv.DictReader(f)]
    assert steps == list(range(1, 3 * 8 + 1))  # 256 / 32 = 8 steps an epoch, none twice
    for epoch in range(4):
        assert os.path.exists(os.path.join(run, f"epoch_{epoch:03d}.png"))
    assert iio.imread(os.path.join(run, "progress.gif"), index=None).shape[0] == 4
    assert isinstance(keras.saving.load_model(os.path.join(run, "gan.keras")), keras_gans.DCGAN)

    again = cli("train", "--resume", run)
    out, _ = again.communicate(timeout=120)
    assert again.returncode == 0 and "has trained all its 3 epochs; completing its outputs" in out


def test_resume_refuses_what_it_cannot_continue(tmp_path):
    process = cli("train", "--resume", str(tmp_path))
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.strip().splitlines()[-1] == (
        f"keras-gans train: error: {tmp_path} is not a keras-gans run folder (it has no config.json)")

    files.write_json(str(tmp_path / "config.json"), {"model": "dcgan", "image_size": 32, "epochs": 3,
                                                     "verbose": 0})
    process = cli("train", "--resume", str(tmp_path), "--image-size", "64")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.strip().splitlines()[-1] == (
        f"keras-gans train: error: --image-size 64 contradicts the run in {tmp_path}, which was started "
        "with --image-size 32; leave --image-size out to resume it")


def test_xla_is_chosen_by_timing_two_copies_and_the_gan_is_left_as_it_was():
    gan = make_gan()
    before = [w.copy() for w in gan.get_weights()]
    dataset = tf.data.Dataset.from_tensor_slices(random_images(32)).batch(16)
    said = []
    choice, seconds = runs.faster_jit_compile(gan, dataset, steps=2, rounds=1, log=said.append)
    assert choice in (True, False) and 0 < seconds < 60
    assert len(said) == 1 and said[0].startswith(f"XLA {'on' if choice else 'off'}: a training step took ")
    for a, b in zip(before, gan.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert int(gan.g_optimizer.iterations) == 0


def test_a_short_run_does_not_measure_xla(capsys):
    options = dict(model="dcgan", dataset="mnist5k", image_size=32, batch_size=32, num_images=64, seed=0,
                   latent_dim=16, width=8, d_lr=2e-4, g_lr=2e-4, beta_1=0.5, mixed_precision=False,
                   jit_compile="auto", epochs=2)
    gan, _ = runs.build(options)
    assert gan.jit_compile is False
    assert "XLA" not in capsys.readouterr().out
