"""Accuracy of the original project's architecture, trained exactly as FERNet's first cycle was.

The original project's own 69.36% was measured on a random 80/20 split of all images, which
leaks near-duplicates into its test set, so it cannot be set beside a figure on the official
splits. This script trains that architecture (rebuilt in ``reference_model.py``) with the
settings, seed and splits of FERNet's first cycle (the package defaults, 40 epochs, patience
40) and prints its PublicTest figures beside those of any FERNet run folders given with
``--compare``. A run checkpoints every epoch and resumes when started again with the same
``--output-dir``. At about 5x FERNet's training cost it wants a GPU (``KERAS_BACKEND=jax``).

    python benchmarks/reference_accuracy.py [--data CSV] [--output-dir runs/reference] [--epochs 40]
        [--compare "FERNet, first cycle=runs/train/NAME"]
"""

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data_argument import add_data_argument  # noqa: E402
from reference_model import build_reference_model  # noqa: E402

from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.evaluation.metrics import METRICS_FILE  # noqa: E402
from fercnn.evaluation.report import write_evaluation, write_training_curves  # noqa: E402
from fercnn.training.checkpoints import STATE  # noqa: E402
from fercnn.training.config import TrainConfig  # noqa: E402
from fercnn.training.loop import train  # noqa: E402

FIRST_CYCLE = TrainConfig(epochs=40, patience=40)  # the package defaults, run to the end
ARCHITECTURE_NOTE = "architecture.txt"


def reference_config(epochs=None):
    """FERNet's first-cycle settings, unchanged (but, for a quick check, the epochs, all of which
    then run)."""
    return replace(FIRST_CYCLE, epochs=epochs, patience=epochs) if epochs else FIRST_CYCLE


def train_reference(config, data, output_dir):
    """Train (or resume) the reference in ``output_dir`` and score its best epoch, as ``fercnn
    train`` would."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    # config.json describes FERNet's layout, which this run does not use: say what it trained
    (output_dir / ARCHITECTURE_NOTE).write_text(
        "benchmarks/reference_model.py: build_reference_model (the original project's architecture); "
        "the model section of config.json is not used\n"
    )
    result = train(config, data, output_dir, verbose=2, build_network=build_reference_model)
    write_training_curves(output_dir)
    write_evaluation(result.best_model_path, data, output_dir)
    return result


def comparison_rows(runs):
    """One table row per (name, output folder): parameters and PublicTest figures."""
    rows = []
    for name, folder in runs.items():
        metrics = json.loads((folder / METRICS_FILE).read_text())
        validation = metrics["splits"]["validation"]
        state = json.loads((folder / STATE).read_text())
        rows.append(
            f"| {name} | {metrics['parameters']:,} | {state['epochs_done']} | {state['best_epoch']} "
            f"| {validation['accuracy']:.2%} | {validation['macro_f1']:.4f} "
            f"| {validation['accuracy_flip_tta']:.2%} |"
        )
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser, rows="the Training and PublicTest rows")
    parser.add_argument("--output-dir", type=Path, default=Path("runs/reference"))
    parser.add_argument("--epochs", type=int, help="fewer epochs, for a quick check")
    parser.add_argument(
        "--compare", action="append", default=[], help="NAME=FOLDER: a FERNet run folder to list beside it"
    )
    args = parser.parse_args()
    if args.epochs is not None and args.epochs < 1:
        parser.error(f"--epochs must be at least 1, got {args.epochs}")
    train_reference(reference_config(args.epochs), load_fer2013(args.data), args.output_dir)
    print("| model | parameters | epochs | best epoch | PublicTest accuracy | macro-F1 | flip TTA |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    runs = {"original project's architecture": args.output_dir}
    runs |= {name: Path(folder) for name, folder in (pair.split("=", 1) for pair in args.compare)}
    print("\n".join(comparison_rows(runs)))


if __name__ == "__main__":
    main()
