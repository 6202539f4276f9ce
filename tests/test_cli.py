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


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "keras_gans", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV)


def run(*args, timeout=300):
    process = start(*args)
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


def expected_failures(trained, folder):
    """Each expected failure: (its command, its exit code, its one line of stderr, or a test of that line)."""
    truncated, bad_config, rgb = (os.path.join(folder, name) for name in ("cut.keras", "bad", "rgb.keras"))
    return {
        "bad argument": (["train", "--image-size", "50"], 2,
                         "keras-gans train: error: argument --image-size: invalid choice: 50 (choose from 32, 64, "
                         "128)"),
        "missing model": (["generate", "--model", os.path.join(folder, "missing.keras")], 1,
                          f"keras-gans generate: error: No saved model at {os.path.join(folder, 'missing.keras')}"),
        "not a run folder": (["train", "--resume", folder], 1,
                             f"keras-gans train: error: {folder} is not a keras-gans run folder (it has no "
                             "config.json)"),
        "a folder as model": (["generate", "--model", trained], 1,
                              f"keras-gans generate: error: {trained} is a folder; pass a model file in it (its "
                              "gan.keras or generator.keras)."),
        "a cut .keras file": (["generate", "--model", truncated], 1,
                              f"keras-gans generate: error: {truncated} is not a complete .keras file (damaged, "
                              "cut short, or another format)."),
        "a damaged config.json": (["train", "--resume", bad_config], 1, lambda line: line.startswith(
            f"keras-gans train: error: {os.path.join(bad_config, 'config.json')} is not valid JSON")),
        "a grid too large": (["generate", "--model", os.path.join(trained, "generator.keras"), "-n", "300"], 1,
                             "keras-gans generate: error: A grid of 300 images is too large to look at (at most "
                             "256). Ask for fewer, or write them all to a .npy file (--npy); the grid then shows "
                             "the first ones."),
        # Offline `evaluate` of an RGB generator died in a URL-fetch traceback ...
        "ImageNet weights offline": (["evaluate", "--model", rgb, "--num-images", "8"], 1, lambda line: (
            line.startswith("keras-gans evaluate: error: InceptionV3's ImageNet weights could not be downloaded")
            and "--weights FILE" in line and "--feature-extractor fid_inception" in line)),
        # ... and against the digits, RGB was silently averaged to grey.
        "RGB against the digits": (["evaluate", "--model", rgb, "--num-images", "8", "--feature-extractor",
                                    "digits"], 1,
                                   "keras-gans evaluate: error: The `digits` feature extractor reads grey images, "
                                   "and these have 3 channels: a score of their grey average would say nothing "
                                   "about their colours. Use feature_extractor='inception_v3' or 'fid_inception' "
                                   "(--feature-extractor)."),
    }


# One fresh process runs every expected failure through `cli.main`, as the `keras-gans` entry point
# does, and reports each one's exit code and stderr (nine processes took 22 s on 2 cores; a command's
# own fresh-process run is in the tests above and below).
RUN_EACH = """
import contextlib, io, json, sys
from keras_gans import cli
found = {}
for name, argv in json.load(sys.stdin).items():
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except SystemExit as exit:
            code = exit.code
    found[name] = [code, err.getvalue()]
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def failures(trained, tmp_path_factory):
    """Every expected failure's (exit code, stderr lines), from one fresh process."""
    folder = str(tmp_path_factory.mktemp("failures"))
    with open(os.path.join(trained, "gan.keras"), "rb") as source, open(os.path.join(folder, "cut.keras"),
                                                                        "wb") as cut:
        cut.write(source.read()[:1000])
    os.makedirs(os.path.join(folder, "bad"))
    with open(os.path.join(folder, "bad", "config.json"), "w") as f:
        f.write('{"model": "dcg')
    keras_gans.networks.dcgan_generator(32, 3, 16, width=8).save(os.path.join(folder, "rgb.keras"))
    cases = expected_failures(trained, folder)
    process = subprocess.run([sys.executable, "-c", RUN_EACH], input=json.dumps(
        {name: argv for name, (argv, _, _) in cases.items()}), capture_output=True, text=True, env=ENV, timeout=300)
    assert process.returncode == 0, process.stderr
    found = json.loads(process.stdout.strip().splitlines()[-1])
    return cases, {name: (code, own_lines(err)) for name, (code, err) in found.items()}


@pytest.mark.parametrize("case", list(expected_failures("RUN", "FOLDER")))
def test_every_expected_failure_is_one_line(failures, case):
    cases, results = failures
    _, code, expected = cases[case]
    returned, lines = results[case]
    assert returned == code and len(lines) == 1, (returned, lines)
    assert expected(lines[0]) if callable(expected) else lines[0] == expected


def test_generate_and_evaluate_read_a_gan_keras_in_a_new_process(trained, tmp_path):
    """keras-gans generate --model run/gan.keras -n 4 ended in "Could not locate class 'DCGAN'"."""
    grid, npy = str(tmp_path / "grid.png"), str(tmp_path / "images.npy")
    model = os.path.join(trained, "gan.keras")
    generate = start("generate", "--model", model, "-n", "4", "--seed", "1", "--output", grid, "--npy", npy)
    evaluate = start("evaluate", "--model", model, "--num-images", "64")
    (_, err), (out, evaluate_err) = generate.communicate(timeout=300), evaluate.communicate(timeout=300)
    assert generate.returncode == 0, err
    assert np.load(npy).shape == (4, 32, 32, 1) and os.path.getsize(grid) > 0
    assert evaluate.returncode == 0, evaluate_err
    assert "FID (digits, 64 generated and 64 real images)" in out


def test_a_folder_that_holds_a_run_is_refused_unless_resumed_or_overwritten(trained, tmp_path):
    """`train --output r2` twice (DCGAN, then LSGAN) overwrote the first run and kept its checkpoints."""
    config = open(os.path.join(trained, "config.json")).read()
    contradicting = start("train", "--resume", trained, "--image-size", "64")
    code, _, err = run("train", "--output", trained, "--model", "lsgan", "--epochs", "1", *TINY)
    assert code == 1 and err == [
        f"keras-gans train: error: {trained} already holds a run. To continue that run, resume it "
        f"(keras-gans train --resume {trained}, or resume=True); to keep it, choose another folder "
        "(--output); to replace it, pass --overwrite (overwrite=True)."
    ]
    assert open(os.path.join(trained, "config.json")).read() == config  # untouched
    _, err = contradicting.communicate(timeout=300)
    code, err = contradicting.returncode, own_lines(err)
    assert code == 1 and err == [
        f"keras-gans train: error: --image-size 64 contradicts the run in {trained}, which was started "
        "with --image-size 32; leave --image-size out to resume it"]

    replaced = str(tmp_path / "replaced")
    for model in ("dcgan", "lsgan"):  # in this process: the refusals above ran in processes of their own
        assert cli.main(["train", "--output", replaced, "--model", model, "--epochs", "1", "--overwrite", *TINY]) == 0
    assert keras_gans.runs.RunConfig.from_json(replaced).model == "lsgan"
    assert [epoch for epoch, _, _ in keras_gans.callbacks.checkpoint_paths(replaced)] == [1]  # no DCGAN left
    assert isinstance(keras.saving.load_model(os.path.join(replaced, "gan.keras")), keras_gans.LSGAN)


def test_generate_streams_to_npy_with_memory_that_does_not_grow(trained, tmp_path):
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
