"""Export a trained model to TensorFlow Lite (float32 and full-integer int8) and run it.

The int8 model is quantised after training with a representative sample of training faces;
its input is the raw uint8 face (the model's own Rescaling maps it to [-1, 1]) and its output
the seven probabilities as uint8, dequantised by :class:`fercnn.runtime.litert.TFLiteClassifier`.
Unlike the model, training and augmentation code, this module needs TensorFlow: the converter
is TensorFlow's.
"""

import tempfile
from pathlib import Path

import numpy as np
import tensorflow as tf

from ..models.files import load_keras_model

REPRESENTATIVE_IMAGES = 500


KINDS = ("float32", "int8")


def export_paths(model_path, output_dir):
    """Where :func:`export_tflite` writes each kind: ``<stem>_float32.tflite``, ``<stem>_int8.tflite``."""
    return {kind: Path(output_dir) / f"{Path(model_path).stem}_{kind}.tflite" for kind in KINDS}


def export_tflite(model_path, output_dir, representative_faces):
    """Write the float32 and int8 exports of a ``.keras`` model; return their paths by kind."""
    Path(output_dir).mkdir(parents=True, exist_ok=True)
    model = load_keras_model(model_path)
    paths = export_paths(model_path, output_dir)
    configurations = {"float32": _float32, "int8": _full_integer(representative_faces)}
    with tempfile.TemporaryDirectory() as saved_model:
        model.export(saved_model, format="tf_saved_model", verbose=False)
        for kind, path in paths.items():
            converter = tf.lite.TFLiteConverter.from_saved_model(saved_model)
            configurations[kind](converter)
            path.write_bytes(converter.convert())
    return paths


def _float32(converter):
    """No changes: the float model is the Keras model, op for op."""


def _full_integer(faces):
    sample = faces[np.random.default_rng(0).permutation(len(faces))[:REPRESENTATIVE_IMAGES]]

    def representative_dataset():
        for face in sample:
            yield [face[None].astype(np.float32)]

    def configure(converter):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = representative_dataset
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        converter.inference_input_type = tf.uint8
        converter.inference_output_type = tf.uint8

    return configure


def accuracy_by_model(classifiers, split, batch_size=256):
    """Accuracy of each ``name -> classifier`` on a split, for checking exports against Keras."""
    accuracies = {}
    for name, classify in classifiers.items():
        batches = range(0, len(split), batch_size)
        probabilities = np.concatenate(
            [classify(split.images[start : start + batch_size]) for start in batches]
        )
        accuracies[name] = float((probabilities.argmax(axis=1) == split.labels).mean())
    return accuracies
