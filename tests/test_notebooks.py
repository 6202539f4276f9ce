"""The notebooks are generated from the tutorial scripts and must stay in step with them."""

import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPEC = importlib.util.spec_from_file_location("make_notebooks",
                                              os.path.join(ROOT, "tutorials", "make_notebooks.py"))
make_notebooks = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(make_notebooks)

SCRIPTS = make_notebooks.tutorial_scripts()

TUTOBOOK = '''"""
Title: A tiny tutorial
Author: Someone
Date created: 2026/01/02
Description: Two cells.
"""

"""
## First

Some text.
"""

import os

x = 1


def f():
    """A docstring inside code stays code."""
    return x

"""## One-line heading"""
print(f())
'''


def test_split_cells_of_a_tutobook():
    cells = make_notebooks.split_cells(TUTOBOOK)
    assert [kind for kind, _ in cells] == ["markdown", "markdown", "code", "markdown", "code"]
    assert cells[1][1] == "## First\n\nSome text."
    assert cells[2][1].startswith("import os\n\nx = 1\n")
    assert '    """A docstring inside code stays code."""' in cells[2][1]
    assert cells[3][1] == "## One-line heading"
    assert cells[4][1] == "print(f())"
    fields = make_notebooks.header_fields(cells[0][1])
    assert fields == {"Title": "A tiny tutorial", "Author": "Someone", "Date created": "2026/01/02",
                      "Description": "Two cells."}


def test_render_refuses_a_script_without_header(tmp_path):
    script = tmp_path / "99_bad.py"
    script.write_text("print('no header')\n")
    with pytest.raises(ValueError, match="does not start with a tutobook header"):
        make_notebooks.render(str(script))


def test_there_are_tutorials():
    assert [os.path.basename(s) for s in SCRIPTS][:1] == ["01_anatomy_of_a_gan.py"]


@pytest.mark.parametrize("script", SCRIPTS, ids=os.path.basename)
def test_notebook_is_up_to_date(script):
    path = make_notebooks.notebook_path(script)
    assert os.path.exists(path), f"{path} is missing: run python tutorials/make_notebooks.py"
    with open(path, encoding="utf-8") as file:
        written = file.read()
    assert written == make_notebooks.render(script), (
        f"{path} is out of date with {script}: run python tutorials/make_notebooks.py")


@pytest.mark.parametrize("script", SCRIPTS, ids=os.path.basename)
def test_notebook_opens_with_badge_and_install_then_holds_the_script(script):
    with open(make_notebooks.notebook_path(script), encoding="utf-8") as file:
        notebook = json.load(file)
    name = os.path.splitext(os.path.basename(script))[0]
    cells = notebook["cells"]
    title = "".join(cells[0]["source"])
    assert title.startswith("# ")
    assert (f"https://colab.research.google.com/github/{make_notebooks.REPO}/blob/main/tutorials/notebooks/"
            f"{name}.ipynb") in title
    install = "".join(cells[1]["source"])
    assert cells[1]["cell_type"] == "code" and "pip" in install and make_notebooks.REPO in install
    compile(install, "install", "exec")
    # Every code line of the script is in the notebook's code cells, in order.
    code = "\n".join("".join(c["source"]) for c in cells[2:] if c["cell_type"] == "code")
    compile(code, script, "exec")
    with open(script, encoding="utf-8") as file:
        script_code = [kind_text[1] for kind_text in make_notebooks.split_cells(file.read())
                       if kind_text[0] == "code"]
    assert code == "\n".join(script_code)


def test_check_reports_a_stale_notebook(tmp_path, monkeypatch):
    script = tmp_path / "01_demo.py"
    script.write_text(TUTOBOOK)
    monkeypatch.setattr(make_notebooks, "HERE", str(tmp_path))
    monkeypatch.setattr(make_notebooks, "NOTEBOOKS", str(tmp_path / "notebooks"))
    assert make_notebooks.main(["--check"]) == 1  # missing
    assert make_notebooks.main([]) == 0
    assert make_notebooks.main(["--check"]) == 0
    script.write_text(TUTOBOOK.replace("x = 1", "x = 2"))
    assert make_notebooks.main(["--check"]) == 1
