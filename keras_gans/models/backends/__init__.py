"""What differs between Keras backends in a GAN's training step: one small module per backend.

Every variant writes its `train_step` once, in `keras.ops`, and asks the base class for
the three things `keras.ops` cannot say:

- one optimizer step down the gradient of a loss (`GAN.gradient_step`): how a gradient
  is taken, where the mixed-precision loss scale goes in, how the optimizer is applied;
- how the model's state reaches the step: TensorFlow and PyTorch update variables in
  place, JAX threads every value through a pure, compiled function (`Trainer`);
- a latent sampler whose numbers differ between the replicas of a `tf.distribute`
  strategy (`SeedGenerator`).

    tensorflow.py   tf.GradientTape; the replica's share of the loss; the replica id in the seed
    jax.py          jax.value_and_grad of a pure function; the step in a StatelessScope under jax.jit
    torch.py        torch.autograd.grad; optimizer.apply under torch.no_grad()

This package picks the module of the backend Keras runs on (`keras.backend.backend()`,
fixed when Keras is imported: set KERAS_BACKEND before importing keras). Each module
offers the same four names: `Trainer`, `gradient_step`, `SeedGenerator` and
`check_training_setup`.
"""

import keras

BACKEND = keras.backend.backend()

if BACKEND == "tensorflow":
    from keras_gans.models.backends.tensorflow import SeedGenerator, Trainer, check_training_setup, gradient_step
elif BACKEND == "jax":
    from keras_gans.models.backends.jax import SeedGenerator, Trainer, check_training_setup, gradient_step
elif BACKEND == "torch":
    from keras_gans.models.backends.torch import SeedGenerator, Trainer, check_training_setup, gradient_step
else:
    # Keras' NumPy and OpenVINO backends run saved generators but cannot differentiate, so
    # `import keras_gans` works there and building a GAN to train says why it cannot.
    SeedGenerator = keras.random.SeedGenerator

    class Trainer:
        """No training on this backend."""

    def check_training_setup():
        raise RuntimeError(
            f"keras_gans trains GANs on the TensorFlow, JAX and PyTorch backends, and Keras is using "
            f"{BACKEND!r}, which cannot take gradients. Set KERAS_BACKEND to tensorflow, jax or torch "
            "before importing keras (a saved generator.keras runs on any backend).")

    def gradient_step(loss_fn, optimizer, variables):
        check_training_setup()

__all__ = ["BACKEND", "SeedGenerator", "Trainer", "check_training_setup", "gradient_step"]
