"""Does a model prefer blurred faces? PublicTest accuracy on the real faces and on resampled copies.

A model should score best on the faces it will be used on: sharp ones. Each copy below moves
the faces by a near-identity amount (0.5 degrees, 0.5% shift and zoom), so only the blur of
bilinear resampling changes them: three times for Keras' chain of RandomRotation,
RandomTranslation and RandomZoom, once for fercnn's single affine warp. A model that scores
higher on the resampled copies than on the real faces learnt the blur of its training
augmentation.

    python benchmarks/blur_gap.py MODEL.keras [MODEL.keras ...] [--data PATH]
"""

import argparse
import os
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.augment import AugmentConfig, build_augmenter  # noqa: E402
from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.runtime.classifier import as_classifier  # noqa: E402

NEAR_IDENTITY = AugmentConfig(
    rotation_degrees=0.5,
    shift_fraction=0.005,
    zoom_fraction=0.005,
    horizontal_flip=False,
    warp_probability=1.0,
)


def resampled(images, resampling, seed=0):
    augmenter = build_augmenter(replace(NEAR_IDENTITY, resampling=resampling), seed=seed)
    return np.asarray(augmenter(images.astype("float32"), training=True))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", type=Path, help=".keras models to compare")
    add_data_argument(parser)
    args = parser.parse_args()
    validation = load_fer2013(args.data)["validation"]
    inputs = {
        "real faces": validation.images,
        "resampled 3x (per_layer)": resampled(validation.images, "per_layer"),
        "resampled 1x (once)": resampled(validation.images, "once"),
    }
    print("| model | " + " | ".join(inputs) + " |")
    print("|---|" + "---:|" * len(inputs))
    for path in args.models:
        model = keras.models.load_model(path)
        scores = [accuracy(model, images, validation.labels) for images in inputs.values()]
        print(f"| {path} | " + " | ".join(f"{100 * score:.2f}%" for score in scores) + " |", flush=True)


def accuracy(model, images, labels):
    return float(np.mean(as_classifier(model)(images).argmax(axis=1) == labels))


if __name__ == "__main__":
    main()
