"""Where a `keras-gans train` run spends its time outside its training steps.

    python benchmarks/run_overhead.py                      # the default run, XLA as the CLI chooses it
    python benchmarks/run_overhead.py --jit-compile on     # forced; also: off
    python benchmarks/run_overhead.py --epochs 4 --output /tmp/overhead
    python benchmarks/run_overhead.py --autotune           # with tf.data's autotuning, which the package turns off

It runs exactly what `keras-gans train` runs (`runs.RunConfig.from_args`, `load_data`,
`choose_jit_compile`, `build_gan`, `runs.train`) with every callback of the run wrapped
in a timer, and a clock that marks the start and end of every step. It reports:

- the steps' own time (batch begin to batch end, summed) against the wall time of `fit`;
- the slowest steps, and the first step of each epoch against the median step;
- the time each callback spends in each hook (epoch end: samples, checkpoints, ...);
- the estimate the run prints after its first epoch (`keras_gans.callbacks.TimeLeft`) against
  what the rest of the run took.

The table is recorded in benchmarks/README.md, section "Run overhead" (`run-overhead` and the
options that say what was measured, per CPU kind), and the run in benchmarks/LOG.md (`results.record`).
"""

import argparse
import collections
import os
import sys
import tempfile
import time

import numpy as np
import results


class StepClock:
    """Marks when each step began and ended (the first callback of the run, so no other hook is inside)."""

    def __init__(self):
        self.begins, self.ends, self.epochs = [], [], []
        self._epoch = 0

    def callback(self):
        import keras

        clock = self

        class Clock(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                clock._epoch = epoch

            def on_train_batch_begin(self, batch, logs=None):
                clock.begins.append(time.perf_counter())
                clock.epochs.append(clock._epoch)

            def on_train_batch_end(self, batch, logs=None):
                clock.ends.append(time.perf_counter())

        return Clock()


HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_train_batch_begin",
         "on_train_batch_end")


def timed(callback, totals):
    """`callback` with every hook's time added to `totals[(its class name, hook)]`."""
    name = type(callback).__name__
    for hook in HOOKS:
        original = getattr(callback, hook)

        def wrapper(*args, _original=original, _key=(name, hook), **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                totals[_key] += time.perf_counter() - start

        setattr(callback, hook, wrapper)
    return callback


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=None, help="default: the default run's")
    parser.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto")
    parser.add_argument("--output", default=None, help="run folder (default: a temporary one)")
    parser.add_argument("--autotune", action="store_true",
                        help="turn tf.data's autotuning back on in the run's data (the package turns it off: "
                             "keras_gans.data.pipeline; this measures why)")
    parser.add_argument("--no-record", action="store_true", help="print only; write no table")
    args = parser.parse_args(argv)

    from keras_gans import runs

    output = args.output or tempfile.mkdtemp(prefix="run_overhead_")
    options = {"output": os.path.join(output, "run"), "jit_compile": args.jit_compile, "epochs": args.epochs}
    config = runs.RunConfig.from_args(options)
    said = []

    def log(line):
        said.append(line)
        print(line)

    wall = time.perf_counter()
    dataset = runs.load_data(config)
    if args.autotune:
        import tensorflow as tf

        options = tf.data.Options()
        options.autotune.enabled = True
        dataset = dataset.with_options(options)
    jit_compile = runs.choose_jit_compile(config, dataset, log=log)
    gan = runs.build_gan(config, dataset, jit_compile)
    setup = time.perf_counter() - wall

    clock, totals = StepClock(), collections.defaultdict(float)
    original = runs._RunCallbacks.in_order
    watched = []

    def in_order(self):
        watched.append(self)
        return [clock.callback(), *(timed(c, totals) for c in original(self))]

    runs._RunCallbacks.in_order = in_order
    try:  # as the command runs it, progress bar included (verbose=1: Keras prints a line per epoch's steps)
        result = runs.train(gan, dataset, config.output, config.epochs, config=config, verbose=config.verbose,
                            log=log)
    finally:
        runs._RunCallbacks.in_order = original
    end = time.perf_counter()
    total = end - wall
    time_left = watched[0].time_left

    steps = np.array(clock.ends) - np.array(clock.begins)
    epochs = np.array(clock.epochs)
    firsts = np.array([steps[epochs == e][0] for e in np.unique(epochs)])
    median = float(np.median(steps))
    stalls = steps[steps > 10 * median]
    gaps = np.array(clock.begins[1:]) - np.array(clock.ends[:-1])  # callbacks' hooks and Keras' own work
    at_epoch_ends = np.diff(epochs) != 0
    lines = [
        "| what | seconds |", "| --- | --- |",
        f"| whole run (load, XLA choice, build, `runs.train`) | {total:.1f} |",
        f"| set-up before `runs.train` (data, XLA choice, build) | {setup:.1f} |",
        f"| `fit` (train's `seconds`) | {result['seconds']:.1f} |",
        f"| the steps themselves ({len(steps)} steps, median {1000 * median:.0f} ms) | {steps.sum():.1f} |",
        f"| the steps at the median speed | {median * len(steps):.1f} |",
        f"| first step of each epoch: median / max | {np.median(firsts):.2f} / {firsts.max():.2f} |",
        f"| steps over 10x the median | {len(stalls)} ({stalls.sum():.1f} s) |",
        f"| between steps, within epochs | {gaps[~at_epoch_ends].sum():.1f} |",
        f"| between epochs (epoch end and begin) | {gaps[at_epoch_ends].sum():.1f} |",
        f"| in `fit` before its first step and after its last | "
        f"{result['seconds'] - (clock.ends[-1] - clock.begins[0]):.1f} |",
    ]
    for (name, hook), seconds in sorted(totals.items(), key=lambda item: -item[1]):
        if seconds >= 0.05:
            lines.append(f"| {name}.{hook} | {seconds:.1f} |")
    if time_left is not None and time_left.seconds is not None:
        truth = time_left.ended_at - time_left.said_at  # the rest of `fit`
        lines.append(f"| the estimate after the first epoch / what the rest took | {time_left.seconds:.1f} / "
                     f"{truth:.1f} ({100 * (time_left.seconds / truth - 1):+.0f}%) |")
    notes = f"XLA: {jit_compile}."
    table = "\n".join(lines) + f"\n\n{notes}\n"
    print(table)
    print("longest gaps between steps (after step, epoch, seconds):", [
        (int(i) + 1, int(epochs[i]) + 1, round(float(gaps[i]), 2)) for i in np.argsort(gaps)[-8:][::-1]])
    slow = np.argsort(steps)[-8:][::-1]
    print("slowest steps (step, epoch, seconds):", [(int(i) + 1, int(epochs[i]) + 1, round(float(steps[i]), 2))
                                                     for i in slow])
    if not args.no_record:
        results.record_run(__file__, "run-overhead", table, argv)
    return table


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
