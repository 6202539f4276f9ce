"""Mixed precision in one call, and the CPU rule for XLA."""

import os

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


def xla_by_rule():
    """What a GAN's `compile(jit_compile="auto")` uses: XLA on a CPU where TensorFlow runs without oneDNN.

    Keras' own "auto" turns XLA on for GPUs and leaves it off on every CPU. On a CPU the
    figures of this project (benchmarks/RESULTS.md, issue 18) split by whether
    TensorFlow uses its oneDNN kernels, which it does by default only on x86 CPUs with
    AVX-512 VNNI, bfloat16 or AMX units:
      - oneDNN off (AVX2-only laptops, ARM): XLA trained 1.5x faster at 64 px and
        1.7-1.8x at 32 px, so it is on;
      - oneDNN on: XLA measured 0.5x at 64 px and 1.2x at 32 px, so it stays off.
    `keras-gans train` measures both for long runs instead (`runs.faster_jit_compile`).
    The environment variable KERAS_GANS_JIT_COMPILE=on or off overrides the rule.

    Returns:
        True or False on a CPU; "auto" (Keras decides) when a GPU is visible.
    """
    forced = os.environ.get("KERAS_GANS_JIT_COMPILE", "").lower()
    if forced in ("on", "off"):
        return forced == "on"
    if gpu_visible():
        return "auto"
    return not onednn_enabled()


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


def onednn_enabled():
    """Whether TensorFlow runs its oneDNN kernels (TF_ENABLE_ONEDNN_OPTS, or its default for this CPU)."""
    try:
        from tensorflow.python.util import _pywrap_util_port  # TensorFlow's own answer; not public API
    except ImportError:  # pragma: no cover - a TensorFlow that moved it: assume its x86 default
        return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1").lower() not in ("0", "false")
    return bool(_pywrap_util_port.IsMklEnabled())
