"""Diagnostics: warnings for a collapsed generator, NaN losses, a saturated discriminator, stalled losses."""

import keras
import numpy as np
import pytest
from conftest import LATENT_DIM, random_images, tiny_networks

import keras_gans
from keras_gans.callbacks import Diagnostics, mean_pairwise_distance
from keras_gans.models import build_gan


def test_mean_pairwise_distance_by_hand():
    images = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, -1.0]])
    # pairs: sqrt(mean([1, 1])) = 1, sqrt(mean([1, 1])) = 1, sqrt(mean([0, 4])) = sqrt(2)
    assert mean_pairwise_distance(images) == pytest.approx((2 + np.sqrt(2)) / 3)
    assert mean_pairwise_distance(np.ones((5, 4, 4, 1))) == 0.0


def latent_ignoring_generator():
    """The tiny DCGAN generator fed zeros whatever the latent: one image for every z."""
    generator, _ = tiny_networks(normalization="none")
    latents = keras.Input((LATENT_DIM,))
    return keras.Model(latents, generator(keras.layers.Lambda(lambda z: z * 0.0)(latents)))


def linear_generator():
    """Images that depend on every latent (a random linear map): as varied as can be from the start."""
    latents = keras.Input((LATENT_DIM,))
    x = keras.layers.Dense(32 * 32, kernel_initializer=keras.initializers.RandomNormal(stddev=0.5))(latents)
    return keras.Model(latents, keras.layers.Activation("tanh")(keras.layers.Reshape((32, 32, 1))(x)))


def fit(generator, diagnostics, epochs=2, callbacks=(), **compile_args):
    _, discriminator = tiny_networks(normalization="none")
    gan = keras_gans.DCGAN(generator, discriminator, seed=0)
    gan.compile(**compile_args)
    history = gan.fit(random_images(48), batch_size=16, epochs=epochs, verbose=0,
                      callbacks=[diagnostics, *callbacks])
    return gan, history


def test_collapse_fires_on_a_generator_that_ignores_its_latents(capsys):
    diagnostics = Diagnostics(reference_images=random_images(64), collapse_warmup_steps=0)
    _, history = fit(latent_ignoring_generator(), diagnostics)
    assert [w["kind"] for w in diagnostics.warnings] == ["collapse"]  # once, not every epoch
    assert diagnostics.warnings[0]["step"] == 3 and diagnostics.warnings[0]["epoch"] == 1
    assert history.history["sample_diversity"][0] < 1e-3
    assert history.history["warnings"] == [1.0, 0.0]
    out = capsys.readouterr().out
    assert "step 3 (epoch 1): the generator may be collapsing" in out
    assert "Try: WGAN-GP" in out


def test_collapse_is_measured_on_the_generator_being_trained_not_its_lagging_average():
    # A diverse generator with a moving average far into training (d = 0.999 once the ramp
    # min(0.999, (1 + t) / (10 + t)) reaches 0.999 at t = 8,990), then the live generator collapses: its
    # kernel is zeroed, so every latent gives tanh(bias). The average moves 0.1% of the way per
    # step and still draws varied images: watching it would miss the collapse.
    generator = linear_generator()
    _, discriminator = tiny_networks(normalization="none")
    gan = keras_gans.DCGAN(generator, discriminator, seed=0, ema=0.999)
    gan.compile()
    gan.g_optimizer.iterations.assign(10_000)
    dense = generator.layers[1]
    dense.kernel.assign(np.zeros(dense.kernel.shape, "float32"))
    reference = random_images(64)
    diagnostics = Diagnostics(reference_images=reference, collapse_warmup_steps=0, verbose=False)
    history = gan.fit(random_images(48), batch_size=16, epochs=2, verbose=0, callbacks=[diagnostics])
    assert [(w["kind"], w["step"]) for w in diagnostics.warnings] == [("collapse", 3)]
    assert max(history.history["sample_diversity"]) < 0.1
    latents = keras.random.normal((64, LATENT_DIM), seed=0)
    average = mean_pairwise_distance(gan.generate(latents)) / mean_pairwise_distance(reference)
    assert average > 0.5  # the average still looks diverse


def test_a_conditional_generator_is_checked_with_every_class_in_turn():
    gan = build_gan("cdcgan", 32, 1, LATENT_DIM, width=8, seed=0)
    gan.compile()
    diagnostics = Diagnostics(reference_images=random_images(16), num_samples=16, verbose=False)
    labels = np.arange(32) % 10
    history = gan.fit(random_images(32), labels, batch_size=16, epochs=1, verbose=0, callbacks=[diagnostics])
    assert np.isfinite(history.history["sample_diversity"][0])
    np.testing.assert_array_equal(diagnostics._labels, np.arange(16) % 10)


def test_quiet_on_a_short_healthy_run(capsys):
    # A generator whose images vary with the latent: the collapse check runs from step 0 and stays quiet.
    diagnostics = Diagnostics(reference_images=random_images(64), collapse_warmup_steps=0)
    _, history = fit(linear_generator(), diagnostics)
    assert diagnostics.warnings == []
    assert min(history.history["sample_diversity"]) > 0.3
    # The package's own tiny DCGAN with the default thresholds.
    diagnostics = Diagnostics(reference_images=random_images(64))
    _, history = fit(tiny_networks()[0], diagnostics)
    assert diagnostics.warnings == []
    assert history.history["warnings"] == [0.0, 0.0]
    assert "Diagnostics" not in capsys.readouterr().out


class InjectNaN(keras.callbacks.Callback):
    """Sets the discriminator's last kernel to NaN before training step `step` (counted from 1)."""

    def __init__(self, step):
        super().__init__()
        self.step, self.seen, self.good = step, 0, None

    def on_epoch_end(self, epoch, logs=None):
        if self.seen < self.step:
            self.good = [np.array(w) for w in self.model.get_weights()]  # the last good epoch's weights

    def on_train_batch_begin(self, batch, logs=None):
        self.seen += 1
        if self.seen == self.step:
            last = [layer for layer in self.model.discriminator.layers if hasattr(layer, "kernel")][-1]
            last.kernel.assign(np.full(last.kernel.shape, np.nan, "float32"))


def test_nan_stops_training_names_the_step_and_restores_the_last_good_weights(tmp_path, capsys):
    checkpoint = str(tmp_path / "last_good.weights.h5")
    diagnostics = Diagnostics(checkpoint_path=checkpoint, log_path=str(tmp_path / "warnings.txt"))
    steps = keras_gans.callbacks.StepHistory()
    inject = InjectNaN(step=5)  # 3 steps an epoch: step 5 is in epoch 2
    gan, history = fit(tiny_networks()[0], diagnostics, epochs=4, callbacks=[steps, inject])
    assert len(history.history["d_loss"]) == 2  # stopped in epoch 2
    assert steps.history["step"] == [1, 2, 3, 4, 5]
    assert np.isnan(steps.history["d_loss"][-1]) and np.isfinite(steps.history["d_loss"][:4]).all()
    assert [(w["kind"], w["step"], w["epoch"]) for w in diagnostics.warnings] == [("non_finite", 5, 2)]
    message = diagnostics.warnings[0]["message"]
    assert "became nan at step 5 (epoch 2); training stopped there" in message
    assert "back to those of the end of epoch 1, also saved in " + checkpoint in message
    assert message in (tmp_path / "warnings.txt").read_text()
    assert "became nan at step 5" in capsys.readouterr().out
    # In memory and on disk: the weights of the end of epoch 1, all finite.
    for kept, good in zip(gan.get_weights(), inject.good, strict=True):
        np.testing.assert_array_equal(kept, good)
    fresh = keras_gans.DCGAN(tiny_networks()[0], tiny_networks(normalization="none")[1], seed=0)
    fresh.load_weights(checkpoint)
    for loaded, good in zip(fresh.get_weights(), inject.good, strict=True):
        np.testing.assert_array_equal(loaded, good)


class FedGAN:
    """Stands in for a keras_gans GAN: its last step's values are the row being fed."""

    def __init__(self, scores_are_probabilities=True):
        self.scores_are_probabilities = scores_are_probabilities
        self.row = {}

    def last_step_values(self):
        return dict(self.row)

    def get_weights(self):  # what Diagnostics keeps of the last good epoch
        return []


def feed(diagnostics, model, rows, steps_per_epoch):
    """Drive the callback as `fit` would: a GAN keeps each step's values, Keras reports running means."""
    diagnostics.set_model(model)
    diagnostics.set_params({"epochs": len(rows) // steps_per_epoch, "steps": steps_per_epoch})
    diagnostics.on_train_begin()
    for epoch in range(len(rows) // steps_per_epoch):
        diagnostics.on_epoch_begin(epoch)
        epoch_rows = rows[epoch * steps_per_epoch:(epoch + 1) * steps_per_epoch]
        for batch in range(steps_per_epoch):
            if isinstance(model, FedGAN):
                model.row = epoch_rows[batch]
            running = {key: float(np.mean([row[key] for row in epoch_rows[:batch + 1]])) for key in rows[0]}
            diagnostics.on_train_batch_end(batch, running)
        diagnostics.on_epoch_end(epoch, dict(running))
    return [w["kind"] for w in diagnostics.warnings]


def noisy(n, **centres):
    rng = np.random.default_rng(0)
    return [{key: value + 0.003 * rng.standard_normal() for key, value in centres.items()} for _ in range(n)]


def test_saturation_only_for_probabilities_and_only_after_enough_steps():
    assert keras_gans.DCGAN.scores_are_probabilities and not keras_gans.LSGAN.scores_are_probabilities
    gan = FedGAN(scores_are_probabilities=True)  # as a DCGAN
    winning = noisy(120, d_loss=0.02, g_loss=6.0, real_score=0.985, fake_score=0.015)
    assert feed(Diagnostics(saturation_steps=100, verbose=False), gan, winning, 40) == ["saturation"]
    assert feed(Diagnostics(saturation_steps=150, verbose=False), gan, winning, 40) == []
    # One step where the discriminator hesitates restarts the count.
    broken = winning[:60] + noisy(1, d_loss=0.7, g_loss=0.7, real_score=0.6, fake_score=0.4) + winning[:59]
    assert feed(Diagnostics(saturation_steps=100, verbose=False), gan, broken, 40) == []
    # A critic's raw means (WGAN) are not probabilities: no saturation check.
    assert feed(Diagnostics(saturation_steps=100, probabilities=False, verbose=False), gan, winning, 40) == []
    assert feed(Diagnostics(saturation_steps=100, verbose=False), FedGAN(False), winning, 40) == []
    # For a model that is not a keras_gans GAN, scores outside [0, 1] turn the check off.
    plain = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    assert feed(Diagnostics(saturation_steps=100, verbose=False), plain, winning, 40) == ["saturation"]
    critic = noisy(120, d_loss=-3.0, g_loss=-2.0, real_score=5.0, fake_score=0.01)
    assert feed(Diagnostics(saturation_steps=100, verbose=False), plain, critic, 40) == []


def test_stalled_losses():
    gan = FedGAN()
    stuck = [{"d_loss": 0.6931, "g_loss": 0.6931, "real_score": 0.5, "fake_score": 0.5}] * 60
    assert feed(Diagnostics(stall_steps=50, verbose=False), gan, stuck, 20) == ["stalled"]
    moving = noisy(60, d_loss=0.6931, g_loss=0.6931, real_score=0.5, fake_score=0.5)
    assert feed(Diagnostics(stall_steps=50, verbose=False), gan, moving, 20) == []
    assert feed(Diagnostics(stall_steps=80, verbose=False), gan, stuck, 20) == []  # window not full yet
    # `check_every_n_steps` checks inside the epoch too: the warning comes at step 50, not 60.
    diagnostics = Diagnostics(stall_steps=50, check_every_n_steps=10, verbose=False)
    feed(diagnostics, gan, stuck, 60)
    assert [(w["kind"], w["step"]) for w in diagnostics.warnings] == [("stalled", 50)]


def test_warnings_reach_csv_logger_and_history(tmp_path):
    path = tmp_path / "history.csv"
    diagnostics = Diagnostics(reference_images=random_images(16), collapse_warmup_steps=0, verbose=False)
    fit(latent_ignoring_generator(), diagnostics, callbacks=[keras.callbacks.CSVLogger(str(path))])
    header, first, second = path.read_text().strip().splitlines()
    columns = header.split(",")
    assert "warnings" in columns and "sample_diversity" in columns
    assert first.split(",")[columns.index("warnings")] == "1.0"
    assert second.split(",")[columns.index("warnings")] == "0.0"


def test_bad_arguments_teach():
    with pytest.raises(ValueError, match=r"ending in `\.weights\.h5`.*Received: checkpoint_path=a\.h5"):
        Diagnostics(checkpoint_path="a.h5")
    with pytest.raises(ValueError, match=r"in \(0, 0\.5\)\. Received: saturation_threshold=0\.7"):
        Diagnostics(saturation_threshold=0.7)
    with pytest.raises(ValueError, match=r"Expected at least 2 images of shape \(N, H, W, C\)"):
        diagnostics = Diagnostics(reference_images=np.zeros((1, 8, 8, 1)))
        diagnostics.set_model(keras_gans.DCGAN(*tiny_networks(), seed=0))
        diagnostics.on_train_begin()
