"""One change at a time: short training runs that each alter one setting of the default recipe.

Every run trains the all-MBConv FERNet (the default layout when the table was made) for the
same short schedule (``--epochs``, one warm-up epoch, cosine to zero) on the Training split from
the same baseline recipe (``BASELINE``: the recipe before the table's changes) and scores the
best epoch on PublicTest. Runs are checkpointed in ``--output-dir/<name>``: re-running the
script resumes an interrupted one and skips finished ones, so it can run in the background
over several sittings.

    python benchmarks/recipe_ablation.py --data PATH [--epochs 4] [--only NAME ...]

Short runs favour fast-fitting settings (less regularisation); read the table as "what this
change does early in training", not as the ranking after a full schedule.
"""

import argparse
import os
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.augment import AugmentConfig  # noqa: E402
from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.evaluation.metrics import evaluate_split  # noqa: E402
from fercnn.models.fernet import ModelConfig, Stage  # noqa: E402
from fercnn.training.config import TrainConfig  # noqa: E402
from fercnn.training.loop import train  # noqa: E402

# The recipe every row starts from: the package defaults before this table, with the settings
# the table went on to change in those defaults (class weighting, warp probability, the model's
# layout) pinned, so the baseline and its finished runs stay what they were.
MBCONV_STAGES = (Stage(1, 24, 1, 1), Stage(4, 48, 2, 2), Stage(4, 96, 3, 2), Stage(4, 160, 1, 1))
BASELINE = TrainConfig(
    model=ModelConfig(stages=MBCONV_STAGES),
    warmup_epochs=1,
    class_weighting="none",
    label_smoothing=0.1,
    augment=AugmentConfig(resampling="once", warp_probability=1.0, erasing_probability=0.0),
)
AUGMENT = BASELINE.augment

# name -> the one setting it changes (TrainConfig fields; nested configs replaced whole)
VARIANTS = {
    "baseline": {},
    "resampling per layer (previous pipeline)": {"augment": replace(AUGMENT, resampling="per_layer")},
    "warp probability 0.5": {"augment": replace(AUGMENT, warp_probability=0.5)},
    "class weighting sqrt": {"class_weighting": "sqrt"},
    "class weighting balanced": {"class_weighting": "balanced"},
    "random erasing p=0.25": {"augment": replace(AUGMENT, erasing_probability=0.25)},
    "no label smoothing": {"label_smoothing": 0.0},
}


def run_variant(name, changes, base, data, output_dir):
    """Train (or resume) one variant in its own folder under ``output_dir``; return its table row."""
    config = replace(base, **changes)
    start = time.perf_counter()
    result = train(config, data, Path(output_dir) / _slug(name), verbose=2)
    minutes = (time.perf_counter() - start) / 60
    best = keras.models.load_model(result.best_model_path)
    summary = evaluate_split(best, "validation", data["validation"]).summary()
    return {
        "variant": name,
        "parameters": best.count_params(),
        "best_epoch": result.state.best_epoch,
        "accuracy": summary["accuracy"],
        "macro_f1": summary["macro_f1"],
        "disgust_recall": summary["per_class"]["disgust"]["recall"],
        "minutes": minutes,
    }


def print_table(rows, baseline):
    print("| variant | params | best epoch | PublicTest acc | vs baseline | macro-F1 ", end="")
    print("| disgust recall | minutes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        delta = 100 * (row["accuracy"] - baseline) if baseline is not None else float("nan")
        print(
            f"| {row['variant']} | {row['parameters']:,} | {row['best_epoch']} | "
            f"{100 * row['accuracy']:.2f}% | {delta:+.2f} | {row['macro_f1']:.4f} | "
            f"{row['disgust_recall']:.3f} | {row['minutes']:.1f} |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser, rows="the Training and PublicTest rows")
    parser.add_argument("--epochs", type=int, default=4, help="epochs of every short run")
    parser.add_argument("--output-dir", default="runs/ablation")
    parser.add_argument("--only", nargs="*", choices=list(VARIANTS), help="run these variants only")
    args = parser.parse_args()
    base = replace(BASELINE, epochs=args.epochs)
    data = load_fer2013(args.data)
    rows = []
    for name in args.only or VARIANTS:
        rows.append(run_variant(name, VARIANTS[name], base, data, args.output_dir))
        baseline = rows[0]["accuracy"] if rows[0]["variant"] == "baseline" else None
        print_table(rows, baseline)


def _slug(name):
    return "".join(c if c.isalnum() else "_" for c in name.split(" (")[0]).strip("_")


if __name__ == "__main__":
    main()
