"""Knowledge distillation: saved models (the teachers) lend the student their soft labels.

The mean of several FER2013 models scores above each of them (the four hybrid models kept in
``models/``: 70.80% on PublicTest against 69.46% for the best of them;
``benchmarks/ensemble_gain.py``), but it costs as many forward passes as it has members.
Distillation keeps one model: each training face's target becomes a blend of its one-hot label
and the teachers' probabilities, which also say how much a face looks like the other emotions
(a fearful face that reads half surprised). The teachers run once, before training, on the
unaugmented Training faces (each face and its mirror image), and their probabilities are
cached in the run's folder, so a resumed run does not pay for them again.
"""

from pathlib import Path

import keras
import numpy as np

from .evaluate import evaluate_split
from .labels import NUM_CLASSES

TEACHER_CACHE = "teacher_probabilities.npz"


def teacher_probabilities(teacher_paths, split, temperature=1.0):
    """The teachers' mean flip-averaged probabilities for ``split``, softened by ``temperature``.

    Temperature T raises each probability to 1/T and renormalises, the same as dividing the
    logits by T: above 1 it shows more of the other emotions, which a confident teacher hides.
    """
    if not teacher_paths:
        raise ValueError("knowledge distillation needs at least one teacher model")
    total = np.zeros((len(split), NUM_CLASSES), dtype="float64")
    for path in teacher_paths:
        total += evaluate_split(_load_teacher(path), "train", split).tta_probabilities
    softened = (total / len(teacher_paths)) ** (1.0 / temperature)
    return (softened / softened.sum(axis=1, keepdims=True)).astype("float32")


def cached_teacher_probabilities(output_dir, teacher_paths, split, temperature=1.0):
    """:func:`teacher_probabilities`, computed once per run folder and recomputed only when the
    teachers, the temperature or the number of faces differ from the cached ones."""
    cache = Path(output_dir) / TEACHER_CACHE
    key = {"teachers": np.array([str(path) for path in teacher_paths]), "temperature": np.array(temperature)}
    if cache.is_file():
        with np.load(cache) as cached:
            if _same_key(cached, key) and cached["probabilities"].shape == (len(split), NUM_CLASSES):
                return cached["probabilities"]
    probabilities = teacher_probabilities(teacher_paths, split, temperature)
    np.savez(cache, probabilities=probabilities, **key)
    return probabilities


def _same_key(cached, key):
    return all(name in cached and np.array_equal(cached[name], value) for name, value in key.items())


def distillation_targets(labels, teacher_probs, teacher_weight):
    """``teacher_weight`` of each target from the teachers, the rest from the one-hot label."""
    if len(teacher_probs) != len(labels):
        raise ValueError(f"{len(teacher_probs)} teacher probabilities for {len(labels)} training faces")
    one_hot = keras.utils.to_categorical(labels, NUM_CLASSES)
    return ((1 - teacher_weight) * one_hot + teacher_weight * teacher_probs).astype("float32")


def _load_teacher(path):
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"teacher model {path} does not exist: pass saved .keras models")
    return keras.models.load_model(path)
