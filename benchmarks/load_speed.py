"""Time and peak memory of loading the full FER2013 CSV (35,887 rows in the original).

Uses the real file where ``$FER2013_CSV`` names it or ``--csv`` gives it; otherwise
writes a synthetic CSV of the same size first, so the figure can be reproduced anywhere.

    python benchmarks/load_speed.py [--csv PATH]
"""

import argparse
import gzip
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from fercnn.data.loading import load_fer2013

REAL = os.environ.get("FER2013_CSV")
ROWS = 35_887


def synthetic_csv(folder):
    """A gzipped CSV with as many rows and pixel digits as FER2013."""
    rng = np.random.default_rng(0)
    path = Path(folder) / "fer2013.csv.gz"
    usages = ["Training"] * 28_709 + ["PublicTest"] * 3_589 + ["PrivateTest"] * 3_589
    with gzip.open(path, "wt", compresslevel=1) as handle:
        handle.write("emotion,pixels,Usage\n")
        for usage in usages:
            pixels = " ".join(map(str, rng.integers(0, 256, 2304)))
            handle.write(f"{rng.integers(0, 7)},{pixels},{usage}\n")
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, help="a FER2013 CSV (default: $FER2013_CSV, else synthetic)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.csv or REAL or synthetic_csv(folder)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        data = load_fer2013(path)
        seconds = time.perf_counter() - start
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = sum(len(data[name]) for name in data.names)
    print(f"| {'file':<40} | {'rows':>6} | {'seconds':>7} | {'rows/s':>7} | {'peak RSS MiB':>12} |")
    print(f"|{'-' * 42}|{'-' * 7}:|{'-' * 8}:|{'-' * 8}:|{'-' * 13}:|")
    print(f"| {path.name:<40} | {rows:>6} | {seconds:>7.2f} | {rows / seconds:>7.0f} | {peak_mib:>12.0f} |")
    print(f"(peak RSS of the whole process, {before / 1024:.0f} MiB before loading; target: < 10 s, < 1 GB)")


if __name__ == "__main__":
    main()
