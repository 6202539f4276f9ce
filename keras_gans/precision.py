"""Mixed precision in one call, and whether a GPU is visible."""


import keras


def enable_mixed_precision(policy=None, verbose=True):
    """Compute in 16-bit floats where it pays, keep weights and losses in float32.

    With no argument: `mixed_float16` when a GPU is visible (tensor cores make it
    about twice as fast), otherwise nothing changes and it says so: float16 on a
    CPU is slower than float32. Pass a policy name to force one (tests use
    "mixed_float16" on the CPU; "mixed_bfloat16" suits CPUs with bfloat16 units).

    Every network in the package keeps its last layer in float32, and every GAN's
    `compile` wraps its optimizers in `LossScaleOptimizer` under `mixed_float16`.

    Args:
        policy: None (choose by hardware), "mixed_float16", "mixed_bfloat16" or "float32".
        verbose: print what was done.

    Returns:
        The name of the global policy now in force.

    Example:
    >>> enable_mixed_precision("float32", verbose=False)
    'float32'
    """
    allowed = ("mixed_float16", "mixed_bfloat16", "float32")
    if policy is None:
        if gpu_visible():
            policy = "mixed_float16"
        else:
            current = keras.mixed_precision.global_policy().name
            if verbose:
                print(f"keras_gans: no GPU visible; keeping the {current} policy (float16 is slower on a CPU).")
            return current
    if policy not in allowed:
        raise ValueError(
            f"Invalid value for argument `policy`. Expected one of None, {', '.join(allowed)}. "
            f"Received: policy={policy!r}"
        )
    keras.mixed_precision.set_global_policy(policy)
    if verbose:
        print(f"keras_gans: global dtype policy is now {policy}.")
    return policy


def gpu_visible():
    """Whether the Keras backend in use sees a GPU (each backend is asked in its own words)."""
    backend = keras.backend.backend()
    if backend == "jax":
        import jax

        return any(device.platform == "gpu" for device in jax.devices())
    if backend == "torch":
        import torch

        return torch.cuda.is_available()
    import tensorflow as tf

    return bool(tf.config.list_physical_devices("GPU"))
