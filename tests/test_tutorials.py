"""Every tutorial runs top to bottom in quick mode, offline on the CPU, and writes its pictures.

Each runs as its own process (as a learner runs it), with KERAS_GANS_TIME_SCALE=0.1
so that its time-limited training lasts a few seconds; the pictures are then
rough, but they must exist, be readable and not be blank. The longer tutorials
are marked slow (CI runs them; `pytest -m "not slow"` skips them).
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIALS = os.path.join(ROOT, "tutorials")

# tutorial -> (files it must write, relative to its output folder; slow?)
EXPECTED = {
    "01_anatomy_of_a_gan": (["real_images.png", "untrained_generator.png", "after_hand_written_steps.png",
                             "pretrained_generator.png",
                             "fit_samples/progress.gif", "fit_samples/epoch_001.png", "generated.png"],
                            False),
    "02_dcgan_with_fit": (["real_images.png", "samples/progress.gif", "losses.png",
                           "generated_by_loaded_model.png", "latent_walk.png"], False),
    "03_gan_losses": (["discriminator_losses.png", "generator_losses.png", "comparison/samples.png",
                       "comparison/losses.png"], True),
    "04_wgan_and_gradient_penalty": (["gradient_norms.png", "critic_weights.png", "samples_wgan.png",
                                      "samples_wgan-gp.png"], True),
    "05_failure_modes": (["scores.png", "samples.png"], True),
    "06_transfer_with_vgg16": (["side_by_side.gif", "losses.png", "scratch/progress.gif",
                                "vgg16/progress.gif"], True),
    "07_fine_tuning": (["new_data.png", "source_samples.png", "fine_tuning.png"], True),
    "08_evaluating_gans": (["degraded_examples.png", "sample_size.png", "fid_over_training.png",
                            "final_samples.png"], True),
    "09_self_attention_sagan": (["dcgan_vs_sagan.png", "attention_maps.png"], True),
    "10_speed": (["speeds.png"], True),
    "11_conditional_gan": (["real_images_with_labels.png", "samples/progress.gif", "class_grid.png",
                            "sevens.png", "same_latent_across_classes.png", "class_walk.png"], True),
    "12_small_data": (["augmented_digits.png", "comparison.png"], True),
}


def run_tutorial(name, output_root, timeout=600):
    env = dict(os.environ, KERAS_GANS_QUICK="1", KERAS_GANS_TIME_SCALE="0.1", CUDA_VISIBLE_DEVICES="",
               TF_CPP_MIN_LOG_LEVEL="3", KERAS_GANS_TUTORIAL_OUTPUTS=str(output_root), MPLBACKEND="Agg")
    return subprocess.run([sys.executable, os.path.join(TUTORIALS, f"{name}.py")], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)


def check_picture(path):
    with Image.open(path) as image:
        frames = getattr(image, "n_frames", 1)
        pixels = np.asarray(image.convert("L"), dtype="float32")
    assert pixels.shape[0] > 16 and pixels.shape[1] > 16, path
    assert pixels.std() > 1.0, f"{path} is blank"
    return frames


def test_every_tutorial_is_tested():
    scripts = sorted(name[:-3] for name in os.listdir(TUTORIALS)
                     if name[:2].isdigit() and name.endswith(".py"))
    assert scripts == sorted(EXPECTED)


@pytest.mark.parametrize("name", [
    pytest.param(name, marks=[pytest.mark.slow] if slow else []) for name, (_, slow) in EXPECTED.items()
])
def test_tutorial_runs_in_quick_mode(name, tmp_path):
    result = run_tutorial(name, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Quick mode" in result.stdout
    folder = tmp_path / name
    for relative in EXPECTED[name][0]:
        path = folder / relative
        assert path.exists(), f"{name} did not write {relative}; it wrote {sorted(os.listdir(folder))}"
        frames = check_picture(path)
        if relative.endswith(".gif"):
            assert frames >= 2, f"{path} has {frames} frame(s)"
