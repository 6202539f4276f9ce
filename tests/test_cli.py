"""The command line: what each command writes, and one line for every expected failure.

The commands run as `python -m keras_gans ...` in processes of their own, as a user runs them (a
command tested after training in the same process once hid a crash that only a new process shows).
"""

import json
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import own_lines

import keras_gans
from keras_gans import cli, data, models

TINY = ["--num-images", "128", "--batch-size", "32", "--width", "8", "--latent-dim", "16", "--verbose", "0"]
ENV = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}


def run(*args, timeout=300):
    process = subprocess.Popen([sys.executable, "-m", "keras_gans", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=ENV)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, own_lines(err)


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """One finished 2-epoch run, made by a process of its own."""
    folder = str(tmp_path_factory.mktemp("trained") / "run")
    code, out, err = run("train", "--output", folder, "--epochs", "2", *TINY)
    assert code == 0, err
    assert "XLA off: 8 steps are too few to earn back its compile time" in out
    return folder


def test_command_line_choices_match_the_library():
    assert set(cli.MODELS) == set(models.VARIANTS)
    assert set(cli.DATASETS) == set(data.DATASETS)
    assert "cdcgan" in cli.MODELS and "cdcgan" not in cli.COMPARE_MODELS


def test_options_not_typed_are_none_so_a_resumed_run_can_tell():
    _, args = cli.parse(["train", "--epochs", "3"])
    assert args.epochs == 3 and args.model is None and args.mixed_precision is None and args.width is None
    command, args = cli.parse(["transfer-experiment", "--epochs", "2"])  # the name of version 0.1
    assert command == "vgg16-experiment" and args.epochs == 2


def test_train_then_generate(tmp_path):
    run = str(tmp_path / "run")
    assert cli.main(["train", "--output", run, "--epochs", "2", *TINY]) == 0
    for name in ("gan.keras", "generator.keras", "history.csv", "progress.gif", "config.json",
                 "epoch_000.png", "epoch_002.png"):
        assert os.path.getsize(os.path.join(run, name)) > 0, name
    with open(os.path.join(run, "history.csv")) as f:
        rows = f.read().strip().splitlines()
    # Keras' CSVLogger (it also adds empty val_ columns when there is no validation)
    columns = ["epoch", "d_loss", "epoch_seconds", "fake_score", "g_loss", "real_score"]
    assert rows[0].split(",")[:6] == columns
    assert len(rows) == 3
    assert json.load(open(os.path.join(run, "config.json")))["epochs"] == 2
    assert keras_gans.runs.RunConfig.from_json(run).epochs == 2

    for model in ("gan.keras", "generator.keras"):
        out = str(tmp_path / f"{model}.png")
        npy = str(tmp_path / f"{model}.npy")
        assert cli.main(["generate", "--model", os.path.join(run, model), "-n", "9", "--seed", "1",
                         "--output", out, "--npy", npy]) == 0
        images = np.load(npy)
        assert images.shape == (9, 32, 32, 1) and images.dtype == np.float32
        assert keras.utils.load_img(out).size[0] > 32 * 3


def test_bad_arguments_give_one_clear_line(tmp_path):
    code, _, err = run("train", "--image-size", "50")
    assert code == 2 and err == [
        "keras-gans train: error: argument --image-size: invalid choice: 50 (choose from 32, 64, 128)"]
    code, _, err = run("generate", "--model", str(tmp_path / "missing.keras"))
    assert code == 1 and err == [f"keras-gans generate: error: No saved model at {tmp_path / 'missing.keras'}"]
    code, _, err = run("train", "--resume", str(tmp_path))
    assert code == 1 and err == [
        f"keras-gans train: error: {tmp_path} is not a keras-gans run folder (it has no config.json)"]




def test_generate_and_evaluate_read_a_gan_keras_in_a_new_process(trained, tmp_path):
    """keras-gans generate --model run/gan.keras -n 4 ended in "Could not locate class 'DCGAN'"."""
    grid, npy = str(tmp_path / "grid.png"), str(tmp_path / "images.npy")
    code, _, err = run(
        "generate",
        "--model",
        os.path.join(trained, "gan.keras"),
        "-n",
        "4",
        "--seed",
        "1",
        "--output",
        grid,
        "--npy",
        npy,
    )
    assert code == 0, err
    assert np.load(npy).shape == (4, 32, 32, 1) and os.path.getsize(grid) > 0
    code, out, err = run("evaluate", "--model", os.path.join(trained, "gan.keras"), "--num-images", "64")
    assert code == 0, err
    assert "FID (digits, 64 generated and 64 real images)" in out


def test_a_folder_that_holds_a_run_is_refused_unless_resumed_or_overwritten(trained, tmp_path):
    """`train --output r2` twice (DCGAN, then LSGAN) overwrote the first run and kept its checkpoints."""
    config = open(os.path.join(trained, "config.json")).read()
    code, _, err = run("train", "--output", trained, "--model", "lsgan", "--epochs", "1", *TINY)
    assert code == 1 and err == [
        f"keras-gans train: error: {trained} already holds a run. To continue that run, resume it "
        f"(keras-gans train --resume {trained}, or resume=True); to keep it, choose another folder "
        "(--output); to replace it, pass --overwrite (overwrite=True)."
    ]
    assert open(os.path.join(trained, "config.json")).read() == config  # untouched
    code, _, err = run("train", "--resume", trained, "--image-size", "64")
    assert code == 1 and err == [
        f"keras-gans train: error: --image-size 64 contradicts the run in {trained}, which was started "
        "with --image-size 32; leave --image-size out to resume it"]

    replaced = str(tmp_path / "replaced")
    for model in ("dcgan", "lsgan"):
        code, _, err = run("train", "--output", replaced, "--model", model, "--epochs", "1", "--overwrite", *TINY)
        assert code == 0, err
    assert keras_gans.runs.RunConfig.from_json(replaced).model == "lsgan"
    assert [epoch for epoch, _, _ in keras_gans.callbacks.checkpoint_paths(replaced)] == [1]  # no DCGAN left
    assert isinstance(keras.saving.load_model(os.path.join(replaced, "gan.keras")), keras_gans.LSGAN)




def test_damaged_files_are_named_in_one_line(trained, tmp_path):
    folder = str(tmp_path / "copy")
    code, _, err = run("generate", "--model", trained)
    assert code == 1 and err == [
        f"keras-gans generate: error: {trained} is a folder; pass a model file in it "
        "(its gan.keras or generator.keras)."
    ]
    truncated = str(tmp_path / "cut.keras")
    with open(os.path.join(trained, "gan.keras"), "rb") as source, open(truncated, "wb") as cut:
        cut.write(source.read()[:1000])
    code, _, err = run("generate", "--model", truncated)
    assert code == 1 and err == [
        f"keras-gans generate: error: {truncated} is not a complete .keras file "
        "(damaged, cut short, or another format)."
    ]

    os.makedirs(folder)
    with open(os.path.join(folder, "config.json"), "w") as f:
        f.write('{"model": "dcg')
    code, _, err = run("train", "--resume", folder)
    assert code == 1 and len(err) == 1
    assert err[0].startswith(
        f"keras-gans train: error: {os.path.join(folder, 'config.json')} is not valid JSON"
    )


def test_generate_streams_to_npy_with_memory_that_does_not_grow(trained, tmp_path):
    code, _, err = run("generate", "--model", os.path.join(trained, "generator.keras"), "-n", "300")
    assert code == 1 and err == [
        "keras-gans generate: error: A grid of 300 images is too large to look at (at most 256). Ask for "
        "fewer, or write them all to a .npy file (--npy); the grid then shows the first ones."
    ]

    def peak_kb(n):
        npy = str(tmp_path / f"{n}.npy")
        code = (
            "import resource, sys; from keras_gans import cli; "
            f"assert cli.main(['generate', '--model', {os.path.join(trained, 'generator.keras')!r}, '-n', "
            f"'{n}', '--npy', {npy!r}, '--output', {str(tmp_path / 'grid.png')!r}, '--seed', '0']) == 0; "
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
        assert result.returncode == 0, result.stderr[-2000:]
        images = np.load(npy, mmap_mode="r")
        assert images.shape == (n, 32, 32, 1) and np.isfinite(images[-1]).all()
        return int(result.stdout.split()[-1])

    # 30,000 images are 123 MB as float32: held in memory, the peak would grow by that much.
    assert peak_kb(30_000) - peak_kb(1_000) < 60_000


def test_evaluate_says_what_cannot_be_scored_offline_or_with_the_digits_network(tmp_path):
    """Offline `evaluate` of an RGB generator died in a URL-fetch traceback; against the digits, RGB was
    silently averaged to grey."""
    generator = keras_gans.networks.dcgan_generator(32, 3, 16, width=8)
    path = str(tmp_path / "rgb.keras")
    generator.save(path)
    code, _, err = run("evaluate", "--model", path, "--num-images", "8")
    assert code == 1 and len(err) == 1
    assert err[0].startswith("keras-gans evaluate: error: InceptionV3's ImageNet weights could not be "
                             "downloaded")
    assert "--weights FILE" in err[0] and "--feature-extractor fid_inception" in err[0]
    code, _, err = run("evaluate", "--model", path, "--num-images", "8", "--feature-extractor", "digits")
    assert code == 1 and err == [
        "keras-gans evaluate: error: The `digits` feature extractor reads grey images, and these have 3 "
        "channels: a score of their grey average would say nothing about their colours. Use "
        "feature_extractor='inception_v3' or 'fid_inception' (--feature-extractor)."
    ]
