"""Grad-CAM: which parts of a face drove the model's decision.

The heatmap of a class is the last convolutional block's activations weighted by the
gradient of that class's log-probability with respect to them (Selvaraju et al., 2017).
The log keeps the gradient alive where softmax saturates. Gradients need a backend's
autodiff, so this module (an inspection tool, not training code) uses TensorFlow's.
"""

import cv2
import keras
import numpy as np
import tensorflow as tf

from ..labels import IMAGE_SIZE

DEFAULT_LAYER = "head_relu6"


def grad_cam(model, faces, classes, layer_name=DEFAULT_LAYER):
    """Heatmaps ``(N, 48, 48)`` in [0, 1] for ``faces`` (raw pixels) and one class per face."""
    features_and_output = keras.Model(model.inputs, [model.get_layer(layer_name).output, model.output])
    faces = tf.convert_to_tensor(np.asarray(faces, dtype="float32"))
    with tf.GradientTape() as tape:
        features, probabilities = features_and_output(faces, training=False)
        chosen = tf.gather(probabilities, np.asarray(classes), axis=1, batch_dims=1)
        score = tf.math.log(chosen + 1e-9)
    gradients = tape.gradient(score, features)
    weights = tf.reduce_mean(gradients, axis=(1, 2), keepdims=True)
    maps = tf.nn.relu(tf.reduce_sum(weights * features, axis=-1)).numpy()
    return np.stack([_normalised(cv2.resize(m, (IMAGE_SIZE, IMAGE_SIZE), cv2.INTER_CUBIC)) for m in maps])


def pick_examples(labels, probabilities, per_class=2):
    """Per true class, the most confident correct and the most confident wrong predictions.

    Returns ``[(class, [correct indices], [wrong indices]), ...]``; lists may be shorter than
    ``per_class`` where a class has too few examples (disgust, say).
    """
    predictions = probabilities.argmax(axis=1)
    confidence = probabilities.max(axis=1)
    picked = []
    for label in range(probabilities.shape[1]):
        right = np.flatnonzero((labels == label) & (predictions == label))
        wrong = np.flatnonzero((labels == label) & (predictions != label))
        picked.append(
            (
                label,
                _most_confident(right, confidence, per_class),
                _most_confident(wrong, confidence, per_class),
            )
        )
    return picked


def _most_confident(indices, confidence, count):
    return indices[np.argsort(-confidence[indices], kind="stable")][:count].tolist()


def _normalised(heatmap):
    heatmap = np.maximum(heatmap, 0)
    top = heatmap.max()
    return heatmap / top if top > 0 else heatmap
