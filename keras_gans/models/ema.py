"""The generator's moving average (`ema=`) and the batch-norm statistics of the averaged weights.

`GAN.update_ema` moves the average after each generator step; the average's batch-norm
layers then hold averaged statistics, which belong to no single set of weights.
`recompute_batch_norm_statistics` gives the averaged network statistics of its own before
images are drawn from it (BigGAN's "standing statistics"), and `standing_statistics_inputs`
the fixed inputs it does that with.
"""

import keras
import numpy as np
from keras import ops

from keras_gans.networks.conditional import is_conditional, labels_for, num_classes_of

# `ema=`'s batch-norm statistics, recomputed from 4 x 256 latents before the average is sampled.
# On by default: the averaged generator's digits FID was lower with them in all 7 scores measured
# (DCGAN, the default run's settings, 3 seeds, 1,248 to 4,992 steps), by 0.6-3%
# (benchmarks/ema_statistics.py, its tables in benchmarks/README.md#small-data-diffaugment-and-ema).
STANDING_STATISTICS = True
STATISTICS_BATCHES = 4
STATISTICS_BATCH_SIZE = 256


def batch_normalization_layers(model):
    """The `BatchNormalization` layers anywhere inside `model` (nested models included)."""
    found = []
    for layer in getattr(model, "layers", []):
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
        found.extend(batch_normalization_layers(layer))
    return found


def recompute_batch_norm_statistics(generator, batches):
    """Set each batch-norm layer's moving statistics to the mean of its batch statistics over `batches`.

    Brock et al. 2019 (BigGAN, https://arxiv.org/abs/1809.11096, appendix C), "standing
    statistics": the moving averages a generator's batch-norm layers keep during training
    belong to the weights of each step; an average of the weights needs the statistics of
    the averaged network itself. The generator runs in training mode on each batch (each
    layer normalises with the batch's own mean and variance), and on the i-th batch every
    layer's momentum is (i - 1) / i, so that

        moving = (i - 1) / i * moving + 1 / i * batch statistic

    leaves the plain mean over the batches (the first batch, momentum 0, overwrites what was
    there). The momenta are put back afterwards, and so is every other variable that a layer
    changes in training mode (e.g. spectral normalisation's power iteration): only the
    statistics change. Only Keras layer calls and `keras.ops`, so it runs on every backend.

    Args:
        generator: a Keras model.
        batches: a list of its input batches: latents, or [latents, labels] for a
            conditional generator.

    Example:
    >>> generator = keras_gans.networks.dcgan_generator(32, 1, 16, width=8)
    >>> recompute_batch_norm_statistics(generator, [keras.random.normal((64, 16), seed=i) for i in range(2)])
    """
    layers = batch_normalization_layers(generator)
    if not layers:
        return
    statistics = {id(v) for layer in layers for v in (layer.moving_mean, layer.moving_variance)}
    others = [v for v in generator.variables if id(v) not in statistics]
    kept = [ops.copy(v.value) for v in others]
    momenta = [layer.momentum for layer in layers]
    try:
        for i, batch in enumerate(batches, start=1):
            for layer in layers:
                layer.momentum = (i - 1) / i
            generator(batch, training=True)
    finally:
        for layer, momentum in zip(layers, momenta):
            layer.momentum = momentum
        for variable, value in zip(others, kept):
            variable.assign(value)


def standing_statistics_inputs(generator, latent_dim):
    """The fixed input batches the statistics are recomputed from: latents of seeds 0, 1, ...

    Fixed, so the model's own sampler is not touched (a run trains the same whether or not
    it samples) and `generate(seed=0)` twice gives the same images; drawn by NumPy, because
    `keras.random` draws other numbers on each backend, and a GAN saved under one backend must
    draw the same images under another. A conditional generator gets every class in turn.
    """
    batches = [ops.convert_to_tensor(np.random.default_rng(i).standard_normal((STATISTICS_BATCH_SIZE, latent_dim)),
                                     "float32") for i in range(STATISTICS_BATCHES)]
    if is_conditional(generator):
        labels = ops.convert_to_tensor(labels_for(STATISTICS_BATCH_SIZE, None, num_classes_of(generator)))
        batches = [[latents, labels] for latents in batches]
    return batches
