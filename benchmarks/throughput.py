"""Training and inference throughput of FERNet against the original project's architecture.

Both networks train in the same way (``train_on_batch`` on random 48x48 faces, batch 64,
Adam, no augmentation, TensorFlow kernels without XLA; steady state after 3 untimed steps), so
the ratio compares architectures only.

    python benchmarks/throughput.py [--steps 30] [--batch-size 64] [--widths 1 1.25]
        [--configs models/experiments/NAME/config.json ...]

``--widths`` adds a FERNet row per channel multiplier, and ``--configs`` a row per saved run's
architecture (named after its folder): what more capacity costs in speed, against the issue's
floor of 5x the reference, measured in the same run as the reference.
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

from fercnn.config import TrainConfig  # noqa: E402
from fercnn.model import ModelConfig, build_fernet  # noqa: E402


def steady_images_per_second(step, batches, warmup=3):
    """Images per second over ``batches`` after ``warmup`` untimed steps (tracing, caches)."""
    for batch in batches[:warmup]:
        step(batch)
    start = time.perf_counter()
    for batch in batches[warmup:]:
        step(batch)
    return sum(len(batch[0]) for batch in batches[warmup:]) / (time.perf_counter() - start)


def measure(name, model, steps, batch_size):
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=False)
    rng = np.random.default_rng(0)
    batches = [
        (rng.integers(0, 256, (batch_size, 48, 48, 1)).astype("float32"), rng.integers(0, 7, batch_size))
        for _ in range(steps + 3)
    ]
    return {
        "model": name,
        "parameters": model.count_params(),
        "train_img_s": steady_images_per_second(lambda batch: model.train_on_batch(*batch), batches),
        "infer_img_s": steady_images_per_second(lambda batch: model.predict_on_batch(batch[0]), batches),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="timed training steps per model")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--widths", type=float, nargs="+", default=[1.0], help="FERNet channel multipliers")
    parser.add_argument(
        "--configs", type=Path, nargs="*", default=[], help="saved config.json files whose model to measure"
    )
    args = parser.parse_args()
    candidates = {"reference (original project)": build_reference_model}
    for width in args.widths:
        name = "FERNet (fercnn default)" if width == 1 else f"FERNet, width {width:g}"
        candidates[name] = lambda width=width: build_fernet(ModelConfig(width=width))
    for path in args.configs:
        candidates[path.parent.name] = lambda path=path: build_fernet(TrainConfig.load(path).model)
    rows = [measure(name, build(), args.steps, args.batch_size) for name, build in candidates.items()]
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
