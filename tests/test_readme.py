"""The documents are true: README.md's test command is the one CI runs, and every command they show parses."""

import glob
import os
import re
import shlex

from keras_gans import cli, generation, presets, runs

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
    assert sorted({name for _, name in linked}) == notebooks  # a notebook may be linked more than once
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


DOCUMENTS = ["README.md", "ARCHITECTURE.md", "tutorials/WORKSHOP.md", "docs/README.md", "datasets/README.md",
             *sorted(glob.glob("saved_models/*/README.md", root_dir=ROOT)),
             *sorted(glob.glob("tutorials/[0-9]*.py", root_dir=ROOT))]


def documented_commands():
    """(document, command line) for every `keras-gans ...` the documents show, continuations joined."""
    found = []
    for document in DOCUMENTS:
        path = os.path.join(ROOT, document)
        if not os.path.exists(path):
            continue
        text = open(path).read().replace("\\\n", " ")
        for match in re.finditer(r"(?:^|[`!(])\s*keras-gans ([^`\n#)]*)", text, re.M):
            command = match.group(1).strip()
            if len(command.split()) > 1:  # a bare `keras-gans train` names a command in prose
                found.append((document, command))
    return found


def test_every_documented_command_parses_and_the_cheap_ones_run(tmp_path, monkeypatch, capsys):
    commands = documented_commands()
    assert len(commands) > 30
    monkeypatch.chdir(ROOT)  # the documents' paths are relative to the repository
    ran = 0
    for document, command in commands:
        argv = shlex.split(command)
        try:
            name, args = cli.parse(argv)
        except SystemExit as stop:
            assert stop.code == 0, f"{document}: `keras-gans {command}` does not parse"  # --help exits with 0
            continue
        model = args.model if name in ("generate", "evaluate") else None
        shipped = model is not None and (model in generation.PRETRAINED or os.path.isfile(model))
        cheap = shipped and (name == "generate" or args.num_images <= 1000)
        if cheap:
            if name == "generate":  # write into tmp_path, not the repository (the last option wins)
                argv += ["--output", str(tmp_path / "grid.png"), "--npy", str(tmp_path / "x.npy")]
            assert cli.main(argv) == 0, f"{document}: `keras-gans {command}` failed"
            ran += 1
    assert ran >= 3
    capsys.readouterr()


def _markdown_table(text, header_start):
    """The rows (lists of stripped cells) of the Markdown table whose header line starts with `header_start`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start + 2:]:  # after the header and its --- line
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def test_the_readme_table_of_train_defaults_is_the_presets():
    """README's `keras-gans train` defaults, cell by cell, against `keras_gans.presets.train_preset`."""
    readme = open(os.path.join(ROOT, "README.md")).read()
    rows = _markdown_table(readme, "| `--model` | `--image-size` |")
    covered = set()
    for models_cell, size_cell, epochs, batch_size, latent_dim, width, rates in rows:
        models = cli.MODELS if models_cell.startswith("every") else re.findall(r"`([\w-]+)`", models_cell)
        size = int(re.match(r"\d+", size_cell).group())
        for model in models:
            assert model in cli.MODELS, models_cell
            preset = presets.train_preset(model, size)
            row = f"README's row `{models_cell}` at {size} px, for {model}"
            assert (int(epochs), int(batch_size), int(latent_dim), int(width)) == (
                preset.epochs, preset.batch_size, preset.latent_dim, preset.width), row
            if "own" in rates:  # the variant's own optimizers: no learning rate in the preset
                assert (preset.d_lr, preset.g_lr) == (None, None), row
            else:
                assert tuple(float(rate) for rate in rates.split("/")) == (preset.d_lr, preset.g_lr), row
            covered.add((model, size))
    # every model at every size, once; and the row marked as the default is what `keras-gans train` runs
    assert covered == {(model, size) for model in cli.MODELS for size in presets.TRAIN}
    assert len(covered) == sum(len(cli.MODELS) if r[0].startswith("every") else len(re.findall(r"`([\w-]+)`", r[0]))
                               for r in rows)
    default = runs.RunConfig()
    first = rows[0]
    assert f"`{default.model}` (the default)" in first[0] and first[1] == f"{default.image_size} (the default)"
