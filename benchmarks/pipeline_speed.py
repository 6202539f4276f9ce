"""Input pipeline speed: `keras_gans.data.load_image_folder` against the reference PyTorch pipeline.

Both read the same folder of CelebA-shaped JPEGs (178x218, made here with a fixed
seed: smooth shading, a face-like ellipse and fine noise, about the size of CelebA's
files) and serve 64x64 batches of 128 normalised to [-1, 1]:

- keras_gans: `load_image_folder(folder, image_size=64, batch_size=128)`: decode,
  centre crop, antialiased resize once into a uint8 array, then shuffled batches.
  "first epoch" is the call (which decodes everything) plus one pass over the
  batches; "cached epoch" is a later pass.
- anchor: the GANs 101 article's transforms (Resize(64) + CenterCrop(64) + ToTensor +
  Normalize(0.5, 0.5)) written with PIL, because torchvision cannot be installed
  beside the local torch CPU build, in a `torch.utils.data.DataLoader` with 2
  workers, batch 128, shuffled. It decodes every epoch; its second epoch is given
  as "cached" for comparison (the files are in the OS page cache for both sides).

Each side runs in its own process so its peak memory (max resident set size; the
anchor's largest DataLoader worker apart) is its own, and the sides alternate for
`--rounds` rounds so that a busy spell on a shared machine does not fall on one
side only. Prints one JSON line per run, then a table of every round and the ratio of
medians, which is recorded in benchmarks/README.md, section "Input pipeline" (one table per
command and CPU kind), and the run in benchmarks/LOG.md (`results.record`).

    python benchmarks/pipeline_speed.py --num-images 5000 --rounds 3
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import results as recorder  # noqa: E402


def make_folder(folder, num_images, seed=0):
    """Write `num_images` CelebA-shaped JPEGs (W 178 x H 218) to `folder` (skipped if already there)."""
    import numpy as np
    from PIL import Image

    os.makedirs(folder, exist_ok=True)
    existing = len([name for name in os.listdir(folder) if name.endswith(".jpg")])
    if existing >= num_images:
        return
    rng = np.random.default_rng(seed)
    rows, columns = np.mgrid[0:218, 0:178]
    for i in range(existing, num_images):
        # Smooth shading: a tiny random image upscaled, like lighting and background.
        coarse = Image.fromarray(rng.integers(0, 256, (4, 3, 3), dtype="uint8"))
        image = np.asarray(coarse.resize((178, 218), Image.BICUBIC), dtype="float32")
        # A face-like ellipse in the middle, in a skin-like colour.
        cy, cx, ry, rx = 118 + rng.normal(0, 6), 89 + rng.normal(0, 6), 70 + rng.normal(0, 5), 52
        face = ((rows - cy) / ry) ** 2 + ((columns - cx) / rx) ** 2 < 1
        image[face] = 0.3 * image[face] + 0.7 * rng.uniform([150, 100, 80], [240, 190, 170])
        image += rng.normal(0, 5, image.shape)  # skin and hair texture, so the files are not tiny
        Image.fromarray(np.clip(image, 0, 255).astype("uint8")).save(
            os.path.join(folder, f"{i + 1:06d}.jpg"), quality=90)


def peak_memory_mb():
    """Peak resident memory of this process and, separately, of its largest finished child (MB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own, 1), round(children, 1)


def run_keras_gans(folder, num_images, image_size, batch_size, epochs):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import tensorflow as tf

    from keras_gans import data

    # TensorFlow starts its runtime (thread pools, tf.data) on first use, once per
    # program, as torch's import does; that second is reported apart, not in the epoch.
    start = time.perf_counter()
    list(tf.data.Dataset.range(4).map(lambda x: x + 1, num_parallel_calls=2))
    runtime_start = time.perf_counter() - start
    before, _ = peak_memory_mb()  # TensorFlow itself, before any image

    start = time.perf_counter()
    dataset = data.load_image_folder(folder, image_size=image_size, batch_size=batch_size,
                                     num_images=num_images, seed=0)
    call = time.perf_counter() - start  # the decoding happens in the call
    seen = sum(int(batch.shape[0]) for batch in dataset)
    first = time.perf_counter() - start
    cached = []
    for _ in range(epochs - 1):
        start = time.perf_counter()
        seen_again = sum(int(batch.shape[0]) for batch in dataset)
        cached.append(seen_again / (time.perf_counter() - start))
    own, _ = peak_memory_mb()
    return {"pipeline": "keras_gans.load_image_folder", "images": seen,
            "tf_runtime_start_s": round(runtime_start, 2), "call_s": round(call, 2),
            "first_epoch_s": round(first, 2), "first_epoch_images_per_s": round(seen / first),
            "cached_epoch_images_per_s": round(max(cached)) if cached else None, "peak_rss_mb": own,
            "rss_before_loading_mb": before}


def run_torch_anchor(folder, num_images, image_size, batch_size, epochs):
    import numpy as np
    import torch
    from PIL import Image

    files = sorted(os.path.join(folder, name) for name in os.listdir(folder) if name.endswith(".jpg"))
    files = files[:num_images]

    class Faces(torch.utils.data.Dataset):
        """The GANs 101 article's PIL transforms: Resize(64) (short side), CenterCrop(64), Normalize."""

        def __len__(self):
            return len(files)

        def __getitem__(self, index):
            image = Image.open(files[index]).convert("RGB")
            width, height = image.size
            # torchvision's Resize(int): the short side becomes `image_size`,
            # the long one int(size * long / short).
            if width <= height:
                size = (image_size, int(image_size * height / width))
            else:
                size = (int(image_size * width / height), image_size)
            image = image.resize(size, Image.BILINEAR)
            # torchvision's CenterCrop: top/left = round((length - size) / 2).
            left = int(round((size[0] - image_size) / 2.0))
            top = int(round((size[1] - image_size) / 2.0))
            image = image.crop((left, top, left + image_size, top + image_size))
            tensor = torch.from_numpy(np.asarray(image, dtype=np.float32) / 255.0).permute(2, 0, 1)
            return (tensor - 0.5) / 0.5

    loader = torch.utils.data.DataLoader(Faces(), batch_size=batch_size, shuffle=True, num_workers=2,
                                         drop_last=True)
    rates = []
    for _ in range(epochs):
        start = time.perf_counter()
        seen = sum(int(batch.shape[0]) for batch in loader)
        rates.append((seen, time.perf_counter() - start))
    own, workers = peak_memory_mb()
    seen, first = rates[0]
    return {"pipeline": "torch DataLoader + PIL (the reference transforms), 2 workers", "images": seen,
            "first_epoch_s": round(first, 2), "first_epoch_images_per_s": round(seen / first),
            "cached_epoch_images_per_s": round(max(n / t for n, t in rates[1:])) if epochs > 1 else None,
            "peak_rss_mb": own, "peak_rss_worker_mb": workers, "torch": torch.__version__}


def markdown(runs, image_size, batch_size):
    """The table of the rounds: images/s of each side's first and later epochs, peak memory, ratio of medians."""
    def rates(side, key):
        return sorted(run[key] for run in runs[side])

    def median(side, key):
        return statistics.median(run[key] for run in runs[side])

    rounds = len(runs["keras_gans"])
    lines = [f"| | first epoch, images/s ({rounds} rounds) | later epoch, images/s ({rounds} rounds) | peak memory |",
             "| --- | --- | --- | --- |"]
    sides = (("torch", f"anchor: PIL Resize({image_size}) + CenterCrop({image_size}) + Normalize, DataLoader, 2 "
                       "workers", "decodes again",
              f"{median('torch', 'peak_rss_mb'):.0f} MB main + {median('torch', 'peak_rss_worker_mb'):.0f} MB per "
              "worker"),
             ("keras_gans", f"`load_image_folder(folder, {image_size}, batch_size={batch_size})`", "uint8 cache",
              f"{median('keras_gans', 'peak_rss_mb'):.0f} MB ({median('keras_gans', 'rss_before_loading_mb'):.0f} MB "
              "of it is TensorFlow before any image is read)"))
    for side, label, later, memory in sides:
        first = " / ".join(f"{rate:,}" for rate in rates(side, "first_epoch_images_per_s"))
        cached = " / ".join(f"{rate:,}" for rate in rates(side, "cached_epoch_images_per_s") if rate)
        lines.append(f"| {label} | {first} | {cached} ({later}) | {memory} |")
    ratios = [median("keras_gans", key) / median("torch", key)
              for key in ("first_epoch_images_per_s", "cached_epoch_images_per_s")]
    lines.append(f"| ratio of medians | **{ratios[0]:.1f}x** | **{ratios[1]:.0f}x** | |")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default="/tmp/keras_gans_pipeline_bench/img_align_celeba")
    parser.add_argument("--num-images", type=int, default=5000)
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--epochs", type=int, default=3, help="first epoch + cached ones")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs of each side")
    parser.add_argument("--torch-python", default=os.environ.get("KERAS_GANS_TORCH_PYTHON", sys.executable),
                        help="a Python with torch and Pillow for the anchor")
    parser.add_argument("--results", default=recorder.README, help="the benchmarks README to record into ('' to skip)")
    parser.add_argument("--side", choices=("keras_gans", "torch"), default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    settings = (args.folder, args.num_images, args.image_size, args.batch_size, args.epochs)
    if args.side == "keras_gans":
        print(json.dumps(run_keras_gans(*settings)))
        return
    if args.side == "torch":
        print(json.dumps(run_torch_anchor(*settings)))
        return

    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    make_folder(args.folder, args.num_images)
    made = time.perf_counter() - start
    print(json.dumps({"folder": args.folder, "num_images": args.num_images, "made_in_s": round(made, 1),
                      "cpus": os.cpu_count(), "load_average": os.getloadavg()}), flush=True)
    flags = [f"--folder={args.folder}", f"--num-images={args.num_images}", f"--image-size={args.image_size}",
             f"--batch-size={args.batch_size}", f"--epochs={args.epochs}"]
    # The sides alternate, round after round, so that a busy spell on a shared
    # machine does not fall on one side only.
    results = {"torch": [], "keras_gans": []}
    for _ in range(args.rounds):
        for side, python in (("torch", args.torch_python), ("keras_gans", sys.executable)):
            output = subprocess.run([python, os.path.abspath(__file__), f"--side={side}", *flags],
                                    capture_output=True, text=True, check=True).stdout
            results[side].append(json.loads(output.strip().splitlines()[-1]))
            print(json.dumps(results[side][-1]), flush=True)
    summary = {"rounds": args.rounds, "load_average_after": os.getloadavg()}
    for key in ("first_epoch_images_per_s", "cached_epoch_images_per_s"):
        ours = sorted(run[key] for run in results["keras_gans"])
        anchor = sorted(run[key] for run in results["torch"])
        summary[key] = {"keras_gans": ours, "anchor": anchor,
                        "ratio_of_medians": round(statistics.median(ours) / statistics.median(anchor), 2)}
    summary["goal"] = "first epoch >= 2x the anchor, cached epochs > 20,000 images/s"
    print(json.dumps(summary))
    table = (f"{args.num_images:,} CelebA-shaped JPEGs (178x218) served as {args.image_size}x{args.image_size} "
             f"batches of {args.batch_size}; {os.cpu_count()} cores, load average {load_before:.1f} before, "
             f"{os.getloadavg()[0]:.1f} after (1 min).\n\n{markdown(results, args.image_size, args.batch_size)}")
    print(table)
    if args.results:
        recorder.record(recorder.section("pipeline-speed", argv), table,
                        command=recorder.script_command(__file__, argv), readme=args.results)


if __name__ == "__main__":
    main()
