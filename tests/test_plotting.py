"""Plotting: rolling means by hand, loss and score figures from every kind of history, grids and GIFs."""

import imageio.v3 as iio
import keras
import numpy as np
import pytest
from matplotlib.figure import Figure

from keras_gans import plotting
from keras_gans.callbacks import StepHistory


def test_rolling_mean_by_hand():
    np.testing.assert_allclose(plotting.rolling_mean([1, 2, 3, 4, 5], 3), [1, 1.5, 2, 3, 4])
    np.testing.assert_allclose(plotting.rolling_mean([1, 2, 3], 1), [1, 2, 3])
    # A NaN step is left out of its windows instead of blanking the curve.
    np.testing.assert_allclose(plotting.rolling_mean([2, np.nan, 4, 6], 2), [2, 2, 4, 5])
    with pytest.raises(ValueError, match=r"Expected a positive integer\. Received: window=0"):
        plotting.rolling_mean([1, 2], 0)


def step_history_dict(epochs=3, steps=10):
    rng = np.random.default_rng(0)
    n = epochs * steps
    return {
        "step": list(range(1, n + 1)),
        "epoch": [1 + i // steps for i in range(n)],
        "d_loss": list(1.4 - 0.01 * np.arange(n) + 0.1 * rng.standard_normal(n)),
        "g_loss": list(0.7 + 0.02 * np.arange(n) + 0.1 * rng.standard_normal(n)),
        "real_score": list(np.clip(0.5 + 0.01 * np.arange(n), 0, 1)),
        "fake_score": list(np.clip(0.5 - 0.01 * np.arange(n), 0, 1)),
    }


def assert_png(path):
    image = iio.imread(path)
    assert path.stat().st_size > 1000 and image.shape[0] > 100 and image.shape[1] > 100
    assert image[..., :3].std() > 0  # something is drawn


def test_per_step_curves_are_raw_faint_and_smoothed_over_one_epoch(tmp_path):
    history = step_history_dict()
    figure = plotting.plot_losses(history, path=str(tmp_path / "losses.png"))
    assert isinstance(figure, Figure)
    assert_png(tmp_path / "losses.png")
    axes = figure.axes[0]
    lines = axes.get_lines()
    assert len(lines) == 4  # raw and mean, for d_loss and g_loss
    raw, smooth = lines[0], lines[1]
    assert raw.get_alpha() < 0.5 and smooth.get_linewidth() > raw.get_linewidth()
    # The default window is one epoch of steps (10 here).
    np.testing.assert_allclose(smooth.get_ydata(), plotting.rolling_mean(history["d_loss"], 10))
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["d_loss (mean of 10)", "g_loss (mean of 10)"]
    assert axes.get_xlabel() == "training step"

    figure = plotting.plot_scores(history, window=5, path=str(tmp_path / "scores.png"))
    assert_png(tmp_path / "scores.png")
    axes = figure.axes[0]
    assert axes.get_ylim() == (-0.02, 1.02)  # probabilities: a 0-1 axis with the 0.5 line
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["real_score (mean of 5)",
                                                                     "fake_score (mean of 5)"]


def test_keras_history_and_its_dict_give_per_epoch_curves(tmp_path):
    history = keras.callbacks.History()
    history.history = {"d_loss": [1.3, 1.1, 0.9], "g_loss": [0.8, 1.0, 1.2], "real_score": [0.6, 2.5, 3.0],
                       "fake_score": [0.4, -1.0, -2.0], "learning_rate": [2e-4] * 3}
    for source in (history, history.history):
        figure = plotting.plot_losses(source, path=str(tmp_path / "losses.png"))
        axes = figure.axes[0]
        assert axes.get_xlabel() == "epoch"
        assert [list(line.get_xdata()) for line in axes.get_lines()] == [[1, 2, 3], [1, 2, 3]]
        assert_png(tmp_path / "losses.png")
    figure = plotting.plot_scores(history)  # critic means: not a 0-1 axis
    assert figure.axes[0].get_ylabel() == "mean discriminator / critic output"


def test_step_history_callback_is_accepted(tmp_path):
    steps = StepHistory()
    steps.history = step_history_dict(epochs=2, steps=4)
    figure = plotting.plot_losses(steps, path=str(tmp_path / "nested" / "losses.png"))
    assert_png(tmp_path / "nested" / "losses.png")
    assert "d_loss (mean of 4)" in [t.get_text() for t in figure.axes[0].get_legend().get_texts()]


def test_chosen_metrics(tmp_path):
    history = {"step": [1, 2, 3, 4], "d_loss": [1, 2, 3, 4], "wasserstein_estimate": [0.1, 0.3, 0.2, 0.4],
               "gradient_penalty": [1.0, 0.5, 0.2, 0.1]}
    figure = plotting.plot_losses(history, window=2, metrics=["wasserstein_estimate", "gradient_penalty"])
    legend = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert legend == ["wasserstein_estimate (mean of 2)", "gradient_penalty (mean of 2)"]
    with pytest.raises(ValueError, match=r"\['gp'\] not in the history"):
        plotting.plot_losses(history, metrics=["gp"])


def test_errors_name_what_is_missing():
    with pytest.raises(ValueError, match=r"Expected `real_score` and `fake_score` metrics\. "
                                         r"Received metrics: \['d_loss', 'g_loss'\]"):
        plotting.plot_scores({"d_loss": [1.0], "g_loss": [1.0]})
    with pytest.raises(ValueError, match=r"names contain 'loss'.*Received metrics: \['real_score'\]"):
        plotting.plot_losses({"real_score": [0.5]})
    with pytest.raises(ValueError, match=r"Received: list"):
        plotting.plot_losses([1.0, 2.0])


def test_image_grid_layout():
    images = np.stack([np.full((4, 4, 1), v, "float32") for v in (-1.0, 1.0, -1.0)])
    grid = plotting.image_grid(images, nrow=2, padding=1)
    assert grid.shape == (2 * 5 + 1, 2 * 5 + 1, 3) and grid.dtype == np.uint8
    assert (grid[1:5, 1:5] == 0).all() and (grid[1:5, 6:10] == 255).all() and (grid[6:10, 1:5] == 0).all()
    assert (grid[6:10, 6:10] == 255).all()  # the empty fourth cell is background
    with pytest.raises(ValueError, match=r"shape \(N, H, W, 1 or 3\)\. Received shape: \(4, 4\)"):
        plotting.image_grid(np.zeros((4, 4)))


def test_save_gif_frames_timing_and_errors(tmp_path):
    frames = [np.full((6, 6, 3), 60 * i, "uint8") for i in range(3)]
    path = tmp_path / "a.gif"
    assert plotting.save_gif(frames, str(path), fps=4, loop=2) == str(path)
    read = iio.imread(path, index=None)
    assert read.shape == (3, 6, 6, 3)
    np.testing.assert_array_equal(read[2], frames[2])
    assert iio.immeta(path)["duration"] == 250 and iio.immeta(path)["loop"] == 2
    with pytest.raises(ValueError, match=r"Expected frames of one size"):
        plotting.save_gif([frames[0], np.zeros((5, 6, 3), "uint8")], str(path))
    with pytest.raises(ValueError, match=r"Expected at least one frame"):
        plotting.save_gif([], str(path))


def test_a_long_side_by_side_title_is_shrunk_not_cut_off():
    # Tutorial 6's title ends with the words that matter ("RANDOM weights (offline)"):
    # drawn at the default size on two 6x6 grids it would run past the right edge.
    grid = np.full((200, 200, 3), 128, "uint8")
    title = "left: discriminator from scratch  |  right: frozen VGG16 layers with RANDOM weights (offline)"
    frame = plotting.side_by_side(grid, grid, title)
    strip = frame[: frame.shape[0] - 200]
    ink = np.where((strip < 128).any(axis=(0, 2)))[0]
    assert ink.size and ink.max() < frame.shape[1] - 2  # the text ends inside the picture
    short = plotting.side_by_side(grid, grid, "epoch 8")
    assert short.shape[0] - 200 > strip.shape[0]  # short titles keep the larger font
