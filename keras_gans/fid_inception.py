"""The name `keras_gans.fid_inception` (and `python -m keras_gans.fid_inception`), kept for keras_gans 0.1.

The FID Inception network lives in `keras_gans.evaluation.fid_inception`.
"""

from keras_gans.evaluation.fid_inception import *  # noqa: F403
from keras_gans.evaluation.fid_inception import FIDInceptionExtractor, convert_weights, fid_inception_v3, main

__all__ = ["FIDInceptionExtractor", "convert_weights", "fid_inception_v3", "main"]

if __name__ == "__main__":
    main()
