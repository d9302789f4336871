"""Is test-time augmentation beyond the mirror image worth it? PublicTest accuracy per view set.

Multi-crop TTA (the "ten-crop" of many FER2013 papers) averages the predictions of shifted
crops. Here the crops are whole-pixel shifts of the edge-padded 48x48 face, so no view is
resampled (see blur_gap.py for why that matters), each with its mirror image:

* plus s: the face and its four shifts by s pixels (up, down, left, right), x2 mirrored = 10 views
* square s: plus s and the four diagonal shifts, x2 mirrored = 18 views

    python benchmarks/tta_views.py [MODEL.keras] [--data PATH]
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.dataset import Split  # noqa: E402
from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.evaluation.metrics import evaluate_split, macro_f1  # noqa: E402
from fercnn.models.shipped import shipped_model  # noqa: E402

SHIFTS = (1, 2, 3)


def shifted(images, dy, dx):
    """Crops of the faces ``dy`` rows down and ``dx`` columns right; the border they uncover
    repeats the edge pixels."""
    pad = max(abs(dy), abs(dx))
    padded = np.pad(images, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")
    height, width = images.shape[1:3]
    return padded[:, pad + dy : pad + dy + height, pad + dx : pad + dx + width]


def view_sets():
    """Name -> pixel offsets; every set holds the unshifted face, each offset is also mirrored."""
    sets = {"mirror only (flip TTA)": [(0, 0)]}
    for s in SHIFTS:
        plus = [(0, 0), (-s, 0), (s, 0), (0, -s), (0, s)]
        sets[f"plus {s} px (10 views)"] = plus
        sets[f"square {s} px (18 views)"] = plus + [(-s, -s), (s, s), (-s, s), (s, -s)]
    return sets


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "model", nargs="?", type=Path, default=shipped_model("fer2013"), help="a .keras model"
    )
    add_data_argument(parser)
    args = parser.parse_args()
    validation = load_fer2013(args.data)["validation"]
    model = keras.models.load_model(args.model, compile=False)
    sets = view_sets()
    unshifted = evaluate_split(model, "validation", validation)
    flip_averaged = {(0, 0): unshifted.tta_probabilities}  # offset -> mean of the crop and its mirror
    for dy, dx in sorted({offset for views in sets.values() for offset in views} - {(0, 0)}):
        crops = Split(shifted(validation.images, dy, dx), validation.labels)
        flip_averaged[dy, dx] = evaluate_split(model, "validation", crops).tta_probabilities
    print(f"{args.model} on PublicTest ({len(validation)} faces)\n")
    print("| views | accuracy | macro-F1 |\n|---|---:|---:|")
    print(_row("none (single view)", validation.labels, unshifted.predictions))
    for name, views in sets.items():
        print(_row(name, validation.labels, sum(flip_averaged[offset] for offset in views).argmax(1)))


def _row(name, labels, predictions):
    accuracy = 100 * np.mean(predictions == labels)
    return f"| {name} | {accuracy:.2f}% | {macro_f1(labels, predictions):.4f} |"


if __name__ == "__main__":
    main()
