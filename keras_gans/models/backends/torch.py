"""The PyTorch backend: `torch.autograd.grad`, and the optimizer step under `torch.no_grad()`.

Keras' PyTorch trainer calls `train_step(data)` eagerly and Keras variables are torch
parameters that change in place, so a GAN's stateful `train_step` runs as written
(`Trainer` adds nothing). PyTorch records every operation on a tensor that requires a
gradient; `gradient_step` asks autograd for the gradient of the loss with respect to the
variables it updates only (`torch.autograd.grad`, where Keras' own trainer calls
`loss.backward()` on its single model), then applies the optimizer under `torch.no_grad()`
as Keras' trainer does, so the update itself is not recorded.

One difference from TensorFlow needs care: autograd keeps the very tensors a forward pass
used, and refuses to go backward if one was changed in place since. Spectral norm writes
its kernel at every call, and a discriminator is called twice in one loss (real, fake),
so the loss runs in a `keras.StatelessScope` that records the forward pass's assignments
(batch-norm statistics, the latent sampler, spectral-norm kernels and vectors) instead of
making them; later reads in the same pass see the recorded values, as on TensorFlow, and
the assignments are made once the gradient is taken.
"""

import sys

import keras
import torch


class Trainer:
    """Nothing to add: Keras' PyTorch trainer calls `train_step(data)` and variables update in place."""


def gradient_step(loss_fn, optimizer, variables):
    """One optimizer step on `variables` down the gradient of `loss_fn()`'s loss, with `torch.autograd.grad`.

    Args:
        loss_fn: a function of no argument returning (loss, aux); autograd records it.
        optimizer: a Keras optimizer (a `LossScaleOptimizer` under `mixed_float16`).
        variables: the variables to differentiate and update.

    Returns:
        (loss, aux) as `loss_fn` returned them, detached from the recorded graph.
    """
    with _RecordingScope() as scope:  # assignments recorded, not made (see the module docstring)
        loss, aux = loss_fn()
        # Loss scaling (mixed_float16): loss * S, so that small float16 gradients do not
        # flush to zero; the identity for a plain optimizer.
        scaled_loss = optimizer.scale_loss(loss)
    # Only these variables' gradients (the other network's are not wanted in this step);
    # a variable the loss does not use gets None, as TensorFlow's tape gives it.
    gradients = torch.autograd.grad(scaled_loss, [v.value for v in variables], allow_unused=True)
    with torch.no_grad():
        for variable in scope.assigned.values():
            variable.assign(scope.get_current_value(variable))
        # A LossScaleOptimizer divides S back out, and skips the step if a gradient overflowed.
        optimizer.apply(list(gradients), variables)
    # The graph is not needed any more: the metrics keep values, not the graph behind them.
    return keras.tree.map_structure(_detached, (loss, aux))


class _RecordingScope(keras.StatelessScope):
    """A StatelessScope that lists the variables assigned in it (Keras' keeps only their values)."""

    def __init__(self):
        super().__init__()
        self.assigned = {}

    def add_update(self, update):
        super().add_update(update)
        self.assigned[id(update[0])] = update[0]


def _detached(value):
    return value.detach() if isinstance(value, torch.Tensor) else value


def check_training_setup():
    """Refuse a `tf.distribute` strategy in one line: it is TensorFlow's, and PyTorch would train on one device."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and tf.distribute.has_strategy():
        raise RuntimeError(
            "A tf.distribute strategy is TensorFlow's, and Keras is using 'torch', where a GAN trains on one "
            "device: leave the strategy out, or set KERAS_BACKEND=tensorflow (or jax, with keras.distribution).")


SeedGenerator = keras.random.SeedGenerator  # PyTorch: one device, one stream
