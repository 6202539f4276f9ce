"""The package on a GPU: the GANs 101 article's 64 px DCGAN and a WGAN-GP on JAX and PyTorch, float32 and mixed_float16.

    python benchmarks/gpu_check.py --output OUT                       # on a GPU machine (DEVELOPERS.md says how)
    python benchmarks/gpu_check.py --output /tmp/g --steps 4 --batch-size 8 --width 8    # a rehearsal on a CPU
    python benchmarks/gpu_check.py --record OUT                       # back here: the table into benchmarks/README.md

The machines this project can borrow have a GPU, JAX and PyTorch, but no TensorFlow, so the
package runs there on Keras' JAX and PyTorch backends, fed from NumPy arrays (no tf.data).
For each backend (each in a process of its own: Keras picks its backend once), each model
and each dtype policy it trains `--steps` steps of batch 128 on CelebA-shaped images
(64x64 colour; drawn here, face-like: a skin-toned oval, two eyes and a mouth on a
background, each image its own colours and shapes), and records:

- images per second over the steps after the first `--warm-up` (compilation);
- the loss curves, and whether every loss stayed finite (mixed_float16's loss scaling at work);
- a grid of samples from fixed latents after training.

It writes to `--output`: `table.md` (the results), `runs.json` (every number), `losses.png`
(all curves) and `samples.png` (one row of samples per run): four files, within what the
borrowed machine hands back.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODELS = ("dcgan", "wgan-gp")
POLICIES = ("float32", "mixed_float16")


def celeba_shaped(count, size=64, seed=0):
    """`count` face-like 64x64 RGB images in [-1, 1]: an oval face, two eyes and a mouth, varied per image."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:size, 0:size].astype("float32") / size - 0.5
    images = np.empty((count, size, size, 3), "float32")
    for i in range(count):
        background = rng.uniform(0.1, 0.9, 3)
        skin = rng.uniform([0.55, 0.35, 0.25], [0.95, 0.75, 0.6])
        cx, cy = rng.normal(0, 0.03, 2)
        width, height = rng.uniform(0.22, 0.3), rng.uniform(0.3, 0.4)
        face = ((x - cx) / width) ** 2 + ((y - cy) / height) ** 2 < 1
        image = np.where(face[..., None], skin, background)
        for side in (-1, 1):  # eyes
            radius = 0.03 + 0.01 * rng.random()
            eye = (x - cx - side * width * 0.4) ** 2 + (y - cy + height * 0.2) ** 2 < radius ** 2
            image[eye] = rng.uniform(0, 0.3, 3)
        mouth = (np.abs(y - cy - height * 0.45) < 0.015) & (np.abs(x - cx) < width * 0.45)
        image[mouth] = skin * 0.5
        images[i] = image * 2 - 1
    return images


def train_one(model, policy, steps, warm_up, batch_size, width, seed=0):
    """Train one model under one dtype policy on this process' backend; its numbers and samples."""
    import keras

    import keras_gans

    keras.mixed_precision.set_global_policy(policy)
    keras.utils.set_random_seed(seed)
    gan = keras_gans.models.build_gan(model, image_size=64, channels=3, latent_dim=128, width=width, seed=seed)
    gan.compile()  # each variant's paper optimizers; loss-scaled under mixed_float16; Keras' jit_compile
    images = celeba_shaped(batch_size * 8, seed=seed)
    ends = []

    class Clock(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            ends.append(time.perf_counter())

    steps_history = keras_gans.callbacks.StepHistory()
    start = time.perf_counter()
    gan.fit(images, batch_size=batch_size, epochs=-(-steps // 8), steps_per_epoch=8, verbose=0, shuffle=True,
            callbacks=[Clock(), steps_history])
    timed = np.diff(ends[warm_up - 1:]) if len(ends) > warm_up else np.array([np.nan])
    history = {key: [float(v) for v in values] for key, values in steps_history.history.items()
               if key in ("step", "d_loss", "g_loss")}
    samples = gan.generate(keras.random.normal((8, 128), seed=1))
    keras.mixed_precision.set_global_policy("float32")
    return {
        "model": model, "policy": policy, "steps": len(ends), "batch_size": batch_size, "width": width,
        "images_per_second": float(batch_size / np.median(timed)),
        "first_steps_seconds": float(ends[warm_up - 1] - start) if len(ends) >= warm_up else None,
        "finite": bool(all(np.isfinite(history["d_loss"])) and all(np.isfinite(history["g_loss"]))),
        "history": history, "samples": samples.tolist(),
    }


def worker(args):
    """Run every model and policy on this process' backend; print one JSON line of results."""
    import keras

    from keras_gans import precision

    device = {"gpu": precision.gpu_visible()}
    if keras.backend.backend() == "torch":
        import torch

        device["name"] = torch.cuda.get_device_name(0) if device["gpu"] else "cpu"
    else:
        import jax

        device["name"] = str(jax.devices()[0].device_kind)
    runs = [train_one(model, policy, args.steps, args.warm_up, args.batch_size, args.width)
            for model in MODELS for policy in POLICIES]
    print("RESULTS " + json.dumps({"backend": keras.backend.backend(), "device": device, "runs": runs}))


def table(results):
    """The Markdown table of a list of per-backend results."""
    lines = ["| backend | device | model | dtype policy | steps | images/s | first steps (s) | losses finite |",
             "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for result in results:
        for run in result["runs"]:
            lines.append(f"| {result['backend']} | {result['device']['name']} | {run['model']} | {run['policy']} | "
                         f"{run['steps']} | {run['images_per_second']:,.0f} | {run['first_steps_seconds']:.1f} | "
                         f"{'yes' if run['finite'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def write_pictures(results, output):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from keras_gans import plotting

    runs = [(result["backend"], run) for result in results for run in result["runs"]]
    figure, axes = plt.subplots(1, 2, figsize=(12, 4))
    for backend, run in runs:
        label = f"{backend} {run['model']} {run['policy']}"
        for axis, key in zip(axes, ("d_loss", "g_loss")):
            axis.plot(run["history"]["step"], run["history"][key], label=label, linewidth=1)
            axis.set_title(key)
            axis.set_xlabel("step")
    axes[1].legend(fontsize=7)
    figure.savefig(os.path.join(output, "losses.png"), dpi=100, bbox_inches="tight")
    rows = [plotting.image_grid(np.asarray(run["samples"]), nrow=8, scale=1,
                                label=f"{backend} {run['model']} {run['policy']}") for backend, run in runs]
    plotting.save_png(np.concatenate(rows, axis=0), os.path.join(output, "samples.png"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", help="folder for table.md, runs.json, losses.png, samples.png")
    parser.add_argument("--backends", default="jax,torch")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--warm-up", type=int, default=20, help="steps left out of the timing (compilation)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--width", type=int, default=64, help="64: the GANs 101 article's networks")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--record", metavar="OUTPUT", help="put OUTPUT/table.md into benchmarks/README.md")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if args.record:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import results as recorder

        results = json.load(open(os.path.join(args.record, "runs.json")))
        devices = sorted({result["device"]["name"] for result in results})
        recorder.record("gpu-check", table(results), kind=f"GPU: {', '.join(devices)}",
                        command=results[0].get("command", "python benchmarks/gpu_check.py"))
        return 0
    os.makedirs(args.output, exist_ok=True)
    results = []
    for backend in args.backends.split(","):
        command = [sys.executable, os.path.abspath(__file__), "--worker", "--steps", str(args.steps),
                   "--warm-up", str(args.warm_up), "--batch-size", str(args.batch_size), "--width", str(args.width)]
        print(f"{backend}: {args.steps} steps of each of {', '.join(MODELS)} in {', '.join(POLICIES)}", flush=True)
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "KERAS_BACKEND": backend,
                                   "PYTHONPATH": os.pathsep.join(filter(None, [ROOT, os.environ.get("PYTHONPATH")]))})
        lines = [line for line in done.stdout.splitlines() if line.startswith("RESULTS ")]
        if done.returncode or not lines:
            print(done.stdout[-3000:], done.stderr[-5000:], sep="\n")
            raise SystemExit(f"{backend} failed (exit {done.returncode})")
        result = json.loads(lines[-1][len("RESULTS "):])
        result["command"] = "python benchmarks/gpu_check.py " + " ".join(sys.argv[1:] if argv is None else argv)
        results.append(result)
    with open(os.path.join(args.output, "runs.json"), "w") as f:
        json.dump(results, f)
    with open(os.path.join(args.output, "table.md"), "w") as f:
        f.write(table(results))
    write_pictures(results, args.output)
    print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
