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
    readme = tmp_path / "README.md"
    rows = train_speed.main(["--config", "digits32", "--no-torch", "--steps", "1", "--windows", "1",
                             "--jit", "off", "--results", str(readme)])
    assert len(rows) == 1
    row = rows[0]
    assert (row["config"], row["backend"], row["jit_compile"], row["threads intra,inter"], row["oneDNN"]) == (
        "digits32", "tensorflow", "False", "default", "default")
    assert row["keras_gans images/s"] > 0 and row["PyTorch images/s"] == "-"
    # 32 px digits, width 64: 4 F_G + 8 F_D, counted from the layer shapes.
    assert row["GFLOP/image"] == pytest.approx(0.41, abs=0.01)
    name = "train-speed --config digits32 --no-torch --steps 1 --windows 1 --jit off"
    table = results.current_table(name, results.cpu_kind(), str(readme))
    assert "`python benchmarks/train_speed.py --config digits32 --no-torch" in table
    assert "| digits32 | tensorflow | float32 | False | default |" in table
    assert str(tmp_path) not in readme.read_text()  # the --results file is a place, not a setting
    assert f" {name} (" in (tmp_path / "LOG.md").read_text()


def test_small_data_benchmark_writes_its_table_and_samples(tmp_path):
    readme = tmp_path / "README.md"
    scores = small_data.main(["--steps", "2", "--num-images", "64", "--num-samples", "50", "--output",
                              str(tmp_path), "--results", str(readme)])
    assert set(scores) == {(name, 64) for name, _, _ in small_data.ROWS}
    table = results.current_table("small-data --steps 2 --num-images 64 --num-samples 50", results.cpu_kind(),
                                  str(readme))
    assert "`python benchmarks/small_data.py --steps 2 --num-images 64 --num-samples 50`" in table
    assert "| DiffAugment + EMA | " in table and str(tmp_path) not in readme.read_text()
    assert "| DiffAugment + EMA | " in (tmp_path / "LOG.md").read_text()
    assert (tmp_path / "samples.png").stat().st_size > 0


def test_default_run_settings_scores_each_setting_and_writes_the_table(tmp_path, monkeypatch):
    import default_run_settings

    # Tiny networks (width 8), with and without the generator average.
    monkeypatch.setitem(default_run_settings.SETTINGS, "tiny", (16, 2e-4, 2e-4, 0.5, None, 8))
    monkeypatch.setitem(default_run_settings.SETTINGS, "tiny_ema", (16, 2e-4, 2e-4, 0.5, 0.9, 8))
    readme = tmp_path / "README.md"
    default_run_settings.main(["--images", "64", "--every", "32", "--settings", "tiny", "tiny_ema",
                               "--results", str(readme)])
    lines = results.current_table("default-run-settings --images 64 --every 32 --settings tiny tiny_ema",
                                  results.cpu_kind(), str(readme)).splitlines()
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


def test_ema_statistics_scores_four_networks_and_leaves_the_average_as_it_was(tmp_path):
    import ema_statistics
    import numpy as np

    # The mean row is the mean over the seeds, per column.
    scores = {seed: {8: dict.fromkeys(ema_statistics.COLUMNS, value)} for seed, value in ((0, 10.0), (1, 13.0))}
    table = ema_statistics.markdown(scores, 156)
    assert "| 0 | 8 | 1,248 | 10.00 | 10.00 | 10.00 | 10.00 |" in table
    assert "| mean | 8 | 1,248 | **11.50** | **11.50** | **11.50** | **11.50** |" in table
    # Scoring puts the plain average back, so later scores start from it and training is unchanged.
    gan = keras_gans.models.build_gan("dcgan", 32, 1, 16, width=8, seed=0, ema=0.9, standing_statistics=False)
    gan.compile()
    gan.train_on_batch(np.zeros((8, 32, 32, 1), "float32"))
    average = [np.array(w) for w in gan.ema_generator.weights]
    row = ema_statistics.score_all(gan, 50, str(tmp_path / "real.npz"))
    assert set(row) == set(ema_statistics.COLUMNS) and all(value > 0 for value in row.values())
    assert row["EMA"] != row["EMA, standing"] and gan.standing_statistics is False
    for kept, now in zip(average, gan.ema_generator.weights, strict=True):
        np.testing.assert_array_equal(kept, np.array(now))


def test_small_data_grey_color_table_subtracts_before_from_after(tmp_path, monkeypatch):
    trained = []

    def fake_train(num_images, augment, steps, model="dcgan"):
        trained.append((model, augment, num_images, steps))
        return type("FakeGAN", (), {"generator": augment})(), 1.0

    def fake_score(generator, latents, extractor, real_features):  # 'generator' is the policy here
        return {"fid": 20.0 if generator.startswith("color") else 25.5, "mean_confidence": 0.9,
                "confident_share": 0.5}

    monkeypatch.setattr(small_data, "train", fake_train)
    monkeypatch.setattr(small_data, "score", fake_score)
    readme = tmp_path / "README.md"
    small_data.main(["--grey-color", "--steps", "7", "--num-samples", "10", "--output", str(tmp_path),
                     "--results", str(readme)])
    assert trained == [(model, policy, 1000, 7) for model in small_data.GREY_VARIANTS
                       for policy in ("translation,cutout", "color,translation,cutout")]
    text = results.current_table("small-data --grey-color --steps 7 --num-samples 10", results.cpu_kind(),
                                 str(readme))
    assert "| wgan-gp | 1,000 | 25.50 / 0.900 / 50% | 20.00 / 0.900 / 50% | -5.50 |" in text


def test_a_new_command_or_kind_goes_beside_its_benchmark_and_folders_stay_out(tmp_path, monkeypatch):
    readme = tmp_path / "README.md"
    readme.write_text("# Benchmarks\n\n## Speed\n\n<!-- results: speed, AVX-512 -->\nold\n<!-- end results -->\n\n"
                      "## GPU\n\nNot yet run.\n<!-- results: gpu -->\n\n## Last\n")
    monkeypatch.setattr(results, "cpu_kind", lambda: "AVX2-only")
    argv = ["--quick", "--output", "/tmp/run_folder", "--results=/tmp/README.md"]
    assert results.section("speed", argv) == "speed --quick"
    assert results.script_command(os.path.join(results.HERE, "speed.py"), argv) == "python benchmarks/speed.py --quick"
    for name, kind in (("speed", None), (results.section("speed", argv), None), ("gpu", "GPU: H100"), ("other", None)):
        results.record(name, f"| {name} |", command="c", readme=str(readme), kind=kind)
    text = readme.read_text()
    places = ["<!-- results: speed, AVX-512 -->", "<!-- results: speed, AVX2-only -->",
              "<!-- results: speed --quick, AVX2-only -->", "## GPU", "<!-- results: gpu, GPU: H100 -->", "## Last",
              "<!-- results: other, AVX2-only -->"]
    assert [text.index(place) for place in places] == sorted(text.index(place) for place in places)
    assert results.current_table("speed", "AVX-512", str(readme)) == "old\n"  # another kind's table is kept
    assert "GPU: H100, " in text and "AVX2-only (" in text  # a CPU kind is followed by the CPU's name
    assert "/tmp/" not in text


def test_the_benchmarks_record_their_tables_under_their_commands(tmp_path, monkeypatch):
    import ema_statistics
    import evaluation_speed
    import fit_input_speed
    import loss_step_cost
    import own_images

    readme = str(tmp_path / "README.md")
    monkeypatch.setattr(results, "cpu_kind", lambda: "AVX-512")
    # The measurements are faked (they are the slow part); what is checked is what each script records.
    monkeypatch.setattr(loss_step_cost, "measure", lambda config, variants, steps, windows: [
        {"variant": "dcgan", "updates per step (D + G)": "1 + 1", "ms per step": 10.0, "vs first": "1.0x",
         "GFLOP per image per step": 0.027, "images/s": 3200}])
    loss_step_cost.main(["--config", "compare-quick", "--models", "dcgan", "--results", readme])
    monkeypatch.setattr(own_images, "run", lambda count, size, seconds, folder: {
        "pictures": count, "size": f"{size} px", "seconds": seconds, "steps": 7, "epochs": 0.7, "pixel FID": 9.9,
        "copy ratio": 1.1})
    own_images.main(["--seconds", "1", "--counts", "300", "--sizes", "32", "--output", str(tmp_path), "--results",
                     readme])
    monkeypatch.setattr(fit_input_speed, "run_case", lambda case, folder, num_images, epochs: (
        [{"case": case, "epoch": 1, "steps": 3, "keras_gans.data steps/s": 2.0, "in-memory batch steps/s": 2.0,
          "data / memory": 1.0}],
        {"case": case, "load call s": 0.1, "first epoch data / memory": 1.0,
         "later epochs data / memory (median)": 1.0}))
    fit_input_speed.main(["--case", "digits", "--folder", str(tmp_path), "--results", readme])
    monkeypatch.setattr(ema_statistics, "run", lambda seed, epochs, *args: (
        {8: dict.fromkeys(ema_statistics.COLUMNS, 5.0)}, 156))
    ema_statistics.main(["--epochs", "8", "--seeds", "3", "--output", str(tmp_path), "--results", readme])
    monkeypatch.setattr(evaluation_speed, "time_frechet_2048", lambda: 0.5)
    evaluation_speed.main(["--num-images", "20", "--skip", "inception_v3", "--results", readme])

    expected = {
        "loss-step-cost --config compare-quick --models dcgan": "| dcgan | 1 + 1 | 10.0 | 1.0x | 0.027 | 3200 |",
        "own-images --seconds 1 --counts 300 --sizes 32": "| 300 | 32 px | 1.0 | 7 | 0.7 | 9.9 | 1.1 |",
        "fit-input-speed --case digits": "| digits | 0.1 | 1.0 | 1.0 |",
        "ema-statistics --epochs 8 --seeds 3": "| 3 | 8 | 1,248 | 5.00 | 5.00 | 5.00 | 5.00 |",
        "evaluation-speed --num-images 20 --skip inception_v3": "| digits | ",
    }
    for name, row in expected.items():
        table = results.current_table(name, "AVX-512", readme)
        assert row in table, (name, table)
        script = name.split()[0].replace("-", "_")
        assert f"`python benchmarks/{script}.py {name.split(' ', 1)[1]}`" in table  # the command, without folders
    assert str(tmp_path) not in open(readme).read()
    assert open(str(tmp_path / "LOG.md")).read().count("\n## ") == len(expected)


def test_pipeline_table_gives_every_round_and_the_ratio_of_medians():
    import pipeline_speed

    def runs(rates, memory):
        return [{"first_epoch_images_per_s": first, "cached_epoch_images_per_s": cached, **memory}
                for first, cached in rates]

    table = pipeline_speed.markdown({
        "torch": runs([(400, 500), (300, 600), (500, 400)], {"peak_rss_mb": 200, "peak_rss_worker_mb": 100}),
        "keras_gans": runs([(1200, 50_000), (900, 100_000), (1500, 150_000)],
                           {"peak_rss_mb": 900, "rss_before_loading_mb": 700})}, 64, 128)
    assert "| 300 / 400 / 500 | 400 / 500 / 600 (decodes again) | 200 MB main + 100 MB per worker |" in table
    assert "| 900 / 1,200 / 1,500 | 50,000 / 100,000 / 150,000 (uint8 cache) |" in table
    assert table.endswith("| ratio of medians | **3.0x** | **200x** | |")


def test_the_benchmarks_readme_has_a_place_for_every_benchmark_and_no_machine_paths():
    import glob
    import re

    text = open(results.README).read()
    assert text.count("<!-- results: ") == len(list(results._tables(text)))  # every table is closed
    in_readme = {name.split()[0] for name, _ in results._tables(text)}
    recorded = set()
    for script in glob.glob(os.path.join(results.HERE, "*.py")):
        recorded |= set(re.findall(r'(?:section|record)\("([\w-]+)"', open(script).read()))
    assert recorded and recorded <= in_readme, recorded - in_readme
    assert not re.search(r"/(tmp|work|home|root)/", text)

def test_compare_quick_records_steps_fid_and_seconds_per_run_and_the_wall_time(tmp_path, monkeypatch):
    import argparse

    import compare_quick

    readme, log = str(tmp_path / "README.md"), str(tmp_path / "LOG.md")
    monkeypatch.setattr(results, "cpu_kind", lambda: "AVX-512")
    rows = compare_quick.main(["--models", "dcgan", "--num-images", "64", "--steps", "10", "--jit-compile", "off",
                               "--output", str(tmp_path / "cmp"), "--results", readme])
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
