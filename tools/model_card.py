"""Print the results tables of a run folder (default models/) from the files the run wrote.

The README's and the model card's PublicTest and Training figures are pasted from this output,
so every number in them traces back to metrics.json / history.csv / train_state.json rather than
to a hand copy (tests/test_model_card.py checks that they still agree).

    python tools/model_card.py [models]
"""

import json
import sys
from pathlib import Path

import pandas as pd

from fercnn.evaluation.metrics import format_mirror_gap
from fercnn.labels import EMOTIONS
from fercnn.training.recipe import lineage_table


def results_table(metrics):
    lines = [
        "| split | images | accuracy | 95% interval | macro-F1 | accuracy, flip TTA | macro-F1, flip TTA |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, split in metrics["splits"].items():
        low, high = split["accuracy_ci95"]
        lines.append(
            f"| {name} ({split['usage']}) | {split['images']:,} | {split['accuracy']:.2%} "
            f"| {low:.1%} to {high:.1%} | {split['macro_f1']:.4f} | {split['accuracy_flip_tta']:.2%} "
            f"| {split['macro_f1_flip_tta']:.4f} |"
        )
    for usage in metrics["missing_splits"]:
        lines.append(f"| {usage} | not in this copy of the data | | | | | |")
    return "\n".join(lines)


def headline(split):
    """One split's figures as the README's headline quotes them."""
    low, high = split["accuracy_ci95"]
    return (
        f"{split['accuracy']:.2%} ({low:.1%} to {high:.1%}), macro-F1 {split['macro_f1']:.4f}; "
        f"{split['accuracy_flip_tta']:.2%} with flip TTA"
    )


def level_line(val_accuracy):
    """The level a run holds, beside its best epoch, which the pick on PublicTest flatters."""
    half = val_accuracy.iloc[len(val_accuracy) // 2 :]
    return (
        f"PublicTest over the last {len(half)} epochs: mean {half.mean():.2%}, "
        f"{half.min():.2%} to {half.max():.2%}"
    )


def per_class_table(split):
    lines = ["| class | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for name in EMOTIONS:
        row = split["per_class"][name]
        lines.append(
            f"| {name} | {row['precision']:.4f} | {row['recall']:.4f} | {row['f1-score']:.4f} "
            f"| {int(row['support'])} |"
        )
    return "\n".join(lines)


def main():
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "models")
    metrics = json.loads((folder / "metrics.json").read_text())
    state = json.loads((folder / "train_state.json").read_text())
    history = pd.read_csv(folder / "history.csv")
    print(f"parameters: {metrics['parameters']:,}")
    print(
        f"epochs done: {state['epochs_done']}, best epoch {state['best_epoch']} "
        f"(PublicTest accuracy during training {state['best_val_accuracy']:.4f})"
    )
    print(
        f"last epoch: train accuracy (augmented) {history['accuracy'].iloc[-1]:.4f}, "
        f"val accuracy {history['val_accuracy'].iloc[-1]:.4f}"
    )
    print(level_line(history["val_accuracy"]), "\n")
    print(results_table(metrics), "\n")
    print("README headline, PublicTest:", headline(metrics["splits"]["validation"]), "\n")
    print(format_mirror_gap(metrics), "\n")
    print("PublicTest (validation) per class:\n")
    print(per_class_table(metrics["splits"]["validation"]))
    print("\nLineage (the card's table, from fercnn.training.recipe.LINEAGE):\n")
    print(lineage_table())


if __name__ == "__main__":
    main()
