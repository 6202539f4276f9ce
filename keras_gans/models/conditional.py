"""`ConditionalGAN`: ask for a class, get that class (Mirza & Osindero 2014; Miyato & Koyama 2018)."""

import keras
from keras import ops

from keras_gans import batches, checks, losses
from keras_gans.models.base import GAN
from keras_gans.networks.conditional import is_conditional, labels_for, num_classes_of

# The loss families a conditional GAN can train with: name -> (discriminator loss, generator
# loss), all from `keras_gans.losses`. (Wasserstein with a gradient penalty is not offered:
# it needs several critic steps and a batch-norm-free critic, another `train_step`.)
LOSSES = {
    "bce": (losses.bce_discriminator_loss, losses.bce_generator_loss),
    "least_squares": (losses.least_squares_discriminator_loss, losses.least_squares_generator_loss),
    "hinge": (losses.hinge_discriminator_loss, losses.hinge_generator_loss),
}


def images_and_labels(data):
    """The (images, labels) of a batch as `fit` hands it over; refuse a batch without labels."""
    images, labels, _ = keras.utils.unpack_x_y_sample_weight(data)
    if labels is None:
        raise ValueError(
            "ConditionalGAN trains on (images, labels) batches, and this batch has images only. Load the "
            "data with its labels, e.g. keras_gans.data.load_mnist_5k(labels=True) or "
            "keras_gans.data.load('mnist5k', labels=True), or fit(images, labels).")
    return images, ops.cast(ops.reshape(labels, (-1,)), "int32")


@keras.saving.register_keras_serializable(package="keras_gans")
class ConditionalGAN(GAN):
    """A class-conditional GAN: the generator draws the class it is given, the discriminator judges
    each image together with its label.

    Mirza and Osindero 2014, "Conditional Generative Adversarial Nets",
    https://arxiv.org/abs/1411.1784, with the projection discriminator of Miyato and
    Koyama 2018, "cGANs with Projection Discriminator", https://arxiv.org/abs/1802.05637
    (`keras_gans.networks.conditional_discriminator`). Both networks see the label y:

    d_loss = loss_D(D(x, y), D(G(z, y), y))      g_loss = loss_G(D(G(z', y), y))

    A generated image that looks real but not like its class is rejected, so the
    generator learns to draw the class it is asked for. `loss` picks the family from
    `keras_gans.losses`: "bce" (the DCGAN losses, the default), "least_squares"
    (LSGAN) or "hinge" (SNGAN / SAGAN, and Miyato & Koyama's own choice).

    The generated images of a step carry the labels of that step's real batch, so both
    sides of the discriminator's comparison hold the same classes (keras-io's
    conditional GAN does the same; BigGAN draws the fake labels at random instead).

    Metrics: `d_loss`, `g_loss`, `real_score`, `fake_score` (probabilities for "bce",
    the mean raw discriminator output otherwise).

    Args:
        generator: [latents (B, latent_dim), labels (B,) int32] -> images in [-1, 1]
            (`keras_gans.networks.conditional_generator`).
        discriminator: [images, labels] -> logits (B, 1).
        num_classes: number of classes; None reads it from a generator built by
            `conditional_generator`.
        loss: "bce", "least_squares" or "hinge".
        seed: seed of the latent sampler.
        augment: DiffAugment policy, e.g. "diffaugment" (None: off; see `GAN`); it
            augments the images, never the labels.
        ema: decay of the generator's moving average, e.g. 0.999 (None: off; see `GAN`).

    Example:
    >>> gen = keras_gans.networks.conditional_generator(32, 1, latent_dim=16, num_classes=10, width=8)
    >>> disc = keras_gans.networks.conditional_discriminator(32, channels=1, num_classes=10, width=8)
    >>> gan = keras_gans.ConditionalGAN(gen, disc, seed=0)
    >>> gan.compile()
    >>> gan.fit(keras_gans.data.load_mnist_5k(batch_size=32, labels=True), epochs=1)  # doctest: +SKIP
    >>> tuple(gan.generate(10, labels=[7], seed=0).shape)  # ten sevens
    (10, 32, 32, 1)
    """

    conditional = True  # trains on (images, labels); the generator takes [latents, labels]

    def __init__(self, generator, discriminator, num_classes=None, loss="bce", seed=None, **kwargs):
        super().__init__(generator, discriminator, seed=seed, **kwargs)
        if len(discriminator.inputs) != 2:
            raise ValueError(
                "Invalid value for argument `discriminator`. Expected a model with two inputs, [images, "
                f"labels] (e.g. keras_gans.networks.conditional_discriminator). Received inputs: "
                f"{discriminator.inputs}")
        num_classes = num_classes_of(generator) if num_classes is None else num_classes
        if num_classes is None:
            raise ValueError("Invalid value for argument `num_classes`. This generator has no "
                             "`label_embedding` layer to read it from; pass num_classes=. Received: "
                             "num_classes=None")
        self.num_classes = checks.positive_int("num_classes", num_classes)
        self.loss_family = checks.one_of("loss", loss, LOSSES)
        self.discriminator_loss, self.generator_loss = LOSSES[loss]
        self.scores_are_probabilities = loss == "bce"

    def check_generator(self, generator):
        if not is_conditional(generator):
            raise ValueError(
                "Invalid value for argument `generator`. Expected a model with two inputs, [latents (batch, "
                "latent_dim), labels (batch,)] (e.g. keras_gans.networks.conditional_generator). Received "
                f"inputs: {generator.inputs}")
        return int(generator.inputs[0].shape[-1])

    def scores(self, real_logits, fake_logits):
        """`real_score` and `fake_score`: mean probabilities for BCE, mean raw outputs otherwise."""
        squash = ops.sigmoid if self.scores_are_probabilities else (lambda x: x)
        return (ops.mean(squash(ops.cast(real_logits, "float32"))),
                ops.mean(squash(ops.cast(fake_logits, "float32"))))

    def train_step(self, data):
        real_images, labels = images_and_labels(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Discriminator step: each real image is judged with its own label; the
        #    generated images are drawn for the same labels and judged with them. The
        #    fakes are made outside the loss, and no gradient flows back through them.
        fake_images = ops.stop_gradient(self.generator([self.draw_latents(batch_size), labels], training=True))

        def discriminator_loss():
            # DiffAugment (`augment=`; the identity when None): the images, not the labels.
            real_logits = self.discriminator([self.diff_augment(real_images), labels], training=True)
            fake_logits = self.discriminator([self.diff_augment(fake_images), labels], training=True)
            return self.discriminator_loss(real_logits, fake_logits), (real_logits, fake_logits)

        d_loss, (real_logits, fake_logits) = self.gradient_step(
            discriminator_loss, self.d_optimizer, self.discriminator.trainable_variables)

        # 2. Generator step: fresh latents, the same labels; the generator wants its
        #    images judged real *as members of their class*.
        def generator_loss():
            fake_images = self.generator([self.draw_latents(batch_size), labels], training=True)
            # The same augmentation, differentiated through: the gradient reaches G.
            fake_logits = self.discriminator([self.diff_augment(fake_images), labels], training=True)
            return self.generator_loss(fake_logits), fake_logits

        g_loss, _ = self.gradient_step(generator_loss, self.g_optimizer, self.generator.trainable_variables)

        # 3. Generator EMA (`ema=`; nothing when None): w_ema = d * w_ema + (1 - d) * w.
        self.update_ema()

        # 4. Report: the losses and the discriminator's mean verdict on each side.
        real_score, fake_score = self.scores(real_logits, fake_logits)
        return self.update_metrics(d_loss=d_loss, g_loss=g_loss, real_score=real_score, fake_score=fake_score)

    def test_step(self, data):
        """`evaluate()`: both losses and scores on labelled real images, nothing updated."""
        real_images, labels = images_and_labels(data)
        fake_images = self.generator([self.draw_latents(ops.shape(real_images)[0]), labels], training=False)
        real_logits = self.discriminator([real_images, labels], training=False)
        fake_logits = self.discriminator([fake_images, labels], training=False)
        real_score, fake_score = self.scores(real_logits, fake_logits)
        return self.update_metrics(d_loss=self.discriminator_loss(real_logits, fake_logits),
                                   g_loss=self.generator_loss(fake_logits), real_score=real_score,
                                   fake_score=fake_score)

    def generate(self, n_or_latents, labels=None, seed=None, batch_size=256):
        """Generate images of chosen classes, in [-1, 1], as a float32 NumPy array (B, H, W, C).

        Args:
            n_or_latents: a number of images, or a latent batch (B, latent_dim).
            labels: the class of each image: None cycles through the classes (0, 1, ...,
                num_classes - 1, 0, 1, ...), an int draws that class only, a sequence of
                the batch's length gives each image's class, a shorter one is repeated.
            seed: with a number of images, an int seed draws the same latents every call.
            batch_size: images generated per forward pass.

        Returns:
            float32 array of images in [-1, 1], from `sampling_generator()`.

        Example:
        >>> gan.generate(30, labels=[0, 1, 2], seed=0).shape  # 0, 1, 2, 0, 1, 2, ...  # doctest: +SKIP
        (30, 32, 32, 1)
        """
        latents = self.latents_for(n_or_latents, seed)
        labels = ops.convert_to_tensor(labels_for(latents.shape[0], labels, self.num_classes))
        generator = self.sampling_generator()
        return batches.in_batches(lambda z, y: generator([z, y], training=False), [latents, labels], batch_size)

    def get_config(self):
        return {**super().get_config(), "num_classes": self.num_classes, "loss": self.loss_family}
