"""The workshop comparison, `keras-gans compare --quick`, scored and timed: its table per CPU kind.

    python benchmarks/compare_quick.py                          # 4 variants on 1,000 and 5,000 digits
    python benchmarks/compare_quick.py --augment diffaugment    # the same with DiffAugment on every run
    python benchmarks/compare_quick.py --models dcgan,lsgan,wgan,wgan-gp,sagan   # the workshop's five rows
    TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/compare_quick.py   # TensorFlow as on AVX2-only CPUs
    python benchmarks/compare_quick.py --learning-rates papers  # the baseline of the preset's learning rates

Runs `keras_gans.experiments.compare.compare(quick=True)` with the preset
`keras_gans.presets.COMPARE["quick"]` (steps, width, latent size, batch) and the learning
rates of `presets.COMPARE_LEARNING_RATES["quick"]`, exactly as the command does, and
writes a table: per variant and training-set size the generator steps, the digits FID
(1,000 samples against the 5,000 embedded digits; lower is better), the median ms per
step and the seconds of training; under it the wall time of the whole comparison
(training, scoring and pictures) and whether XLA was on. The table becomes the current
one of its command for this CPU kind in `benchmarks/README.md`, and the run is logged in
`benchmarks/LOG.md` (`results.record`). The comparison's folder (samples.png,
losses.png, GIFs) is kept in --output: look at samples.png before quoting the table.

A wall time is only as good as the machine was quiet: the load average before and
after goes into the log.
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import results  # noqa: E402

from keras_gans import presets  # noqa: E402
from keras_gans.experiments.compare import DEFAULT_MODELS, DEFAULT_NUM_IMAGES, compare  # noqa: E402

NAME = "compare-quick"


def section_name(args):
    """`compare-quick`, with every option that is not the default: one current table per command."""
    options = []
    if args.models != list(DEFAULT_MODELS):
        options.append(f"--models {','.join(args.models)}")
    if args.num_images != list(DEFAULT_NUM_IMAGES):
        options.append(f"--num-images {','.join(map(str, args.num_images))}")
    for flag in ("augment", "steps", "learning_rates"):
        if getattr(args, flag, None) is not None:
            options.append(f"--{flag.replace('_', '-')} {getattr(args, flag)}")
    if args.jit_compile != "auto":
        options.append(f"--jit-compile {args.jit_compile}")
    return " ".join([NAME, *options])


def learning_rates(text):
    """`papers`: every variant at its paper's rates; or `dcgan=6e-4/6e-4,...`: these over the preset's."""
    if text == "papers":
        return {}
    rates = dict(presets.COMPARE_LEARNING_RATES["quick"])
    for part in text.split(","):
        name, pair = part.split("=")
        d_lr, g_lr = pair.split("/")
        rates[name] = (float(d_lr), float(g_lr))
    return rates


def table(rows, wall_seconds, config, load=None):
    """The Markdown table of one comparison: a row per run, then the wall time, the CPU kind and the settings."""
    lines = ["| variant | images | generator steps | digits FID | ms / step | seconds of training |",
             "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        quality = "" if row["quality"] is None else f"{row['quality']:.2f}"
        lines.append(f"| {row['variant']} | {row['num_images']:,} | {row['steps']:,} | {quality} | "
                     f"{1000 * row['seconds_per_step']:.0f} | {row['train_seconds']:.0f} |")
    jit = {True: "on", False: "off"}.get(config["jit_compile"], "Keras' choice")
    rates = "; ".join(f"{name} {d:g} / {g:g}" for name, (d, g) in config["learning_rates"].items())
    busy = "" if load is None else f", load average {load[0]:.1f} before and {load[1]:.1f} after (1 min)"
    lines += ["", f"Wall time of the whole comparison (training, scoring, pictures): **{wall_seconds / 60:.1f} min** "
              f"on {results.cpu_kind()} ({os.cpu_count()} cores{busy}). XLA {jit}. Width {config['width']}, "
              f"latent {config['latent_dim']}, batch {config['batch_size']}, seed {config['seed']}, "
              f"DiffAugment: {config['augment'] or 'none'}; learning rates D / G changed from the papers': "
              f"{rates or 'none'}. ms / step: the median over the GIF's frames after the first (a step is one "
              "generator update with its variant's discriminator updates, 5 for WGAN and WGAN-GP)."]
    return "\n".join(lines)


def main(argv=None):
    quick = presets.COMPARE["quick"]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", type=lambda text: text.split(","), default=list(DEFAULT_MODELS),
                        help=f"comma-separated variants (default: {','.join(DEFAULT_MODELS)})")
    parser.add_argument("--num-images", type=lambda text: [int(n) for n in text.split(",")],
                        default=list(DEFAULT_NUM_IMAGES), help="comma-separated training-set sizes")
    parser.add_argument("--augment", default=None, help="DiffAugment policy of every run, e.g. diffaugment")
    parser.add_argument("--steps", type=int, default=None, help=f"generator steps (default: {quick.steps})")
    parser.add_argument("--learning-rates", default=None, metavar="papers|VARIANT=D/G,...",
                        help="papers: every variant at its paper's rates (the baseline of "
                             "presets.COMPARE_LEARNING_RATES); or e.g. dcgan=6e-4/6e-4 over the preset's")
    parser.add_argument("--jit-compile", choices=("auto", "on", "off"), default="auto",
                        help="XLA (default: auto, measured once: keras_gans.runs.choose_jit_compile)")
    parser.add_argument("--output", default="/tmp/keras_gans_compare_quick", help="the comparison's folder")
    parser.add_argument("--results", default=results.README, help="the benchmarks README to record into ('' to skip)")
    args = parser.parse_args(argv)

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    rows = compare(models=args.models, num_images=args.num_images, steps=args.steps, output_dir=args.output,
                   quick=True, augment=args.augment, overwrite=True,
                   learning_rates=None if args.learning_rates is None else learning_rates(args.learning_rates),
                   jit_compile={"on": True, "off": False}.get(args.jit_compile, "auto"))
    wall_seconds = time.perf_counter() - start
    with open(os.path.join(args.output, "config.json")) as f:
        config = json.load(f)  # the comparison's own record of its settings
    text = table(rows, wall_seconds, config, load=(load_before, os.getloadavg()[0]))
    print(text)
    if args.results:  # recorded as a reader would run it: the folders change nothing in the table
        results.record(section_name(args), text, command=results.script_command(__file__, argv),
                       readme=args.results)
    return rows


if __name__ == "__main__":
    main()
