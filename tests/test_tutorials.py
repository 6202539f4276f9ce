"""Every tutorial is a standalone lesson: its settings in its first cell, and it runs top to bottom.

Fast checks (the default tier):
- each tutorial's first cell holds one settings line per mode, QUICK and FULL, with the same
  keys, and the settings every tutorial shares match `keras_gans.presets.TUTORIAL` (the
  exceptions are named in `PRESET_EXCEPTIONS`, each with its reason);
- no lesson code branches on the mode, and `keras_gans.tutorial` keeps no module settings;
- `tutorial.configure` multiplies the steps by LENGTH only, prints the settings, and takes
  from the environment only what the cell does not say;
- every duration a tutorial's header quotes matches the current `tutorials` table of
  benchmarks/README.md (written by benchmarks/tutorial_times.py).

Slow checks (`python -m pytest -m slow`; CI runs them), with the parameters injected into the
first cell as papermill does, never through environment variables:
- quick mode runs each *notebook* with a real Jupyter client (nbclient and an ipykernel), as
  Colab runs it, install cell included (it must notice that the package is already there),
  at a small LENGTH;
- full mode runs each *script* under mixed_float16 on a CelebA-shaped archive made here
  (178x218 JPEGs in Kaggle's nested layout, read from the .zip), with a tiny LENGTH and small
  networks: every code path of full mode, in seconds instead of hours. The ImageNet weights
  of VGG16 and InceptionV3 are a download, so offline the tutorials say so in one line and
  go on with random weights.

The pictures are rough at these settings, but they must exist, be readable and not be blank.
"""

import glob
import importlib.util
import io
import os
import re
import subprocess
import sys
import zipfile

import keras
import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient
from PIL import Image

from keras_gans import presets, tutorial

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIALS = os.path.join(ROOT, "tutorials")
SPEC = importlib.util.spec_from_file_location("make_notebooks", os.path.join(TUTORIALS, "make_notebooks.py"))
make_notebooks = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(make_notebooks)
sys.path.insert(0, os.path.join(ROOT, "benchmarks"))
import results  # noqa: E402
import tutorial_times  # noqa: E402

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

# The settings every tutorial shares with `presets.TUTORIAL[mode]`, and the deliberate exceptions.
SHARED = ("image_size", "latent_dim", "width", "batch_size", "d_lr", "g_lr")
PRESET_EXCEPTIONS = {
    # Tutorial 3's comparison is the workshop's `keras-gans compare --quick`: its quick settings are
    # the comparison's preset, not the tutorials'.
    ("03_gan_losses", "quick"): presets.COMPARE["quick"],
    # A conditional GAN needs labels and the question of tutorial 12 is how few digits suffice:
    # both train on the 32x32 digits in full mode too, with full mode's networks and batch.
    ("11_conditional_gan", "full"): presets.TUTORIAL["full"].replace(image_size=32),
    ("12_small_data", "full"): presets.TUTORIAL["full"].replace(image_size=32),
}


def scripts():
    return sorted(glob.glob(os.path.join(TUTORIALS, "[0-9][0-9]_*.py")))


def name_of(script):
    return os.path.splitext(os.path.basename(script))[0]


def source_of(script):
    with open(script, encoding="utf-8") as file:
        return file.read()


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
    assert [name_of(script) for script in scripts()] == sorted(EXPECTED)


@pytest.mark.parametrize("script", scripts(), ids=name_of)
def test_first_cell_holds_one_settings_line_per_mode_matching_the_presets(script):
    cell = make_notebooks.settings_cell(source_of(script))
    for name in ("MODE", "LENGTH", "CELEBA", "QUICK", "FULL"):
        assert re.search(rf"^{name} = ", cell, re.M), f"the first cell does not set {name}"
    settings = make_notebooks.mode_settings(source_of(script))
    assert sorted(settings["QUICK"]) == sorted(settings["FULL"]), "QUICK and FULL name different settings"
    for mode in ("quick", "full"):
        preset = PRESET_EXCEPTIONS.get((name_of(script), mode), presets.TUTORIAL[mode])
        values = settings[mode.upper()]
        for key in SHARED:
            if key in values:
                assert values[key] == getattr(preset, key), f"{mode} {key}: {values[key]} != preset's"
        if "steps" in values and preset.steps is not None:
            assert values["steps"] == preset.steps


@pytest.mark.parametrize("script", scripts(), ids=name_of)
def test_lesson_code_reads_settings_and_never_branches_on_the_mode(script):
    code_cells = [text for kind, text in make_notebooks.split_cells(source_of(script)) if kind == "code"]
    code = "\n".join(code_cells[1:])  # everything after the settings cell
    assert "settings = tutorial.configure(MODE, QUICK, FULL, length=LENGTH, celeba=CELEBA)" in code
    code = code.replace("tutorial.configure(MODE, QUICK, FULL,", "")
    for pattern in (r"tutorial\.[A-Z_]{3,}", r"settings\.mode\b", r"\bMODE\b", r"\bQUICK\b", r"\bFULL\b",
                    r"os\.environ", r"tutorial\.(seconds|scaled|TimeLimit)\b"):
        lines = [line for line in code.splitlines() if re.search(pattern, line)]
        assert not lines, f"{pattern!r} in the lesson's code: {lines}"


def test_the_helper_keeps_no_settings_of_its_own():
    for name in ("MODE", "QUICK", "TIME_SCALE", "IMAGE_SIZE", "WIDTH", "BATCH_SIZE", "D_LEARNING_RATE", "TimeLimit",
                 "seconds", "scaled"):
        assert not hasattr(tutorial, name), name


def test_configure_multiplies_steps_only_prints_and_leaves_the_cell_in_charge(capsys, monkeypatch):
    monkeypatch.setenv("KERAS_GANS_PRECISION", "mixed_bfloat16")  # fills what the cell does not say
    monkeypatch.setenv("KERAS_GANS_WIDTH", "8")  # not a variable tutorials read: the cell says the width
    quick = dict(image_size=32, channels=1, latent_dim=64, width=32, batch_size=32, d_lr=1e-4, g_lr=2e-4,
                 steps=600, hand_steps=200, num_images=1000)
    try:
        settings = tutorial.configure("quick", quick, dict(quick, width=64), length=3)
        printed = capsys.readouterr().out.strip().splitlines()
        assert settings.steps == 1800 and settings.hand_steps == 600 and settings.num_images == 1000
        assert settings.width == 32 and settings.policy == "mixed_bfloat16" and settings.mode == "quick"
        assert keras.mixed_precision.global_policy().name == "mixed_bfloat16"
        assert len(printed) == 2 and "1,800 steps (LENGTH 3)" in printed[0] and "width 32" in printed[0]
        assert "D 0.0001 / G 0.0002" in printed[0] and "hand_steps=600" in printed[1]
        assert tutorial.configure("quick", quick, quick, length=0.0001).steps == 1  # at least one step
        with pytest.raises(AttributeError, match="read-only"):
            settings.width = 8
        with pytest.raises(AttributeError, match="Add it to the first cell"):
            settings.height  # noqa: B018
        with pytest.raises(ValueError, match="mode"):
            tutorial.configure("fast", quick, quick)
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_parameters_are_injected_at_the_end_of_the_settings_cell():
    source = source_of(scripts()[0])
    injected = make_notebooks.inject_parameters(source, {"LENGTH": 0.05, "QUICK": {"width": 8}})
    cell = make_notebooks.settings_cell(injected)
    assert cell.endswith("LENGTH = 0.05\nQUICK = {**QUICK, 'width': 8}")
    namespace = {}
    exec(cell, namespace)
    assert namespace["QUICK"]["width"] == 8 and namespace["LENGTH"] == 0.05


# "**How long**, quick mode on 2 CPU cores: 2.1 min (AVX-512), 3.4 min (AVX-512, oneDNN off)."
DURATION = re.compile(r"(\d+(?:\.\d+)?) min \(((?:AVX-512|AVX2-only)(?:, oneDNN off)?)\)")


def table_minutes(kind):
    """{tutorial: minutes} of the current `tutorials` table of benchmarks/README.md for one CPU kind."""
    readme = os.path.join(ROOT, "benchmarks", "README.md")
    table = results.current_table("tutorials", kind, readme) if os.path.exists(readme) else None
    assert table is not None, f"a header quotes a time on {kind}, and benchmarks/README.md has no such table"
    rows = [line.split("|")[1:-1] for line in table.splitlines() if line.startswith("| ")]
    return {cells[0].strip().strip("`"): cells[2].strip() for cells in rows[1:]}


@pytest.mark.parametrize("script", scripts(), ids=name_of)
def test_every_duration_a_header_quotes_is_the_current_measurement(script):
    header = make_notebooks.split_cells(source_of(script))[1][1]  # the "Quick or full" cell
    for minutes, kind in DURATION.findall(header):
        assert table_minutes(kind)[name_of(script)] == minutes, (name_of(script), kind)
    assert "benchmarks/README.md" in header, "the header links to the table of the times"


def test_tutorial_times_runs_a_script_and_keeps_the_rows_it_did_not_run(tmp_path, monkeypatch):
    script = tmp_path / "99_demo.py"
    script.write_text("print('a lesson')\n")
    minutes, code = tutorial_times.run_tutorial(str(script))
    assert code == 0 and 0 < minutes < 1
    assert tutorial_times.quick_steps(scripts()[0]) == "hand_steps 200, steps 1,000"
    readme, log, kind = str(tmp_path / "README.md"), str(tmp_path / "LOG.md"), "AVX2-only"
    first = tutorial_times.table([("01_demo", "steps 10", 1.234)], kind, readme)
    monkeypatch.setattr(results, "cpu_kind", lambda: kind)  # record() files the table under the CPU kind
    results.record("tutorials", first, command="python benchmarks/tutorial_times.py", readme=readme, log=log)
    second = tutorial_times.table([("02_demo", "steps 20", 2.0)], kind, readme)
    assert "| `01_demo` | steps 10 | 1.2 |" in second and "| `02_demo` | steps 20 | 2.0 |" in second


def test_the_handouts_step_costs_are_those_of_the_benchmark():
    """WORKSHOP.md's "Which loss when" quotes the `vs first` ratios of benchmarks/README.md's step-cost tables."""
    readme = open(os.path.join(ROOT, "benchmarks", "README.md")).read()
    section = readme.split("## The loss variants' step cost")[1].split("\n## ")[0]
    measured = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.split("|")[1:-1]]
        if len(cells) > 3 and cells[3].endswith("x") and cells[0] != "variant":
            measured.setdefault(cells[0], []).append(float(cells[3][:-1]))
    assert measured, "no step-cost table in benchmarks/README.md"
    handout = open(os.path.join(TUTORIALS, "WORKSHOP.md")).read().split("## Handout: which loss when")[1]
    for line in handout.splitlines():
        match = re.match(r"\| (DCGAN|LSGAN|WGAN|WGAN-GP|SAGAN) \|.*\| ([\d.]+)(?:-([\d.]+))?× \|$", line)
        if match:
            low, high = float(match.group(2)), float(match.group(3) or match.group(2))
            for ratio in measured[match.group(1).lower()]:
                assert low - 0.05 <= ratio <= high + 0.05, (match.group(1), ratio, (low, high))
            measured.pop(match.group(1).lower())
    assert not measured, f"the handout has no cost for {sorted(measured)}"


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_in_quick_mode_in_a_jupyter_kernel(name, tmp_path, monkeypatch):
    for key, value in {**QUIET, "KERAS_GANS_TUTORIAL_OUTPUTS": str(tmp_path / "outputs")}.items():
        monkeypatch.setenv(key, value)  # the kernel inherits this process' environment
    notebook = nbformat.read(os.path.join(TUTORIALS, "notebooks", f"{name}.ipynb"), as_version=4)
    cell = next(cell for cell in notebook.cells if cell.cell_type == "code" and "\nLENGTH = " in cell.source)
    cell.source += "\n" + "\n".join(make_notebooks.parameter_lines({"LENGTH": 0.05}))
    NotebookClient(notebook, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = "".join(output.get("text", "") for cell in notebook.cells for output in cell.get("outputs", []))
    assert "Quick mode" in outputs and "LENGTH 0.05)" in outputs
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


# Full mode at a tiny length and width. LENGTH 0.01 leaves every step count at least what its
# tutorial needs (tutorial 3's comparison draws one GIF frame per tenth of its 1,000 steps: 10).
FULL_MODE_LENGTH = 0.01
FULL_MODE_TEST = {"width": 8, "batch_size": 16, "score_images": 32, "per_class": 20, "points": 2}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_script_runs_in_full_mode_on_celeba_shaped_faces(name, tmp_path, celeba_zip):
    archive, cache = celeba_zip
    script = os.path.join(TUTORIALS, f"{name}.py")
    source = source_of(script)
    full = {key: value for key, value in FULL_MODE_TEST.items() if key in make_notebooks.mode_settings(source)["FULL"]}
    injected = tmp_path / f"{name}.py"
    parameters = {"MODE": "full", "LENGTH": FULL_MODE_LENGTH, "CELEBA": archive, "FULL": full}
    injected.write_text(make_notebooks.inject_parameters(source, parameters))
    env = dict(os.environ, **QUIET, KERAS_GANS_PRECISION="mixed_float16", KERAS_GANS_CACHE_DIR=cache,
               KERAS_GANS_TUTORIAL_OUTPUTS=str(tmp_path))
    result = subprocess.run([sys.executable, str(injected)], env=env, cwd=tmp_path, capture_output=True, text=True,
                            timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Full mode" in result.stdout and "mixed_float16" in result.stdout
    check_pictures(tmp_path / name, name)
