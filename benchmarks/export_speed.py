"""Size, single-face latency, throughput and PublicTest accuracy: Keras vs its TFLite exports.

    python benchmarks/export_speed.py [--model models/fernet_fer2013.keras] [--data PATH]

Exports the model (float32 and int8) into a temporary folder, then measures all three in one
run. Accuracy needs the data (default: ``$FER2013_CSV``, else data/).
"""

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


from data_argument import add_data_argument  # noqa: E402

from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.models.shipped import shipped_model  # noqa: E402
from fercnn.runtime.classifier import load_classifier  # noqa: E402
from fercnn.runtime.export import accuracy_by_model, export_tflite  # noqa: E402
from fercnn.runtime.litert import TFLiteClassifier  # noqa: E402


def latency_ms(classify, face, repeats=200):
    classify(face)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        classify(face)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def throughput(classify, faces, batch_size=256):
    classify(faces[:batch_size])
    start = time.perf_counter()
    for first in range(0, len(faces), batch_size):
        classify(faces[first : first + batch_size])
    return len(faces) / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=shipped_model("fer2013"))
    add_data_argument(parser, rows="the Training (int8 calibration) and PublicTest rows")
    args = parser.parse_args()
    data = load_fer2013(args.data)
    validation = data["validation"]
    with tempfile.TemporaryDirectory() as folder:
        paths = {"keras": args.model} | export_tflite(args.model, folder, data["train"].images)
        classifiers = {"keras": load_classifier(args.model)}
        classifiers |= {kind: TFLiteClassifier(path) for kind, path in paths.items() if kind != "keras"}
        accuracies = accuracy_by_model(classifiers, validation)
        print(f"{os.cpu_count()} CPU cores; latency: one face, median of 200; throughput: batches of 256")
        print("| model | size (MB) | latency (ms) | throughput (faces/s) | PublicTest accuracy | vs keras |")
        print("|---|---:|---:|---:|---:|---:|")
        for kind, classify in classifiers.items():
            latency = latency_ms(classify, validation.images[:1])
            print(
                f"| {kind} | {paths[kind].stat().st_size / 1e6:.2f} | {latency:.2f}"
                f" | {throughput(classify, validation.images):.0f} | {accuracies[kind]:.4f}"
                f" | {100 * (accuracies[kind] - accuracies['keras']):+.2f} pts |"
            )


if __name__ == "__main__":
    main()
