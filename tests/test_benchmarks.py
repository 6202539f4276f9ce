"""The speed benchmark's own arithmetic and command line (tiny, offline, no PyTorch)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks"))

import results  # noqa: E402
import small_data  # noqa: E402
import train_speed  # noqa: E402

import keras_gans  # noqa: E402


def test_forward_flops_matches_a_hand_count():
    # Generator 32 px, width 8, latent 16, one channel: multiply-adds per layer are
    # input H*W*C_in * C_out * 4*4 for a transposed convolution.
    generator = keras_gans.networks.dcgan_generator(32, channels=1, latent_dim=16, width=8)
    macs = 1 * 1 * 16 * 32 * 16 + 4 * 4 * 32 * 16 * 16 + 8 * 8 * 16 * 8 * 16 + 16 * 16 * 8 * 1 * 16
    assert train_speed.forward_flops(generator) == 2 * macs
    # Discriminator: output H*W*C_out * C_in * 4*4 for a convolution.
    discriminator = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8)
    macs = 16 * 16 * 8 * 1 * 16 + 8 * 8 * 16 * 8 * 16 + 4 * 4 * 32 * 16 * 16 + 1 * 1 * 1 * 32 * 16
    assert train_speed.forward_flops(discriminator) == 2 * macs


def test_threads_are_parsed_or_refused_with_a_teaching_message():
    assert train_speed.parse_threads("default") is None
    assert train_speed.parse_threads("2,1") == (2, 1)
    with pytest.raises(SystemExit, match=r"Expected 'default' or two integers >= 0 .* Received: --threads 2"):
        train_speed.parse_threads("2")


def test_command_line_writes_a_table_row(tmp_path):
    results = tmp_path / "RESULTS.md"
    rows = train_speed.main(["--config", "digits32", "--no-torch", "--steps", "1", "--windows", "1",
                             "--jit", "off", "--results", str(results)])
    assert len(rows) == 1
    row = rows[0]
    assert (row["config"], row["jit_compile"], row["threads intra,inter"], row["oneDNN"]) == (
        "digits32", "False", "default", "default")
    assert row["keras_gans images/s"] > 0 and row["PyTorch images/s"] == "-"
    # 32 px digits, width 64: 4 F_G + 8 F_D, counted from the layer shapes.
    assert row["GFLOP/image"] == pytest.approx(0.41, abs=0.01)
    text = results.read_text()
    assert "--config digits32 --no-torch" in text and "| digits32 | float32 | False | default |" in text


def test_small_data_benchmark_writes_its_table_and_samples(tmp_path):
    results = tmp_path / "RESULTS.md"
    scores = small_data.main(["--steps", "2", "--num-images", "64", "--num-samples", "50", "--output",
                              str(tmp_path), "--results", str(results)])
    assert set(scores) == {(name, 64) for name, _, _ in small_data.ROWS}
    text = results.read_text()
    assert "`python benchmarks/small_data.py --steps 2" in text and "| DiffAugment + EMA | " in text
    assert ("AVX-512" in text) or ("AVX2 only" in text)
    assert (tmp_path / "samples.png").stat().st_size > 0


def test_default_run_settings_scores_each_setting_and_writes_the_table(tmp_path, monkeypatch):
    import default_run_settings

    # Tiny networks (width 8), with and without the generator average.
    monkeypatch.setitem(default_run_settings.SETTINGS, "tiny", (16, 2e-4, 2e-4, 0.5, None, 8))
    monkeypatch.setitem(default_run_settings.SETTINGS, "tiny_ema", (16, 2e-4, 2e-4, 0.5, 0.9, 8))
    results = tmp_path / "RESULTS.md"
    default_run_settings.main(["--images", "64", "--every", "32", "--settings", "tiny", "tiny_ema",
                               "--results", str(results)])
    lines = results.read_text().splitlines()
    assert "| setting (batch, G lr, D lr, beta_1, EMA, width) | 32 images | 64 images |" in lines
    for name in ("tiny", "tiny_ema"):
        row = next(line for line in lines if line.startswith(f"| {name} ("))
        scores = [float(cell) for cell in row.strip("|").split("|")[1:]]
        assert len(scores) == 2 and all(score > 0 for score in scores)  # FIDs of 2 and 4 steps of training


def test_the_phase_form_of_the_transposed_convolution_is_the_same_mathematics():
    import keras
    import numpy as np
    from transposed_conv_forms import PhaseConv2DTranspose

    reference = keras.layers.Conv2DTranspose(4, 4, strides=2, padding="same", use_bias=False)
    phases = PhaseConv2DTranspose(4, 4, strides=2, padding="same", use_bias=False)
    x = np.random.default_rng(0).standard_normal((2, 5, 6, 3)).astype("float32")
    reference(x), phases(x)
    phases.kernel.assign(reference.kernel)
    assert phases(x).shape == (2, 10, 12, 4)
    np.testing.assert_allclose(phases(x), reference(x), atol=1e-5)


def test_step_cost_counts_the_same_convolutions_and_the_wasserstein_extra_work():
    import loss_step_cost

    gan = keras_gans.models.build_gan("dcgan", 32, 1, 16, width=8)
    f_g = train_speed.forward_flops(gan.generator)
    f_d = train_speed.forward_flops(gan.discriminator)
    assert loss_step_cost.forward_flops(gan.generator) == f_g
    assert loss_step_cost.step_flops("dcgan", gan) == pytest.approx((4 * f_g + 8 * f_d) / 1e9)
    # 5 critic updates (each G forward, D forward and backward on two batches) and the generator's update.
    assert loss_step_cost.step_flops("wgan", gan) == pytest.approx((8 * f_g + 32 * f_d) / 1e9)


def test_copy_ratio_tells_copies_from_new_pictures():
    import numpy as np
    import own_images

    rng = np.random.default_rng(0)
    training, held_out = rng.uniform(-1, 1, (50, 8, 8, 3)), rng.uniform(-1, 1, (50, 8, 8, 3))
    assert own_images.copy_ratio(training[:10], training, held_out) == pytest.approx(0.0, abs=1e-3)
    assert own_images.copy_ratio(rng.uniform(-1, 1, (50, 8, 8, 3)), training, held_out) == pytest.approx(1.0, abs=0.15)
    assert own_images.small(np.ones((2, 32, 32, 3))).shape == (2, 192)


def test_results_keep_one_current_table_per_cpu_kind_and_log_every_run(tmp_path, monkeypatch):
    readme, log = str(tmp_path / "README.md"), str(tmp_path / "LOG.md")
    with open(readme, "w") as f:
        f.write("# Benchmarks\n\n## Speed\n\nText.\n")
    monkeypatch.setattr(results, "cpu_kind", lambda: "AVX-512")
    results.record("speed", "| a |\n| 1 |", command="python benchmarks/x.py", readme=readme, log=log)
    results.record("speed", "| a |\n| 2 |", command="python benchmarks/x.py", readme=readme, log=log)
    monkeypatch.setattr(results, "cpu_kind", lambda: "AVX-512, oneDNN off")
    results.record("speed", "| a |\n| 3 |", command="python benchmarks/x.py", readme=readme, log=log)
    text = open(readme).read()
    assert text.startswith("# Benchmarks\n\n## Speed\n\nText.\n")
    assert "| 1 |" not in text and text.count("<!-- results: speed, ") == 2  # the newest per kind
    assert results.current_table("speed", "AVX-512", readme).endswith("| a |\n| 2 |\n")
    assert "| 3 |" in results.current_table("speed", "AVX-512, oneDNN off", readme)
    logged = open(log).read()
    assert [logged.index(f"| {n} |") for n in (1, 2, 3)] == sorted(logged.index(f"| {n} |") for n in (1, 2, 3))
    assert logged.count("`python benchmarks/x.py`") == 3


def test_compare_quick_records_steps_fid_and_seconds_per_run_and_the_wall_time(tmp_path, monkeypatch):
    import argparse

    import compare_quick

    readme, log = str(tmp_path / "README.md"), str(tmp_path / "LOG.md")
    monkeypatch.setattr(results, "cpu_kind", lambda: "AVX-512")
    rows = compare_quick.main(["--models", "dcgan", "--num-images", "64", "--steps", "10", "--jit-compile", "off",
                               "--output", str(tmp_path / "cmp")], readme=readme, log=log)
    assert [(row["variant"], row["num_images"], row["steps"]) for row in rows] == [("dcgan", 64, 10)]
    table = results.current_table("compare-quick --models dcgan --num-images 64 --steps 10 --jit-compile off",
                                  "AVX-512", readme)
    assert "| variant | images | generator steps | digits FID | ms / step | seconds of training |" in table
    cells = next(line for line in table.splitlines() if line.startswith("| dcgan |")).strip("|").split("|")
    assert [cell.strip() for cell in cells[:3]] == ["dcgan", "64", "10"]
    assert float(cells[3]) > 0 and float(cells[5]) >= 0  # a digits FID, seconds of training
    assert "Wall time of the whole comparison" in table and "XLA off" in table
    d_lr, g_lr = keras_gans.presets.COMPARE_LEARNING_RATES["quick"]["dcgan"]
    assert f"dcgan {d_lr:g} / {g_lr:g}" in table  # the learning rates the comparison changed
    assert (tmp_path / "cmp" / "samples.png").stat().st_size > 0 and "compare-quick" in open(log).read()
    assert str(tmp_path) not in open(readme).read()  # the command is recorded without its --output folder
    # The default command keeps the plain name, so its table is the one the README links to.
    default = argparse.Namespace(models=["dcgan", "lsgan", "wgan", "wgan-gp"], num_images=[1000, 5000],
                                 augment=None, steps=None, learning_rates=None, jit_compile="auto")
    assert compare_quick.section_name(default) == "compare-quick"
    assert compare_quick.section_name(argparse.Namespace(**{**vars(default), "augment": "diffaugment"})) == (
        "compare-quick --augment diffaugment")
    assert compare_quick.learning_rates("papers") == {}
    rates = compare_quick.learning_rates("dcgan=6e-4/5e-4")
    assert rates == {**keras_gans.presets.COMPARE_LEARNING_RATES["quick"], "dcgan": (6e-4, 5e-4)}
