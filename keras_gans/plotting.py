"""Pictures of training: image grids, GIFs, and loss and score curves.

The curves are drawn with matplotlib's object API on an Agg canvas (no pyplot, no
window), so they work the same in a script, a notebook, a test or a headless
server. Each plotting function returns the `matplotlib.figure.Figure`; a notebook
shows it, and `path=` also saves it as a PNG.
"""

import math
import os

import imageio.v3 as iio
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from keras_gans.data import to_uint8


def image_grid(images, nrow=None, padding=2, scale=1, label=None):
    """Tile a batch of images into one uint8 picture.

    Args:
        images: (N, H, W, C) float images in [-1, 1] (or uint8), C = 1 or 3.
        nrow: images per row (default: a square-ish grid).
        padding: pixels of white between images.
        scale: integer upscaling (nearest neighbour) so small images stay visible.
        label: optional text written in a strip above the grid (e.g. "epoch 3").

    Returns:
        (H', W', 3) uint8 array.

    Example:
    >>> image_grid(np.zeros((4, 8, 8, 1)), nrow=2).shape
    (20, 20, 3)
    """
    images = np.asarray(images)
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            "Invalid value for argument `images`. Expected a batch of shape (N, H, W, 1 or 3). "
            f"Received shape: {images.shape}"
        )
    if images.dtype != np.uint8:
        images = to_uint8(images)
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    if scale > 1:
        images = images.repeat(scale, axis=1).repeat(scale, axis=2)
    n, h, w, _ = images.shape
    nrow = nrow or math.ceil(math.sqrt(n))
    ncol = math.ceil(n / nrow)
    grid = np.full((ncol * (h + padding) + padding, nrow * (w + padding) + padding, 3), 255, "uint8")
    for i, image in enumerate(images):
        top, left = padding + (i // nrow) * (h + padding), padding + (i % nrow) * (w + padding)
        grid[top:top + h, left:left + w] = image
    if label:
        grid = _with_label(grid, label)
    return grid


def _with_label(grid, label):
    font_size = max(12, grid.shape[1] // 24)
    strip = Image.new("RGB", (grid.shape[1], font_size + 8), "white")
    ImageDraw.Draw(strip).text((4, 3), label, fill="black", font=ImageFont.load_default(font_size))
    return np.concatenate([np.asarray(strip), grid], axis=0)


def save_png(image, path):
    """Write a uint8 (H, W, 3) array as a PNG."""
    iio.imwrite(path, image)


def read_png(path):
    """Read a PNG as a uint8 (H, W, 3) array."""
    return iio.imread(path)[..., :3]


def save_gif(frames, path, fps=2, loop=0):
    """Write uint8 frames (each (H, W, 3), same size) as an animated GIF.

    Args:
        frames: a list of uint8 arrays (for example grids from `image_grid`).
        path: where to write.
        fps: frames per second (2 shows each frame for half a second).
        loop: 0 repeats for ever; n plays n times.

    Returns:
        `path`.

    Example:
    >>> save_gif([np.zeros((8, 8, 3), "uint8"), np.ones((8, 8, 3), "uint8")], "/tmp/a.gif", fps=4)
    '/tmp/a.gif'
    """
    if not len(frames):
        raise ValueError("Invalid value for argument `frames`. Expected at least one frame. Received: []")
    if not fps > 0:
        raise ValueError(f"Invalid value for argument `fps`. Expected a positive number. Received: fps={fps}")
    shapes = sorted({np.shape(frame) for frame in frames})
    if len(shapes) > 1:
        raise ValueError(
            "Invalid value for argument `frames`. Expected frames of one size (a GIF has one canvas). "
            f"Received sizes: {shapes}"
        )
    # Written under a temporary name and renamed: a kill mid-write keeps the old GIF.
    from keras_gans.runs import write_atomically

    write_atomically(path, lambda temporary: iio.imwrite(temporary, np.stack(frames), extension=".gif",
                                                         duration=1000 / fps, loop=loop))
    return path


# ------------------------------------------------------------------ curves


def rolling_mean(values, window):
    """Trailing mean of the last `window` values at each position (fewer at the start).

    Non-finite values (a NaN step) are left out of the windows they fall in, so
    one bad step does not blank the rest of the curve.

    mean_i = sum(values[j] for j in (i - window, i], finite) / count(finite)

    Args:
        values: a 1-D sequence of numbers.
        window: a positive int.

    Returns:
        float64 NumPy array of the same length.

    Example:
    >>> rolling_mean([1, 2, 3, 4], window=2)
    array([1. , 1.5, 2.5, 3.5])
    """
    if not isinstance(window, (int, np.integer)) or isinstance(window, bool) or window < 1:
        raise ValueError(
            f"Invalid value for argument `window`. Expected a positive int. Received: window={window!r}"
        )
    values = np.asarray(values, dtype="float64")
    finite = np.isfinite(values)
    sums = np.concatenate([[0.0], np.cumsum(np.where(finite, values, 0.0))])
    counts = np.concatenate([[0], np.cumsum(finite)])
    end = np.arange(1, len(values) + 1)
    start = np.maximum(0, end - window)
    count = counts[end] - counts[start]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, (sums[end] - sums[start]) / np.maximum(count, 1), np.nan)


def history_series(history):
    """The curves in a training history, as (x, series, x_label, steps_per_epoch).

    Args:
        history: a Keras `History` (what `fit` returns: one value per epoch), its
            `.history` dict, a `keras_gans.callbacks.StepHistory` (one value per
            step), or a dict with a `"step"` list (such as `StepHistory.history`).

    Returns:
        x: 1-D array of steps or epochs; series: dict of name -> float array (same
        length as x); x_label: "training step" or "epoch"; steps_per_epoch: the
        steps in the first epoch of a per-step history, else None.
    """
    data = getattr(history, "history", history)
    if not isinstance(data, dict):
        raise ValueError(
            "Invalid value for argument `history`. Expected a keras History, its `.history` dict or a "
            f"StepHistory. Received: {type(history).__name__}"
        )
    series = {}
    for name, values in data.items():
        try:
            series[name] = np.asarray(values, dtype="float64").reshape(-1)
        except (TypeError, ValueError):
            continue  # not numbers (e.g. a text column): nothing to draw
    if "step" in series:
        x = series.pop("step")
        epochs = series.pop("epoch", None)
        steps_per_epoch = None
        if epochs is not None and len(epochs):
            steps_per_epoch = int(np.sum(epochs == epochs[0]))
        return x, series, "training step", steps_per_epoch
    length = max((len(v) for v in series.values()), default=0)
    series.pop("epoch", None)
    return np.arange(1, length + 1, dtype="float64"), series, "epoch", None


def _default_window(x_label, steps_per_epoch, length):
    if x_label == "epoch":
        return 1  # Keras' per-epoch values are already means over an epoch
    if steps_per_epoch:
        return max(1, min(steps_per_epoch, length))
    return max(1, length // 20)


def _new_figure(title, x_label, y_label):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 4.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # headless: an Agg canvas whatever the session's backend
    axes = figure.add_subplot()
    axes.set_title(title)
    axes.set_xlabel(x_label)
    axes.set_ylabel(y_label)
    axes.grid(alpha=0.3)
    return figure, axes


def _draw_curves(axes, x, series, names, window):
    colors = ["tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown"]
    for i, name in enumerate(names):
        values = series[name]
        color = colors[i % len(colors)]
        if window > 1:
            axes.plot(x[:len(values)], values, color=color, alpha=0.25, linewidth=0.8)
            axes.plot(x[:len(values)], rolling_mean(values, window), color=color, linewidth=2,
                      label=f"{name} (mean of {window})")
        else:
            marker = "o" if len(values) < 40 else None  # few points: show each one
            axes.plot(x[:len(values)], values, color=color, linewidth=2, marker=marker, markersize=3,
                      label=name)
    axes.legend(loc="best")


def _epoch_axis(axes, x_label, steps_per_epoch):
    # Per-step curves get the epochs on a second axis along the top.
    if x_label == "training step" and steps_per_epoch:
        top = axes.secondary_xaxis("top", functions=(lambda s: s / steps_per_epoch,
                                                     lambda e: e * steps_per_epoch))
        top.set_xlabel("epoch")


def _save(figure, path):
    if path:
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        figure.savefig(path)
    return figure


def plot_losses(history, window=None, path=None, title="GAN losses", metrics=None):
    """Loss curves: every `*loss*` metric, raw values faint and a rolling mean on top.

    GAN losses are noisy step to step and do not say whether the images are good
    (they measure each network against the other, which keeps changing); the
    trend and the balance between the two are what to read here.

    smooth_i = mean(loss[i - window + 1 .. i])

    Args:
        history: a Keras `History`, its `.history` dict, or a `StepHistory`.
        window: steps in the rolling mean (default: one epoch of steps for a
            per-step history; none for per-epoch values, already epoch means).
        path: also save the figure as a PNG here.
        title: the figure's title.
        metrics: names of the curves to draw instead (e.g. a WGAN-GP's
            `["wasserstein_estimate", "gradient_penalty"]`).

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> history = {"step": [1, 2, 3], "d_loss": [1.4, 1.2, 1.3], "g_loss": [0.7, 0.9, 0.8]}
    >>> figure = plot_losses(history, window=2, path="/tmp/losses.png")
    """
    x, series, x_label, steps_per_epoch = history_series(history)
    names = list(metrics) if metrics else [n for n in series if "loss" in n and not n.startswith("val_")]
    _check_names(names, series)
    if not names:
        raise ValueError(
            "Invalid value for argument `history`. Expected metrics whose names contain 'loss' (such as "
            f"d_loss, g_loss). Received metrics: {sorted(series)}"
        )
    window = window or _default_window(x_label, steps_per_epoch, len(x))
    figure, axes = _new_figure(title, x_label, "loss")
    _draw_curves(axes, x, series, names, window)
    _epoch_axis(axes, x_label, steps_per_epoch)
    return _save(figure, path)


def _check_names(names, series):
    missing = [name for name in names if name not in series]
    if missing:
        raise ValueError(
            f"Invalid value for argument `metrics`. {missing} not in the history. "
            f"Received metrics: {sorted(series)}"
        )


def plot_scores(history, window=None, path=None, probabilities=None, title="Discriminator scores"):
    """The discriminator's mean scores on real and on generated images over training.

    For a DCGAN (binary cross-entropy) the scores are probabilities: real near 1
    and fake near 0 for long means the discriminator wins and the generator's
    gradient vanishes; both near 0.5 means it cannot tell them apart. Variants
    with a critic (WGAN, WGAN-GP) or raw outputs (LSGAN, hinge) report unbounded
    means instead; there the gap between the curves is what to watch.

    Args:
        history: a Keras `History`, its `.history` dict, or a `StepHistory`.
        window: steps in the rolling mean (default: one epoch of steps for a
            per-step history; none for per-epoch values).
        path: also save the figure as a PNG here.
        probabilities: draw a 0-1 axis with the 0.5 line. None decides from the
            values (all within [0, 1]).
        title: the figure's title.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> history = {"step": [1, 2], "real_score": [0.6, 0.7], "fake_score": [0.4, 0.3]}
    >>> figure = plot_scores(history, path="/tmp/scores.png")
    """
    x, series, x_label, steps_per_epoch = history_series(history)
    names = [name for name in ("real_score", "fake_score") if name in series]
    if not names:
        raise ValueError(
            "Invalid value for argument `history`. Expected `real_score` and `fake_score` metrics. "
            f"Received metrics: {sorted(series)}"
        )
    if probabilities is None:
        values = np.concatenate([series[name] for name in names])
        values = values[np.isfinite(values)]
        probabilities = bool(len(values)) and values.min() >= 0.0 and values.max() <= 1.0
    window = window or _default_window(x_label, steps_per_epoch, len(x))
    y_label = "mean D(x): probability of 'real'" if probabilities else "mean discriminator / critic output"
    figure, axes = _new_figure(title, x_label, y_label)
    _draw_curves(axes, x, series, names, window)
    if probabilities:
        axes.axhline(0.5, color="grey", linestyle="--", linewidth=1)
        axes.set_ylim(-0.02, 1.02)
    _epoch_axis(axes, x_label, steps_per_epoch)
    return _save(figure, path)
