"""Pictures made of curves: losses, scores and quality over training, one run or several.

The curves are drawn with matplotlib's object API on an Agg canvas (no pyplot, no
window), so they work the same in a script, a notebook, a test or a headless
server. Each plotting function returns the `matplotlib.figure.Figure`; a notebook
shows it, and `path=` also saves it as a PNG (atomically).
"""

import os

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from keras_gans import checks, files


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
    checks.positive_int("window", window)
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
        files.write_atomically(path, figure.savefig)
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


def plot_quality(history, name="fid", path=None, axes=None, label=None):
    """Plot a quality score (FID, KID) over training epochs; unscored (NaN) epochs are skipped.

    Args:
        history: a Keras `History` (what `fit` returns), its `.history` dict, a
            `FIDCallback` (its `scores`), or a dict {epoch: score}.
        name: the score's key in the history ("fid").
        path: if given, also save the figure there as a PNG.
        axes: a Matplotlib axes to draw on (e.g. to overlay several runs).
        label: legend label of the line.

    Returns:
        The `matplotlib.figure.Figure`.

    Example:
    >>> figure = plot_quality({1: 80.0, 2: 40.0, 3: 25.0}, path="/tmp/fid.png")
    """
    if axes is None:
        figure = Figure(figsize=(6, 4), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)  # headless: an Agg canvas whatever the session's backend
        axes = figure.add_subplot()
    figure = axes.figure
    history = getattr(history, "scores", history)  # a FIDCallback: its {epoch: score}
    history = getattr(history, "history", history)
    if name in history:  # a Keras history dict: one value per epoch, from epoch 1
        epochs, values = np.arange(1, len(history[name]) + 1), np.asarray(history[name], "float64")
    else:  # {epoch: score}
        epochs, values = np.asarray(list(history), "float64"), np.asarray(list(history.values()), "float64")
    keep = np.isfinite(values)
    if not keep.any():
        raise ValueError(f"Invalid value for argument `history`. It has no finite `{name}` values.")
    axes.plot(epochs[keep], values[keep], marker="o", label=label)
    # "digits_fid" -> "digits FID"
    title = " ".join(word.upper() if word in ("fid", "kid") else word for word in name.split("_"))
    axes.set_xlabel("epoch")
    axes.set_ylabel(title)
    axes.set_title(f"{title} over training (lower is better)")
    axes.grid(alpha=0.3)
    if label:
        axes.legend()
    return _save(figure, path)


def plot_loss_grid(histories, models, num_images, path):
    """Loss curves side by side: a column per variant, a row per subset size.

    Each panel shows `d_loss` and `g_loss` per step (faint) and their rolling
    mean over one epoch of steps, against epochs, so runs on different subset
    sizes line up. The y-axes are the variants' own: their losses live on
    different scales (a BCE near 1, a Wasserstein estimate near 0).

    Args:
        histories: dict (variant, num_images) -> a `StepHistory.history` dict.
        models: the column order.
        num_images: the row order.
        path: PNG to write.

    Returns:
        The `matplotlib.figure.Figure`.
    """
    figure = Figure(figsize=(3.6 * len(models), 2.8 * len(num_images)), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)  # headless
    axes = figure.subplots(len(num_images), len(models), squeeze=False)
    colors = {"d_loss": "tab:blue", "g_loss": "tab:orange"}
    for i, n in enumerate(num_images):
        for j, name in enumerate(models):
            ax = axes[i][j]
            history = histories[(name, n)]
            steps_per_epoch = max(1, int(np.sum(np.asarray(history["epoch"]) == 1)))
            x = np.asarray(history["step"], dtype="float64") / steps_per_epoch
            for key, color in colors.items():
                values = np.asarray(history[key], dtype="float64")
                ax.plot(x, values, color=color, alpha=0.25, linewidth=0.7)
                ax.plot(x, rolling_mean(values, steps_per_epoch), color=color, linewidth=1.8,
                        label=key)
            ax.set_title(f"{name.upper()}, {n:,} images", fontsize=10)
            ax.grid(alpha=0.3)
            if i == len(num_images) - 1:
                ax.set_xlabel("epoch")
            if j == 0:
                ax.set_ylabel("loss")
            if i == 0 and j == 0:
                ax.legend(loc="best", fontsize=8)
    figure.suptitle("Losses (faint: each step; bold: mean over one epoch of steps)")
    return _save(figure, path)


def plot_loss_comparison(histories, path=None, title=None, window=None):
    """Plot d_loss and g_loss of several runs on shared axes, one panel per loss.

    Raw values are drawn faint and a trailing rolling mean on top, as
    `plotting.plot_losses` does for one run (the same window for every run).

    Args:
        histories: {run name: a `StepHistory`, a Keras `History` or a `.history` dict}.
        path: PNG to write (optional).
        title: figure title.
        window: steps in the rolling mean (default: one epoch of steps of the first
            run; 1 for per-epoch histories).

    Returns:
        The matplotlib Figure.

    Example:
    >>> plot_loss_comparison({"a": {"d_loss": [1.0, 0.5], "g_loss": [2.0, 1.0]}})  # doctest: +ELLIPSIS
    <Figure ...>
    """
    curves = {run: history_series(history) for run, history in histories.items()}
    _, _, x_label, steps_per_epoch = next(iter(curves.values()))
    window = window or steps_per_epoch or 1
    figure = Figure(figsize=(11, 4), layout="constrained")
    for axis, key in zip(figure.subplots(1, 2), ("d_loss", "g_loss")):
        for i, (run, (x, series, _, _)) in enumerate(curves.items()):
            color = f"C{i}"
            if window > 1:
                axis.plot(x, series[key], color=color, alpha=0.25, linewidth=0.8)
            axis.plot(x, rolling_mean(series[key], window), color=color, label=run)
        axis.set_xlabel(x_label)
        axis.set_ylabel(key)
        axis.legend()
    if title:
        figure.suptitle(f"{title} (rolling mean over {window} steps)" if window > 1 else title)
    return _save(figure, path)
