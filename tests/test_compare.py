"""The workshop comparison: same data, architecture, seed, latents and steps; one folder with everything."""

import csv
import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import own_lines

import keras_gans
from keras_gans import cli, plotting
from keras_gans.experiments.compare import SUMMARY_COLUMNS, compare, write_summary
from keras_gans.plotting import samples_table

TINY = dict(steps=20, batch_size=32, latent_dim=16, width=8, num_samples=4, verbose=0)  # 10 frames of 2 steps


def mean_pixel(gan):
    """A stand-in quality score: the mean pixel of 8 seeded samples."""
    return float(np.mean(gan.generate(8, seed=0)))


@pytest.fixture(scope="module")
def comparison(tmp_path_factory):
    output = str(tmp_path_factory.mktemp("comparison"))
    rows = compare(models=["dcgan", "lsgan"], num_images=[64, 128], output_dir=output, quality=mean_pixel,
                   **TINY)
    return output, rows


def test_writes_one_folder_with_grid_curves_summary_and_each_runs_gif(comparison):
    output, rows = comparison
    for name in ("samples.png", "losses.png", "summary.md", "summary.csv", "config.json"):
        assert os.path.getsize(os.path.join(output, name)) > 0, name
    for run in ("dcgan_64", "lsgan_64", "dcgan_128", "lsgan_128"):
        for name in ("progress.gif", "epoch_000.png", "epoch_010.png", "history_steps.csv", "losses.png",
                     "generator.keras"):
            assert os.path.getsize(os.path.join(output, run, name)) > 0, (run, name)
    assert [(row["variant"], row["num_images"]) for row in rows] == [
        ("dcgan", 64), ("lsgan", 64), ("dcgan", 128), ("lsgan", 128)]


def test_every_run_starts_from_the_same_seed_and_latents(comparison):
    output, _ = comparison
    latents = [np.load(os.path.join(output, run, "latents.npy")) for run in ("dcgan_64", "lsgan_128")]
    np.testing.assert_array_equal(*latents)
    # DCGAN and LSGAN share the architecture: the same untrained generator draws the same first frame.
    def frames(name):
        return [plotting.read_png(os.path.join(output, run, name)) for run in ("dcgan_64", "lsgan_64")]

    np.testing.assert_array_equal(*frames("epoch_000.png"))
    # ... and then they train differently.
    assert not np.array_equal(*frames("epoch_010.png"))


def test_samples_png_holds_each_runs_final_generator_on_the_fixed_latents(comparison):
    output, _ = comparison
    samples = {}
    for name in ("dcgan", "lsgan"):
        for n in (64, 128):
            run = os.path.join(output, f"{name}_{n}")
            generator = keras.saving.load_model(os.path.join(run, "generator.keras"))
            samples[(name, n)] = np.asarray(generator(np.load(os.path.join(run, "latents.npy"))))
    expected = samples_table(samples, ["dcgan", "lsgan"], [64, 128])
    np.testing.assert_array_equal(plotting.read_png(os.path.join(output, "samples.png")), expected)


def test_summary_table_in_csv_and_markdown(comparison):
    output, rows = comparison
    with open(os.path.join(output, "summary.csv")) as f:
        table = list(csv.DictReader(f))
    assert [row["variant"] for row in table] == ["dcgan", "lsgan", "dcgan", "lsgan"]
    assert [int(row["steps"]) for row in table] == [20, 20, 20, 20]  # 64 or 128 images: the same steps
    for row, returned in zip(table, rows):
        assert float(row["seconds_per_step"]) > 0 and np.isfinite(float(row["g_loss"]))
        assert row["wasserstein_estimate"] == ""  # not a metric of these variants
        assert float(row["quality"]) == pytest.approx(returned["quality"])
        assert -1 <= returned["quality"] <= 1
    markdown = open(os.path.join(output, "summary.md")).read().splitlines()
    assert markdown[2] == ("| variant | images | steps | ms / step | d_loss | g_loss | real_score | "
                           "fake_score | mean_pixel |")
    assert markdown[4].startswith("| dcgan | 64 | 20 | ")
    assert len([line for line in markdown if line.startswith("| lsgan |")]) == 2


def test_summary_shows_a_clipped_critics_tiny_scores_instead_of_zeros(tmp_path):
    row = dict.fromkeys(SUMMARY_COLUMNS)
    row.update(variant="wgan", num_images=1000, steps=1500, seconds_per_step=0.0252, d_loss=-2.04e-06,
               g_loss=6.3e-05, real_score=0.0, fake_score=0.25, quality=233.214)
    write_summary([row], str(tmp_path), quality_label="digits FID")
    lines = open(tmp_path / "summary.md").read().splitlines()
    assert lines[4] == "| wgan | 1,000 | 1,500 | 25 | -2.0e-06 | 6.3e-05 | 0.000 | 0.250 | 233.21 |"
    assert any(line.startswith("- digits FID: ") for line in lines)
    with open(tmp_path / "summary.csv") as f:
        assert next(csv.DictReader(f))["g_loss"] == "6.3e-05"


def test_samples_table_puts_variants_in_rows_and_sizes_in_columns():
    # One colour per run (the labels are black text on white, so no label pixel has these colours).
    colours = {("a", 1): (255, 0, 0), ("a", 2): (0, 255, 0), ("b", 1): (0, 0, 255), ("b", 2): (255, 255, 0)}
    samples = {key: np.broadcast_to(np.array(colour, "float32") / 127.5 - 1.0, (4, 8, 8, 3))
               for key, colour in colours.items()}
    table = samples_table(samples, ["a", "b"], [1, 2])
    boxes = {}
    for key, colour in colours.items():
        rows, cols = np.nonzero(np.all(table == colour, axis=-1))
        assert len(rows) == 4 * (8 * 2) ** 2  # four images, upscaled twice
        boxes[key] = (rows.min(), cols.min())
    assert boxes[("a", 1)][0] == boxes[("a", 2)][0] < boxes[("b", 1)][0] == boxes[("b", 2)][0]
    assert boxes[("a", 1)][1] == boxes[("b", 1)][1] < boxes[("a", 2)][1] == boxes[("b", 2)][1]
    # The labels: dark text left of the first column and above the first row.
    assert table[:, :boxes[("a", 1)][1]].min() < 100
    assert table[:boxes[("a", 1)][0], boxes[("a", 1)][1]:].min() < 100


def test_learning_rates_change_only_the_rates_of_the_named_variants(tmp_path, monkeypatch):
    # The quick comparison's rates come from presets.COMPARE_LEARNING_RATES["quick"].
    monkeypatch.setitem(keras_gans.presets.COMPARE_LEARNING_RATES, "quick", {"lsgan": (1e-3, 5e-4)})
    compare(models=["lsgan", "wgan"], num_images=[64], output_dir=str(tmp_path), quick=True, quality=None,
            jit_compile=False, **{**TINY, "steps": 10})
    lsgan = keras.saving.load_model(os.path.join(tmp_path, "lsgan_64", "gan.keras"))
    assert type(lsgan.d_optimizer).__name__ == "Adam" and lsgan.d_optimizer.beta_1 == 0.5  # its paper's Adam
    assert float(lsgan.d_optimizer.learning_rate) == pytest.approx(1e-3)
    assert float(lsgan.g_optimizer.learning_rate) == pytest.approx(5e-4)
    wgan = keras.saving.load_model(os.path.join(tmp_path, "wgan_64", "gan.keras"))
    assert type(wgan.d_optimizer).__name__ == "RMSprop" and float(wgan.d_optimizer.learning_rate) == (
        pytest.approx(5e-5))  # not named: the paper's
    summary = open(os.path.join(tmp_path, "summary.md")).read()
    assert ("- learning rates: lsgan Adam D 0.001 / G 0.0005 (this comparison's); "
            "wgan RMSprop D 5e-05 / G 5e-05 (its paper's).") in summary
    assert '"learning_rates": {"lsgan": [0.001, 0.0005]}, "jit_compile": false' in summary


def test_bad_arguments_are_refused_before_any_training(tmp_path):
    with pytest.raises(ValueError, match="Expected one of dcgan, lsgan, wgan, wgan-gp, sagan. "
                                         "Received: models='began'"):
        compare(models=["dcgan", "began"], output_dir=str(tmp_path))
    with pytest.raises(ValueError, match=r"Expected positive integers. Received: num_images=\[1000, 0\]"):
        compare(num_images=[1000, 0], output_dir=str(tmp_path))
    with pytest.raises(ValueError, match="The 'digits' score needs dataset='mnist5k' at image_size=32"):
        compare(image_size=64, output_dir=str(tmp_path))
    with pytest.raises(ValueError, match=r"Expected at least 10 \(one per frame of the GIF\). Received: steps=5"):
        compare(steps=5, output_dir=str(tmp_path))
    with pytest.raises(ValueError, match=r"Expected a \(d_lr, g_lr\) pair per variant"):
        compare(learning_rates={"dcgan": 2e-4}, output_dir=str(tmp_path))
    with pytest.raises(ValueError, match="Expected one of dcgan, .*Received: learning_rates='dcgn'"):
        compare(learning_rates={"dcgn": (2e-4, 2e-4)}, output_dir=str(tmp_path))
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------ command line


def test_cli_compare_runs_and_writes_the_folder_passing_augment_and_ema_to_every_run(tmp_path):
    output = str(tmp_path / "cmp")
    assert cli.main(["compare", "--models", "lsgan", "--num-images", "64", "--steps", "10",
                     "--batch-size", "32", "--width", "8", "--latent-dim", "16", "--quality", "none",
                     "--output", output, "--verbose", "0", "--augment", "translation", "--ema", "0.9"]) == 0
    summary = open(os.path.join(output, "summary.md")).read()
    assert "| lsgan | 64 | 10 |" in summary
    assert os.path.getsize(os.path.join(output, "lsgan_64", "progress.gif")) > 0
    gan = keras.saving.load_model(os.path.join(output, "lsgan_64", "gan.keras"))
    assert (gan.augment, gan.ema) == ("translation", 0.9)
    # The run's generator.keras is the moving average, the network its samples come from.
    generator = keras.saving.load_model(os.path.join(output, "lsgan_64", "generator.keras"))
    latents = np.load(os.path.join(output, "lsgan_64", "latents.npy"))
    samples = gan.generate(latents)
    np.testing.assert_allclose(np.asarray(generator(latents, training=False)), samples, atol=1e-6)
    assert not np.allclose(samples, np.asarray(gan.generator(latents, training=False)), atol=1e-4)


def test_cli_compare_arguments_fail_in_one_line(capsys):
    result = subprocess.run([sys.executable, "-m", "keras_gans", "compare", "--models", "dcgan,began"],
                            capture_output=True, text=True, env={**os.environ, "CUDA_VISIBLE_DEVICES": ""})
    assert result.returncode == 2
    assert own_lines(result.stderr) == [
        "keras-gans compare: error: argument --models: expected comma-separated names from "
        "dcgan, lsgan, wgan, wgan-gp, sagan, got dcgan,began"]
    expected = {"--augment": "expected diffaugment or comma-separated names from color, translation, cutout, "
                             "got blur",
                "--ema": "expected a number between 0 and 1 (e.g. 0.999), got 1.5"}
    for flag, value in (("--augment", "blur"), ("--ema", "1.5")):
        with pytest.raises(SystemExit):
            cli.compare_parser().parse_args([flag, value])
        assert capsys.readouterr().err == f"keras-gans compare: error: argument {flag}: {expected[flag]}\n"


def test_cli_learning_rates_default_to_the_variants_own():
    optimizers = keras_gans.models.default_optimizers  # what `keras-gans train` compiles with

    d, g = optimizers("wgan", g_lr=1e-3)
    assert type(d).__name__ == type(g).__name__ == "RMSprop"
    assert float(d.learning_rate) == pytest.approx(5e-5) and float(g.learning_rate) == pytest.approx(1e-3)
    d, g = optimizers("sagan")
    assert float(d.learning_rate) == pytest.approx(4e-4) and float(g.learning_rate) == pytest.approx(1e-4)
    assert d.beta_1 == 0.0 and d.beta_2 == 0.9
    d, _ = optimizers("dcgan", beta_1=0.9)
    assert float(d.learning_rate) == pytest.approx(2e-4) and d.beta_1 == 0.9
    with pytest.raises(ValueError, match=r"beta_1 applies to Adam; WGAN trains with RMSprop\. Leave beta_1"):
        optimizers("wgan", beta_1=0.5)
