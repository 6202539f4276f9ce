"""`GAN`: the plumbing every variant shares, and no `train_step` of its own.

The base class holds the two networks, the two optimizers, a seeded latent
sampler, the metric trackers and the helper that turns a loss into one optimizer
step (`gradient_step`: loss scaling for mixed precision, the replica share under
`tf.distribute`). Each variant writes its algorithm out in full in its own file,
the way its paper states it: `dcgan.py`, `lsgan.py`, `wgan.py`, `wgan_gp.py`,
`sagan.py`, `conditional.py`.

The same `train_step` runs on TensorFlow, JAX and PyTorch: it is written in
`keras.ops`, and what only a backend can do (take a gradient, thread JAX's state)
is in `keras_gans.models.backends`, one small module per backend.

Two options every variant shares, both off by default, both called by name in each
`train_step` where they act:
- `augment=`: DiffAugment (`keras_gans.augment`), the same kind of random,
  differentiable augmentation for every image the discriminator sees while training,
  real or generated, in both steps (`diff_augment`);
- `ema=`: an exponential moving average of the generator's weights, updated after
  each generator step (`update_ema`), which `generate`, `SampleGIF` and the saved
  `generator.keras` draw from (`sampling_generator()`), its batch-norm statistics
  recomputed for the averaged weights first (`keras_gans.models.ema`).
"""

import numbers

import keras
from keras import ops

from keras_gans import augment as diffaugment
from keras_gans import batches, checks
from keras_gans.models import backends
from keras_gans.models.ema import STANDING_STATISTICS, recompute_batch_norm_statistics, standing_statistics_inputs

DEFAULT_LEARNING_RATE = 2e-4
DEFAULT_BETA_1 = 0.5


class StepValue(keras.metrics.Metric):
    """The value of the last training step (the `Mean` trackers hold the epoch's running mean).

    `keras_gans.callbacks.StepHistory` and `Diagnostics` read these to record every
    step's own losses. Under `tf.distribute` it holds the mean over the replicas.
    """

    def __init__(self, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.value = self.add_variable((), "zeros", name="value", aggregation="mean")

    def update_state(self, value):
        self.value.assign(ops.cast(value, self.dtype))

    def result(self):
        return self.value


class GAN(backends.Trainer, keras.Model):
    """Base class of the package's GANs: a generator, a discriminator and two optimizers.

    Subclasses write `train_step` (and name their metrics); this class supplies
    `compile`, `gradient_step`, `generate`, latent sampling, metrics, saving and
    loading. It also inherits `backends.Trainer`: what the Keras trainer of the
    backend in use needs beyond `train_step` (nothing on TensorFlow and PyTorch; on
    JAX, the stateful step run as a pure function under `jax.jit`).

    Args:
        generator: a Keras model mapping latents (B, latent_dim) to images in [-1, 1].
        discriminator: a Keras model mapping images to logits (B, 1).
        seed: seed of the model's latent sampler (`keras.random.SeedGenerator`),
            so a seeded run draws the same latents every time.
        augment: DiffAugment policy (Zhao et al. 2020): None (off), "diffaugment"
            (color, translation and cutout; the color of grey images is brightness and
            contrast) or comma-separated names, e.g. "translation,cutout" (`keras_gans.augment`).
            Applied to real and generated images wherever the discriminator sees them
            while training; `evaluate()` scores the images as they are.
        ema: None (off) or the decay d of an exponential moving average of the
            generator's weights, e.g. 0.999 (see `update_ema`).
        standing_statistics: with `ema=`, recompute the average's batch-norm statistics
            before images are drawn from it (default True; see `sampling_generator()`).
        **kwargs: passed to `keras.Model` (e.g. `name`).

    Attributes:
        conditional: whether the variant trains on (images, labels) batches and its
            generator takes [latents, labels] (`ConditionalGAN`); the one way to ask.
    """

    # Whether the variant trains on (images, labels) batches and its generator takes
    # [latents, labels]: the one place to ask (`ConditionalGAN` sets it).
    conditional = False
    # Metric names of this variant, in the order the progress bar shows them.
    metric_names = ("d_loss", "g_loss", "real_score", "fake_score")
    # Whether `real_score` / `fake_score` are probabilities (a sigmoid of the logits,
    # as DCGAN reports them) or raw discriminator / critic outputs.
    scores_are_probabilities = False

    def __init__(self, generator, discriminator, seed=None, augment=None, ema=None,
                 standing_statistics=STANDING_STATISTICS, **kwargs):
        backends.check_training_setup()
        super().__init__(**kwargs)
        self.latent_dim = self.check_generator(generator)
        self.generator = generator
        self.discriminator = discriminator
        self.seed = seed
        # Keras' SeedGenerator; under tf.distribute each replica draws its own numbers.
        self.seed_generator = backends.SeedGenerator(seed, name="latent_seed_generator")
        self.augment = diffaugment.policy_string(augment)
        self._augment_operations = diffaugment.parse_policy(augment)
        if ema is not None and (isinstance(ema, bool) or not isinstance(ema, numbers.Real)
                                or not 0 < ema < 1):
            raise checks.invalid("ema", "None or a decay between 0 and 1, e.g. 0.999", ema)
        self.ema = None if ema is None else float(ema)
        if not isinstance(standing_statistics, bool):
            raise checks.invalid("standing_statistics", "True or False", standing_statistics)
        self.standing_statistics = standing_statistics
        self._statistics_step = -1  # generator steps when the average's statistics were last recomputed
        if self.ema is not None:
            # The average starts as a copy of the generator and lives beside it, so it is
            # saved, checkpointed and restored with the other weights.
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
        self.trackers = {name: keras.metrics.Mean(name=name) for name in self.metric_names}
        self.step_values = {name: StepValue(name=name) for name in self.metric_names}
        # Both networks are built already, so the GAN is too (Keras' callbacks,
        # BackupAndRestore among them, refuse an unbuilt model).
        self.built = True

    def check_generator(self, generator):
        """The latent size of a generator with one (batch, latent_dim) input; refuse any other."""
        if len(generator.inputs) != 1 or len(generator.inputs[0].shape) != 2:
            raise ValueError(
                "Invalid value for argument `generator`. Expected a model with one input "
                f"of shape (batch, latent_dim). Received inputs: {generator.inputs}"
            )
        return int(generator.inputs[0].shape[-1])

    # ----------------------------------------------------------------- compile

    def compile(self, d_optimizer=None, g_optimizer=None, jit_compile="auto", **kwargs):
        """Set the two optimizers (and any `keras.Model.compile` option, e.g. `steps_per_execution`).

        Under a `mixed_float16` policy both optimizers are wrapped in
        `keras.optimizers.LossScaleOptimizer`. Both are built here, so their
        variables exist before `fit` runs under a distribution strategy.

        Args:
            d_optimizer: optimizer of the discriminator (default: the variant's,
                `default_d_optimizer()`; Adam(2e-4, beta_1=0.5) for DCGAN).
            g_optimizer: optimizer of the generator (default: `default_g_optimizer()`).
            jit_compile: True, False or "auto", Keras' own meaning: "auto" compiles with XLA
                on a TensorFlow GPU and always on JAX (`jax.jit`), never on PyTorch.
            **kwargs: passed to `keras.Model.compile`; `optimizer` and `loss` are not
                accepted (a GAN has two optimizers and its losses in `train_step`).
        """
        for name in ("optimizer", "loss"):
            if name in kwargs:
                raise ValueError(
                    f"Invalid argument `{name}` for `{type(self).__name__}.compile()`. A GAN takes "
                    "`d_optimizer=` and `g_optimizer=`; its losses are part of its `train_step`."
                )
        d_optimizer = d_optimizer or self.default_d_optimizer()
        g_optimizer = g_optimizer or self.default_g_optimizer()
        if keras.mixed_precision.global_policy().name == "mixed_float16":
            d_optimizer = _loss_scaled(d_optimizer)
            g_optimizer = _loss_scaled(g_optimizer)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        # optimizer=None: Keras' own single optimizer (RMSprop by default) would be
        # one more, unused, in every checkpoint.
        super().compile(optimizer=None, jit_compile=jit_compile, **kwargs)
        self.d_optimizer.build(self.discriminator.trainable_variables)
        self.g_optimizer.build(self.generator.trainable_variables)

    # The DCGAN paper's Adam: lr 2e-4, beta_1 0.5 (the default 0.9 oscillates).
    # Class methods: the command line asks a variant for its defaults before building it.
    @classmethod
    def default_d_optimizer(cls):
        return keras.optimizers.Adam(DEFAULT_LEARNING_RATE, beta_1=DEFAULT_BETA_1)

    @classmethod
    def default_g_optimizer(cls):
        return keras.optimizers.Adam(DEFAULT_LEARNING_RATE, beta_1=DEFAULT_BETA_1)

    # --------------------------------------------------------- shared helpers

    def draw_latents(self, batch_size):
        """A batch of latent vectors z ~ N(0, I), from the model's own seeded sampler."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def gradient_step(self, loss_fn, optimizer, variables):
        """One optimizer step on `variables` down the gradient of the loss `loss_fn` computes.

        `loss_fn` takes no argument and returns `(loss, aux)`: the forward pass is written
        inside it, so that each backend can differentiate it its own way
        (`keras_gans.models.backends`: a `tf.GradientTape`, `jax.value_and_grad`,
        `torch.autograd.grad`); `aux` carries what the step reports (e.g. the logits).
        On every backend the step is the same three moves:

        1. scale the loss: `optimizer.scale_loss(loss)` is loss * S for a
           `LossScaleOptimizer` (mixed_float16), so that small float16 gradients do not
           flush to zero, and the loss itself otherwise; under `tf.distribute` each
           replica's share, loss / replicas, is scaled (the optimizer sums the replicas);
        2. differentiate the scaled loss with respect to `variables`;
        3. `optimizer.apply` the gradients: a `LossScaleOptimizer` divides S back out and
           skips the step if a gradient overflowed.

        Args:
            loss_fn: a function of no argument returning (loss, aux).
            optimizer: the optimizer of `variables` (`d_optimizer` or `g_optimizer`).
            variables: the variables to update, e.g. `self.discriminator.trainable_variables`.

        Returns:
            (loss, aux), the loss unscaled.

        Example:
        >>> def discriminator_loss():  # doctest: +SKIP
        ...     real_logits = self.discriminator(real_images, training=True)
        ...     fake_logits = self.discriminator(fake_images, training=True)
        ...     return losses.bce_discriminator_loss(real_logits, fake_logits), (real_logits, fake_logits)
        >>> d_loss, (real_logits, fake_logits) = self.gradient_step(  # doctest: +SKIP
        ...     discriminator_loss, self.d_optimizer, self.discriminator.trainable_variables)
        """
        return backends.gradient_step(loss_fn, optimizer, variables)

    def diff_augment(self, images):
        """DiffAugment: `images` through this GAN's random augmentation (unchanged when `augment=None`).

        Every `train_step` calls it on every batch its discriminator sees, real or
        generated, in both steps; the random parameters come from the model's seeded
        sampler, so a seeded run is reproducible and a resumed one continues exactly.
        """
        if not self._augment_operations:
            return images
        return diffaugment.diff_augment(images, self._augment_operations, seed=self.seed_generator)

    def update_ema(self):
        """Move the generator's moving average one step towards the generator (nothing when `ema=None`).

        Karras et al. 2018 (https://arxiv.org/abs/1710.10196) and Yazici et al. 2019
        (https://arxiv.org/abs/1806.04498): the average of the generator's recent
        weights draws better images than the weights of the last step. After each
        generator step, for every generator weight w (batch-norm averages included):

        w_ema = d * w_ema + (1 - d) * w,    d = min(ema, (1 + t) / (10 + t))

        with t the generator steps taken so far. Departure from the papers, which use
        d = ema from the first step: the ramp (TensorFlow's
        `ExponentialMovingAverage(num_updates=t)` rule) lets the average forget the
        random initial weights within a short run (with d = 0.999 from the start,
        73% of them would still be there after 310 steps). The ramp reaches d = ema only
        at t = (10 ema - 1) / (1 - ema): 80 steps for 0.9, 890 for 0.99, 8,990 for 0.999.
        Until then the decay chosen makes no difference, so in runs shorter than about
        9,000 steps (the default run takes 2,500) ema=0.999 and ema=0.9999 give the same average.
        """
        if self.ema is None:
            return
        steps = ops.cast(self.g_optimizer.iterations, "float32")
        decay = ops.minimum(self.ema, (1.0 + steps) / (10.0 + steps))
        for average, weight in zip(self.ema_generator.weights, self.generator.weights):
            average.assign(decay * average + (1.0 - decay) * ops.cast(weight, average.dtype))

    def sampling_generator(self):
        """The network to draw images from: the moving average with `ema=`, else the generator.

        `generate` (so `SampleGIF`), `compute_fid` and `FIDCallback` (through
        `keras_gans.generation.load_generator`) and the `generator.keras` a run saves all
        ask here, so this is the one place that brings the average's batch-norm statistics
        up to date (`standing_statistics=True`, `update_standing_statistics`). A method, not
        a property, because it may do that work.
        """
        if self.ema is None:
            return self.generator
        self.update_standing_statistics()
        return self.ema_generator

    def update_standing_statistics(self):
        """Recompute the average's batch-norm statistics (`keras_gans.models.ema`) if they are stale.

        Only when the generator has taken steps since the last time, so a `generate` per GIF
        frame stays cheap. The average's own statistics are overwritten; `update_ema`
        averages on from them, which changes nothing drawn (the next recompute does not read
        them). `predict` calls this first; a direct `gan(latents)` uses the statistics as they are.
        """
        if self.ema is None or not self.standing_statistics:
            return
        optimizer = getattr(self, "g_optimizer", None)  # None before `compile`
        steps = 0 if optimizer is None else int(ops.convert_to_numpy(optimizer.iterations))
        if steps == self._statistics_step:
            return
        recompute_batch_norm_statistics(self.ema_generator,
                                        standing_statistics_inputs(self.ema_generator, self.latent_dim))
        self._statistics_step = steps

    def update_metrics(self, **values):
        """Record this step's values; return every metric's running mean over the epoch."""
        for name, value in values.items():
            self.trackers[name].update_state(value)
            self.step_values[name].update_state(value)
        return {name: tracker.result() for name, tracker in self.trackers.items()}

    def last_step_values(self):
        """Each metric's value at the last training step, as Python floats."""
        return {name: float(metric.result()) for name, metric in self.step_values.items()}

    @property
    def metrics(self):
        # Listing the trackers lets Keras reset them at the start of every epoch.
        return list(self.trackers.values())

    # -------------------------------------------------------------- inference

    def call(self, latents, training=False):
        """The images of a latent batch (B, latent_dim) from the network `sampling_generator()` names.

        `predict(latents)` too. Not through `sampling_generator()` itself: `predict` traces this
        into a graph, where the statistics cannot be recomputed, so `predict` does that first.
        """
        return (self.generator if self.ema is None else self.ema_generator)(latents, training=training)

    def predict(self, x, *args, **kwargs):
        self.update_standing_statistics()
        return super().predict(x, *args, **kwargs)

    def test_step(self, data):
        """`evaluate()`: both losses and scores on real images, nothing updated."""
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]
        fake_images = self.generator(self.draw_latents(batch_size), training=False)
        real_logits = self.discriminator(real_images, training=False)
        fake_logits = self.discriminator(fake_images, training=False)
        return self.update_metrics(**self.evaluation_metrics(real_logits, fake_logits))

    def evaluation_metrics(self, real_logits, fake_logits):
        """Metric values of this variant for `test_step`: its own losses and scores."""
        raise NotImplementedError(f"{type(self).__name__} does not define `evaluation_metrics`.")

    def predict_step(self, data):
        return self(batches.images_of(data), training=False)  # here the "images" of the batch are latents

    def generate(self, n_or_latents, seed=None, batch_size=256):
        """Generate images in [-1, 1] as a float32 NumPy array (B, H, W, C), from `sampling_generator()`.

        Args:
            n_or_latents: a number of images, or a latent batch (B, latent_dim).
            seed: with a number of images, an int seed makes the latents (and so the
                images) the same on every call; None draws from the model's sampler.
            batch_size: images generated per forward pass.

        Returns:
            float32 array of images in [-1, 1].

        Example:
        >>> gan.generate(16, seed=0).shape  # doctest: +SKIP
        (16, 64, 64, 3)
        """
        generator = self.sampling_generator()
        return batches.in_batches(lambda part: generator(part, training=False),
                                  [self.latents_for(n_or_latents, seed)], batch_size)

    def latents_for(self, n_or_latents, seed=None):
        """`generate`'s latent batch: `n` fresh latents (from `seed`, else the model's sampler) or those given."""
        if checks.is_int(n_or_latents):
            checks.positive_int("n_or_latents", n_or_latents, "a positive number of images or a latent batch")
            shape = (int(n_or_latents), self.latent_dim)
            return keras.random.normal(shape, seed=seed if seed is not None else self.seed_generator)
        latents = ops.convert_to_tensor(n_or_latents, "float32")
        if len(latents.shape) != 2 or latents.shape[-1] != self.latent_dim:
            raise ValueError(
                "Invalid value for argument `n_or_latents`. Expected an int or latents of "
                f"shape (batch, {self.latent_dim}). Received shape: {tuple(latents.shape)}"
            )
        return latents

    # ---------------------------------------------------------- serialisation

    # Keras saves a layer's own variables but not a SeedGenerator's state, so a
    # run restored by `BackupAndRestore` (or a reloaded `.keras` model) would draw
    # other latents than the uninterrupted run. The state travels with the weights.
    _SEED_STATE_KEY = "latent_seed_generator_state"

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store[self._SEED_STATE_KEY] = ops.convert_to_numpy(self.seed_generator.state)

    def load_own_variables(self, store):
        keys = list(store.keys())
        if self._SEED_STATE_KEY in keys:
            self.seed_generator.state.assign(store[self._SEED_STATE_KEY])
        self._statistics_step = -1  # new weights: recompute the average's statistics before sampling
        super().load_own_variables({key: store[key] for key in keys if key != self._SEED_STATE_KEY})

    def get_config(self):
        return {
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "seed": self.seed,
            "augment": self.augment,
            "ema": self.ema,
            "standing_statistics": self.standing_statistics,
            "name": self.name,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)

    def get_compile_config(self):
        if not self.compiled:
            return None
        return {
            "d_optimizer": _portable(keras.saving.serialize_keras_object(self.d_optimizer)),
            "g_optimizer": _portable(keras.saving.serialize_keras_object(self.g_optimizer)),
        }

    def compile_from_config(self, config):
        optimizers = {key: keras.saving.deserialize_keras_object(value) for key, value in config.items()}
        # A saved LossScaleOptimizer comes back as one; do not wrap it twice.
        optimizers = {key: getattr(opt, "inner_optimizer", opt) for key, opt in optimizers.items()}
        self.compile(**optimizers)


def _loss_scaled(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


def _portable(config):
    """A serialized optimizer that loads on every backend.

    Keras' PyTorch backend builds its own subclasses of the optimizers
    (`keras.src.backend.torch.optimizers`, same class names) and would save them so,
    which no other backend can load: name their public class, `keras.optimizers.<name>`.
    """
    if isinstance(config, dict):
        config = {key: _portable(value) for key, value in config.items()}
        if str(config.get("module", "")).startswith("keras.src.backend.torch.optimizers"):
            config["module"] = "keras.optimizers"
    return config
