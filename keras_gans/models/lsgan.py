"""`LSGAN`: the least-squares GAN (Mao et al. 2017, https://arxiv.org/abs/1611.04076)."""

import keras
from keras import ops

from keras_gans import batches, losses
from keras_gans.models.base import GAN


@keras.saving.register_keras_serializable(package="keras_gans")
class LSGAN(GAN):
    """LSGAN: the discriminator regresses its output onto 1 (real) and 0 (fake).

    Mao et al. 2017, "Least Squares Generative Adversarial Networks",
    https://arxiv.org/abs/1611.04076, with the GANs 101 article's 0/1 labels (the
    paper's "0-1 coding": a = 0 for fakes, b = 1 for reals, c = 1 for the
    generator) and the 0.5 factor on both losses:

    d_loss = 0.5 * mean((D(x) - 1)^2) + 0.5 * mean((D(G(z)) - 0)^2)
    g_loss = 0.5 * mean((D(G(z')) - 1)^2)

    The discriminator's last layer must be linear (the package's discriminators
    return logits, so they are): a sigmoid would bound the output and bring back
    the vanishing gradients least squares are meant to avoid.

    Metrics: `d_loss`, `g_loss`; `real_score` and `fake_score` are the mean raw
    discriminator output on real and generated images (targets 1 and 0).

    Args:
        generator: latents (B, latent_dim) -> images in [-1, 1].
        discriminator: images -> one linear output per image (B, 1).
        seed: seed of the latent sampler.
        augment: DiffAugment policy, e.g. "diffaugment" (None: off; see `GAN`).
        ema: decay of the generator's moving average, e.g. 0.999 (None: off; see `GAN`).

    Example:
    >>> gen = keras_gans.networks.dcgan_generator(32, channels=1, latent_dim=16, width=8)
    >>> disc = keras_gans.networks.dcgan_discriminator(32, channels=1, width=8)
    >>> gan = keras_gans.LSGAN(gen, disc, seed=0)
    >>> gan.compile()
    >>> gan.fit(keras.random.uniform((64, 32, 32, 1), -1, 1), batch_size=32, epochs=1)  # doctest: +SKIP
    """

    def train_step(self, data):
        real_images = batches.images_of(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator step: pull its output on real images towards b = 1 and on
        #    generated images towards a = 0. The fakes are made outside the loss, and
        #    no gradient flows back through them.
        fake_images = ops.stop_gradient(self.generator(self.draw_latents(batch_size), training=True))

        def discriminator_loss():
            # DiffAugment (`augment=`; the identity when None): both sides seen through it.
            real_logits = self.discriminator(self.diff_augment(real_images), training=True)
            fake_logits = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.least_squares_discriminator_loss(real_logits, fake_logits), (real_logits, fake_logits)

        d_loss, (real_logits, fake_logits) = self.gradient_step(
            discriminator_loss, self.d_optimizer, self.discriminator.trainable_variables)

        # 2. Generator step: fresh latents; the generator wants the discriminator to
        #    output c = 1 on its images.
        def generator_loss():
            fake_images = self.generator(self.draw_latents(batch_size), training=True)
            # The same augmentation, differentiated through: the gradient reaches G.
            fake_logits = self.discriminator(self.diff_augment(fake_images), training=True)
            return losses.least_squares_generator_loss(fake_logits), fake_logits

        g_loss, _ = self.gradient_step(generator_loss, self.g_optimizer, self.generator.trainable_variables)

        # 3. Generator EMA (`ema=`; nothing when None): w_ema = d * w_ema + (1 - d) * w.
        self.update_ema()

        # 4. Report: the losses and the mean raw outputs (1 = looks real, 0 = looks fake).
        return self.update_metrics(
            d_loss=d_loss,
            g_loss=g_loss,
            real_score=ops.mean(ops.cast(real_logits, "float32")),
            fake_score=ops.mean(ops.cast(fake_logits, "float32")),
        )

    def evaluation_metrics(self, real_logits, fake_logits):
        return {
            "d_loss": losses.least_squares_discriminator_loss(real_logits, fake_logits),
            "g_loss": losses.least_squares_generator_loss(fake_logits),
            "real_score": ops.mean(ops.cast(real_logits, "float32")),
            "fake_score": ops.mean(ops.cast(fake_logits, "float32")),
        }
