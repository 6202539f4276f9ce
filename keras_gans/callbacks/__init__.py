"""Keras callbacks for watching a GAN learn and for keeping its work.

GAN losses do not say whether the images are good, so people learn GANs by
watching: samples from fixed latents, every step's losses and scores, a quality
score, and the known ways a run fails.

    samples.py      SampleGIF: fixed-latent grids as PNG frames and a GIF (and TensorBoard)
    history.py      StepHistory: a CSV row per step; EpochTimer: seconds per epoch
    time_limit.py   TimeLimit: a safety stop that says when it fired; TimeLeft: the time the rest takes
    diagnostics.py  Diagnostics: saturation, collapse, NaN and stalls, with what to try
    fid.py          FIDCallback: the FID every few epochs, into the history
    checkpoints.py  RunCheckpoint: atomic, rolling checkpoints of the whole training state

    callbacks = [Diagnostics(reference_images=dataset), StepHistory("out/history_steps.csv"),
                 SampleGIF("out/")]
    gan.fit(dataset, epochs=20, callbacks=callbacks)
    keras_gans.plotting.plot_losses(callbacks[1], path="out/losses.png")
"""

from keras_gans.callbacks.checkpoints import RunCheckpoint, checkpoint_paths, restore_latest
from keras_gans.callbacks.diagnostics import Diagnostics
from keras_gans.callbacks.fid import FIDCallback
from keras_gans.callbacks.history import EpochTimer, StepHistory, read_history_csv
from keras_gans.callbacks.samples import SampleGIF
from keras_gans.callbacks.time_limit import TimeLeft, TimeLimit
from keras_gans.evaluation.diversity import mean_pairwise_distance

__all__ = ["Diagnostics", "EpochTimer", "FIDCallback", "RunCheckpoint", "SampleGIF", "StepHistory",
           "TimeLeft", "TimeLimit", "checkpoint_paths", "mean_pairwise_distance", "read_history_csv", "restore_latest"]
