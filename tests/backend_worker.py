"""One backend's side of tests/test_backends.py, run in a fresh process (KERAS_BACKEND is fixed at import).

    KERAS_BACKEND=jax python tests/backend_worker.py FOLDER [--quick]

reads FOLDER/inputs.npz (initial weights, a batch, latents and alphas per variant, written
under TensorFlow by the test), FOLDER/gan.keras and FOLDER/generator.keras (saved under
TensorFlow), and writes FOLDER/<backend>.npz (arrays) and FOLDER/<backend>.json (numbers
and checks) for the test to compare. Everything one backend must show runs in this one
process, so the three backends cost three process starts:

1. parity: each variant takes one train_step (its D step(s) and G step) from the same
   weights, batch, latents and alphas (DiffAugment off, plain SGD, float32);
2. fit: a few steps of a seeded DCGAN fed by a tf.data pipeline of the embedded digits,
   with DiffAugment and EMA, then `evaluate` and `generate`;
3. mixed precision: a step of DCGAN and WGAN-GP under mixed_float16 (loss-scaled) and of
   DCGAN under mixed_bfloat16;
4. `.keras`: the TensorFlow-saved GAN and generator load here, generate the same images,
   and the GAN keeps training and is saved again (FOLDER/<backend>.keras);
5. a tf.distribute strategy is refused on JAX and PyTorch in one line;
6. JAX only: `keras.distribution.DataParallel` over two (CPU) devices trains like one.

With --quick (the fast test tier) only DCGAN's step (1) and the refusal (5) run.
"""

import json
import os
import sys
import time
import traceback

import keras
import numpy as np
from keras import ops

import keras_gans
from keras_gans.models import build_gan

VARIANTS = ("dcgan", "lsgan", "wgan", "wgan-gp", "sagan", "cdcgan")
LATENT_DIM, WIDTH, BATCH = 16, 8, 8
OPTIONS = {"wgan": {"discriminator_steps": 2}, "wgan-gp": {"discriminator_steps": 2}}
LEARNING_RATE = 0.01


def tiny(name, seed=0, **options):
    """The networks `build_gan` gives a variant, at 32 px, width 8, latent 16."""
    return build_gan(name, image_size=32, channels=1, latent_dim=LATENT_DIM, width=WIDTH, seed=seed,
                     **{**OPTIONS.get(name, {}), **options})


class Draws:
    """The latents and alphas a train_step will draw, handed out in order (the harness's, not the model's)."""

    def __init__(self, latents, alphas):
        self.latents, self.alphas = latents, alphas
        self.rewind()

    def rewind(self):
        self.next_latents = self.next_alphas = 0

    def latent_batch(self):
        self.next_latents += 1
        return ops.convert_to_tensor(self.latents[self.next_latents - 1])

    def alpha_batch(self):
        self.next_alphas += 1
        return ops.convert_to_tensor(self.alphas[self.next_alphas - 1])


def injected(gan, draws):
    """`gan`'s networks in a subclass of its variant whose train_step draws `draws` instead of sampling."""

    class Injected(type(gan)):
        def train_step(self, data):
            draws.rewind()  # each trace of the step sees the same draws, in the same order
            return super().train_step(data)

        def draw_latents(self, batch_size):
            return draws.latent_batch()

        def draw_interpolation_factors(self, batch_size):
            return draws.alpha_batch()

    return Injected(gan.generator, gan.discriminator, seed=0, **OPTIONS.get(gan_name(gan), {}))


def gan_name(gan):
    return next(name for name, cls in keras_gans.models.VARIANTS.items() if cls is type(gan))


def parity(inputs, variants=VARIANTS):
    """One train_step of each variant from the same start: weights and metrics after it."""
    arrays, numbers = {}, {}
    for name in variants:
        gan = tiny(name)
        for network, key in ((gan.generator, "g"), (gan.discriminator, "d")):
            network.set_weights([inputs[f"{name}/{key}/{i}"] for i in range(len(network.weights))])
        gan = injected(gan, Draws(inputs[f"{name}/latents"], inputs[f"{name}/alphas"]))
        # Plain SGD: Adam's and RMSprop's first step is about lr * sign(gradient), which
        # would hide a gradient that differs between backends.
        gan.compile(d_optimizer=keras.optimizers.SGD(LEARNING_RATE), g_optimizer=keras.optimizers.SGD(LEARNING_RATE))
        seed_state = np.array(gan.seed_generator.state)
        images = inputs[f"{name}/images"]
        data = (images, inputs[f"{name}/labels"]) if gan.conditional else (images,)
        history = gan.fit(*data, batch_size=BATCH, epochs=1, shuffle=False, verbose=0).history
        numbers[name] = {key: float(values[-1]) for key, values in history.items()}
        numbers[name]["iterations"] = [int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)]
        # Every random number came from the harness: the model's sampler did not move.
        numbers[name]["sampler_moved"] = bool(np.any(np.array(gan.seed_generator.state) != seed_state))
        for network, key in ((gan.generator, "g"), (gan.discriminator, "d")):
            for i, weight in enumerate(network.weights):
                arrays[f"{name}/{key}/{i}"] = np.array(weight)
    return arrays, numbers


def fit_a_few_steps():
    """A seeded DCGAN with DiffAugment and EMA, fed by tf.data (Keras takes it on every backend)."""
    import tensorflow as tf

    gan = tiny("dcgan", seed=1, augment="translation,cutout", ema=0.9)
    gan.compile()
    batch_norm = [np.array(v) for v in gan.generator.non_trainable_weights]
    average = [np.array(v) for v in gan.ema_generator.weights]
    seed_state = np.array(gan.seed_generator.state)
    # The digits as the package's loader gives them (`keras_gans.data.load_mnist_5k` itself maps
    # keras.ops over its batches, which only works on TensorFlow: see the report of this change).
    digits = keras_gans.data.mnist_5k_arrays()[0][:4 * BATCH]
    digits = np.pad(digits, ((0, 0), (2, 2), (2, 2), (0, 0))).astype("float32") / 127.5 - 1.0
    dataset = tf.data.Dataset.from_tensor_slices(digits).batch(BATCH)
    history = gan.fit(dataset, epochs=1, verbose=0).history
    scores = gan.evaluate(dataset.take(1), verbose=0, return_dict=True)
    images = gan.generate(3, seed=0)
    return {
        "steps": [int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)],
        "finite": bool(all(np.isfinite(v).all() for v in history.values()) and np.isfinite(list(scores.values())).all()
                       and np.isfinite(images).all()),
        "last_step_values": gan.last_step_values(),
        "history": {key: float(values[-1]) for key, values in history.items()},
        # Per step: a latent batch in each of the two updates, and DiffAugment's two operations
        # on each batch the discriminator sees (two in the D step, one in the G step).
        "sampler_draws": int(np.array(gan.seed_generator.state)[1] - seed_state[1]),
        "batch_norm_moved": bool(all(not np.allclose(a, np.array(b))
                                     for a, b in zip(batch_norm, gan.generator.non_trainable_weights))),
        "ema_moved": bool(any(not np.allclose(a, np.array(b)) for a, b in zip(average, gan.ema_generator.weights))),
        "generated": [list(images.shape), float(images.min()), float(images.max())],
    }


def mixed_precision():
    """A step under each 16-bit policy: finite losses, float32 outputs, the loss scaled under float16."""
    found = {}
    for policy, name in (("mixed_float16", "dcgan"), ("mixed_float16", "wgan-gp"), ("mixed_bfloat16", "dcgan")):
        keras.mixed_precision.set_global_policy(policy)
        try:
            gan = tiny(name, seed=2)
            gan.compile()
            images = np.random.default_rng(0).uniform(-1, 1, (2 * BATCH, 32, 32, 1)).astype("float32")
            history = gan.fit(images, batch_size=BATCH, epochs=1, verbose=0).history
            found[f"{policy} {name}"] = {
                "finite": bool(all(np.isfinite(v).all() for v in history.values())),
                "loss_scaled": isinstance(gan.d_optimizer, keras.optimizers.LossScaleOptimizer),
                "compute_dtype": gan.generator.layers[2].compute_dtype,
                "steps": int(gan.g_optimizer.iterations),
                "output_dtype": str(gan.generate(2, seed=0).dtype),
            }
        finally:
            keras.mixed_precision.set_global_policy("float32")
    return found


def keras_files(folder, inputs, backend):
    """The TensorFlow-saved GAN and generator here: the same images, and the GAN trains on."""
    latents = inputs["keras/latents"]
    gan = keras.saving.load_model(os.path.join(folder, "gan.keras"))
    generator = keras.saving.load_model(os.path.join(folder, "generator.keras"))
    arrays = {"gan_images": gan.generate(latents), "generator_images": ops.convert_to_numpy(generator(latents))}
    before = [int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)]
    sampler = np.array(gan.seed_generator.state).tolist()
    history = gan.fit(inputs["keras/images"], batch_size=BATCH, epochs=1, shuffle=False, verbose=0).history
    gan.save(os.path.join(folder, f"{backend}.keras"))
    arrays["trained_images"] = gan.generate(latents)
    return arrays, {"class": type(gan).__name__, "iterations_before": before, "sampler_loaded": sampler,
                    "iterations_after": [int(gan.d_optimizer.iterations), int(gan.g_optimizer.iterations)],
                    "finite": bool(all(np.isfinite(v).all() for v in history.values()))}


def refusal(backend):
    """A tf.distribute strategy is TensorFlow's: JAX and PyTorch refuse it in one line."""
    if backend == "tensorflow":
        return None
    import tensorflow as tf

    with tf.distribute.OneDeviceStrategy("/cpu:0").scope():
        try:
            tiny("dcgan")
        except RuntimeError as error:
            return str(error)
    return "no error"


def data_parallel(backend):
    """JAX's route to several devices: one seeded step under DataParallel, against the same step on one device."""
    if backend != "jax":
        return None
    import jax

    images = np.random.default_rng(0).uniform(-1, 1, (2 * BATCH, 32, 32, 1)).astype("float32")

    def one_step(weights=None):
        gan = tiny("dcgan", seed=5)
        if weights is not None:
            gan.set_weights(weights)
        gan.compile(d_optimizer=keras.optimizers.SGD(LEARNING_RATE), g_optimizer=keras.optimizers.SGD(LEARNING_RATE))
        start = [np.array(w) for w in gan.weights]
        gan.fit(images, batch_size=2 * BATCH, shuffle=False, verbose=0)
        return start, [np.array(w) for w in gan.weights]

    start, one = one_step()
    keras.distribution.set_distribution(keras.distribution.DataParallel())
    try:
        _, two = one_step(start)  # the same weights, the same seed: the same latents
    finally:
        keras.distribution.set_distribution(None)
    return {"devices": len(jax.devices()),
            "difference": max(float(np.abs(a - b).max()) for a, b in zip(one, two)),
            "update": max(float(np.abs(a - b).max()) for a, b in zip(one, start))}


def main(folder, quick=False):
    backend = keras.backend.backend()
    inputs = dict(np.load(os.path.join(folder, "inputs.npz")))
    report, arrays = {"backend": backend, "seconds": {}}, {}
    parts = {"parity": lambda: parity(inputs, ("dcgan",) if quick else VARIANTS), "fit": fit_a_few_steps,
             "mixed_precision": mixed_precision, "keras": lambda: keras_files(folder, inputs, backend),
             "refusal": lambda: refusal(backend), "data_parallel": lambda: data_parallel(backend)}
    for part, run in parts.items():
        if quick and part not in ("parity", "refusal"):
            continue
        started = time.perf_counter()
        try:
            result = run()
        except Exception:  # report it, and go on: each part has its own test
            report[part] = {"error": traceback.format_exc()}
        else:
            if isinstance(result, tuple):
                part_arrays, result = result
                arrays.update({f"{part}/{key}": value for key, value in part_arrays.items()})
            report[part] = result
        report["seconds"][part] = round(time.perf_counter() - started, 1)
    np.savez(os.path.join(folder, f"{backend}.npz"), **arrays)
    with open(os.path.join(folder, f"{backend}.json"), "w") as file:
        json.dump(report, file, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], quick="--quick" in sys.argv[2:])
