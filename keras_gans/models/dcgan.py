"""`DCGAN`: the binary cross-entropy GAN (Radford et al. 2016, https://arxiv.org/abs/1511.06434)."""

import keras
from keras import ops

from keras_gans import batches, losses
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class DCGAN(GAN):
    """DCGAN: a GAN trained with binary cross-entropy (Radford et al. 2016).

    Goodfellow et al. 2014 (https://arxiv.org/abs/1406.2661) for the losses,
    Radford et al. 2016 (https://arxiv.org/abs/1511.06434) for the networks and
    Adam(2e-4, beta_1=0.5).

    d_loss = BCE(D(x), 1) + BCE(D(G(z)), 0)      g_loss = BCE(D(G(z')), 1)

    Metrics: `d_loss`, `g_loss`, `real_score` and `fake_score` (the mean
    probability the discriminator gives real and generated images).

    Args:
        generator: latents (B, latent_dim) -> images in [-1, 1].
        discriminator: images -> logits (B, 1).
        seed: seed of the latent sampler.
        augment: DiffAugment policy, e.g. "diffaugment" (None: off; see `GAN`).
        ema: decay of the generator's moving average, e.g. 0.999 (None: off; see `GAN`).

    Example:
    >>> gen = keras_gans.networks.dcgan_generator(32, channels=1, latent_dim=16, width=8)
    >>> disc = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8)
    >>> gan = keras_gans.DCGAN(gen, disc, seed=0)
    >>> gan.compile()
    >>> gan.fit(keras.random.uniform((64, 32, 32, 1), -1, 1), batch_size=32, epochs=1)  # doctest: +SKIP
    """

    scores_are_probabilities = True

    def train_step(self, data):
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator step: real images should score "real" (1), generated
        #    ones "fake" (0). The fakes are made outside the loss, and no gradient
        #    flows back through them: this step updates the discriminator only.
        fake_images = ops.stop_gradient(self.generator(self.draw_latents(batch_size), training=True))

        def discriminator_loss():
            # DiffAugment (`augment=`; the identity when None): both sides seen through it.
            real_logits = self.discriminator(self.diff_augment(real_images), training=True)
            fake_logits = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.bce_discriminator_loss(real_logits, fake_logits), (real_logits, fake_logits)

        d_loss, (real_logits, fake_logits) = self.gradient_step(
            discriminator_loss, self.d_optimizer, self.discriminator.trainable_variables)

        # 2. Generator step: fresh latents; the generator wants its images to
        #    score "real". Only the generator's weights are updated.
        def generator_loss():
            fake_images = self.generator(self.draw_latents(batch_size), training=True)
            # The same augmentation, differentiated through: the gradient reaches G.
            fake_logits = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.bce_generator_loss(fake_logits), fake_logits

        g_loss, _ = self.gradient_step(generator_loss, self.g_optimizer, self.generator.trainable_variables)

        # 3. Generator EMA (`ema=`; nothing when None): w_ema = d * w_ema + (1 - d) * w.
        self.update_ema()

        # 4. Report: the losses, and how sure the discriminator was on each side.
        return self.update_metrics(
            d_loss=d_loss,
            g_loss=g_loss,
            real_score=ops.mean(ops.sigmoid(real_logits)),
            fake_score=ops.mean(ops.sigmoid(fake_logits)),
        )

    def evaluation_metrics(self, real_logits, fake_logits):
        return {
            "d_loss": losses.bce_discriminator_loss(real_logits, fake_logits),
            "g_loss": losses.bce_generator_loss(fake_logits),
            "real_score": ops.mean(ops.sigmoid(real_logits)),
            "fake_score": ops.mean(ops.sigmoid(fake_logits)),
        }
