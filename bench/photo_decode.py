"""Benchmark turning an upload into the kept photos: wall time and peak memory, per kind of file.

    .venv/bin/python bench/photo_decode.py [--runs 3]

Each file is made here with Pillow, then handed to ``app.core.images.prepare`` in a
fresh Python process, which reports the time prepare() took and the process's
peak resident memory (ru_maxrss) before and after it: the difference is what
one upload costs a worker. The first row is the file from issue 12: a PNG of
49 megapixels that is only ~155 KB on disk.
"""

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

# (label, format, size, mode): phone photos and the expensive kinds, all within PHOTO_MAX_PIXELS.
CASES = [
    ("PNG 7000x7000 (49 MP), one colour", "PNG", (7000, 7000), "RGB"),
    ("PNG 7000x7000 (49 MP) with alpha", "PNG", (7000, 7000), "RGBA"),
    ("JPEG 8064x6048 (48.8 MP, a 48 MP phone)", "JPEG", (8064, 6048), "RGB"),
    ("JPEG 4032x3024 (12 MP, a usual phone photo)", "JPEG", (4032, 3024), "RGB"),
    ("WebP 7000x7000 (49 MP)", "WEBP", (7000, 7000), "RGB"),
]

# Runs in the child: nothing but Pillow and app.core.images loaded, the file read before measuring.
CHILD = """
import io, json, resource, sys, time
sys.path.insert(0, {root!r})
from app.core import images
data = open({path!r}, "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
prepared = images.prepare(io.BytesIO(data), {name!r}, max_bytes=len(data), max_pixels=50_000_000)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"seconds": seconds, "before_kb": before, "peak_kb": peak,
                  "size": [prepared.width, prepared.height]}}))
"""


def make_file(image_format, size, mode, folder):
    # A gradient compresses almost as well as one colour, yet is not one flat block to the encoder.
    image = (
        Image.linear_gradient("L").resize(size).convert(mode)
        if image_format != "PNG"
        else Image.new(mode, size, (200, 120, 100, 255)[: len(mode)])
    )
    out = io.BytesIO()
    image.save(out, format=image_format, **({"quality": 90} if image_format != "PNG" else {}))
    path = Path(folder) / f"upload.{image_format.lower()}"
    path.write_bytes(out.getvalue())
    return path


def measure(path, runs):
    results = []
    for _ in range(runs):
        child = CHILD.format(root=str(ROOT), path=str(path), name=path.name)
        output = subprocess.run([sys.executable, "-c", child], check=True, capture_output=True, text=True).stdout
        results.append(json.loads(output))
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"| file | size on disk | prepare() time (median of {args.runs}) | peak memory added (max) |")
    print("|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for label, image_format, size, mode in CASES:
            path = make_file(image_format, size, mode, folder)
            results = measure(path, args.runs)
            seconds = statistics.median(r["seconds"] for r in results)
            added_mb = max(r["peak_kb"] - r["before_kb"] for r in results) / 1024
            print(
                f"| {label} | {path.stat().st_size / 1024:,.0f} KB | {seconds:.2f} s | {added_mb:,.0f} MB |", flush=True
            )
            path.unlink()


if __name__ == "__main__":
    main()
