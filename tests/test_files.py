"""`keras_gans.files`: a kill while writing leaves the previous file, never a truncated one."""

import os

import pytest

from keras_gans import files


def test_a_failed_write_leaves_the_previous_file(tmp_path):
    path = str(tmp_path / "state.json")
    files.write_json(path, {"epoch": 1})

    def crash(temporary):
        with open(temporary, "w") as f:
            f.write('{"epo')  # killed half way
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        files.write_atomically(path, crash)
    assert open(path).read() == '{\n  "epoch": 1\n}'
    assert os.listdir(tmp_path) == ["state.json"]  # no temporary left behind
