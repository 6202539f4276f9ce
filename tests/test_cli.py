"""The command line: train writes a complete run folder, generate writes a grid, errors are one line."""

import json
import os
import subprocess
import sys

import keras
import numpy as np
from conftest import own_lines

from keras_gans import cli

TINY = ["--epochs", "2", "--num-images", "64", "--batch-size", "32", "--width", "8", "--latent-dim", "16",
        "--verbose", "0"]


def defaults_of(argv):
    _, args = cli.parse(["train", *argv])
    return cli.run_defaults({key: value for key, value in vars(args).items() if key not in cli._NOT_STORED})


def test_the_default_run_and_other_runs_get_their_own_defaults():
    default = defaults_of([])
    assert (default["epochs"], default["d_lr"], default["g_lr"]) == (cli.DEFAULT_RUN_EPOCHS, 6e-4, 6e-4)
    assert (default["width"], default["batch_size"]) == (32, 32)
    typed = defaults_of(["--epochs", "3", "--d-lr", "1e-4"])
    assert (typed["epochs"], typed["d_lr"], typed["g_lr"]) == (3, 1e-4, 6e-4)
    conditional = defaults_of(["--model", "cdcgan"])
    assert (conditional["epochs"], conditional["d_lr"]) == (cli.DEFAULT_RUN_EPOCHS, 6e-4)
    for argv in (["--model", "lsgan"], ["--image-size", "64"]):
        other = defaults_of(argv)
        assert (other["epochs"], other["d_lr"], other["g_lr"]) == (35, None, None)  # the variant's own rates
    assert defaults_of(["--image-size", "64"])["batch_size"] == 128


def test_train_then_generate(tmp_path):
    run = str(tmp_path / "run")
    assert cli.main(["train", "--output", run, *TINY]) == 0
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

    for model in ("gan.keras", "generator.keras"):
        out = str(tmp_path / f"{model}.png")
        npy = str(tmp_path / f"{model}.npy")
        assert cli.main(["generate", "--model", os.path.join(run, model), "-n", "9", "--seed", "1",
                         "--output", out, "--npy", npy]) == 0
        images = np.load(npy)
        assert images.shape == (9, 32, 32, 1) and images.dtype == np.float32
        assert keras.utils.load_img(out).size[0] > 32 * 3


def test_command_line_choices_match_the_library():
    from keras_gans import data, models

    assert set(cli.MODELS) == set(models.VARIANTS)
    assert set(cli.DATASETS) == set(data.DATASETS)


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "keras_gans", *args], capture_output=True, text=True,
                          env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})


def test_bad_arguments_give_one_clear_line(tmp_path):
    result = run_cli("train", "--image-size", "50")
    assert result.returncode == 2
    assert own_lines(result.stderr) == [
        "keras-gans train: error: argument --image-size: invalid choice: 50 (choose from 32, 64, 128)"]
    result = run_cli("generate", "--model", str(tmp_path / "missing.keras"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert own_lines(result.stderr) == [
        f"keras-gans generate: error: No saved model at {tmp_path / 'missing.keras'}"]
