"""Training speed of keras_gans against the reference PyTorch DCGAN, measured in one command.

    python benchmarks/train_speed.py --quick            # under 3 minutes: 64 px DCGAN, default settings
    python benchmarks/train_speed.py                    # XLA off and on, 5 windows of more steps
    python benchmarks/train_speed.py --config digits32  # 32 px grey, batch 64, the digits anchor's networks
    python benchmarks/train_speed.py --config wgan-gp64 # WGAN-GP, 5 critic steps (torch_wgan_gp.py anchor)
    python benchmarks/train_speed.py --precision mixed_bfloat16  # reported apart from float32
    python benchmarks/train_speed.py --quick --threads default 2,1 2,2 1,2 --onednn default off
    python benchmarks/train_speed.py --quick --backend tensorflow jax torch   # the same networks on each backend

What is timed: whole training iterations of the package's public API (`DCGAN.fit`
on one in-memory batch, so the figure is the model's compute, not the input
pipeline; from the first step's start to the last step's end, without the start and
end of the `fit` call), in windows of `--steps` iterations after a warm-up that absorbs tracing
and XLA compilation. The reference PyTorch script (`shared/bench/`, in its own virtual
environment with torch 2.13.0 CPU) runs between the windows, so both see the same
machine state; each reports the median of the windows.

GFLOP per image per iteration is counted from the networks' layer shapes:
4 F_G + 8 F_D, where F is a network's forward cost: the discriminator step runs G
forward once and D forward and backward on two batches (backward = 2x forward), the
generator step runs G and D forward and backward (D's backward only for its input:
1x forward; G's: 2x). WGAN-GP's iteration is estimated the same way in
`iteration_flops`; images/s always counts the images of one generator update.

Thread settings (`--threads intra,inter`), oneDNN (`--onednn on|off`, the
environment variable TF_ENABLE_ONEDNN_OPTS, read when TensorFlow is imported) and the
Keras backend (`--backend`, KERAS_BACKEND, read when Keras is imported) must be fixed
before the process starts its libraries, so with more than one setting each one is
measured in a child process running this script with that single setting. On JAX and
PyTorch only Keras' own `jit_compile="auto"` is measured (jax.jit on, torch.compile off).

The table is recorded in benchmarks/README.md, section "Speed" (`train-speed` and the options that
say what was measured, per CPU kind), and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402

# The reference PyTorch scripts (the GANs 101 article's DCGAN), kept outside the repository, and the
# interpreter they run in: this one by default (the test requirements install torch 2.13.0).
BENCH = os.environ.get("KERAS_GANS_ANCHOR_DIR", os.path.join(os.path.dirname(ROOT), "shared", "bench"))
TORCH_PYTHON = os.environ.get("KERAS_GANS_TORCH_PYTHON", sys.executable)

CONFIGS = {
    # name: image size, channels, batch, latent, width, model
    "dcgan64": dict(image_size=64, channels=3, batch_size=128, latent_dim=128, width=64, model="dcgan"),
    "digits32": dict(image_size=32, channels=1, batch_size=64, latent_dim=128, width=64, model="dcgan"),
    # The networks of the default `keras-gans train` (no PyTorch anchor of the same networks).
    "default32": dict(image_size=32, channels=1, batch_size=32, latent_dim=128, width=32, model="dcgan"),
    "wgan-gp64": dict(image_size=64, channels=3, batch_size=128, latent_dim=128, width=64, model="wgan-gp"),
}


def forward_flops(model):
    """Multiply-adds x 2 of every convolution in one forward pass of one image (wrappers unwrapped)."""
    import keras

    total = 0
    for layer in model.layers:
        inner = getattr(layer, "layer", layer)  # SpectralNormalization wraps its convolution
        if isinstance(inner, keras.layers.Conv2DTranspose):
            _, h, w, c = layer.input.shape
            total += h * w * c * inner.filters * inner.kernel_size[0] * inner.kernel_size[1]
        elif isinstance(inner, keras.layers.Conv2D):
            _, h, w, c = layer.output.shape
            total += h * w * c * layer.input.shape[-1] * inner.kernel_size[0] * inner.kernel_size[1]
    return 2 * total


def iteration_flops(config, gan):
    """FLOP per image of one training iteration, counted from the layer shapes (see the module doc).

    DCGAN: 4 F_G + 8 F_D. WGAN-GP, per critic update: G forward (F_G); D forward and
    backward on real and fake (6 F_D); the penalty: D forward and input-gradient on
    x_hat (2 F_D), and the backward of both (2x: 4 F_D); so F_G + 12 F_D, 5 times.
    Then the generator update, 3 F_G + 2 F_D: 8 F_G + 62 F_D in all.
    """
    f_g, f_d = forward_flops(gan.generator), forward_flops(gan.discriminator)
    if config["model"] == "wgan-gp":
        return (8 * f_g + 62 * f_d) / 1e9
    return (4 * f_g + 8 * f_d) / 1e9


def build(config, jit_compile, precision):
    import keras

    import keras_gans

    keras.mixed_precision.set_global_policy(precision)
    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan(config["model"], config["image_size"], config["channels"],
                                      config["latent_dim"], width=config["width"], seed=0)
    gan.compile(jit_compile=jit_compile)
    return gan


def keras_window(gan, dataset, steps):
    """Seconds of `steps` iterations inside one `fit` call: first step's start to last step's end.

    Starting or ending a `fit` call sometimes costs about 1.2 s more on the project's
    machine (benchmarks/LOG.md, 2026-11-23); a user's single `fit` pays it once, so it is left out.
    """
    import keras

    clock = {}

    class Clock(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            clock.setdefault("start", time.perf_counter())

        def on_train_batch_end(self, batch, logs=None):
            float(logs["d_loss"])  # waits for the step: TensorFlow may still be running it
            clock["end"] = time.perf_counter()

    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0, callbacks=[Clock()])
    return clock["end"] - clock["start"]


# Runs a reference PyTorch script as __main__ and prints its own peak memory (VmHWM, in kB) on
# stderr. ru_maxrss would not do: Linux carries it across exec from this process.
_RUN_AND_MEASURE = (
    "import runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__'); "
    "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]; "
    "print('peak_mib', int(hwm.split()[1]) / 1024, file=sys.stderr)"
)


def torch_window(config, steps, digits_path):
    """One run of the GANs 101 article's script: its images/s (it excludes its own warm-up) and peak MiB."""
    if config["model"] == "wgan-gp":
        script_args = [os.path.join(ROOT, "benchmarks", "torch_wgan_gp.py"), str(steps)]
    elif config["image_size"] == 64:
        script_args = [os.path.join(BENCH, "seed_torch_dcgan.py"), str(steps), "seed"]
    else:
        # The 32 px digits anchor trains for a time budget on the embedded digits and
        # counts its first (slow) steps in it: 20 s or more keep their share small.
        seconds = max(20.0, steps * 0.5)
        script_args = [os.path.join(BENCH, "seed_torch_dcgan_digits.py"), digits_path, str(seconds),
                       "/tmp/keras_gans_anchor_samples.npy"]
    done = subprocess.run([TORCH_PYTHON, "-c", _RUN_AND_MEASURE, *script_args], capture_output=True,
                          text=True, check=True)
    peak = float(done.stderr.strip().splitlines()[-1].split()[-1])
    return json.loads(done.stdout.strip().splitlines()[-1])["images_per_s"], peak


def digits_file():
    """The embedded digits at 32 px in [-1, 1], as the digits anchor reads them."""
    import numpy as np

    from keras_gans import data

    path = os.path.join("/tmp", "keras_gans_digits32.npy")
    if not os.path.exists(path):
        images, _ = data.mnist_5k_arrays()
        np.save(path, data.to_float(data.resize_uint8(images, 32)))
    return path


def cpu_caps():
    """The instruction-set caps set by environment variable, if any (they narrow the CPU kind)."""
    caps = [f"{name}={os.environ[name]}" for name in ("ONEDNN_MAX_CPU_ISA", "ATEN_CPU_CAPABILITY")
            if name in os.environ]
    return f"held to narrower paths: {', '.join(caps)}" if caps else ""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", choices=sorted(CONFIGS), default="dcgan64")
    parser.add_argument("--quick", action="store_true", help="fewer, shorter windows (under 3 minutes)")
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--steps", type=int, default=None, help="iterations per timed window")
    parser.add_argument("--jit", choices=("default", "on", "off", "both"), default=None,
                        help="XLA: the package's default, on, off, or both (default: both; quick: default)")
    parser.add_argument("--precision", default="float32", help="float32 or mixed_bfloat16 (CPU)")
    parser.add_argument("--threads", nargs="+", default=["default"], metavar="INTRA,INTER",
                        help="TensorFlow's intra-op and inter-op thread counts, e.g. 2,1 (default: TF picks)")
    parser.add_argument("--onednn", nargs="+", choices=("default", "on", "off"), default=["default"],
                        help="TF_ENABLE_ONEDNN_OPTS (default: unset, which is on for x86 Linux)")
    parser.add_argument("--backend", nargs="+", choices=("tensorflow", "jax", "torch"), default=["tensorflow"],
                        help="Keras backends to time, each in its own process (default: tensorflow)")
    parser.add_argument("--no-torch", action="store_true", help="skip the PyTorch anchor")
    parser.add_argument("--results", default=os.path.join(ROOT, "benchmarks", "README.md"),
                        help="the benchmarks README whose train-speed table is replaced ('' to skip)")
    parser.add_argument("--rows-out", default=None, help=argparse.SUPPRESS)  # used by measure_in_child
    args = parser.parse_args(argv)
    for threads in args.threads:
        parse_threads(threads)
    config = CONFIGS[args.config]
    steps = args.steps or (2 if args.quick else 4) * (1 if config["image_size"] == 64 else 10)
    if config["model"] == "wgan-gp":
        steps = args.steps or 1  # one iteration is 6 updates
    jit = args.jit or ("default" if args.quick else "both")
    load_before = os.getloadavg()

    settings = [(threads, onednn, backend) for backend in args.backend for onednn in args.onednn
                for threads in args.threads]
    if len(settings) > 1 or settings[0][2] != os.environ.get("KERAS_BACKEND", "tensorflow"):
        rows = []
        for threads, onednn, backend in settings:
            rows += measure_in_child(args, steps, jit, threads, onednn, backend)
    else:
        rows = measure(args, steps, jit, *settings[0][:2])
    if args.rows_out:
        with open(args.rows_out, "w") as f:
            json.dump(rows, f)
        return rows

    import keras
    import tensorflow as tf

    load = f"load average {load_before[0]:.1f} before, {os.getloadavg()[0]:.1f} after (1 min)"
    table = markdown_table(rows)
    machine = (f"{os.cpu_count()} cores, {load}; TensorFlow {tf.__version__}, Keras {keras.__version__}"
               + (f"; {cpu_caps()}" if cpu_caps() else ""))
    print("\n" + table + "\n" + machine)
    if args.results:
        results.record_run(__file__, "train-speed", table + "\n\n" + machine, argv, readme=args.results)
    return rows


def parse_threads(text):
    """'default' -> None; 'INTRA,INTER' -> (intra, inter), two integers >= 0 (0: TensorFlow picks)."""
    if text == "default":
        return None
    try:
        intra, inter = (int(part) for part in text.split(","))
    except ValueError:
        intra = -1
    if intra < 0 or inter < 0:
        raise SystemExit("Invalid value for argument `--threads`. Expected 'default' or two integers >= 0 "
                         f"as INTRA,INTER, e.g. 2,1. Received: --threads {text}")
    return intra, inter


def measure_in_child(args, steps, jit, threads, onednn, backend):
    """Runs `measure` for one setting in a fresh Python, where the setting can still take effect
    (the child's `measure` sets TF_ENABLE_ONEDNN_OPTS before it imports TensorFlow; KERAS_BACKEND is
    read when the child imports Keras)."""
    rows_out = os.path.join(tempfile.gettempdir(), f"keras_gans_speed_rows_{os.getpid()}.json")
    command = [sys.executable, os.path.abspath(__file__), "--config", args.config, "--windows",
               str(args.windows), "--steps", str(steps), "--jit", jit if backend == "tensorflow" else "default",
               "--precision", args.precision, "--threads", threads, "--onednn", onednn, "--backend", backend,
               "--results", "", "--rows-out", rows_out]
    subprocess.run(command + (["--no-torch"] if args.no_torch else []), check=True,
                   env={**os.environ, "KERAS_BACKEND": backend})
    with open(rows_out) as f:
        return json.load(f)


def measure(args, steps, jit, threads, onednn):
    """Times keras_gans (and the PyTorch anchor between its windows) under one setting; rows per jit mode."""
    if onednn != "default":
        if "tensorflow" in sys.modules:
            raise RuntimeError("`--onednn on|off` must be set before TensorFlow is imported; run the "
                               "benchmark from the command line.")
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1" if onednn == "on" else "0"
    import keras
    import numpy as np
    import tensorflow as tf

    thread_counts = parse_threads(threads)
    if thread_counts:  # before any TensorFlow op runs, or TensorFlow refuses
        intra, inter = thread_counts
        tf.config.threading.set_intra_op_parallelism_threads(intra)
        tf.config.threading.set_inter_op_parallelism_threads(inter)

    config = CONFIGS[args.config]
    jit_modes = {"default": ["default"], "on": [True], "off": [False], "both": [False, True]}[jit]
    use_torch = not args.no_torch and os.path.exists(TORCH_PYTHON) and args.config != "default32"
    digits_path = digits_file() if use_torch and config["image_size"] == 32 else None

    shape = (config["batch_size"], config["image_size"], config["image_size"], config["channels"])
    batch = np.random.default_rng(0).uniform(-1.0, 1.0, shape).astype("float32")
    dataset = tf.data.Dataset.from_tensors(batch).repeat()  # tf.data feeds fit on every Keras backend

    rows = []
    for jit in jit_modes:
        gan = build(config, "auto" if jit == "default" else jit, args.precision)
        gflop = iteration_flops(config, gan)
        start = time.perf_counter()
        keras_window(gan, dataset, 2)  # warm-up: tracing, XLA compilation, oneDNN primitive caches
        warm_up = time.perf_counter() - start
        ours, anchor, anchor_peaks = [], [], []
        for _ in range(args.windows):
            ours.append(config["batch_size"] * steps / keras_window(gan, dataset, steps))
            if use_torch:
                images_per_s, peak = torch_window(config, steps, digits_path)
                anchor.append(images_per_s)
                anchor_peaks.append(peak)
            print(f"  window: keras_gans {ours[-1]:.1f} images/s"
                  + (f", PyTorch anchor {anchor[-1]:.1f}" if anchor else ""), flush=True)
        ours_median = statistics.median(ours)
        anchor_median = statistics.median(anchor) if anchor else None
        rows.append({
            "config": args.config, "backend": keras.backend.backend(), "precision": args.precision,
            "jit_compile": f"{gan.jit_compile}" + (" (auto)" if jit == "default" else ""),
            "threads intra,inter": threads, "oneDNN": onednn,
            "keras_gans images/s": round(ours_median, 1),
            "PyTorch images/s": round(anchor_median, 1) if anchor_median else "-",
            "ratio": round(ours_median / anchor_median, 2) if anchor_median else "-",
            "GFLOP/image": round(gflop, 2), "GFLOP/s": round(gflop * ours_median, 1),
            "warm-up s": round(warm_up, 1),
            "keras_gans peak MiB": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "PyTorch peak MiB": round(max(anchor_peaks)) if anchor_peaks else "-",
        })
        print(json.dumps(rows[-1]), flush=True)
        keras.backend.clear_session()
    return rows


def markdown_table(rows):
    header = list(rows[0])
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(str(row[key]) for key in header) + " |" for row in rows]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
