"""`WGAN`: the Wasserstein GAN with weight clipping (Arjovsky et al. 2017, https://arxiv.org/abs/1701.07875)."""

import keras
from keras import ops

from keras_gans import batches, checks, losses
from keras_gans.models.base import GAN

DEFAULT_DISCRIMINATOR_STEPS = 5
DEFAULT_CLIP_VALUE = 0.01
DEFAULT_RMSPROP_LEARNING_RATE = 5e-5


def wasserstein_metrics(real_scores, fake_scores):
    """Both Wasserstein losses, the estimate (-d_loss) and the mean scores of a critic's outputs."""
    d_loss = losses.wasserstein_discriminator_loss(real_scores, fake_scores)
    return {
        "d_loss": d_loss,
        "g_loss": losses.wasserstein_generator_loss(fake_scores),
        "wasserstein_estimate": -d_loss,
        "real_score": ops.mean(ops.cast(real_scores, "float32")),
        "fake_score": ops.mean(ops.cast(fake_scores, "float32")),
    }


@keras.saving.register_keras_serializable(package="keras_gans")
class WGAN(GAN):
    """WGAN: a critic estimates the Wasserstein distance; its weights are clipped.

    Arjovsky, Chintala and Bottou 2017, "Wasserstein GAN",
    https://arxiv.org/abs/1701.07875, Algorithm 1. The discriminator is a
    *critic*: it returns an unbounded score f(x), high for real images. Clipping
    every critic weight to [-c, c] keeps f Lipschitz (crudely), and then

    wasserstein_estimate = mean(f(x)) - mean(f(G(z)))

    estimates the Earth Mover's distance between the real and generated images
    (up to a constant factor). The critic is trained `discriminator_steps` times
    per generator update:

    critic loss    d_loss = mean(f(G(z))) - mean(f(x))      (= -wasserstein_estimate)
    generator loss g_loss = -mean(f(G(z')))

    Metrics: `d_loss`, `g_loss`, `wasserstein_estimate` (from the last critic
    update of each step), and `real_score` / `fake_score`: the mean critic score
    f on real and on generated images (unbounded numbers, not probabilities; only
    their difference means something).

    Departures from the paper:
    - The paper draws a fresh real batch for every critic update. `fit` hands
      `train_step` one batch, so here every critic update of a step **reuses the
      same real batch** with fresh latents (fresh fakes). One epoch is therefore
      one pass of the generator over the data, and the critic sees each real
      batch `discriminator_steps` times. (Feeding batches `discriminator_steps`
      times larger and splitting them would follow the paper exactly.)
    - The paper's code trains the critic 100 times per generator update for the
      first 25 generator updates and every 500th; this class always uses
      `discriminator_steps`.

    Args:
        generator: latents (B, latent_dim) -> images in [-1, 1].
        discriminator: the critic, images -> scores (B, 1). The paper's critic is
            the DCGAN discriminator (with batch norm) without the sigmoid.
        discriminator_steps: critic updates per generator update (paper: 5).
        clip_value: c, every critic weight is clipped to [-c, c] after every critic
            update (paper: 0.01).
        seed: seed of the latent sampler.
        augment: DiffAugment policy, e.g. "diffaugment" (None: off; see `GAN`).
        ema: decay of the generator's moving average, e.g. 0.999 (None: off; see `GAN`).

    Example:
    >>> gen = keras_gans.networks.dcgan_generator(32, channels=1, latent_dim=16, width=8)
    >>> critic = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8)
    >>> gan = keras_gans.WGAN(gen, critic, discriminator_steps=5, clip_value=0.01, seed=0)
    >>> gan.compile()  # RMSprop(5e-5) for both, the paper's choice
    >>> gan.fit(keras.random.uniform((64, 32, 32, 1), -1, 1), batch_size=32, epochs=1)  # doctest: +SKIP
    """

    metric_names = ("d_loss", "g_loss", "wasserstein_estimate", "real_score", "fake_score")

    def __init__(self, generator, discriminator, discriminator_steps=DEFAULT_DISCRIMINATOR_STEPS,
                 clip_value=DEFAULT_CLIP_VALUE, seed=None, **kwargs):
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        self.discriminator_steps = checks.positive_int(
            "discriminator_steps", discriminator_steps,
            "a positive integer (critic updates per generator update)")
        self.clip_value = checks.positive_number("clip_value", clip_value)

    @classmethod
    def default_d_optimizer(cls):
        # The paper: RMSprop, learning rate 5e-5 (momentum-based optimizers such as
        # Adam made the clipped critic unstable in its experiments). rho=0.99 is the
        # decay of the paper's code (PyTorch's default); Keras' default is 0.9.
        return keras.optimizers.RMSprop(DEFAULT_RMSPROP_LEARNING_RATE, rho=0.99)

    @classmethod
    def default_g_optimizer(cls):
        return keras.optimizers.RMSprop(DEFAULT_RMSPROP_LEARNING_RATE, rho=0.99)

    def clip_critic_weights(self):
        """Clip every trainable critic weight to [-clip_value, clip_value].

        All of them, batch-norm scales and offsets included, as the paper's code does.
        """
        for weight in self.discriminator.trainable_variables:
            weight.assign(ops.clip(weight, -self.clip_value, self.clip_value))

    def train_step(self, data):
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Critic: `discriminator_steps` updates. Each draws fresh latents, scores
        #    the same real batch (departure, see the class docstring) and the fakes
        #    (made outside the loss; no gradient flows back through them), takes one
        #    step towards a larger mean(f(real)) - mean(f(fake)) ...
        for _ in range(self.discriminator_steps):
            fake_images = ops.stop_gradient(self.generator(self.draw_latents(batch_size), training=True))

            def critic_loss(fake_images=fake_images):  # this iteration's fakes, bound here
                # DiffAugment (`augment=`; the identity when None): both sides seen through it.
                real_scores = self.discriminator(self.diff_augment(real_images), training=True)
                fake_scores = self.discriminator(self.diff_augment(fake_images), training=True)
                return losses.wasserstein_discriminator_loss(real_scores, fake_scores), (real_scores, fake_scores)

            d_loss, (real_scores, fake_scores) = self.gradient_step(
                critic_loss, self.d_optimizer, self.discriminator.trainable_variables)
            # ... and 2. clips every critic weight to [-c, c] right after the update.
            self.clip_critic_weights()

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
            wasserstein_estimate=-d_loss,
            real_score=ops.mean(ops.cast(real_scores, "float32")),
            fake_score=ops.mean(ops.cast(fake_scores, "float32")),
        )

    def evaluation_metrics(self, real_logits, fake_logits):
        return wasserstein_metrics(real_logits, fake_logits)

    def get_config(self):
        return {
            **super().get_config(),
            "discriminator_steps": self.discriminator_steps,
            "clip_value": self.clip_value,
        }
