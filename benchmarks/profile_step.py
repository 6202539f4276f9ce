"""Where the time of one 64 px DCGAN training iteration goes: the top operations in both frameworks.

    python benchmarks/profile_step.py    # keras_gans (tf.profiler), then the reference step (torch.profiler)

Each side warms up, then profiles `--steps` iterations of the GANs 101 article's 64 px DCGAN (batch
128, latent 128, one D update and one G update on fresh latents) on an in-memory batch
and prints the 10 operation types with the most time of their own, as a share of all
operation time (TensorFlow runs independent ops side by side on its threads, so its op
time can exceed the wall-clock time). keras_gans runs through `DCGAN.fit`; the PyTorch
side repeats the reference PyTorch script's float32 step (`shared/bench/seed_torch_dcgan.py`) on its
networks. It prints its tables and records nothing; benchmarks/README.md, section "Profiling",
summarises the runs in benchmarks/LOG.md.
"""

import argparse
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from train_speed import BENCH, TORCH_PYTHON  # noqa: E402


def profile_keras_gans(steps):
    """{op type: seconds} over `steps` iterations, from the host trace of tf.profiler."""
    import keras
    import tensorflow as tf
    from tensorflow.tsl.profiler.protobuf import xplane_pb2

    import keras_gans

    keras.utils.set_random_seed(0)
    gan = keras_gans.models.build_gan("dcgan", 64, 3, 128, width=64, seed=0)
    gan.compile()
    batch = tf.random.uniform((128, 64, 64, 3), -1.0, 1.0, seed=0)
    dataset = tf.data.Dataset.from_tensors(batch).repeat()
    gan.fit(dataset, epochs=1, steps_per_epoch=2, verbose=0)  # warm-up: tracing
    logdir = tempfile.mkdtemp(prefix="keras_gans_profile_")
    tf.profiler.experimental.start(logdir)
    gan.fit(dataset, epochs=1, steps_per_epoch=steps, verbose=0)
    tf.profiler.experimental.stop()

    space = xplane_pb2.XSpace()
    with open(glob.glob(os.path.join(logdir, "**", "*.xplane.pb"), recursive=True)[0], "rb") as f:
        space.ParseFromString(f.read())
    seconds = collections.Counter()
    for plane in space.planes:
        if plane.name != "/host:CPU":
            continue
        for line in plane.lines:
            for event in line.events:
                name = plane.event_metadata[event.metadata_id].name
                # Kernel executions are traced as "layer/op_name:OpType"; the events
                # that enclose them (the tf.function call, the executor's "Run" and
                # "Process", Python) are left out so that each op's time is its own.
                op_type = name.rsplit(":", 1)[-1].strip()
                if ":" in name and not name.startswith(("__", "$")) and not op_type.startswith("__") \
                        and op_type not in ("Process", "Run"):
                    seconds[op_type] += event.duration_ps * 1e-12
    return dict(seconds)


def profile_torch(steps):
    """{op name: seconds of its own} over `steps` of the reference float32 step, from torch.profiler."""
    import torch
    import torch.nn.functional as F

    sys.path.insert(0, BENCH)
    from seed_torch_dcgan import BATCH, LATENT, discriminator, generator

    torch.manual_seed(0)
    G, D = generator(), discriminator()
    opt_d = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_g = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    real = torch.rand(BATCH, 3, 64, 64) * 2 - 1
    ones, zeros = torch.ones(BATCH, 1), torch.zeros(BATCH, 1)

    def step():  # the reference script's step, float32
        fake = G(torch.randn(BATCH, LATENT, 1, 1))
        loss_d = F.binary_cross_entropy_with_logits(D(real), ones) + \
            F.binary_cross_entropy_with_logits(D(fake.detach()), zeros)
        opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        opt_d.step()
        loss_g = F.binary_cross_entropy_with_logits(D(G(torch.randn(BATCH, LATENT, 1, 1))), ones)
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()

    for _ in range(2):
        step()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as profile:
        for _ in range(steps):
            step()
    return {event.key: event.self_cpu_time_total * 1e-6 for event in profile.key_averages()}


def top(seconds, steps, count=10):
    total = sum(seconds.values())
    lines = ["| op | ms per iteration | share of op time |", "| --- | --- | --- |"]
    for name, value in sorted(seconds.items(), key=lambda item: -item[1])[:count]:
        lines.append(f"| `{name}` | {1000 * value / steps:.0f} | {100 * value / total:.0f}% |")
    lines.append(f"| all ops | {1000 * total / steps:.0f} | 100% |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=2, help="profiled iterations")
    parser.add_argument("--side", choices=("keras_gans", "torch"), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:  # a child: print the raw seconds as JSON
        profile = profile_keras_gans if args.side == "keras_gans" else profile_torch
        print(json.dumps(profile(args.steps)))
        return
    for side, python in (("keras_gans", sys.executable), ("torch", TORCH_PYTHON)):
        done = subprocess.run([python, os.path.abspath(__file__), "--side", side, "--steps", str(args.steps)],
                              capture_output=True, text=True, check=True)
        seconds = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"\n{side}, {args.steps} iterations, load average {os.getloadavg()[0]:.1f}\n")
        print(top(seconds, args.steps))


if __name__ == "__main__":
    main()
