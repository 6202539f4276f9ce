"""README.md's test command is the one CI runs."""

import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_ci_runs_the_readme_test_command():
    readme = open(os.path.join(ROOT, "README.md")).read()
    commands = re.findall(r"```bash\n# \d\. [^\n]*\n([^\n]+)\n```", readme)
    assert len(commands) == 2 and "keras-gans train" in commands[0] and "pytest" in commands[1]
    ci = open(os.path.join(ROOT, ".ci", "run")).read().splitlines()
    assert commands[1] in ci


def test_readme_links_every_notebook_and_every_local_file_it_shows():
    readme = open(os.path.join(ROOT, "README.md")).read()
    notebooks = sorted(os.listdir(os.path.join(ROOT, "tutorials", "notebooks")))
    linked = re.findall(r"colab\.research\.google\.com/github/([^/]+/[^/]+)/blob/main/tutorials/notebooks/"
                        r"([\w.]+\.ipynb)", readme)
    assert sorted(name for _, name in linked) == notebooks
    # the README's links point to the repository the notebooks' badges and install cell use
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_notebooks",
                                                  os.path.join(ROOT, "tutorials", "make_notebooks.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {repo for repo, _ in linked} == {module.REPO}
    # every picture the README embeds is committed at that path
    for path in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        assert os.path.isfile(os.path.join(ROOT, path)), path
