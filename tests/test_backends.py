"""The same GANs on TensorFlow, JAX and PyTorch (issue 27).

Each backend runs in a fresh process (KERAS_BACKEND is fixed when Keras is imported):
`tests/backend_worker.py` does everything one backend must show and writes it down, and
these tests compare. The fast tier runs DCGAN's step on JAX and PyTorch against this
(TensorFlow) process; the slow tier runs all six variants, `fit`, mixed precision and the
`.keras` round trip, one fresh process per backend.

The tolerance of "the same step": the weights after one train_step from the same weights,
batch, latents and alphas (float32, plain SGD, DiffAugment off) agree per weight tensor to

    max|w_backend - w_tensorflow| <= 1e-3 * max|w_tensorflow - w_start| + 2 ulp(max|w|)

and the metrics to a relative 1e-4. Measured (2-core Xeon, Keras 3.15, JAX 0.10, PyTorch
2.13): at most 4e-5 of the update (WGAN-GP's two critic steps; 2e-6 for DCGAN), except
WGAN's generator, whose update through a critic clipped to 0.01 is about 1e-6, where the
float32 rounding of w + update (half an ulp of w, about 1e-9) alone is 8e-4 of it; the
metrics at most 2.4e-6 relative. What the test guards against is 100 times larger: a
missing replica or loss-scale division, a gradient reaching the wrong network or flowing
through spectral norm's sigma, a step applied twice are all 1 (100%) or a few percent.
"""

import ast
import importlib.util
import json
import os
import subprocess
import sys

import backend_worker as worker
import keras
import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE = os.path.join(os.path.dirname(HERE), "keras_gans")
MISSING = [name for name in ("jax", "torch") if importlib.util.find_spec(name) is None]
needs_backends = pytest.mark.skipif(
    bool(MISSING), reason=f"{', '.join(MISSING)} not installed (requirements.txt's test section installs them)")


def write_inputs(folder, variants=worker.VARIANTS, keras_files=False):
    """Initial weights, a batch, latents and alphas per variant (and, for the slow tier, TensorFlow-saved files)."""
    rng = np.random.default_rng(0)
    inputs = {}
    for name in variants:
        gan = worker.tiny(name)
        for network, key in ((gan.generator, "g"), (gan.discriminator, "d")):
            inputs.update({f"{name}/{key}/{i}": np.array(w) for i, w in enumerate(network.weights)})
        inputs[f"{name}/images"] = rng.uniform(-1, 1, (worker.BATCH, 32, 32, 1)).astype("float32")
        inputs[f"{name}/labels"] = rng.integers(0, 10, worker.BATCH).astype("int32")
        inputs[f"{name}/latents"] = rng.normal(size=(3, worker.BATCH, worker.LATENT_DIM)).astype("float32")
        inputs[f"{name}/alphas"] = rng.uniform(size=(2, worker.BATCH, 1, 1, 1)).astype("float32")
    if keras_files:
        gan = worker.tiny("dcgan", seed=4, ema=0.9)
        gan.compile()
        gan.fit(rng.uniform(-1, 1, (2 * worker.BATCH, 32, 32, 1)).astype("float32"), batch_size=worker.BATCH,
                verbose=0)
        gan.save(os.path.join(folder, "gan.keras"))
        gan.sampling_generator().save(os.path.join(folder, "generator.keras"))
        inputs["keras/latents"] = rng.normal(size=(4, worker.LATENT_DIM)).astype("float32")
        inputs["keras/images"] = rng.uniform(-1, 1, (worker.BATCH, 32, 32, 1)).astype("float32")
        inputs["keras/reference"] = gan.generate(inputs["keras/latents"])
        inputs["keras/sampler"] = np.array(gan.seed_generator.state)
    np.savez(os.path.join(folder, "inputs.npz"), **inputs)
    return inputs


def run_workers(folder, backends, quick=False):
    """One fresh process per backend, side by side; each one's report and arrays."""
    environment = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "JAX_PLATFORMS": "cpu", "TF_CPP_MIN_LOG_LEVEL": "3",
                   # XLA's optimisation passes cost more than these tiny steps; the arithmetic
                   # stays float32 (fused less), so parity means the same.
                   "JAX_DISABLE_MOST_OPTIMIZATIONS": "1"}
    command = [sys.executable, os.path.join(HERE, "backend_worker.py"), str(folder)] + (["--quick"] if quick else [])
    # Two CPU devices for JAX, for keras.distribution (one device is used unless a distribution is set).
    devices = {"jax": {"XLA_FLAGS": "--xla_force_host_platform_device_count=2"}}
    processes = {backend: subprocess.Popen(command, env={**environment, "KERAS_BACKEND": backend,
                                                         **devices.get(backend, {})},
                                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for backend in backends}
    results = {}
    for backend, process in processes.items():
        _, stderr = process.communicate(timeout=900)
        assert process.returncode == 0, f"{backend} worker failed:\n{stderr[-3000:]}"
        with open(os.path.join(folder, f"{backend}.json")) as file:
            report = json.load(file)
        results[backend] = (report, dict(np.load(os.path.join(folder, f"{backend}.npz"))))
    return results


def part(results, backend, name):
    """One part of a backend's report; its traceback if it failed there."""
    found = results[backend][0][name]
    assert not (isinstance(found, dict) and "error" in found), f"{backend}, {name}:\n{found['error']}"
    return found


def assert_same_step(inputs, reference, other, variant, backend):
    """`other`'s weights and metrics after one step are `reference`'s, to the tolerance of the module docstring."""
    (reference_numbers, reference_arrays), (numbers, arrays) = reference, other
    moved = 0
    for key, expected in reference_arrays.items():
        if not key.startswith(f"parity/{variant}/"):
            continue
        update = np.abs(expected - inputs[key[len("parity/"):]]).max()
        moved += update > 0
        limit = 1e-3 * update + 2 * np.spacing(np.float32(np.abs(expected).max()))
        difference = np.abs(arrays[key] - expected).max()
        assert difference <= limit, f"{backend} {key}: {difference:.2e} apart, limit {limit:.2e} (update {update:.2e})"
    assert moved > 0, "the step moved no weight"
    expected, found = reference_numbers[variant], numbers[variant]
    assert found["iterations"] == expected["iterations"] and not found["sampler_moved"]
    for name in expected:
        if isinstance(expected[name], float):
            assert found[name] == pytest.approx(expected[name], rel=1e-4, abs=1e-6), f"{backend} {variant} {name}"


# ------------------------------------------------------------------------------- fast tier


def _top_level_imports(path):
    """Modules imported when `path` is imported (function bodies excluded: they import when called)."""
    def walk(node):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(child, ast.Import):
                yield from (alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and not child.level:
                yield child.module
            yield from walk(child)

    with open(path) as file:
        return list(walk(ast.parse(file.read())))


def test_models_losses_networks_augment_and_precision_import_no_tensorflow():
    # The borrowed GPU machines have JAX and PyTorch but no TensorFlow; only the TensorFlow
    # backend module may import it when it loads.
    paths = [os.path.join(PACKAGE, name) for name in ("losses.py", "augment.py", "precision.py")]
    for folder in ("models", "networks"):
        for root, _, names in os.walk(os.path.join(PACKAGE, folder)):
            paths += [os.path.join(root, name) for name in names if name.endswith(".py")]
    allowed = os.path.join(PACKAGE, "models", "backends", "tensorflow.py")
    offenders = [f"{os.path.relpath(path, PACKAGE)} imports {module}" for path in paths if path != allowed
                 for module in _top_level_imports(path) if module.split(".")[0] == "tensorflow"]
    assert len(paths) > 15 and offenders == []


def test_layer_normalization_has_exact_second_derivatives():
    # WGAN-GP's penalty differentiates the critic's gradient. Keras' LayerNormalization on
    # TensorFlow (tf.nn.moments) gets the second derivative slightly wrong; the package's does not.
    import tensorflow as tf

    from keras_gans.networks.dcgan import LayerNormalization

    x = tf.constant(np.random.default_rng(0).normal(size=(2, 3, 3, 4)), tf.float64)
    v = tf.constant(np.random.default_rng(1).normal(size=(2, 3, 3, 4)), tf.float64)
    c = tf.constant(np.random.default_rng(2).normal(size=(2, 3, 3, 4)), tf.float64)

    def hessian_times_v(layer):
        """H v of f(x) = sum(c * layer(x)) by double backprop, and by central differences of the gradient."""
        def gradient(x):
            with tf.GradientTape() as tape:
                tape.watch(x)
                f = tf.reduce_sum(c * layer(x))
            return tape.gradient(f, x)

        with tf.GradientTape() as tape:
            tape.watch(x)
            g = tf.reduce_sum(gradient(x) * v)
        exact = tape.gradient(g, x).numpy()
        h = 1e-5
        return exact, ((gradient(x + h * v) - gradient(x - h * v)) / (2 * h)).numpy()

    ours = LayerNormalization(axis=[1, 2, 3], dtype="float64")
    keras_own = keras.layers.LayerNormalization(axis=[1, 2, 3], dtype="float64")
    np.testing.assert_allclose(ours(x), keras_own(x), atol=1e-12)  # the same values ...
    exact, differences = hessian_times_v(ours)
    np.testing.assert_allclose(exact, differences, rtol=1e-6, atol=1e-8)  # ... and the right second derivative
    exact, differences = hessian_times_v(keras_own)
    assert np.abs(exact - differences).max() > 1e-3 * np.abs(differences).max()  # which Keras' misses on TF


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backends_quick")
    inputs = write_inputs(folder, ("dcgan",))
    reference = worker.parity(inputs, ("dcgan",))  # TensorFlow, in this process
    results = run_workers(folder, ("jax", "torch"), quick=True)
    return inputs, {"tensorflow": ({"parity": reference[1]}, {f"parity/{k}": v for k, v in reference[0].items()}),
                    **results}


@needs_backends
def test_one_dcgan_step_is_the_same_on_every_backend(quick):
    inputs, results = quick
    reference = (results["tensorflow"][0]["parity"], results["tensorflow"][1])
    for backend in ("jax", "torch"):
        assert_same_step(inputs, reference, (part(results, backend, "parity"), results[backend][1]), "dcgan", backend)


@needs_backends
def test_a_tf_distribute_strategy_is_refused_in_one_line_on_jax_and_torch(quick):
    _, results = quick
    for backend in ("jax", "torch"):
        message = part(results, backend, "refusal")
        assert message.startswith(f"A tf.distribute strategy is TensorFlow's, and Keras is using '{backend}'")
        assert "\n" not in message


# ------------------------------------------------------------------------------- slow tier


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    folder = tmp_path_factory.mktemp("backends_full")
    inputs = write_inputs(folder, keras_files=True)
    return folder, inputs, run_workers(folder, ("tensorflow", "jax", "torch"))


@needs_backends
@pytest.mark.slow
@pytest.mark.parametrize("variant", worker.VARIANTS)
def test_one_step_of_each_variant_is_the_same_on_every_backend(full, variant):
    _, inputs, results = full
    reference = (part(results, "tensorflow", "parity"), results["tensorflow"][1])
    for backend in ("jax", "torch"):
        assert_same_step(inputs, reference, (part(results, backend, "parity"), results[backend][1]), variant, backend)


@needs_backends
@pytest.mark.slow
def test_fit_trains_a_seeded_dcgan_with_diffaugment_and_ema_on_every_backend(full):
    _, _, results = full
    for backend in ("tensorflow", "jax", "torch"):
        fit = part(results, backend, "fit")
        assert fit["steps"] == [4, 4] and fit["finite"], backend
        # 4 steps x (2 latent batches + 2 DiffAugment operations x 2 draws x 3 batches) + evaluate's latents:
        # the sampler's state is threaded through every step on JAX too.
        assert fit["sampler_draws"] == 4 * (2 + 12) + 1, backend
        assert fit["batch_norm_moved"] and fit["ema_moved"], backend
        assert fit["generated"][0] == [3, 32, 32, 1] and -1 <= fit["generated"][1] <= fit["generated"][2] <= 1
        # The last step's own values are kept beside the epoch means (StepHistory reads them).
        assert set(fit["last_step_values"]) == {"d_loss", "g_loss", "real_score", "fake_score"}


@needs_backends
@pytest.mark.slow
def test_a_step_under_mixed_precision_stays_finite_on_every_backend(full):
    _, _, results = full
    for backend in ("tensorflow", "jax", "torch"):
        for run, found in part(results, backend, "mixed_precision").items():
            policy = run.split()[0]
            assert found["finite"] and found["steps"] == 2, f"{backend} {run}"
            assert found["loss_scaled"] == (policy == "mixed_float16"), f"{backend} {run}"
            assert found["compute_dtype"] == policy.replace("mixed_", "") and found["output_dtype"] == "float32"


@needs_backends
@pytest.mark.slow
def test_a_gan_saved_under_tensorflow_trains_on_under_jax_and_torch_and_comes_back(full):
    folder, inputs, results = full
    for backend in ("jax", "torch"):
        found, arrays = part(results, backend, "keras"), results[backend][1]
        assert found["class"] == "DCGAN" and found["finite"]
        np.testing.assert_allclose(arrays["keras/gan_images"], inputs["keras/reference"], atol=1e-5)
        np.testing.assert_allclose(arrays["keras/generator_images"], inputs["keras/reference"], atol=1e-5)
        # The optimizers' state and the latent sampler's came with the weights.
        assert found["iterations_before"] == [2, 2] and found["iterations_after"] == [3, 3]
        assert found["sampler_loaded"] == inputs["keras/sampler"].tolist()
        # ... and back under TensorFlow: the same images, and training goes on.
        gan = keras.saving.load_model(os.path.join(folder, f"{backend}.keras"))
        np.testing.assert_allclose(gan.generate(inputs["keras/latents"]), arrays["keras/trained_images"], atol=1e-5)
        assert int(gan.g_optimizer.iterations) == 3
        gan.fit(inputs["keras/images"], batch_size=worker.BATCH, verbose=0)
        assert int(gan.g_optimizer.iterations) == 4


@needs_backends
@pytest.mark.slow
def test_keras_distribution_on_jax_trains_like_one_device(full):
    # The route the tf.distribute refusal points JAX users to: DataParallel over two CPU devices.
    _, _, results = full
    found = part(results, "jax", "data_parallel")
    assert found["devices"] == 2
    assert found["difference"] <= 1e-5 * found["update"] + 1e-6, found


@needs_backends
def test_without_tensorflow_the_package_trains_watches_and_scores_on_pytorch(tmp_path):
    """The borrowed GPU machines have JAX and PyTorch but no TensorFlow: there `import keras_gans`, its
    callbacks and its scores must work (the data loaders are tf.data's and need TensorFlow)."""
    code = f"""
import sys
sys.modules["tensorflow"] = None  # as on a machine without it: any import of it fails
import numpy as np
import keras_gans
from keras_gans import callbacks, evaluation
rng = np.random.default_rng(0)
images = rng.uniform(-1, 1, (64, 32, 32, 1)).astype("float32")
gan = keras_gans.models.build_gan("dcgan", 32, 1, 16, width=8, seed=0, ema=0.9)
gan.compile()
steps = callbacks.StepHistory()
gan.fit(images, batch_size=16, epochs=2, verbose=0, callbacks=[
    steps, callbacks.SampleGIF({str(tmp_path)!r}, num_images=4),
    callbacks.Diagnostics(reference_images=images)])
fid = evaluation.compute_fid(gan, images, num_images=64, feature_extractor="digits", verbose=0)
print(len(steps.history["step"]), float(fid) > 0, sys.modules["tensorflow"] is None)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "KERAS_BACKEND": "torch"})
    assert result.stdout.split() == ["8", "True", "True"], result.stderr[-3000:]
    assert os.path.getsize(tmp_path / "progress.gif") > 0
