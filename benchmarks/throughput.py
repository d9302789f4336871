"""Training and inference throughput of FERNet against the original project's architecture.

Both networks train in the same way (``train_on_batch`` on random 48x48 faces, batch 64,
Adam, no augmentation, TensorFlow kernels without XLA; steady state after 3 untimed steps), so
the ratio compares architectures only. The models are timed in turn, round after round
(``--rounds``), and each model's ratio to the reference is taken within a round: the 2 shared
cores speed up and slow down over minutes, and a model timed once, minutes after the
reference, carries that drift into its ratio. The table gives the medians over the rounds and
the lowest and highest round's ratio.

    python benchmarks/throughput.py [--steps 30] [--rounds 5] [--batch-size 64] [--widths 1 1.25]
        [--depths 1.5] [--configs runs/train/NAME/config.json ...]

``--widths`` adds a FERNet row per channel multiplier, ``--depths`` one per block-repeat
multiplier, and ``--configs`` a row per saved run's architecture (named after its folder):
what more capacity costs in speed, against the reference, measured in
the same run as the reference.
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

from fercnn.models.fernet import ModelConfig, build_fernet  # noqa: E402
from fercnn.training.config import TrainConfig  # noqa: E402


def steady_images_per_second(step, batches, warmup=3):
    """Images per second over ``batches`` after ``warmup`` untimed steps (tracing, caches)."""
    for batch in batches[:warmup]:
        step(batch)
    start = time.perf_counter()
    for batch in batches[warmup:]:
        step(batch)
    return sum(len(batch[0]) for batch in batches[warmup:]) / (time.perf_counter() - start)


def timers(model, steps, batch_size):
    """Training and inference timers for ``model`` on random faces, compiled once, run per round."""
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", jit_compile=False)
    rng = np.random.default_rng(0)
    batches = [
        (rng.integers(0, 256, (batch_size, 48, 48, 1)).astype("float32"), rng.integers(0, 7, batch_size))
        for _ in range(steps + 3)
    ]
    return (
        lambda: steady_images_per_second(lambda batch: model.train_on_batch(*batch), batches),
        lambda: steady_images_per_second(lambda batch: model.predict_on_batch(batch[0]), batches),
    )


def measure_in_rounds(timers_by_name, rounds):
    """Per model, its training and inference speed in each round, every model timed in turn."""
    speeds = {name: {"train": [], "infer": []} for name in timers_by_name}
    for _ in range(rounds):
        for name, (train, infer) in timers_by_name.items():
            speeds[name]["train"].append(train())
            speeds[name]["infer"].append(infer())
    return speeds


def table_rows(speeds, parameters):
    """Median speeds, and each model's ratio to the first (the reference) within each round."""
    reference = np.array(next(iter(speeds.values()))["train"])
    rows = []
    for name, speed in speeds.items():
        ratios = np.array(speed["train"]) / reference
        spread = f"{ratios.min():.1f}x to {ratios.max():.1f}x"
        rows.append(
            f"| {name:<30} | {parameters[name]:>10,} | {np.median(speed['train']):>11.0f} | "
            f"{np.median(ratios):>11.1f}x | {spread:>16} | {np.median(speed['infer']):>15.0f} |"
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="timed training steps per model and round")
    parser.add_argument("--rounds", type=int, default=5, help="times each model is timed, in turn")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--widths", type=float, nargs="+", default=[1.0], help="FERNet channel multipliers")
    parser.add_argument("--depths", type=float, nargs="*", default=[], help="FERNet block-repeat multipliers")
    parser.add_argument(
        "--configs", type=Path, nargs="*", default=[], help="saved config.json files whose model to measure"
    )
    args = parser.parse_args()
    if args.rounds < 1 or args.steps < 1:
        parser.error(f"--rounds and --steps must be at least 1, got {args.rounds} and {args.steps}")
    candidates = {"reference (original project)": build_reference_model}
    for width in args.widths:
        name = "FERNet (fercnn default)" if width == 1 else f"FERNet, width {width:g}"
        candidates[name] = lambda width=width: build_fernet(ModelConfig(width=width))
    for depth in args.depths:
        candidates[f"FERNet, depth {depth:g}"] = lambda depth=depth: build_fernet(ModelConfig(depth=depth))
    for path in args.configs:
        candidates[path.parent.name] = lambda path=path: build_fernet(TrainConfig.load(path).model)
    models = {name: build() for name, build in candidates.items()}
    speeds = measure_in_rounds(
        {name: timers(model, args.steps, args.batch_size) for name, model in models.items()}, args.rounds
    )
    print(
        f"keras {keras.__version__}, backend {keras.backend.backend()}, {os.cpu_count()} CPU cores, "
        f"batch {args.batch_size}, {args.steps} steps a round, {args.rounds} rounds (medians)"
    )
    header = ("model", "parameters", "train img/s", "vs reference", "rounds' range", "inference img/s")
    print("| {:<30} | {:>10} | {:>11} | {:>12} | {:>16} | {:>15} |".format(*header))
    print(f"|{'-' * 32}|{'-' * 12}:|{'-' * 12}:|{'-' * 13}:|{'-' * 17}:|{'-' * 16}:|")
    for row in table_rows(speeds, {name: model.count_params() for name, model in models.items()}):
        print(row)


if __name__ == "__main__":
    main()
