"""How long each tutorial takes in quick mode: its training steps and its wall-clock minutes, per CPU kind.

    python benchmarks/tutorial_times.py                          # every tutorial, as it is
    TF_ENABLE_ONEDNN_OPTS=0 python benchmarks/tutorial_times.py  # the same without oneDNN (as on AVX2-only CPUs)
    python benchmarks/tutorial_times.py 01 05 --dry-run          # two tutorials; print the table, record nothing
    python benchmarks/tutorial_times.py --keep /tmp/tutorials    # and keep every picture, to look at them

Each tutorial's script runs as a reader runs it (`python tutorials/NN_name.py`, quick mode,
LENGTH 1), one at a time, each in a fresh Python process, in a temporary folder (its
pictures go to a temporary `outputs/`). The time is the wall clock of the whole script:
start-up, data, training, pictures and scores. The steps are the tutorial's own step
settings from the QUICK line of its first cell (`steps` and every `*_steps`).

The table goes to benchmarks/README.md as the current `tutorials` table of this CPU kind
(`results.record`; a run of a few tutorials replaces their rows and keeps the others, each
row with its date), and the run to benchmarks/LOG.md. The tutorials' headers link to it,
and a header that quotes a time ("2.1 min (AVX-512)") is checked against it by
tests/test_tutorials.py. Run it on a quiet machine: a busy one makes every time longer.
"""

import argparse
import datetime
import glob
import importlib.util
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TUTORIALS = os.path.join(ROOT, "tutorials")
sys.path.insert(0, HERE)
import results  # noqa: E402

_spec = importlib.util.spec_from_file_location("make_notebooks", os.path.join(TUTORIALS, "make_notebooks.py"))
make_notebooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_notebooks)


def tutorial_scripts(numbers=()):
    """The tutorial scripts, all or those whose number is in `numbers` ("01", "5", ...)."""
    found = sorted(glob.glob(os.path.join(TUTORIALS, "[0-9][0-9]_*.py")))
    wanted = {int(number) for number in numbers}
    return [path for path in found if not wanted or int(os.path.basename(path)[:2]) in wanted]


def quick_steps(script):
    """The step settings of a tutorial's QUICK line, as "name value" text, e.g. "hand_steps 200, steps 1,000"."""
    with open(script, encoding="utf-8") as file:
        quick = make_notebooks.mode_settings(file.read())["QUICK"]
    return ", ".join(f"{key} {value:,}" for key, value in quick.items() if key == "steps" or key.endswith("_steps"))


def run_tutorial(script, timeout=3600, keep=None):
    """Run one tutorial script in a fresh process and a temporary folder; return (minutes, return code).

    With `keep` (a folder), its outputs and log go to `keep/<tutorial>/` instead, to be looked at.
    """
    with tempfile.TemporaryDirectory() as scratch:
        folder = scratch
        if keep:
            folder = os.path.join(keep, os.path.splitext(os.path.basename(script))[0])
            os.makedirs(folder, exist_ok=True)
        env = dict(os.environ, MPLBACKEND="Agg", KERAS_GANS_TUTORIAL_OUTPUTS=os.path.join(folder, "outputs"))
        start = time.perf_counter()
        with open(os.path.join(folder, "log.txt"), "w") as log:
            finished = subprocess.run([sys.executable, script], cwd=folder, env=env, stdout=log,
                                      stderr=subprocess.STDOUT, timeout=timeout)
        minutes = (time.perf_counter() - start) / 60
        if finished.returncode:
            with open(os.path.join(folder, "log.txt")) as log:
                print(log.read()[-3000:], file=sys.stderr)
    return minutes, finished.returncode


def earlier_rows(kind, readme=results.README):
    """{tutorial: row} of the current table of this CPU kind, so that a run of a few tutorials keeps the others."""
    current = results.current_table("tutorials", kind, readme) if os.path.exists(readme) else None
    rows = [line for line in (current or "").splitlines() if line.startswith("| `")]
    return {row.split("`")[1]: row for row in rows}


def table(rows, kind, readme=results.README):
    """The current table: this run's rows, and the rows of tutorials it did not run as they were."""
    merged = earlier_rows(kind, readme)
    today = datetime.date.today().isoformat()
    merged.update({name: f"| `{name}` | {steps} | {minutes:.1f} | {today} |" for name, steps, minutes in rows})
    lines = ["| tutorial | quick-mode steps | minutes | measured |", "| --- | --- | --- | --- |"]
    return "\n".join(lines + [merged[name] for name in sorted(merged)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tutorials", nargs="*", help="tutorial numbers (default: all)")
    parser.add_argument("--dry-run", action="store_true", help="print the table, record nothing")
    parser.add_argument("--keep", default=None, help="keep each tutorial's outputs and log in KEEP/<tutorial>/")
    args = parser.parse_args(argv)
    rows, failed = [], []
    for script in tutorial_scripts(args.tutorials):
        name = os.path.splitext(os.path.basename(script))[0]
        minutes, code = run_tutorial(script, keep=args.keep)
        print(f"{name}: {minutes:.1f} min" + (f", FAILED (exit status {code})" if code else ""), flush=True)
        if code:
            failed.append(name)
        else:
            rows.append((name, quick_steps(script), minutes))
    text = table(rows, results.cpu_kind())
    print(f"\n{results.cpu_kind()} ({results.cpu_name()}, {os.cpu_count()} CPUs)\n\n{text}")
    if failed:
        print(f"not recorded: {', '.join(failed)} failed", file=sys.stderr)
        return 1
    if not args.dry_run:
        notes = f"{os.cpu_count()} CPUs; one tutorial at a time, each in a fresh process, quick mode, LENGTH 1"
        results.record("tutorials", text, command=results.script_command(__file__, argv), notes=notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
