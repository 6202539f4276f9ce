"""Every tutorial runs top to bottom, offline on the CPU, in both modes, and writes its pictures.

- Quick mode runs each *notebook* with a real Jupyter client (nbclient and an ipykernel), as
  Colab runs it, install cell included: it must notice that the package is already there.
- Full mode runs each *script* with KERAS_GANS_QUICK=0 under mixed_float16 on a CelebA-shaped
  archive made here (178x218 JPEGs in Kaggle's nested layout, read from the .zip), with a tiny
  time scale and small networks (KERAS_GANS_WIDTH / KERAS_GANS_BATCH_SIZE): every code path of
  full mode, in seconds instead of hours. The ImageNet weights of VGG16 and InceptionV3 are a
  download, so offline the tutorials say so in one line and go on with random weights.

The pictures are rough at these settings, but they must exist, be readable and not be blank.
Both are slow (minutes): `python -m pytest -m slow` runs them, and CI does.
"""

import io
import os
import subprocess
import sys
import zipfile

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIALS = os.path.join(ROOT, "tutorials")

# tutorial -> files it must write, relative to its output folder (in both modes)
EXPECTED = {
    "01_anatomy_of_a_gan": ["real_images.png", "untrained_generator.png", "after_hand_written_steps.png",
                            "pretrained_generator.png", "fit_samples/progress.gif", "fit_samples/epoch_001.png",
                            "generated.png"],
    "02_dcgan_with_fit": ["real_images.png", "samples/progress.gif", "losses.png", "generated_by_loaded_model.png",
                          "latent_walk.png"],
    "03_gan_losses": ["discriminator_losses.png", "generator_losses.png", "comparison/samples.png",
                      "comparison/losses.png"],
    "04_wgan_and_gradient_penalty": ["gradient_norms.png", "critic_weights.png", "samples_wgan.png",
                                     "samples_wgan-gp.png"],
    "05_failure_modes": ["scores.png", "samples.png"],
    "06_transfer_with_vgg16": ["side_by_side.gif", "losses.png", "scratch/progress.gif", "vgg16/progress.gif"],
    "07_fine_tuning": ["new_data.png", "source_samples.png", "fine_tuning.png"],
    "08_evaluating_gans": ["degraded_examples.png", "sample_size.png", "fid_over_training.png",
                           "final_samples.png"],
    "09_self_attention_sagan": ["dcgan_vs_sagan.png", "attention_maps.png"],
    "10_speed": ["speeds.png"],
    "11_conditional_gan": ["real_images_with_labels.png", "samples/progress.gif", "class_grid.png", "sevens.png",
                           "same_latent_across_classes.png", "class_walk.png"],
    "12_small_data": ["augmented_digits.png", "comparison.png"],
    "13_your_own_images": ["crop_and_resize.png", "training_images.png", "samples/progress.gif", "generated.png",
                           "nearest_training_pictures.png"],
}
QUIET = {"CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}


def check_pictures(folder, name):
    for relative in EXPECTED[name]:
        path = os.path.join(folder, relative)
        assert os.path.exists(path), f"{name} did not write {relative}; it wrote {sorted(os.listdir(folder))}"
        with Image.open(path) as image:
            frames = getattr(image, "n_frames", 1)
            pixels = np.asarray(image.convert("L"), dtype="float32")
        assert pixels.shape[0] > 16 and pixels.shape[1] > 16, path
        assert pixels.std() > 1.0, f"{path} is blank"
        if relative.endswith(".gif"):
            assert frames >= 2, f"{path} has {frames} frame(s)"


def test_every_tutorial_is_tested():
    scripts = sorted(name[:-3] for name in os.listdir(TUTORIALS) if name[:2].isdigit() and name.endswith(".py"))
    assert scripts == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_in_quick_mode_in_a_jupyter_kernel(name, tmp_path, monkeypatch):
    for key, value in {**QUIET, "KERAS_GANS_QUICK": "1", "KERAS_GANS_TIME_SCALE": "0.05"}.items():
        monkeypatch.setenv(key, value)  # the kernel inherits this process' environment
    notebook = nbformat.read(os.path.join(TUTORIALS, "notebooks", f"{name}.ipynb"), as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "Quick mode" in outputs
    assert "pip install" not in outputs  # the install cell saw the package and did nothing
    check_pictures(tmp_path / "outputs" / name, name)


@pytest.fixture(scope="module")
def celeba_zip(tmp_path_factory):
    """10,000 CelebA-shaped faces (178x218 JPEGs) in Kaggle's layout, with its partition file, as one .zip."""
    folder = tmp_path_factory.mktemp("celeba")
    rng = np.random.default_rng(0)
    jpegs = []
    for _ in range(16):  # 16 different pictures, repeated: decoding is what costs, not their variety
        face = np.zeros((218, 178, 3), "uint8") + rng.integers(0, 255, 3, dtype="uint8")
        face[60:160, 40:140] = rng.integers(0, 255, 3, dtype="uint8")
        buffer = io.BytesIO()
        Image.fromarray(face).save(buffer, format="JPEG")
        jpegs.append(buffer.getvalue())
    path = str(folder / "celeba-dataset.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        names = [f"{i:06d}.jpg" for i in range(1, 10_001)]
        for i, name in enumerate(names):
            archive.writestr(f"img_align_celeba/img_align_celeba/{name}", jpegs[i % len(jpegs)])
        archive.writestr("list_eval_partition.csv", "image_id,partition\n" + "".join(f"{n},0\n" for n in names))
    return path, str(folder / "cache")


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_script_runs_in_full_mode_on_celeba_shaped_faces(name, tmp_path, celeba_zip):
    archive, cache = celeba_zip
    env = dict(os.environ, **QUIET, KERAS_GANS_QUICK="0", KERAS_GANS_PRECISION="mixed_float16",
               KERAS_GANS_TIME_SCALE="0.001", KERAS_GANS_WIDTH="8", KERAS_GANS_BATCH_SIZE="16",
               CELEBA_SOURCE=archive, KERAS_GANS_CACHE_DIR=cache, KERAS_GANS_TUTORIAL_OUTPUTS=str(tmp_path))
    result = subprocess.run([sys.executable, os.path.join(TUTORIALS, f"{name}.py")], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Full mode: CelebA" in result.stdout and "mixed_float16" in result.stdout
    check_pictures(tmp_path / name, name)
