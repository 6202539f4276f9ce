"""`WGANGP`: the Wasserstein GAN with a gradient penalty (Gulrajani et al. 2017, https://arxiv.org/abs/1704.00028)."""

import keras
from keras import ops

from keras_gans import batches, checks, losses
from keras_gans.models.base import GAN
from keras_gans.models.ema import batch_normalization_layers
from keras_gans.models.wgan import DEFAULT_DISCRIMINATOR_STEPS, wasserstein_metrics

DEFAULT_GRADIENT_PENALTY_WEIGHT = 10.0


@keras.saving.register_keras_serializable(package="keras_gans")
class WGANGP(GAN):
    """WGAN-GP: a Wasserstein critic kept 1-Lipschitz by a gradient penalty.

    Gulrajani, Ahmed, Arjovsky, Dumoulin and Courville 2017, "Improved Training
    of Wasserstein GANs", https://arxiv.org/abs/1704.00028, Algorithm 1. Instead
    of clipping weights (`WGAN`), the critic f is penalised wherever its gradient
    norm leaves 1, on random points between real and generated images:

    x_hat = alpha * x + (1 - alpha) * G(z),  alpha ~ U[0, 1] drawn once per example
    d_loss = mean(f(G(z))) - mean(f(x)) + lambda * mean((||grad f(x_hat)||_2 - 1)^2)
    g_loss = -mean(f(G(z')))

    The penalty is `keras_gans.losses.gradient_penalty`: a stable norm
    sqrt(sum(g^2) + 1e-12) (finite gradient where g = 0), computed in float32
    even under `mixed_float16`.

    The critic must not use batch normalization: the penalty is defined per
    example, and batch norm makes each score depend on the whole batch. The paper
    suggests layer normalization (`dcgan_discriminator(..., normalization="layer")`)
    or none; a critic with a BatchNormalization layer is refused.

    Metrics: `d_loss` (penalty included), `g_loss`, `wasserstein_estimate`
    (mean(f(x)) - mean(f(G(z))), without the penalty), `gradient_penalty` (before
    weighting), and `real_score` / `fake_score`: the mean critic score on real and
    on generated images (unbounded; only their difference means something). All
    from the last critic update of each step.

    Departures from the paper:
    - As in `WGAN`, the paper draws a fresh real batch for every critic update;
      here all `discriminator_steps` critic updates of one `train_step` **reuse the
      batch `fit` handed over**, with fresh latents, fresh fakes and fresh alphas.
    - Under mixed precision the inner gradient (of the critic score with respect to
      x_hat) is not loss-scaled; it is taken in float32 from the float32 logits, so
      it only passes through float16 inside the critic.

    Args:
        generator: latents (B, latent_dim) -> images in [-1, 1].
        discriminator: the critic, images -> scores (B, 1), without batch norm.
        discriminator_steps: critic updates per generator update (paper: 5).
        gradient_penalty_weight: lambda (paper: 10).
        seed: seed of the latent sampler (it also draws the alphas).
        augment: DiffAugment policy, e.g. "diffaugment" (None: off; see `GAN`). The
            interpolates x_hat then lie between augmented real and augmented generated
            images, the images the critic sees.
        ema: decay of the generator's moving average, e.g. 0.999 (None: off; see `GAN`).

    Example:
    >>> gen = keras_gans.networks.dcgan_generator(32, channels=1, latent_dim=16, width=8)
    >>> critic = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8, normalization="layer")
    >>> gan = keras_gans.WGANGP(gen, critic, gradient_penalty_weight=10.0, seed=0)
    >>> gan.compile()  # Adam(1e-4, beta_1=0.0, beta_2=0.9) for both, the paper's choice
    >>> gan.fit(keras.random.uniform((64, 32, 32, 1), -1, 1), batch_size=32, epochs=1)  # doctest: +SKIP
    """

    metric_names = ("d_loss", "g_loss", "wasserstein_estimate", "gradient_penalty",
                    "real_score", "fake_score")

    def __init__(self, generator, discriminator, discriminator_steps=DEFAULT_DISCRIMINATOR_STEPS,
                 gradient_penalty_weight=DEFAULT_GRADIENT_PENALTY_WEIGHT, seed=None, **kwargs):
        batch_norms = [layer.name for layer in batch_normalization_layers(discriminator)]
        if batch_norms:
            raise ValueError(
                "Invalid value for argument `discriminator`. A WGAN-GP critic must not use batch "
                "normalization (the gradient penalty is per example); use layer normalization or none, "
                "e.g. dcgan_discriminator(..., normalization=\"layer\"). Received a critic with "
                f"BatchNormalization layers: {', '.join(batch_norms)}"
            )
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.discriminator_steps = checks.positive_int(
            "discriminator_steps", discriminator_steps,
            "a positive integer (critic updates per generator update)")
        self.gradient_penalty_weight = checks.positive_number("gradient_penalty_weight",
                                                              gradient_penalty_weight)

    @classmethod
    def default_d_optimizer(cls):
        # The paper's Adam: no momentum on the first moment, beta_2 = 0.9.
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    @classmethod
    def default_g_optimizer(cls):
        return keras.optimizers.Adam(1e-4, beta_1=0.0, beta_2=0.9)

    def draw_interpolation_factors(self, batch_size):
        """alpha ~ U[0, 1], one per example, shaped (B, 1, 1, 1) to mix whole images."""
        return keras.random.uniform((batch_size, 1, 1, 1), 0.0, 1.0, seed=self.seed_generator)

    def critic_terms(self, real_images, fake_images, alpha, training=True):
        """The critic's loss and its parts.

        Returns:
            (d_loss, wasserstein_estimate, penalty, real_scores, fake_scores).
        """
        real_scores = self.discriminator(real_images, training=training)
        fake_scores = self.discriminator(fake_images, training=training)
        wasserstein_loss = losses.wasserstein_discriminator_loss(real_scores, fake_scores)
        penalty = losses.gradient_penalty(self.discriminator, real_images, fake_images, alpha=alpha)
        d_loss = wasserstein_loss + self.gradient_penalty_weight * penalty
        return d_loss, -wasserstein_loss, penalty, real_scores, fake_scores

    def train_step(self, data):
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Critic: `discriminator_steps` updates, each with fresh latents and a fresh
        #    alpha per example, on the same real batch (departure, see the docstring).
        #    The fakes are made outside the loss; no gradient flows back through them.
        for _ in range(self.discriminator_steps):
            fake_images = ops.stop_gradient(self.generator(self.draw_latents(batch_size), training=True))
            alpha = self.draw_interpolation_factors(batch_size)

            def critic_loss(fake_images=fake_images, alpha=alpha):  # this iteration's, bound here
                # 2. Wasserstein loss plus lambda times the gradient penalty on
                #    x_hat = alpha * real + (1 - alpha) * fake. The penalty holds a
                #    gradient, so this step differentiates a gradient (double backprop).
                #    DiffAugment (`augment=`; the identity when None): the critic, and its
                #    penalty, see both sides through it.
                d_loss, *parts = self.critic_terms(self.diff_augment(real_images), self.diff_augment(fake_images),
                                                   alpha)
                return d_loss, parts

            d_loss, (wasserstein_estimate, penalty, real_scores, fake_scores) = self.gradient_step(
                critic_loss, self.d_optimizer, self.discriminator.trainable_variables)

        # 3. Generator: one update, fresh latents, towards a higher critic score.
        def generator_loss():
            fake_images = self.generator(self.draw_latents(batch_size), training=True)
            # The same augmentation, differentiated through: the gradient reaches G.
            fake_scores = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.wasserstein_generator_loss(fake_scores), fake_scores

        g_loss, _ = self.gradient_step(generator_loss, self.g_optimizer, self.generator.trainable_variables)

        # 4. Generator EMA (`ema=`; nothing when None): w_ema = d * w_ema + (1 - d) * w.
        self.update_ema()

        # 5. Report, from the last critic update.
        return self.update_metrics(
            d_loss=d_loss,
            g_loss=g_loss,
            wasserstein_estimate=wasserstein_estimate,
            gradient_penalty=penalty,
            real_score=ops.mean(ops.cast(real_scores, "float32")),
            fake_score=ops.mean(ops.cast(fake_scores, "float32")),
        )

    def test_step(self, data):
        """`evaluate()`: the critic loss with its penalty, and the scores; nothing updated."""
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]
        fake_images = self.generator(self.draw_latents(batch_size), training=False)
        alpha = self.draw_interpolation_factors(batch_size)
        d_loss, _, penalty, real_scores, fake_scores = self.critic_terms(
            real_images, fake_images, alpha, training=False)
        return self.update_metrics(**{**wasserstein_metrics(real_scores, fake_scores),
                                      "d_loss": d_loss, "gradient_penalty": penalty})

    def get_config(self):
        return {
            **super().get_config(),
            "discriminator_steps": self.discriminator_steps,
            "gradient_penalty_weight": self.gradient_penalty_weight,
        }
