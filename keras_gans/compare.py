"""The name `keras_gans.compare`, kept so code written for keras_gans 0.1 runs unchanged.

The workshop comparison lives in `keras_gans.experiments.compare`.
"""

from keras_gans.experiments.compare import *  # noqa: F403
from keras_gans.experiments.compare import SUMMARY_COLUMNS, compare, digits_quality, write_summary
from keras_gans.plotting import plot_loss_grid, samples_table

__all__ = ["SUMMARY_COLUMNS", "compare", "digits_quality", "plot_loss_grid", "samples_table", "write_summary"]
