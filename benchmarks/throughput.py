"""Training and inference throughput of FERNet against the original project's architecture.

Both networks train in the same way (``fit`` on random 48x48 faces, batch 64, Adam,
no augmentation, TensorFlow kernels without XLA), so the ratio compares architectures only.

    python benchmarks/throughput.py [--steps 30] [--batch-size 64]
"""

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference_model import build_reference_model  # noqa: E402

from fercnn.model import build_fernet  # noqa: E402


def images_per_second(run, images, repeats=3):
    run(images[:128])  # trace and warm up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run(images)
        best = min(best, time.perf_counter() - start)
    return len(images) / best


def measure(name, model, steps, batch_size):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=False)
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (steps * batch_size, 48, 48, 1)).astype("float32")
    labels = rng.integers(0, 7, len(images))
    fit = lambda x: model.fit(x, labels[: len(x)], batch_size=batch_size, epochs=1, verbose=0)  # noqa: E731
    predict = lambda x: model.predict(x, batch_size=256, verbose=0)  # noqa: E731
    return {
        "model": name,
        "parameters": model.count_params(),
        "train_img_s": images_per_second(fit, images, repeats=2),
        "infer_img_s": images_per_second(predict, images),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="training steps per timed pass")
    parser.add_argument("--batch-size", type=int, default=64)
    args = parser.parse_args()
    rows = [
        measure("reference (original project)", build_reference_model(), args.steps, args.batch_size),
        measure("FERNet (fercnn default)", build_fernet(), args.steps, args.batch_size),
    ]
    reference = rows[0]["train_img_s"]
    print(
        f"keras {keras.__version__}, backend {keras.backend.backend()}, {os.cpu_count()} CPU cores, "
        f"batch {args.batch_size}, {args.steps} steps"
    )
    header = ("model", "parameters", "train img/s", "vs reference", "inference img/s")
    print("| {:<30} | {:>10} | {:>11} | {:>12} | {:>15} |".format(*header))
    print(f"|{'-' * 32}|{'-' * 12}:|{'-' * 12}:|{'-' * 13}:|{'-' * 16}:|")
    for row in rows:
        print(
            f"| {row['model']:<30} | {row['parameters']:>10,} | {row['train_img_s']:>11.0f} | "
            f"{row['train_img_s'] / reference:>11.1f}x | {row['infer_img_s']:>15.0f} |"
        )


if __name__ == "__main__":
    main()
