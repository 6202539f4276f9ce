"""Runs that never lose work, and commands that answer in one line: each case in a fresh process.

Every command here runs as `python -m keras_gans ...` in a new process, as a user runs it (a
command tested after training in the same process once hid a crash that only a new process shows).
"""

import csv
import os
import signal
import socket
import subprocess
import sys
import time

import imageio.v3 as iio
import keras
import numpy as np
import pytest
from conftest import own_lines

import keras_gans
from keras_gans import callbacks, files, runs

TINY = ["--num-images", "128", "--batch-size", "32", "--width", "8", "--latent-dim", "16", "--verbose", "0"]
ENV = {**os.environ, "CUDA_VISIBLE_DEVICES": "", "TF_CPP_MIN_LOG_LEVEL": "3"}


def start(*args):
    return subprocess.Popen(
        [sys.executable, "-m", "keras_gans", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


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
    return folder


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
    assert code == 1
    assert err == [
        f"keras-gans train: error: {trained} already holds a run. To continue that run, resume it "
        f"(keras-gans train --resume {trained}, or resume=True); to keep it, choose another folder "
        "(--output); to replace it, pass --overwrite (overwrite=True)."
    ]
    assert open(os.path.join(trained, "config.json")).read() == config  # untouched

    replaced = str(tmp_path / "replaced")
    for model in ("dcgan", "lsgan"):
        code, _, err = run(
            "train", "--output", replaced, "--model", model, "--epochs", "1", "--overwrite", *TINY
        )
        assert code == 0, err
    assert runs.read_config(replaced)["model"] == "lsgan"
    assert [epoch for epoch, _, _ in callbacks.checkpoint_paths(replaced)] == [1]  # none of the DCGAN's left
    assert isinstance(keras.saving.load_model(os.path.join(replaced, "gan.keras")), keras_gans.LSGAN)


def test_a_second_process_is_kept_out_by_the_lock_and_a_stale_lock_is_cleared(tmp_path):
    folder = str(tmp_path / "busy")
    os.makedirs(folder)
    files.write_json(
        os.path.join(folder, runs.LOCK),
        {"pid": os.getpid(), "host": socket.gethostname(), "since": "2026-11-30 10:00:00"},
    )
    code, _, err = run("train", "--output", folder, "--epochs", "1", *TINY)
    assert code == 1
    assert err == [
        f"keras-gans train: error: {folder} is in use by process {os.getpid()} on "
        f"{socket.gethostname()} (since 2026-11-30 10:00:00). Wait for that run to finish or stop "
        f"it; if no such process runs, delete {os.path.join(folder, runs.LOCK)}."
    ]
    assert os.listdir(folder) == [runs.LOCK]  # nothing written

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    files.write_json(
        os.path.join(folder, runs.LOCK),
        {"pid": dead.pid, "host": socket.gethostname(), "since": "2026-11-30 10:00:00"},
    )
    code, out, err = run("train", "--output", folder, "--epochs", "1", *TINY)
    assert code == 0, err
    assert f"removing the lock of process {dead.pid}, which no longer runs" in out
    assert not os.path.exists(os.path.join(folder, runs.LOCK))


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


def test_ctrl_c_saves_the_step_and_says_how_to_resume(tmp_path):
    """Ctrl-C printed about 95 lines of traceback and no hint that --resume would continue."""
    folder = str(tmp_path / "run")
    # 8 epochs of 4 steps: the interrupt (after step 6) lands well before the end even on a busy machine.
    process = start("train", "--output", folder, "--epochs", "8", *TINY)
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
    assert [int(row["step"]) for row in read_rows(steps)] == list(range(1, 33))


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


def test_history_without_a_header_is_replaced_so_the_logger_writes_one(tmp_path):
    """A kill right after CSVLogger opened history.csv left it empty; resuming wrote rows without a header."""
    path = str(tmp_path / "history.csv")
    with open(path, "w") as f:
        f.write("\n")
    assert runs.truncate_csv(path, last_epoch=3) == 0
    assert not os.path.exists(path)


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
