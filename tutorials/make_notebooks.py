"""Make the Colab notebooks from the tutorial scripts: `python tutorials/make_notebooks.py`.

Each `tutorials/NN_name.py` is a "tutobook" (the keras-io format): a header
docstring (Title, Author, Date created, Description), then code, with text cells
written as top-level `\"\"\"...\"\"\"` strings that start at the beginning of a line.
Every text cell becomes a Markdown cell, every stretch of code between them a code
cell, and two cells are put in front: the title with an "Open in Colab" badge, and
one that installs the package. The notebooks are never edited by hand;
`--check` exits with status 1 when one is out of date with its script.
"""

import ast
import glob
import json
import os
import re
import sys

# The GitHub repository the badges and the install cell point to (a fork changes
# this line and re-runs the script).
REPO = "keras-gans/keras_gans"
BRANCH = "main"

HERE = os.path.dirname(os.path.abspath(__file__))
NOTEBOOKS = os.path.join(HERE, "notebooks")

INSTALL = f'''# Install keras_gans, unless it is already importable (a local checkout installed with
# `pip install -e .`, or this cell run before). Everything the tutorials need ships in
# the package: the helper `keras_gans.tutorial`, the embedded digits, the pretrained generators.
import importlib.util
import subprocess
import sys

if importlib.util.find_spec("keras_gans") is None:
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "git+https://github.com/{REPO}@{BRANCH}"], check=True)'''


def split_cells(source):
    """The (kind, text) cells of a tutobook: kind is "markdown" or "code"."""
    cells, code = [], []
    lines = source.splitlines()

    def flush_code():
        text = "\n".join(code).strip("\n")
        if text.strip():
            cells.append(("code", text))
        code.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('"""'):
            flush_code()
            text = [line[3:]]
            if line.rstrip().endswith('"""') and len(line.rstrip()) >= 6:
                text = [line.rstrip()[3:-3]]
            else:
                i += 1
                while not lines[i].rstrip().endswith('"""'):
                    text.append(lines[i])
                    i += 1
                text.append(lines[i].rstrip()[:-3])
            cells.append(("markdown", "\n".join(text).strip("\n")))
        else:
            code.append(line)
        i += 1
    flush_code()
    return cells


def settings_cell(source):
    """The text of a tutorial's settings cell: its first code cell, the one that assigns MODE."""
    for kind, text in split_cells(source):
        if kind == "code":
            if not re.search(r"^MODE = ", text, re.M):
                raise ValueError("The first code cell of a tutorial assigns MODE (its settings cell).")
            return text
    raise ValueError("The tutorial has no code cell.")


def mode_settings(source):
    """{"QUICK": {...}, "FULL": {...}}: the dicts of a tutorial's settings cell, read without running it.

    Every value must be a literal (a number, a string, a list...), so that a reader sees it
    as it is and a test can compare it with `keras_gans.presets`.
    """
    found = {}
    for node in ast.parse(settings_cell(source)).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] in (["QUICK"], ["FULL"]):
            call = node.value
            if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "dict" and not call.args):
                raise ValueError(f"{node.targets[0].id} must be written dict(key=value, ...).")
            found[node.targets[0].id] = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
    return found


def parameter_lines(values):
    """Lines that set a tutorial's parameters after its settings cell, as papermill injects them.

    `values` maps MODE, LENGTH, CELEBA... to their new values; QUICK and FULL map to the
    keys to change in those dicts: {"LENGTH": 0.05, "QUICK": {"width": 8}} gives
    `LENGTH = 0.05` and `QUICK = {**QUICK, 'width': 8}`.
    """
    lines = ["# injected parameters"]
    for name, value in values.items():
        if name in ("QUICK", "FULL"):
            lines.append(f"{name} = {{**{name}, " + ", ".join(f"{k!r}: {v!r}" for k, v in value.items()) + "}")
        else:
            lines.append(f"{name} = {value!r}")
    return lines


def inject_parameters(source, values):
    """A tutorial script's text with `parameter_lines(values)` at the end of its settings cell."""
    lines = source.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("MODE = "))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith('"""'))
    while not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[:end] + parameter_lines(values) + lines[end:]) + "\n"


def header_fields(text):
    """The `Key: value` lines of the header docstring, as a dict."""
    fields = {}
    for line in text.splitlines():
        match = re.match(r"^([A-Z][A-Za-z ]+):\s*(.*)$", line.strip())
        if match:
            fields[match.group(1)] = match.group(2)
    return fields


def badge(name):
    url = f"https://colab.research.google.com/github/{REPO}/blob/{BRANCH}/tutorials/notebooks/{name}.ipynb"
    return f"[![Open In Colab](https://colab.research.google.com/assets/colab-badge.svg)]({url})"


def _cell(kind, text):
    cell = {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)}
    if kind == "code":
        cell.update(execution_count=None, outputs=[])
    return cell


def render(script_path):
    """The notebook of one tutorial script, as the JSON text written to disk."""
    name = os.path.splitext(os.path.basename(script_path))[0]
    with open(script_path, encoding="utf-8") as file:
        cells = split_cells(file.read())
    if not cells or cells[0][0] != "markdown" or "Title" not in header_fields(cells[0][1]):
        raise ValueError(f"{script_path} does not start with a tutobook header (a docstring with "
                         "'Title:', 'Author:', 'Date created:' and 'Description:' lines).")
    fields = header_fields(cells[0][1])
    header = [f"# {fields['Title']}", "", badge(name), ""]
    for key in ("Author", "Date created", "Last modified", "Description"):
        if key in fields:
            header.append(f"**{key}:** {fields[key]}<br>")
    notebook = {
        "cells": [_cell("markdown", "\n".join(header).removesuffix("<br>")), _cell("code", INSTALL)]
        + [_cell(kind, text) for kind, text in cells[1:]],
        "metadata": {
            "accelerator": "GPU",
            "colab": {"name": f"{name}.ipynb", "provenance": []},
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    for number, cell in enumerate(notebook["cells"]):
        cell["id"] = f"cell-{number}"
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def tutorial_scripts():
    return sorted(glob.glob(os.path.join(HERE, "[0-9][0-9]_*.py")))


def notebook_path(script_path):
    name = os.path.splitext(os.path.basename(script_path))[0]
    return os.path.join(NOTEBOOKS, f"{name}.ipynb")


def out_of_date():
    """Scripts whose notebook is missing or differs from what `render` makes now."""
    stale = []
    for script in tutorial_scripts():
        path = notebook_path(script)
        if not os.path.exists(path):
            stale.append(script)
            continue
        with open(path, encoding="utf-8") as file:
            if file.read() != render(script):
                stale.append(script)
    return stale


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--check"]:
        stale = out_of_date()
        for script in stale:
            print(f"out of date: {notebook_path(script)} (run python tutorials/make_notebooks.py)")
        return 1 if stale else 0
    if argv:
        print("usage: python tutorials/make_notebooks.py [--check]")
        return 2
    os.makedirs(NOTEBOOKS, exist_ok=True)
    for script in tutorial_scripts():
        with open(notebook_path(script), "w", encoding="utf-8") as file:
            file.write(render(script))
        print("wrote", os.path.relpath(notebook_path(script)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
