"""The layout keeps its promises: layers import downward only, old names and old files keep working."""

import ast
import os
import subprocess
import sys

import keras
import numpy as np
import pytest

import keras_gans

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.join(ROOT, "keras_gans")
DATA = os.path.join(ROOT, "tests", "data")

# The layers of ARCHITECTURE.md, lowest first. A module may import its own layer and the ones below.
LAYERS = [
    {"checks", "files", "pixels", "shipped", "losses", "precision", "augment", "batches", "presets"},
    {"networks"},
    {"models"},
    {"data"},
    {"plotting", "generation"},
    {"evaluation"},
    {"callbacks"},
    {"run_folder", "runs", "transfer"},
    {"experiments"},
    {"cli", "__main__", "tutorial", "metrics", "compare", "fid_inception"},  # commands, tutorials; 0.1 names
]


def _layer(module):
    top = module.split(".")[1] if module.count(".") else "__init__"
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} is in no layer of ARCHITECTURE.md")


def _modules():
    for folder, _, names in os.walk(PACKAGE):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                yield ".".join(parts), path


def _imports(path):
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("keras_gans"):
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name.startswith("keras_gans"))


def test_layers_import_only_downward_and_modules_stay_readable():
    modules = dict(_modules())
    upward = []
    for module, path in modules.items():
        if module == "keras_gans":  # the package itself re-exports everything
            continue
        for target in _imports(path):
            imported = target if target in modules else target.rsplit(".", 1)[0]
            if imported != "keras_gans" and _layer(imported) > _layer(module):
                upward.append(f"{module} imports {imported}")
        assert sum(1 for _ in open(path)) <= 500, f"{path} is over 500 lines"
    assert upward == []


def test_each_variant_lives_in_the_file_named_after_it():
    for module, cls in (("dcgan", "DCGAN"), ("lsgan", "LSGAN"), ("wgan", "WGAN"), ("wgan_gp", "WGANGP"),
                        ("sagan", "SAGAN"), ("conditional", "ConditionalGAN")):
        assert getattr(keras_gans, cls).__module__ == f"keras_gans.models.{module}"


def test_the_public_names_are_attributes_of_the_package():
    """`import keras_gans as kg; kg.metrics.FrechetInceptionDistance` worked in 0.1 and raised AttributeError."""
    code = ("import keras_gans as kg; "
            "assert kg.metrics.FrechetInceptionDistance is kg.evaluation.FrechetInceptionDistance; "
            "assert kg.metrics.compute_fid is kg.evaluation.compute_fid; "
            "assert kg.metrics.FIDCallback is kg.callbacks.FIDCallback; "
            "assert kg.metrics.plot_quality is kg.plotting.plot_quality; "
            "assert kg.compare.compare is kg.experiments.compare.compare; "
            "assert kg.compare.samples_table is kg.plotting.samples_table; "
            "assert callable(kg.data.load_mnist_5k) and callable(kg.runs.train) and callable(kg.transfer.fine_tune); "
            "assert kg.callbacks.mean_pairwise_distance is kg.evaluation.mean_pairwise_distance; "
            "assert all(hasattr(kg, name) for name in kg.__all__); print('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert result.stdout.strip() == "ok", result.stderr[-2000:]
    from keras_gans import fid_inception  # `python -m keras_gans.fid_inception` of 0.1

    assert fid_inception.fid_inception_v3 is keras_gans.evaluation.fid_inception.fid_inception_v3


@pytest.mark.parametrize("name", ["dcgan", "wgan_gp", "sagan"])
def test_gans_saved_by_version_0_1_load_and_generate_the_same(name):
    gan = keras.saving.load_model(os.path.join(DATA, f"{name}_v0.1.keras"))
    assert type(gan).__name__ == {"dcgan": "DCGAN", "wgan_gp": "WGANGP", "sagan": "SAGAN"}[name]
    latents = np.load(os.path.join(DATA, f"{name}_v0.1_latents.npy"))
    np.testing.assert_allclose(gan.generate(latents), np.load(os.path.join(DATA, f"{name}_v0.1_images.npy")),
                               atol=1e-6)
    assert gan.compiled and int(gan.g_optimizer.iterations) == 2  # the optimizer state came back too


def test_a_fresh_process_that_imports_keras_gans_loads_its_gans():
    """`keras-gans generate --model run/gan.keras` in a new process once ended in "Could not locate class"."""
    code = ("import keras, keras_gans; "
            f"print(type(keras.saving.load_model({os.path.join(DATA, 'dcgan_v0.1.keras')!r})).__name__)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert result.stdout.strip() == "DCGAN", result.stderr[-2000:]


def test_importing_the_package_changes_no_environment_variable():
    """What keras_gans itself changes: its dependencies are imported first (jax's import sets
    TF_CPP_MIN_LOG_LEVEL, as in Colab), then the package, and the environment compared."""
    code = ("import os, json, keras, numpy, matplotlib; before = dict(os.environ); import keras_gans; "
            "import keras_gans.data, keras_gans.runs, keras_gans.cli; changed = "
            "[k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k)]; "
            "print(json.dumps(sorted(changed)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr[-2000:]
