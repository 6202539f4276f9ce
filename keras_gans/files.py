"""Files that a kill cannot leave half-written.

Every file the package writes for a run (models, checkpoints, histories, grids,
GIFs, plots, config) goes through `write_atomically`: it is written under a
temporary name in the same folder, then renamed over the real name in one step.
`os.replace` is atomic on POSIX and Windows file systems, so at any instant the
real name holds either the previous complete file or the new complete file.
"""

import glob
import json
import os

TEMPORARY_PREFIX = ".tmp-"


def temporary_path(path):
    """The temporary name `path` is written under before `os.replace` makes it final.

    It keeps the real extension (Keras and imageio pick the format from it) and
    names the writing process, so a later run can tell its own leftovers from a
    live writer's.
    """
    folder, name = os.path.split(os.fspath(path))
    return os.path.join(folder, f"{TEMPORARY_PREFIX}{os.getpid()}-{name}")


def write_atomically(path, write):
    """Call `write(temporary_path)`, then rename the result to `path` in one step.

    Args:
        path: the final file name.
        write: a function that writes a complete file at the path it is given
            (e.g. `gan.save`, `model.save_weights`, `figure.savefig`).
    """
    temporary = temporary_path(path)
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def write_json(path, value):
    """Write `value` as indented JSON, atomically."""
    def write(temporary):
        with open(temporary, "w") as f:
            json.dump(value, f, indent=2)

    write_atomically(path, write)


def read_json(path):
    """Read a JSON file; a damaged one is reported with its name, not only the parser's words."""
    with open(path) as f:
        text = f.read()
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not valid JSON ({error}); it was damaged or edited by hand.") from None


def remove_temporaries(folder):
    """Delete the `.tmp-*` files a killed writer left in `folder` and its subfolders.

    Call it only while holding the folder (a run's lock), so no live writer's file is removed.

    Returns:
        The paths removed.
    """
    found = glob.glob(os.path.join(glob.escape(os.fspath(folder)), "**", TEMPORARY_PREFIX + "*"),
                      recursive=True)
    for path in found:
        os.remove(path)
    return found
