"""Every picture the package makes.

    images.py   sample grids, tables of grids, side-by-side frames, PNG and GIF files
    curves.py   losses, scores and quality over training (matplotlib, headless)
"""

from keras_gans.plotting.curves import (
    history_series,
    plot_loss_comparison,
    plot_loss_grid,
    plot_losses,
    plot_quality,
    plot_scores,
    rolling_mean,
)
from keras_gans.plotting.images import image_grid, read_png, samples_table, save_gif, save_png, side_by_side

__all__ = [
    "history_series", "image_grid", "plot_loss_comparison", "plot_loss_grid", "plot_losses", "plot_quality",
    "plot_scores", "read_png", "rolling_mean", "samples_table", "save_gif", "save_png", "side_by_side",
]
