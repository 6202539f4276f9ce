"""SampleGIF (frames from fixed latents, the GIF, TensorBoard), StepHistory, and the train command's files."""

import csv
import glob
import os

import imageio.v3 as iio
import keras
import numpy as np
import pytest
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


def frozen_gan():
    """A DCGAN that never changes (learning rates 0, no batch norm): every frame is the same picture."""
    gan = keras_gans.DCGAN(*tiny_networks(normalization="none"), seed=0)
    gan.compile(d_optimizer=keras.optimizers.Adam(0.0), g_optimizer=keras.optimizers.Adam(0.0))
    return gan


def test_sample_gif_resumed_run_continues_with_the_saved_latents(tmp_path):
    gan = frozen_gan()
    gan.fit(random_images(32), batch_size=16, epochs=2, verbose=0,
            callbacks=[keras_gans.callbacks.SampleGIF(str(tmp_path), num_images=16, scale=1)])
    saved = np.load(tmp_path / "latents.npy")
    # The resumed run asks for another seed: the stored latents win, and the frames go on at epoch 3.
    resumed = keras_gans.callbacks.SampleGIF(str(tmp_path), num_images=16, scale=1, seed=99)
    gan.fit(random_images(32), batch_size=16, epochs=3, initial_epoch=2, verbose=0, callbacks=[resumed])
    np.testing.assert_array_equal(resumed.latents, saved)
    assert [os.path.basename(p) for p in resumed.frame_paths()] == [
        "epoch_000.png", "epoch_001.png", "epoch_002.png", "epoch_003.png"]
    assert iio.imread(tmp_path / "progress.gif", index=None).shape[0] == 4
    first, last = iio.imread(tmp_path / "epoch_000.png"), iio.imread(tmp_path / "epoch_003.png")
    strip = first.shape[0] - (4 * 34 + 2)
    np.testing.assert_array_equal(last[strip:], first[strip:])

    wrong = keras_gans.callbacks.SampleGIF(str(tmp_path), num_images=9)
    with pytest.raises(ValueError, match=r"have shape \(16, 16\), but this run needs \(9, 16\)"):
        gan.fit(random_images(16), batch_size=16, epochs=1, verbose=0, callbacks=[wrong])


def test_sample_gif_every_n_steps_grid_size_gif_timing_and_tensorboard(tmp_path):
    gan = frozen_gan()
    # SampleGIF takes its log folder from the TensorBoard callback of the run. (It is left out of
    # `fit` here: its scalar summaries need the `tensorboard` package, which the tests do not install;
    # SampleGIF's image summaries do not.)
    tensorboard = keras.callbacks.TensorBoard(str(tmp_path / "logs"))
    callback = keras_gans.callbacks.SampleGIF(str(tmp_path / "run"), num_images=16, scale=1, every_n_steps=2,
                                              nrow=8, fps=5, loop=3, tensorboard=tensorboard)
    # 48 images in batches of 16: 3 steps an epoch, 6 in all: frames at steps 0, 2, 4, 6.
    gan.fit(random_images(48), batch_size=16, epochs=2, verbose=0, callbacks=[callback])
    names = sorted(os.listdir(tmp_path / "run"))
    assert names == ["latents.npy", "progress.gif", "step_0000000.png", "step_0000002.png",
                     "step_0000004.png", "step_0000006.png"]
    frame = iio.imread(tmp_path / "run" / "step_0000002.png")
    assert frame.shape[1] == 8 * 34 + 2  # 8 images a row
    assert frame.shape[0] > 2 * 34 + 2  # 2 rows and the label strip
    gif = tmp_path / "run" / "progress.gif"
    assert iio.imread(gif, index=None).shape[0] == 4
    meta = iio.immeta(gif)
    assert meta["duration"] == 200 and meta["loop"] == 3

    import tensorflow as tf

    summaries = []
    for path in glob.glob(str(tmp_path / "logs" / "train" / "events.*")):
        for event in tf.compat.v1.train.summary_iterator(path):
            summaries += [(event.step, value) for value in event.summary.value if value.tag == "samples"]
    assert [step for step, _ in sorted(summaries, key=lambda s: s[0])] == [0, 2, 4, 6]
    step, value = summaries[1]
    assert value.metadata.plugin_data.plugin_name == "images"
    width, height, png = tf.make_ndarray(value.tensor)
    np.testing.assert_array_equal(tf.io.decode_png(png).numpy(),
                                  iio.imread(tmp_path / "run" / f"step_{step:07d}.png"))
    assert (int(width), int(height)) == (frame.shape[1], frame.shape[0])


class SquareCounter(keras.Model):
    """Reports step n's value n^2 through a running-mean tracker, as Keras' own models do."""

    def __init__(self):
        super().__init__()
        self.count = keras.Variable(0.0, trainable=False)
        self.tracker = keras.metrics.Mean(name="square")
        self.built = True

    def train_step(self, data):
        self.count.assign_add(1.0)
        self.tracker.update_state(self.count * self.count)
        return {"square": self.tracker.result()}

    @property
    def metrics(self):
        return [self.tracker]


class SquareCountingGAN(keras_gans.GAN):
    """A GAN whose step n reports n^2 (through `update_metrics`, as every variant does)."""

    metric_names = ("square",)

    def __init__(self):
        super().__init__(*tiny_networks(), seed=0)
        self.count = keras.Variable(0.0, trainable=False)

    def train_step(self, data):
        self.count.assign_add(1.0)
        return self.update_metrics(square=self.count * self.count)


def test_step_history_keeps_each_steps_own_value(tmp_path):
    gan = SquareCountingGAN()
    gan.compile()
    steps = keras_gans.callbacks.StepHistory(str(tmp_path / "steps.csv"))
    history = gan.fit(np.zeros((8, 1)), batch_size=2, epochs=2, verbose=0, callbacks=[steps])
    # The GAN keeps its last step's values: the rows hold 1, 4, 9, ...
    assert steps.history["step"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert steps.history["epoch"] == [1, 1, 1, 1, 2, 2, 2, 2]
    np.testing.assert_allclose(steps.history["square"], np.arange(1, 9) ** 2)
    # ... while Keras reports each epoch's mean: (1 + 4 + 9 + 16) / 4, (25 + 36 + 49 + 64) / 4.
    np.testing.assert_allclose(history.history["square"], [7.5, 43.5])

    # Another model: the values Keras reports after each step (the running means of the epoch).
    model = SquareCounter()
    model.compile()
    steps = keras_gans.callbacks.StepHistory()
    model.fit(np.zeros((4, 1)), batch_size=2, epochs=1, verbose=0, callbacks=[steps])
    np.testing.assert_allclose(steps.history["square"], [1.0, 2.5])


def test_step_history_writes_a_row_per_step_as_it_goes_and_appends_on_resume(tmp_path):
    path = tmp_path / "steps.csv"
    rows_seen = []

    class ReadTheFile(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            rows_seen.append(len(path.read_text().strip().splitlines()) - 1)

    gan = keras_gans.DCGAN(*tiny_networks(), seed=0)
    gan.compile()
    steps = keras_gans.callbacks.StepHistory(str(path))
    history = gan.fit(random_images(32), batch_size=16, epochs=3, verbose=0, callbacks=[steps, ReadTheFile()])
    assert rows_seen == [1, 2, 3, 4, 5, 6]  # flushed after every step
    with open(path) as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == ["step", "epoch", "d_loss", "g_loss", "real_score", "fake_score"]
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [int(r["epoch"]) for r in rows] == [1, 1, 2, 2, 3, 3]
    for name in ("d_loss", "g_loss", "real_score", "fake_score"):
        np.testing.assert_allclose([float(r[name]) for r in rows], steps.history[name], rtol=1e-6)
        # The mean of an epoch's steps is what Keras reports for the epoch.
        per_epoch = np.reshape(steps.history[name], (3, 2)).mean(axis=1)
        np.testing.assert_allclose(per_epoch, history.history[name], rtol=1e-4)

    resumed = keras_gans.callbacks.StepHistory(str(path), append=True)
    gan.fit(random_images(32), batch_size=16, epochs=4, initial_epoch=3, verbose=0, callbacks=[resumed])
    assert resumed.history["step"] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert resumed.history["epoch"][-2:] == [4, 4]
    assert len(path.read_text().strip().splitlines()) == 1 + 8


def test_train_command_writes_history_plots_and_gif(tmp_path, capsys):
    from keras_gans import cli

    run = tmp_path / "run"
    assert cli.main(["train", "--output", str(run), "--epochs", "2", "--num-images", "64",
                     "--batch-size", "32", "--width", "8", "--latent-dim", "16", "--verbose", "0"]) == 0
    for name in ("history_steps.csv", "losses.png", "scores.png", "progress.gif", "last_good.weights.h5"):
        assert (run / name).stat().st_size > 0, name
    assert len((run / "history_steps.csv").read_text().strip().splitlines()) == 1 + 4  # 2 steps x 2 epochs
    assert iio.imread(run / "progress.gif", index=None).shape[0] == 3
    out = capsys.readouterr().out
    for name in ("history_steps.csv", "losses.png", "scores.png", "progress.gif"):
        assert str(run / name) in out


def test_time_left_is_the_median_step_times_the_steps_left_plus_the_first_epochs_time_outside_steps(monkeypatch):
    """Epoch 1 of 3: a 1.0 s first step (tracing), three of 0.1 s, 0.3 s outside the steps; then
    2 epochs left of 4 steps at the median 0.1 s and 0.3 s each: 2 * (4 * 0.1 + 0.3) = 1.4 s."""
    from keras_gans.callbacks import time_limit

    now = [0.0]
    monkeypatch.setattr(time_limit.time, "perf_counter", lambda: now[0])
    said = []
    left = keras_gans.callbacks.TimeLeft(log=said.append)
    left.set_params({"epochs": 3, "steps": 4})
    left.on_train_begin()
    left.on_epoch_begin(0)
    for step, seconds in enumerate((1.0, 0.1, 0.1, 0.1)):
        left.on_train_batch_begin(step)
        now[0] += seconds
        left.on_train_batch_end(step)
    now[0] += 0.3  # samples, checkpoint, history
    left.on_epoch_begin(1)
    assert left.seconds == pytest.approx(1.4) and left.said_at == pytest.approx(1.6)
    assert said == ["About 0.0 minutes left: 2 epochs of 4 steps at 100 ms a step, and 0.3 s an epoch for the "
                    "callbacks (samples, checkpoints, histories), measured in the first epoch."]
    left.on_epoch_begin(2)  # said once
    assert len(said) == 1
