"""GAN losses as pure functions of discriminator outputs.

Every discriminator in this package returns **logits** (raw scores, no sigmoid).
Each family below has a `<family>_discriminator_loss(real_logits, fake_logits)` and
a `<family>_generator_loss(fake_logits)`; each returns a scalar: the mean over the
batch. They are plain `keras.ops` code, so a tutorial can call them on a tensor and
a test can check them against numbers worked out by hand.

Labels: real = 1, fake = 0 (`REAL_LABEL`, `FAKE_LABEL`), everywhere in the package.
"""

import keras
from keras import ops

REAL_LABEL = 1.0
FAKE_LABEL = 0.0


def _mean(x):
    """Mean over everything, in float32 (mixed precision never reaches a loss)."""
    return ops.mean(ops.cast(x, "float32"))


# ---------------------------------------------------------------------------
# 1. Binary cross-entropy (Goodfellow et al. 2014, "Generative Adversarial Nets";
#    DCGAN, Radford et al. 2016)
# ---------------------------------------------------------------------------


def _bce_with_logits(labels, logits):
    # max(x, 0) - x * y + log(1 + exp(-|x|)): the usual overflow-free form, the
    # same one `tf.nn.sigmoid_cross_entropy_with_logits` uses.
    logits = ops.cast(logits, "float32")
    return ops.relu(logits) - logits * labels + ops.log1p(ops.exp(-ops.abs(logits)))


def bce_discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy loss of a discriminator, from logits.

    Goodfellow et al. 2014, https://arxiv.org/abs/1406.2661. The discriminator is a
    classifier of real (label 1) against generated (label 0) images.

    loss = mean(-log sigmoid(real_logits)) + mean(-log(1 - sigmoid(fake_logits)))

    The two halves are summed, as in the GANs 101 article (not averaged).

    Args:
        real_logits: discriminator logits on real images, any shape.
        fake_logits: discriminator logits on generated images, any shape.

    Returns:
        A float32 scalar.

    Example:
    >>> float(bce_discriminator_loss(keras.ops.zeros(4), keras.ops.zeros(4)))  # 2 log 2
    1.386...
    """
    real = _mean(_bce_with_logits(REAL_LABEL, real_logits))
    fake = _mean(_bce_with_logits(FAKE_LABEL, fake_logits))
    return real + fake


def bce_generator_loss(fake_logits):
    """Non-saturating generator loss (Goodfellow et al. 2014, section 3).

    The generator asks the discriminator to label its images as real:

    loss = mean(-log sigmoid(fake_logits))

    This is what everyone trains with (and the GANs 101 article uses). Its gradient is
    large while the discriminator still rejects the fakes, unlike the minimax form
    in `minimax_generator_loss`.

    Args:
        fake_logits: discriminator logits on generated images.

    Returns:
        A float32 scalar.

    Example:
    >>> float(bce_generator_loss(keras.ops.zeros(4)))  # log 2
    0.693...
    """
    return _mean(_bce_with_logits(REAL_LABEL, fake_logits))


def minimax_generator_loss(fake_logits):
    """The original minimax generator loss of Goodfellow et al. 2014, equation 1.

    loss = -mean(-log(1 - sigmoid(fake_logits))) = mean(log(1 - sigmoid(fake_logits)))

    The generator minimises the very quantity the discriminator maximises. Kept for
    teaching: it saturates (its gradient vanishes) when the discriminator confidently
    rejects the fakes, which is exactly the situation early in training; that is why
    `bce_generator_loss` is used instead.

    Args:
        fake_logits: discriminator logits on generated images.

    Returns:
        A float32 scalar (negative or zero).

    Example:
    >>> float(minimax_generator_loss(keras.ops.zeros(4)))  # log 0.5
    -0.693...
    """
    return -_mean(_bce_with_logits(FAKE_LABEL, fake_logits))


# ---------------------------------------------------------------------------
# 2. Least squares (Mao et al. 2017, "Least Squares Generative Adversarial Networks")
# ---------------------------------------------------------------------------


def least_squares_discriminator_loss(real_logits, fake_logits, a=FAKE_LABEL, b=REAL_LABEL):
    """LSGAN discriminator loss (Mao et al. 2017, https://arxiv.org/abs/1611.04076).

    The discriminator's raw output is regressed onto label `b` for real images and
    label `a` for generated ones:

    loss = 0.5 * (mean((real_logits - b)^2) + mean((fake_logits - a)^2))

    The 0.5 factor is the paper's and the GANs 101 article's. The defaults a=0, b=1 are
    the GANs 101 article's 0/1 labels (the paper's "0-1 coding"; its other choice is a=-1, b=1,
    c=0).

    Args:
        real_logits: discriminator outputs on real images (linear, no sigmoid).
        fake_logits: discriminator outputs on generated images.
        a: target for generated images.
        b: target for real images.

    Returns:
        A float32 scalar.

    Example:
    >>> float(least_squares_discriminator_loss(keras.ops.ones(2), keras.ops.ones(2)))
    0.5
    """
    real = _mean(ops.square(ops.cast(real_logits, "float32") - b))
    fake = _mean(ops.square(ops.cast(fake_logits, "float32") - a))
    return 0.5 * (real + fake)


def least_squares_generator_loss(fake_logits, c=REAL_LABEL):
    """LSGAN generator loss (Mao et al. 2017).

    The generator wants the discriminator to output `c` on its images:

    loss = 0.5 * mean((fake_logits - c)^2)

    The paper writes the same 0.5 factor on this side. The GANs 101 article trains its
    generator with the plain mean squared error (no 0.5); that only rescales the
    gradient by 2, which Adam mostly absorbs, and we keep the paper's form.

    Args:
        fake_logits: discriminator outputs on generated images.
        c: the value the generator wants the discriminator to believe (1 = real).

    Returns:
        A float32 scalar.

    Example:
    >>> float(least_squares_generator_loss(keras.ops.zeros(2)))
    0.5
    """
    return 0.5 * _mean(ops.square(ops.cast(fake_logits, "float32") - c))


# ---------------------------------------------------------------------------
# 3. Wasserstein (Arjovsky et al. 2017, "Wasserstein GAN")
# ---------------------------------------------------------------------------


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """Critic loss of a Wasserstein GAN (Arjovsky et al. 2017, https://arxiv.org/abs/1701.07875).

    The critic maximises mean(f(real)) - mean(f(fake)), an estimate of the
    Wasserstein-1 distance when f is 1-Lipschitz (weight clipping or a gradient
    penalty keeps it so). As a loss to minimise:

    loss = mean(fake_logits) - mean(real_logits)

    Args:
        real_logits: critic scores on real images.
        fake_logits: critic scores on generated images.

    Returns:
        A float32 scalar; its negative is the Wasserstein estimate.

    Example:
    >>> float(wasserstein_discriminator_loss(keras.ops.ones(2), keras.ops.zeros(2)))
    -1.0
    """
    return _mean(fake_logits) - _mean(real_logits)


def wasserstein_generator_loss(fake_logits):
    """Generator loss of a Wasserstein GAN: raise the critic's score on fakes.

    loss = -mean(fake_logits)

    Args:
        fake_logits: critic scores on generated images.

    Returns:
        A float32 scalar.

    Example:
    >>> float(wasserstein_generator_loss(keras.ops.ones(2)))
    -1.0
    """
    return -_mean(fake_logits)


def gradient_penalty(critic, real_images, fake_images, alpha=None, seed=None):
    """Gradient penalty of WGAN-GP (Gulrajani et al. 2017, https://arxiv.org/abs/1704.00028).

    On points x_hat = alpha * real + (1 - alpha) * fake, with alpha drawn uniformly
    in [0, 1] once **per example**, the critic's gradient norm is pulled towards 1:

    penalty = mean((||grad_x critic(x_hat)||_2 - 1)^2)

    The norm is computed as sqrt(sum(g^2) + 1e-12) so that its gradient stays finite
    where g = 0 (a plain sqrt has an infinite derivative at 0 and gives NaN). The
    penalty is computed in float32 even when the critic runs in float16.

    The penalty differentiates a gradient (double backprop: its own gradient with respect
    to the critic's weights passes through grad f(x_hat)), so grad f(x_hat) is taken by the
    backend's autodiff with its graph kept (`critic_input_gradient`).

    Args:
        critic: a callable (a Keras model) mapping images to scores.
        real_images: a batch of real images, shape (B, H, W, C).
        fake_images: a batch of generated images, same shape.
        alpha: optional interpolation factors of shape (B,) or (B, 1, 1, 1); drawn
            uniformly when None.
        seed: a seed or `keras.random.SeedGenerator` for drawing `alpha`.

    Returns:
        A float32 scalar.

    Example:
    >>> critic = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                            keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")])
    >>> round(float(gradient_penalty(critic, keras.ops.ones((3, 2, 2, 1)), keras.ops.zeros((3, 2, 2, 1)))), 4)
    1.0
    """
    real_images = ops.cast(real_images, "float32")
    fake_images = ops.cast(fake_images, "float32")
    batch_size = ops.shape(real_images)[0]
    if alpha is None:
        alpha = keras.random.uniform((batch_size, 1, 1, 1), 0.0, 1.0, seed=seed)
    alpha = ops.reshape(ops.cast(alpha, "float32"), (-1, 1, 1, 1))
    interpolated = alpha * real_images + (1.0 - alpha) * fake_images
    gradients = ops.cast(critic_input_gradient(critic, interpolated), "float32")
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=[1, 2, 3]) + 1e-12)
    return _mean(ops.square(norms - 1.0))


def critic_input_gradient(critic, images):
    """grad_x sum(critic(x)) at x = `images`, differentiable in turn (for the gradient penalty).

    Each score depends on its own image only (no batch norm in a WGAN-GP critic), so the
    gradient of the summed scores is every image's own gradient. The critic runs with
    `training=True`, as it does in the training step the penalty belongs to (on JAX it must
    not update a variable from the images there, which a batch-norm critic would).

    Departure from the rule that backend-specific code lives in `keras_gans.models.backends`:
    losses sit below models (ARCHITECTURE.md's layers) and a tutorial calls
    `gradient_penalty` on its own, so this one gradient is taken here, once per backend:

    - TensorFlow: a `GradientTape` watching the images; an outer tape records it;
    - JAX: `jax.grad` of the summed scores; `jax.value_and_grad` around it differentiates it;
    - PyTorch: `torch.autograd.grad(..., create_graph=True)`, so that the gradient has a graph
      of its own (with gradients on even where Keras turned them off, as in `evaluate`).

    Args:
        critic: a callable mapping images to scores.
        images: float32 images (B, H, W, C).

    Returns:
        The gradient, shaped like `images`.

    Example:
    >>> critic = keras.Sequential([keras.Input((2, 2, 1)), keras.layers.Flatten(),
    ...                            keras.layers.Dense(1, use_bias=False, kernel_initializer="ones")])
    >>> keras.ops.convert_to_numpy(critic_input_gradient(critic, keras.ops.zeros((1, 2, 2, 1)))).ravel()
    array([1., 1., 1., 1.], dtype=float32)
    """
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(images)
            scores = ops.cast(critic(images, training=True), "float32")
        return tape.gradient(scores, images)
    if backend == "jax":
        import jax

        return jax.grad(lambda x: ops.sum(ops.cast(critic(x, training=True), "float32")))(images)
    if backend == "torch":
        import torch

        with torch.enable_grad():
            if not images.requires_grad:  # images from data: autograd must be told to follow them
                images = images.detach().requires_grad_(True)
            scores = ops.sum(ops.cast(critic(images, training=True), "float32"))
            return torch.autograd.grad(scores, images, create_graph=True)[0]
    raise RuntimeError(f"The gradient penalty needs gradients, which Keras' {backend!r} backend does not take.")


# ---------------------------------------------------------------------------
# 4. Hinge (Lim & Ye 2017 "Geometric GAN"; Miyato et al. 2018 SNGAN; Zhang et al.
#    2019 SAGAN)
# ---------------------------------------------------------------------------


def hinge_discriminator_loss(real_logits, fake_logits):
    """Hinge loss of the discriminator (SNGAN / SAGAN, https://arxiv.org/abs/1805.08318).

    Real images are pushed above +1 and fakes below -1; beyond that margin they
    cost nothing:

    loss = mean(relu(1 - real_logits)) + mean(relu(1 + fake_logits))

    Args:
        real_logits: discriminator scores on real images.
        fake_logits: discriminator scores on generated images.

    Returns:
        A float32 scalar.

    Example:
    >>> float(hinge_discriminator_loss(keras.ops.zeros(2), keras.ops.zeros(2)))
    2.0
    """
    real = _mean(ops.relu(1.0 - ops.cast(real_logits, "float32")))
    fake = _mean(ops.relu(1.0 + ops.cast(fake_logits, "float32")))
    return real + fake


def hinge_generator_loss(fake_logits):
    """Generator loss paired with the hinge discriminator loss (SAGAN).

    loss = -mean(fake_logits), the same as the Wasserstein generator loss.

    Args:
        fake_logits: discriminator scores on generated images.

    Returns:
        A float32 scalar.

    Example:
    >>> float(hinge_generator_loss(keras.ops.ones(2)))
    -1.0
    """
    return -_mean(fake_logits)
