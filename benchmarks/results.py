"""Where the benchmarks keep their figures: the current table of each, per CPU kind, and a dated log of every run.

    from results import record, section
    record(section("small-data", argv), table)   # argv: the script's options

- `benchmarks/README.md` holds the **current** table of each benchmark for each CPU kind, between
  markers that `record` replaces: `<!-- results: NAME, KIND -->` ... `<!-- end results -->`. The
  README, the tutorials and the model cards link to these tables (or quote them, with a test that
  the quote matches). NAME is the benchmark and the options that say what it measured
  (`section`): one current table per command, so `small_data.py --grey-color` does not replace
  the table of `small_data.py`. A new table goes after the other tables of the same command, else
  after those of the same benchmark (or its placeholder, `<!-- results: NAME -->`), else at the end.
- `benchmarks/LOG.md` keeps every run, dated, with its command and CPU kind, newest last.

The CPU kind is what decides TensorFlow's speed on these machines: "AVX-512" (TensorFlow uses its
oneDNN kernels there), "AVX2-only", or "AVX-512, oneDNN off" (the same machine run the way
TensorFlow runs on AVX2-only CPUs, `TF_ENABLE_ONEDNN_OPTS=0`).
"""

import datetime
import os
import platform
import re
import shlex
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
README = os.path.join(HERE, "README.md")
LOG = os.path.join(HERE, "LOG.md")
CPU_KINDS = ("AVX-512", "AVX-512, oneDNN off", "AVX2-only")
# Options that say where files are, not what is measured: left out of section names and recorded
# commands (a folder on the machine that ran it means nothing to a reader).
PLACES = ("--output", "--results", "--folder", "--workdir", "--fid-inception-weights", "--keep")
END = "<!-- end results -->"


def cpu_flags():
    """The CPU's feature flags (Linux), or an empty set where /proc/cpuinfo does not exist."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_kind():
    """"AVX-512", "AVX-512, oneDNN off" (TF_ENABLE_ONEDNN_OPTS=0) or "AVX2-only"."""
    if "avx512f" not in cpu_flags():
        return "AVX2-only"
    if os.environ.get("TF_ENABLE_ONEDNN_OPTS", "").lower() in ("0", "false"):
        return "AVX-512, oneDNN off"
    return "AVX-512"


def command_line(argv=None):
    """The command that ran, as a reader would type it (`python benchmarks/NAME.py ...`)."""
    argv = sys.argv if argv is None else argv
    script = os.path.relpath(os.path.abspath(argv[0]), os.path.dirname(HERE))
    prefix = "TF_ENABLE_ONEDNN_OPTS=0 " if cpu_kind().endswith("oneDNN off") else ""
    return prefix + " ".join(["python", shlex.quote(script), *map(shlex.quote, argv[1:])])


def measured_options(argv):
    """`argv` (a script's options) without the options of `PLACES` and their values."""
    kept, skip = [], False
    for arg in argv:
        if skip:
            skip = False
        elif arg.split("=", 1)[0] in PLACES:
            skip = "=" not in arg
        else:
            kept.append(arg)
    return kept


def section(name, argv=None):
    """The section name of a run: `name` and the options that say what it measured.

    Example:
    >>> section("small-data", ["--steps", "300", "--output", "/tmp/sd", "--results=/tmp/README.md"])
    'small-data --steps 300'
    """
    argv = sys.argv[1:] if argv is None else argv
    return " ".join([name, *map(shlex.quote, measured_options(argv))])


def script_command(script, argv=None):
    """`python benchmarks/SCRIPT.py OPTIONS`, without the options of `PLACES` (`script`: the file's path)."""
    return command_line([script, *measured_options(sys.argv[1:] if argv is None else argv)])


def record_run(script, name, table, argv=None, readme=README, notes=""):
    """`record` for a run of `script` with `argv`: its section name and its command, both without
    the options of `PLACES` (`section`, `script_command`)."""
    return record(section(name, argv), table, command=script_command(script, argv), notes=notes, readme=readme)


def record(name, table, command=None, notes="", readme=README, log=None, kind=None):
    """Make `table` (Markdown) the current table of benchmark `name` for this CPU kind, and log the run.

    Args:
        name: the benchmark's section name, e.g. "compare-quick".
        table: the Markdown table (and any lines that belong to it).
        command: the command that produced it (default: this process' own).
        notes: a line or two for the log (load, anything unusual).
        readme, log: the files (tests pass temporary ones; the log defaults to LOG.md beside the readme).
        kind: one of `CPU_KINDS`, or the machine of a run made elsewhere (e.g. "GPU: NVIDIA H100");
            default: this CPU's kind (`cpu_kind`).

    Returns:
        The block written into `readme`.
    """
    log = log or os.path.join(os.path.dirname(os.path.abspath(readme)), "LOG.md")
    kind, date = kind or cpu_kind(), datetime.date.today().isoformat()
    machine = f"{kind} ({cpu_name()})" if kind in CPU_KINDS else kind
    command = command or command_line()
    block = f"<!-- results: {name}, {kind} -->\n{machine}, {date}: `{command}`\n\n{table.strip()}\n{END}"
    text = open(readme).read() if os.path.exists(readme) else "# Benchmarks\n"
    pattern = re.compile(rf"<!-- results: {re.escape(name)}, {re.escape(kind)} -->.*?{END}", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:  # after the tables of the same command, else of the same benchmark, else at the end
        places = list(_tables(text))
        same = [end for other, end in places if other == name] or [
            end for other, end in places if other.split()[0] == name.split()[0]]
        end = same[-1] if same else len(text.rstrip())
        text = text[:end] + f"\n\n{block}" + (text[end:] or "\n")
    with open(readme, "w") as f:
        f.write(text)
    with open(log, "a") as f:
        f.write(f"\n## {date} {name} ({machine})\n\n`{command}`\n\n{table.strip()}\n"
                + (f"\n{notes.strip()}\n" if notes else ""))
    return block


def _tables(text):
    """(name, end) of every table and every placeholder (`<!-- results: NAME -->`) in `text`, in order."""
    for match in re.finditer(r"<!-- results: ([^>\n]+?)(, [^>\n]+)? -->", text):
        yield match.group(1), text.index(END, match.end()) + len(END) if match.group(2) else match.end()


def current_table(name, kind, readme=README):
    """The current table of benchmark `name` for CPU kind `kind` in `readme` (None if there is none)."""
    text = open(readme).read()
    match = re.search(rf"<!-- results: {re.escape(name)}, {re.escape(kind)} -->\n(.*?){END}", text, re.S)
    return match.group(1) if match else None
