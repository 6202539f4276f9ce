"""Installed means complete: a wheel installed into a fresh virtual environment works from an empty folder.

Colab installs with `pip install git+...`, a non-editable install, so the package cannot look
for `datasets/` or `saved_models/` next to itself: the shipped files travel inside the wheel
(`keras_gans/shipped.py`, `setup.py`). This builds the wheel offline, installs it (without its
dependencies, which come from this environment), and runs the commands a new user runs.
"""

import os
import subprocess
import sys
import sysconfig

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENV = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}


def check_call(args, cwd):
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=ENV, timeout=600)
    assert result.returncode == 0, f"{args}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def test_every_shipped_file_is_in_the_source_distribution():
    from keras_gans import shipped

    manifest = open(os.path.join(ROOT, "MANIFEST.in")).read()
    for relative in shipped.FILES:
        folder, name = os.path.split(relative)
        assert relative in manifest or (f"recursive-include {folder} " in manifest and name in manifest), relative


@pytest.mark.slow
def test_a_wheel_installed_in_a_fresh_environment_works_from_an_empty_folder(tmp_path):
    dist, venv, empty = tmp_path / "dist", tmp_path / "venv", tmp_path / "empty"
    empty.mkdir()
    check_call([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                "--wheel-dir", str(dist), ROOT], cwd=tmp_path)
    check_call([sys.executable, "-m", "venv", str(venv)], cwd=tmp_path)
    python = str(venv / "bin" / "python")
    # The dependencies (TensorFlow, ...) come from this environment, offline: a .pth file adds its
    # site-packages after the fresh environment's own (which alone holds keras_gans).
    site = check_call([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path)
    with open(os.path.join(site.strip(), "dependencies.pth"), "w") as f:
        f.write(sysconfig.get_paths()["purelib"] + "\n")
    wheel = next(dist.glob("keras_gans-*.whl"))
    check_call([python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)], cwd=tmp_path)

    where = check_call([python, "-c", "import keras_gans; print(keras_gans.__file__)"], cwd=empty)
    assert where.strip().startswith(str(venv)), where  # the installed copy, not this checkout
    keras_gans = str(venv / "bin" / "keras-gans")
    check_call([keras_gans, "train", "--epochs", "1", "--num-images", "64", "--batch-size", "32", "--width", "8",
                "--latent-dim", "16", "--output", "run", "--verbose", "0"], cwd=empty)
    out = check_call([keras_gans, "evaluate", "--model", "run/generator.keras", "--num-images", "100"], cwd=empty)
    assert "FID (digits, 100 generated and 100 real images)" in out
    for name in ("dcgan_digits", "wgan_gp_digits", "cdcgan_digits"):
        check_call([keras_gans, "generate", "--model", name, "-n", "16", "--seed", "0", "--output", f"{name}.png",
                    "--npy", f"{name}.npy"], cwd=empty)
        images = np.load(empty / f"{name}.npy")
        assert images.shape == (16, 32, 32, 1) and images.std() > 0.3
