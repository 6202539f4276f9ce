"""The JAX backend: a GAN's training step as a pure function, differentiated by `jax.value_and_grad`.

JAX differentiates and compiles pure functions: values in, values out, nothing changed in
place. Keras' JAX trainer therefore calls `train_step(state, data)` with the value of every
variable and expects the new values back. A GAN's `train_step(data)` is written the
stateful way, reading and assigning Keras variables, so that one step serves all three
backends. This module makes it pure the way Keras does it for its own metrics ("open a
StatelessScope and pretend everything is stateful", F. Chollet, keras-team/keras#18881):

- `Trainer`: Keras' train, test and predict functions run the GAN's own `train_step(data)`
  (`test_step`, `predict_step`) inside a `keras.StatelessScope` that maps every variable
  to its value in the state, under `jax.jit`. Each assignment the step makes (weights,
  optimizer slots, batch-norm statistics, the latent sampler's state, metrics) is recorded
  by the scope instead of done, and read back as the new state.
- `gradient_step`: `jax.value_and_grad` of a function of the weights that runs the loss
  inside a scope mapping those weights to the traced values. What else the loss updates
  (batch-norm statistics, the latent sampler, spectral-norm vectors) comes out as aux and
  is recorded in the step's scope; the optimizer step is `optimizer.stateless_apply`.

Multi-device training on JAX goes through `keras.distribution` (e.g. `DataParallel`), not
`tf.distribute`.
"""

import sys

import jax
import keras


class _Scope(keras.StatelessScope):
    """A StatelessScope that reads what it does not map from the scope around it and lists what it assigned.

    Keras' own scope reads an unmapped variable's stored value, which inside a training
    step is stale: the current value is the one the enclosing scope holds.
    """

    def __init__(self, state_mapping=()):
        super().__init__(state_mapping=state_mapping)
        self.assigned = {}

    def add_update(self, update):
        super().add_update(update)
        self.assigned[id(update[0])] = update[0]

    def get_current_value(self, variable):
        value = super().get_current_value(variable)
        if value is None and self.original_scope is not None:
            value = self.original_scope.get_current_value(variable)
        return value


def gradient_step(loss_fn, optimizer, variables):
    """One optimizer step on `variables` down the gradient of `loss_fn()`'s loss, with `jax.value_and_grad`.

    Args:
        loss_fn: a function of no argument returning (loss, aux).
        optimizer: a Keras optimizer (a `LossScaleOptimizer` under `mixed_float16`).
        variables: the variables to differentiate and update.

    Returns:
        (loss, aux) as `loss_fn` returned them.
    """
    assigned = []

    def scaled_loss(weights):
        # The loss as a pure function of the weights: they are traced values in this scope.
        with _Scope(zip(variables, weights)) as scope:
            loss, aux = loss_fn()
            # Loss scaling (mixed_float16): loss * S, so that small float16 gradients do not
            # flush to zero; the identity for a plain optimizer.
            scaled = optimizer.scale_loss(loss)
        assigned[:] = scope.assigned.values()
        return scaled, (loss, aux, [scope.get_current_value(v) for v in assigned])

    (_, (loss, aux, updates)), gradients = jax.value_and_grad(scaled_loss, has_aux=True)(
        [v.value for v in variables])
    # What the forward pass assigned, recorded in the step's scope as TensorFlow would have
    # written it: batch-norm statistics, the sampler's state, spectral-norm vectors and kernels.
    for variable, value in zip(assigned, updates):
        variable.assign(value)
    # A LossScaleOptimizer divides S back out, and skips the step if a gradient overflowed.
    new_weights, new_optimizer_variables = optimizer.stateless_apply(
        [v.value for v in optimizer.variables], gradients, [v.value for v in variables])
    for variable, value in zip(variables, new_weights):
        variable.assign(value)
    for variable, value in zip(optimizer.variables, new_optimizer_variables):
        variable.assign(value)
    return loss, aux


# The groups of variables Keras' JAX trainer threads through its functions, in its order.
_TRAIN = ("trainable_variables", "non_trainable_variables", "optimizer_variables", "metrics_variables")
_TEST = ("trainable_variables", "non_trainable_variables", "metrics_variables")
_PREDICT = ("trainable_variables", "non_trainable_variables")


class Trainer:
    """What Keras' JAX trainer needs from a GAN: its stateful steps made pure, and its whole state.

    Keras' trainer knows one optimizer (`model.optimizer`, None here) and the metrics of
    `model.metrics`; a GAN has two optimizers and also keeps each step's own values
    (`GAN.step_values`). The two methods of the trainer that gather and write back the
    state (`_get_jax_state`, `jax_state_sync`) are replaced by ones that know the GAN's.
    """

    def _jax_state_variables(self, group):
        if group == "trainable_variables":
            return self.trainable_variables
        if group == "non_trainable_variables":
            return self.non_trainable_variables
        if group == "optimizer_variables":
            return self.d_optimizer.variables + self.g_optimizer.variables
        metrics = list(self.trackers.values()) + list(self.step_values.values())
        return [variable for metric in metrics for variable in metric.variables]

    def _get_jax_state(self, trainable_variables=False, non_trainable_variables=False,
                       optimizer_variables=False, metrics_variables=False, purge_model_variables=False):
        # Keras also empties the variables here to save memory (purge_model_variables); they
        # keep their values here, which costs one more copy of the weights until the sync.
        wanted = dict(zip(_TRAIN, (trainable_variables, non_trainable_variables, optimizer_variables,
                                   metrics_variables)))
        return tuple([v.value for v in self._jax_state_variables(group)] for group in _TRAIN if wanted[group])

    def jax_state_sync(self):
        if not getattr(self, "_jax_state", None) or self._jax_state_synced:
            return
        for group, values in self._jax_state.items():
            for variable, value in zip(self._jax_state_variables(group), values or ()):
                variable.assign(value)
        self._jax_state_synced = True

    def _pure(self, step, groups):
        """`step(data)`, stateful, as Keras' JAX trainer calls it: (state, data) -> (outputs, new state)."""

        def pure_step(state, data):
            variables = [v for group in groups for v in self._jax_state_variables(group)]
            values = [value for group_values in state for value in group_values]
            with _Scope(zip(variables, values)) as scope:
                outputs = step(data)
            mapped = {id(v) for v in variables}
            lost = [v.path for key, v in scope.assigned.items() if key not in mapped]
            if lost:
                raise RuntimeError(f"A training step assigned variables that are not part of the model's state, "
                                   f"so their new values would be lost on JAX: {lost}")
            new_state = tuple([scope.get_current_value(v) for v in self._jax_state_variables(group)]
                              for group in groups)
            return outputs, new_state

        if not self.run_eagerly and self.jit_compile:
            pure_step = jax.jit(pure_step, donate_argnums=0)  # as Keras' trainer compiles its own steps
        return pure_step

    def make_train_function(self, force=False):
        if self.train_function is None or force:
            self.train_function = self._make_function(self._pure(self.train_step, _TRAIN))
        return self.train_function

    def make_test_function(self, force=False):
        if self.test_function is None or force:
            self.test_function = self._make_function(self._pure(self.test_step, _TEST))
        return self.test_function

    def make_predict_function(self, force=False):
        if self.predict_function is None or force:
            self.predict_function = self._make_function(self._pure(self.predict_step, _PREDICT),
                                                        concatenate_outputs=True)
        return self.predict_function


def check_training_setup():
    """Refuse a `tf.distribute` strategy in one line: it is TensorFlow's, and JAX would train on one device."""
    tf = sys.modules.get("tensorflow")
    if tf is not None and tf.distribute.has_strategy():
        raise RuntimeError(
            "A tf.distribute strategy is TensorFlow's, and Keras is using 'jax': on JAX several devices "
            "train through keras.distribution (e.g. keras.distribution.set_distribution("
            "keras.distribution.DataParallel())), or set KERAS_BACKEND=tensorflow.")


SeedGenerator = keras.random.SeedGenerator  # JAX: one program over all devices, no per-replica state
