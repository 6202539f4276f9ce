"""`SAGAN`: the hinge-loss GAN of SAGAN (Zhang et al. 2019, https://arxiv.org/abs/1805.08318)."""

import keras
from keras import ops

from keras_gans import batches, losses
from keras_gans.models.base import GAN

SAGAN_G_LEARNING_RATE = 1e-4
SAGAN_D_LEARNING_RATE = 4e-4


@keras.saving.register_keras_serializable(package="keras_gans")
class SAGAN(GAN):
    """SAGAN: hinge loss, self-attention, spectral norm, two learning rates.

    Zhang, Goodfellow, Metaxas and Odena 2019, "Self-Attention Generative
    Adversarial Networks", https://arxiv.org/abs/1805.08318. The hinge loss is
    that of Lim & Ye 2017 and Miyato et al. 2018 (SNGAN): the discriminator
    pushes real scores above +1 and fake scores below -1, and stops caring
    beyond that margin:

    d_loss = mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))
    g_loss = -mean(D(G(z')))

    The networks come from `keras_gans.networks.sagan_generator` /
    `sagan_discriminator` (self-attention in both, spectral norm in the
    discriminator), though any generator/discriminator pair works. The paper's
    two time-scale update rule (TTUR, Heusel et al. 2017) is the default: Adam
    with beta_1 = 0, beta_2 = 0.9, learning rate 4e-4 for the discriminator and
    1e-4 for the generator, one discriminator update per generator update.

    Metrics: `d_loss`, `g_loss`, and `real_score` / `fake_score`: the mean raw
    discriminator score on real and generated images (the hinge wants > +1 and
    < -1).

    Args:
        generator: latents (B, latent_dim) -> images in [-1, 1].
        discriminator: images -> scores (B, 1).
        seed: seed of the latent sampler.
        augment: DiffAugment policy, e.g. "diffaugment" (None: off; see `GAN`).
        ema: decay of the generator's moving average, e.g. 0.999 (None: off; see `GAN`).

    Example:
    >>> gen = keras_gans.networks.sagan_generator(32, channels=1, latent_dim=16, width=8)
    >>> disc = keras_gans.networks.sagan_discriminator(32, channels=1, width=8)
    >>> gan = keras_gans.SAGAN(gen, disc, seed=0)
    >>> gan.compile()  # Adam 1e-4 (generator) / 4e-4 (discriminator), beta_1=0, beta_2=0.9
    >>> gan.fit(keras.random.uniform((64, 32, 32, 1), -1, 1), batch_size=32, epochs=1)  # doctest: +SKIP
    """

    @classmethod
    def default_d_optimizer(cls):
        return keras.optimizers.Adam(SAGAN_D_LEARNING_RATE, beta_1=0.0, beta_2=0.9)

    @classmethod
    def default_g_optimizer(cls):
        return keras.optimizers.Adam(SAGAN_G_LEARNING_RATE, beta_1=0.0, beta_2=0.9)

    def train_step(self, data):
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator step: real scores above +1, fake scores below -1; a score
        #    already past its margin adds nothing to the loss (nor to the gradient).
        #    The fakes are made outside the loss, and no gradient flows back through them.
        fake_images = ops.stop_gradient(self.generator(self.draw_latents(batch_size), training=True))

        def discriminator_loss():
            # DiffAugment (`augment=`; the identity when None): both sides seen through it.
            real_logits = self.discriminator(self.diff_augment(real_images), training=True)
            fake_logits = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.hinge_discriminator_loss(real_logits, fake_logits), (real_logits, fake_logits)

        d_loss, (real_logits, fake_logits) = self.gradient_step(
            discriminator_loss, self.d_optimizer, self.discriminator.trainable_variables)

        # 2. Generator step: fresh latents; raise the discriminator's score on the
        #    fakes (no margin on this side).
        def generator_loss():
            fake_images = self.generator(self.draw_latents(batch_size), training=True)
            # The same augmentation, differentiated through: the gradient reaches G.
            fake_logits = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.hinge_generator_loss(fake_logits), fake_logits

        g_loss, _ = self.gradient_step(generator_loss, self.g_optimizer, self.generator.trainable_variables)

        # 3. Generator EMA (`ema=`; nothing when None): w_ema = d * w_ema + (1 - d) * w.
        self.update_ema()

        # 4. Report: the losses and the mean raw scores.
        return self.update_metrics(
            d_loss=d_loss,
            g_loss=g_loss,
            real_score=ops.mean(ops.cast(real_logits, "float32")),
            fake_score=ops.mean(ops.cast(fake_logits, "float32")),
        )

    def evaluation_metrics(self, real_logits, fake_logits):
        return {
            "d_loss": losses.hinge_discriminator_loss(real_logits, fake_logits),
            "g_loss": losses.hinge_generator_loss(fake_logits),
            "real_score": ops.mean(ops.cast(real_logits, "float32")),
            "fake_score": ops.mean(ops.cast(fake_logits, "float32")),
        }
