"""`keras_gans.runs`: one typed configuration, XLA chosen in the open, and runs that never lose work.

The fault-injection cases run `python -m keras_gans train` in processes of their own, as a user
runs it, and kill or interrupt them at chosen moments.
"""

import csv
import dataclasses
import os
import signal
import subprocess
import sys
import time

import imageio.v3 as iio
import keras
import numpy as np
import pytest
from conftest import own_lines

import keras_gans
from keras_gans import callbacks, files, presets, runs

TINY = ["--num-images", "128", "--batch-size", "32", "--width", "8", "--latent-dim", "16", "--verbose", "0"]
ENV = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}


def start(*args):
    return subprocess.Popen([sys.executable, "-m", "keras_gans", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=ENV)


def run(*args, timeout=300):
    process = start(*args)
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, own_lines(err)


# ------------------------------------------------------------ the configuration


def test_the_default_run_and_other_runs_get_their_presets():
    default = runs.RunConfig.from_args({})
    assert (default.model, default.dataset, default.image_size) == ("dcgan", "mnist5k", 32)
    for key in ("epochs", "batch_size", "latent_dim", "width", "d_lr", "g_lr"):
        assert getattr(default, key) == getattr(presets.DEFAULT_RUN, key), key
    typed = runs.RunConfig.from_args({"epochs": 3, "d_lr": 1e-4, "width": None})
    assert (typed.epochs, typed.d_lr, typed.g_lr, typed.width) == (3, 1e-4, presets.DEFAULT_RUN.g_lr, 32)
    conditional = runs.RunConfig.from_args({"model": "cdcgan"})
    assert (conditional.epochs, conditional.d_lr, conditional.loss, conditional.conditioning) == (
        presets.DEFAULT_RUN.epochs, presets.DEFAULT_RUN.d_lr, "bce", "projection")
    for options in ({"model": "lsgan"}, {"image_size": 64}, {"init_from": "gan.keras"}):
        other = runs.RunConfig.from_args(options)
        assert (other.epochs, other.d_lr, other.g_lr) == (35, None, None)  # the variant's own rates
    big = runs.RunConfig.from_args({"image_size": 64})
    assert (big.batch_size, big.width) == (presets.TRAIN[64].batch_size, presets.TRAIN[64].width)
    assert default.output.startswith(os.path.join("saved_models", "dcgan_mnist5k_"))


def test_options_that_do_not_fit_together_are_refused_in_one_line():
    with pytest.raises(ValueError) as refused:
        runs.RunConfig.from_args({"model": "lsgan", "loss": "hinge"})
    assert str(refused.value) == ("--loss applies to a conditional model only (--model cdcgan); lsgan has one "
                                  "loss and one discriminator: leave it out")
    with pytest.raises(ValueError) as refused:
        runs.RunConfig.from_args({"model": "cdcgan", "dataset": "celeba"})
    assert str(refused.value).startswith("--model cdcgan trains on images with class labels: --dataset mnist5k")


def test_a_config_json_round_trips_and_older_ones_are_migrated(tmp_path):
    config = runs.RunConfig.from_args({"model": "wgan-gp", "epochs": 2, "output": str(tmp_path)})
    config.to_json(str(tmp_path / "config.json"), variant="WGANGP")
    assert runs.RunConfig.from_json(str(tmp_path)) == config
    # A config.json of version 0.1: jit_compile as a bool, no augment, ema, loss or conditioning.
    files.write_json(str(tmp_path / "config.json"), {
        "model": "dcgan", "dataset": "mnist5k", "image_size": 32, "batch_size": 32, "num_images": None,
        "seed": 0, "latent_dim": 128, "width": 32, "d_lr": None, "g_lr": None, "beta_1": None,
        "mixed_precision": False, "jit_compile": True, "epochs": 35, "verbose": 1, "output": "old",
        "variant": "DCGAN"})
    old = runs.RunConfig.from_json(str(tmp_path))
    assert (old.jit_compile, old.augment, old.ema, old.d_lr, old.epochs) == ("on", None, None, None, 35)


def test_a_resumed_run_may_train_longer_but_not_change_what_it_is(tmp_path):
    stored = runs.RunConfig.from_args({"epochs": 3, "output": "elsewhere"})
    resumed = stored.resumed(str(tmp_path), {"epochs": 5, "verbose": 0, "image_size": None})
    assert dataclasses.replace(resumed, epochs=3, verbose=1, output="elsewhere") == stored
    assert (resumed.epochs, resumed.output) == (5, str(tmp_path))
    with pytest.raises(ValueError) as refused:
        stored.resumed(str(tmp_path), {"image_size": 64})
    assert str(refused.value) == (f"--image-size 64 contradicts the run in {tmp_path}, which was started with "
                                  "--image-size 32; leave --image-size out to resume it")


# ------------------------------------------------------------ XLA, chosen in the open

SMALL = {"num_images": 64, "width": 8, "latent_dim": 16, "verbose": 0}


def first_epoch(config, jit_compile):
    dataset = runs.load_data(config)
    gan = runs.build_gan(config, dataset, jit_compile)
    history = gan.fit(dataset, epochs=1, verbose=0)
    return history.history, gan.get_weights()


# With XLA on, the same check compiles three GANs (16 s): the slow tier runs it.
@pytest.mark.parametrize("faster", [pytest.param(True, marks=pytest.mark.slow), False])
def test_measuring_xla_changes_nothing_in_the_run(monkeypatch, faster):
    """The measurement trains throwaway GANs between loading the data and building the run's GAN: the run
    must not see it (same first-epoch losses and weights as the same choice forced)."""
    monkeypatch.setattr(runs, "MEASURE_XLA_FROM_STEPS", 1)
    measure = runs.time_jit_compile

    def measured(config, image_shape):
        measure(config, image_shape, steps=1, rounds=1)  # it really trains both copies
        return {faster: 0.001, not faster: 0.002}

    monkeypatch.setattr(runs, "time_jit_compile", measured)
    chosen_config = runs.RunConfig.from_args({**SMALL, "epochs": 1})
    said = []
    dataset = runs.load_data(chosen_config)
    choice = runs.choose_jit_compile(chosen_config, dataset, log=said.append)
    assert choice is faster
    assert said == [f"XLA {'on' if faster else 'off'}: a training step took {1 if faster else 2} ms with XLA and "
                    f"{2 if faster else 1} ms without, measured just now (--jit-compile on|off chooses)."]
    gan = runs.build_gan(chosen_config, dataset, choice)
    chosen = gan.fit(dataset, epochs=1, verbose=0).history, gan.get_weights()

    forced_config = runs.RunConfig.from_args({**SMALL, "epochs": 1, "jit_compile": "on" if faster else "off"})
    assert runs.choose_jit_compile(forced_config, None, log=said.append) is faster
    forced = first_epoch(forced_config, faster)
    assert chosen[0] == forced[0]
    for a, b in zip(chosen[1], forced[1], strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_short_run_does_not_measure_xla(monkeypatch):
    monkeypatch.setattr(runs, "time_jit_compile", lambda *args: pytest.fail("measured"))
    config = runs.RunConfig.from_args({**SMALL, "epochs": 2})
    said = []
    assert runs.choose_jit_compile(config, runs.load_data(config), log=said.append) is False
    assert said == ["XLA off: 4 steps are too few to earn back its compile time (--jit-compile on forces it)."]


def test_time_jit_compile_times_both_settings_on_random_batches():
    config = runs.RunConfig.from_args({**SMALL, "model": "cdcgan", "batch_size": 8})
    seconds = runs.time_jit_compile(config, (32, 32, 1), steps=1, rounds=1)
    assert set(seconds) == {True, False} and all(np.isfinite(value) and value > 0 for value in seconds.values())


# ------------------------------------------------------------ runs that never lose work


def read_rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def kill_when(process, ready, deadline=240):
    """SIGKILL `process` as soon as `ready()` is true; False if it finished first."""
    end = time.time() + deadline
    while process.poll() is None and time.time() < end:
        if ready():
            process.send_signal(signal.SIGKILL)
            process.wait()
            return True
        time.sleep(0.002)
    process.wait()
    return False


@pytest.mark.slow  # a dozen killed processes (20 s); the fast tier keeps Ctrl-C and the damaged checkpoints
def test_kills_at_any_moment_lose_nothing(tmp_path):
    """SIGKILL in the first epoch, between checkpoints, and while gan.keras is being saved; resume each time.

    Once a kill during the final save left no gan.keras, and `--resume` said "nothing to resume";
    after a kill in the second epoch of `train --epochs 3 --num-images 1024`, history.csv lost its header.
    """
    folder = str(tmp_path / "run")
    args = ["--epochs", "3", *TINY]
    def saving_gan():
        return any(name.startswith(".tmp-") and name.endswith("gan.keras") for name in os.listdir(folder))

    moments = [
        (
            "in the first epoch",
            lambda: (
                os.path.exists(os.path.join(folder, "history_steps.csv"))
                and len(read_rows(os.path.join(folder, "history_steps.csv"))) >= 2
            ),
        ),
        ("after the first checkpoint", lambda: callbacks.checkpoint_paths(folder)),
        ("while saving gan.keras", saving_gan),
    ]
    process = start("train", "--output", folder, *args)
    killed = []
    for what, ready in moments:
        if kill_when(process, lambda r=ready: os.path.isdir(folder) and r()):
            killed.append(what)
        process = start("train", "--resume", folder)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    assert "while saving gan.keras" in killed and len(killed) == 3, killed

    epochs = [row["epoch"] for row in read_rows(os.path.join(folder, "history.csv"))]
    assert epochs == ["0", "1", "2"]  # every epoch once, under a header
    steps = [int(row["step"]) for row in read_rows(os.path.join(folder, "history_steps.csv"))]
    assert steps == list(range(1, 3 * 4 + 1))  # 128 / 32 = 4 steps an epoch, each once
    assert isinstance(keras.saving.load_model(os.path.join(folder, "gan.keras")), keras_gans.DCGAN)
    assert keras.saving.load_model(os.path.join(folder, "generator.keras")).outputs[0].shape[1:] == (
        32,
        32,
        1,
    )
    assert iio.imread(os.path.join(folder, "progress.gif"), index=None).shape[0] == 4  # epochs 0 to 3
    for name in ("losses.png", "scores.png"):
        assert os.path.getsize(os.path.join(folder, name)) > 0
    assert not [name for name in os.listdir(folder) if name.startswith(".tmp-")]
    code, out, _ = run("train", "--resume", folder)
    assert code == 0 and "has trained all its 3 epochs; completing its outputs" in out


def test_ctrl_c_saves_the_step_and_says_how_to_resume(tmp_path):
    """Ctrl-C printed about 95 lines of traceback and no hint that --resume would continue."""
    folder = str(tmp_path / "run")
    # 40 epochs of 4 steps: the first interrupt (after step 6) ends the run, and one that Python
    # drops still leaves the presses below many seconds to land, even on a busy machine.
    process = start("train", "--output", folder, "--epochs", "40", *TINY)
    steps = os.path.join(folder, "history_steps.csv")
    end = time.time() + 240
    while time.time() < end and not (os.path.exists(steps) and len(read_rows(steps)) >= 6):
        time.sleep(0.005)
    # Python drops a Ctrl-C that lands while a finalizer runs (TensorFlow has many), and a user
    # then presses it again: so does the test, every second until the interrupt's mid-epoch
    # checkpoint appears (epoch-end checkpoints are named step_000000).
    def interrupt_saved():
        saved = os.path.join(folder, "checkpoints")
        return os.path.isdir(saved) and any(not name.endswith("_step_000000.weights.h5") for name in os.listdir(saved))

    while process.poll() is None and not interrupt_saved():
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=1)
        except subprocess.TimeoutExpired:
            pass
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    lines = own_lines(err)
    assert lines[-1].startswith("keras-gans train: Interrupted at step ")
    assert lines[-1].endswith(f"Continue with: keras-gans train --resume {folder}")
    code, _, err = run("train", "--resume", folder)
    assert code == 0, err
    assert [int(row["step"]) for row in read_rows(steps)] == list(range(1, 161))


def test_a_run_whose_checkpoints_are_all_damaged_is_not_silently_restarted(tmp_path):
    folder = str(tmp_path / "run")
    code, _, err = run("train", "--output", folder, "--epochs", "2", "--checkpoint-every", "2", *TINY)
    assert code == 0, err
    history = open(os.path.join(folder, "history_steps.csv")).read()
    paths = [path for _, _, path in callbacks.checkpoint_paths(folder)]
    for path in paths:
        with open(path, "r+b") as f:
            f.truncate(100)
    code, _, err = run("train", "--resume", folder, "--epochs", "3")
    assert code == 1 and len(err) == 1
    assert err[0].startswith(
        f"keras-gans train: error: Every checkpoint in {os.path.join(folder, 'checkpoints')} is damaged"
    )
    assert open(os.path.join(folder, "history_steps.csv")).read() == history  # nothing dropped
