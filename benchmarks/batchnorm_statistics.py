"""Would fresh BatchNorm statistics help? PublicTest accuracy with each BatchNorm's mean and
variance re-measured on Training faces, against the model as saved.

Keras' weight averaging (``AdamW(use_ema=True)``) averages the trainable weights only: a
model saved with averaged weights keeps the moving statistics of the raw weights, gathered on
the mixed and warped faces it trained on. Re-measuring them for the averaged weights ("precise
BatchNorm") is a common free gain. Each row sets every BatchNorm's statistics to the exact
mean and variance of its inputs over one pass of faces, the layers before it normalising each
batch by its own statistics, as in training.

    python benchmarks/batchnorm_statistics.py MODEL.keras [--data PATH]
"""

import argparse
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
from data_argument import add_data_argument  # noqa: E402

from fercnn.data.augment import augment_arrays  # noqa: E402
from fercnn.data.loading import load_fer2013  # noqa: E402
from fercnn.data.mixing import training_arrays  # noqa: E402
from fercnn.evaluation.metrics import evaluate_split  # noqa: E402
from fercnn.training.config import TrainConfig  # noqa: E402
from fercnn.training.loop import class_weights  # noqa: E402

BATCH = 512


def remeasure_batchnorm(model, images):
    """Set every BatchNorm's moving mean and variance to those of its inputs over ``images``."""
    norms = [layer for layer in model.layers if isinstance(layer, keras.layers.BatchNormalization)]
    inputs_of_norms = keras.Model(model.input, [layer.input for layer in norms])
    sums = [0.0] * len(norms)
    squares = [0.0] * len(norms)
    for start in range(0, len(images), BATCH):
        outputs = inputs_of_norms(images[start : start + BATCH].astype("float32"), training=True)
        for index, output in enumerate(outputs):
            values = np.asarray(output, dtype="float64").reshape(-1, output.shape[-1])
            sums[index] = sums[index] + values.sum(axis=0)
            squares[index] = squares[index] + (values**2).sum(axis=0)
    for layer, total, square, output in zip(norms, sums, squares, inputs_of_norms.outputs, strict=True):
        count = len(images) * int(np.prod(output.shape[1:-1]))
        mean = total / count
        layer.moving_mean.assign(mean.astype("float32"))
        layer.moving_variance.assign((square / count - mean**2).astype("float32"))


def training_views(train_split, config, seed=0):
    """One epoch of Training faces as ``config`` trains on them: mixed, then warped and flipped."""
    images, _, _ = training_arrays(
        train_split.images,
        train_split.labels,
        class_weights(train_split.labels, config.class_weighting),
        config.mixup_alpha,
        config.cutmix_alpha,
        rng=np.random.default_rng(seed),
    )
    return augment_arrays(config.augment, images, seed=seed, batch_size=BATCH)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model", help=".keras model built by fercnn")
    parser.add_argument("--config", default="models/config.json", help="the run's config (its augmentation)")
    add_data_argument(parser, rows="the Training and PublicTest rows")
    args = parser.parse_args()
    data = load_fer2013(args.data)
    train_split, validation = data["train"], data["validation"]
    faces = {
        "as saved": None,
        "re-measured on the Training faces": train_split.images,
        "re-measured on one epoch of mixed and warped Training faces": training_views(
            train_split, TrainConfig.load(args.config)
        ),
    }
    print("| BatchNorm statistics | PublicTest accuracy | macro-F1 | flip TTA |")
    print("|---|---:|---:|---:|")
    for name, images in faces.items():
        model = keras.models.load_model(args.model)
        if images is not None:
            remeasure_batchnorm(model, images)
        summary = evaluate_split(model, "validation", validation).summary()
        print(
            f"| {name} | {summary['accuracy']:.2%} | {summary['macro_f1']:.4f} "
            f"| {summary['accuracy_flip_tta']:.2%} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
