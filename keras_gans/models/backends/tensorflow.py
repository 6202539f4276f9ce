"""The TensorFlow backend: a `tf.GradientTape`, and the replicas of a `tf.distribute` strategy.

Keras' TensorFlow trainer calls `train_step(data)` inside a `tf.function` and variables
change in place, so a GAN's stateful `train_step` runs as written (`Trainer` adds
nothing). Two things are TensorFlow's own:

- `tf.distribute` (MirroredStrategy on several GPUs, TPUs): each replica computes the
  loss of its part of the batch and the optimizer *sums* the replicas' gradients, so
  `gradient_step` differentiates each replica's share, loss / replicas, and the update
  is the gradient of the mean loss whatever the replica count;
- the latent sampler's state is one variable mirrored on every replica (Keras creates
  it with aggregation "none"), so every replica would draw the same latents, the same
  DiffAugment parameters and the same WGAN-GP alphas: `SeedGenerator` folds the replica
  id into each seed, as `tf.random.experimental.stateless_fold_in`'s documentation
  suggests for this very case.
"""

import keras
import tensorflow as tf


class Trainer:
    """Nothing to add: Keras' TensorFlow trainer calls `train_step(data)` and variables update in place."""


def gradient_step(loss_fn, optimizer, variables):
    """One optimizer step on `variables` down the gradient of `loss_fn()`'s loss, with a GradientTape.

    Args:
        loss_fn: a function of no argument returning (loss, aux); the tape records it.
        optimizer: a Keras optimizer (a `LossScaleOptimizer` under `mixed_float16`).
        variables: the variables to differentiate and update.

    Returns:
        (loss, aux) as `loss_fn` returned them.
    """
    with tf.GradientTape() as tape:
        loss, aux = loss_fn()
        # This replica's share: the optimizer sums the replicas' gradients (1 replica: loss / 1).
        replica_share = loss / tf.distribute.get_strategy().num_replicas_in_sync
        # Loss scaling (mixed_float16): loss * S, so that small float16 gradients do not flush
        # to zero; the identity for a plain optimizer.
        scaled_loss = optimizer.scale_loss(replica_share)
    gradients = tape.gradient(scaled_loss, variables)
    # A LossScaleOptimizer divides S back out, and skips the step if a gradient overflowed.
    optimizer.apply(gradients, variables)
    return loss, aux


class SeedGenerator(keras.random.SeedGenerator):
    """Keras' `SeedGenerator`, whose seeds differ between the replicas of a `tf.distribute` strategy.

    With one replica (no strategy, or a one-device strategy) the seeds are Keras' own, so a
    seeded run draws exactly what it drew before; with several, replica r draws from
    fold_in(seed, r): its own reproducible stream.
    """

    def next(self, ordered=True):
        seed = super().next(ordered)
        context = tf.distribute.get_replica_context()
        if context is None or context.num_replicas_in_sync == 1:
            return seed
        return tf.random.experimental.stateless_fold_in(seed, context.replica_id_in_sync_group)


def check_training_setup():
    """Everything trains on TensorFlow, `tf.distribute` strategies included."""
