"""`keras_gans.run_folder`: one process and one run per folder, and histories kept in step with checkpoints."""

import os
import socket
import subprocess
import sys

import pytest

from keras_gans import files, run_folder


def test_a_second_process_is_kept_out_by_the_lock_and_a_stale_lock_is_cleared(tmp_path):
    folder = str(tmp_path / "busy")
    os.makedirs(folder)
    lock = os.path.join(folder, run_folder.LOCK)
    files.write_json(lock, {"pid": os.getpid(), "host": socket.gethostname(), "since": "2026-11-30 10:00:00"})
    with pytest.raises(ValueError) as refused, run_folder.locked(folder):
        pass
    assert str(refused.value) == (
        f"{folder} is in use by process {os.getpid()} on {socket.gethostname()} (since 2026-11-30 10:00:00). "
        f"Wait for that run to finish or stop it; if no such process runs, delete {lock}.")
    assert os.listdir(folder) == [run_folder.LOCK]  # the other process' lock is left alone

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    files.write_json(lock, {"pid": dead.pid, "host": socket.gethostname(), "since": "2026-11-30 10:00:00"})
    said = []
    with run_folder.locked(folder, log=said.append):
        assert files.read_json(lock)["pid"] == os.getpid()
    assert said == [f"keras-gans: removing the lock of process {dead.pid}, which no longer runs."]
    assert not os.path.exists(lock)


def test_a_lock_on_another_machine_holds(tmp_path):
    """A run folder on a shared Drive: a lock from another host cannot be checked, so it is respected."""
    lock = tmp_path / run_folder.LOCK
    files.write_json(str(lock), {"pid": 1, "host": "another-machine", "since": "2026-11-30 10:00:00"})
    with pytest.raises(ValueError, match="is in use by process 1 on another-machine"), run_folder.locked(
            str(tmp_path)):
        pass


def test_a_folder_that_holds_a_run_is_refused_unless_overwritten(tmp_path):
    files.write_json(str(tmp_path / "config.json"), {"model": "dcgan"})
    (tmp_path / "checkpoints").mkdir()
    with pytest.raises(ValueError) as refused:
        run_folder.claim_new_folder(str(tmp_path))
    assert str(refused.value) == (
        f"{tmp_path} already holds a run. To continue that run, resume it (keras-gans train --resume "
        f"{tmp_path}, or resume=True); to keep it, choose another folder (--output); to replace it, pass "
        "--overwrite (overwrite=True).")
    run_folder.claim_new_folder(str(tmp_path), overwrite=True)
    assert os.listdir(tmp_path) == []
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match=r"already holds 1 files \(notes.txt\.\.\.\)"):
        run_folder.claim_new_folder(str(tmp_path))


def test_histories_are_cut_back_to_the_checkpoint(tmp_path):
    path = str(tmp_path / "history.csv")
    with open(path, "w") as f:
        f.write("epoch,d_loss\n0,1.0\n1,0.9\n2,0.8\n3,0.")  # the last row cut short by a kill
    assert run_folder.truncate_csv(path, last_epoch=1) == 2
    assert open(path).read().splitlines() == ["epoch,d_loss", "0,1.0", "1,0.9"]


def test_history_without_a_header_is_replaced_so_the_logger_writes_one(tmp_path):
    """A kill right after CSVLogger opened history.csv left it empty; resuming wrote rows without a header."""
    path = str(tmp_path / "history.csv")
    with open(path, "w") as f:
        f.write("\n")
    assert run_folder.truncate_csv(path, last_epoch=3) == 0
    assert not os.path.exists(path)


def test_default_output_names_the_model_the_data_and_the_time():
    path = run_folder.default_output("dcgan", "datasets/my_pictures/")
    assert os.path.dirname(path) == "saved_models"
    assert os.path.basename(path).startswith("dcgan_my_pictures_20")
