"""The name `keras_gans.metrics`, kept so code written for keras_gans 0.1 runs unchanged.

Everything here lives in `keras_gans.evaluation` (the scores) and
`keras_gans.callbacks.FIDCallback` / `keras_gans.plotting.plot_quality`.
"""

from keras_gans.callbacks.fid import FIDCallback
from keras_gans.evaluation import *  # noqa: F403
from keras_gans.evaluation import __all__ as _evaluation_names
from keras_gans.plotting import plot_quality

__all__ = [*_evaluation_names, "FIDCallback", "plot_quality"]
