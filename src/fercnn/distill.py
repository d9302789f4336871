"""Knowledge distillation: saved models (the teachers) lend the student their soft labels.

An average of several FER2013 models scores 2 to 3 points above its best member on PublicTest,
but it costs as many forward passes as it has members. Distillation keeps one model: each
training face's target becomes a blend of its one-hot label and the teachers' probabilities,
which also say how much a face looks like the other emotions (a fearful face that reads half
surprised). The teachers run once, before training, on the unaugmented Training faces (each
face and its mirror image), and their probabilities are cached in the run's folder, so a
resumed run does not pay for them again.
"""

from pathlib import Path

import keras
import numpy as np

from .evaluate import evaluate_split
from .labels import NUM_CLASSES

TEACHER_CACHE = "teacher_probabilities.npy"


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
    """:func:`teacher_probabilities`, computed once per run folder.

    The run's ``config.json`` pins the teachers and the temperature (a resume with other ones
    is refused), so a cache of the right shape belongs to this run.
    """
    cache = Path(output_dir) / TEACHER_CACHE
    if cache.is_file():
        cached = np.load(cache)
        if cached.shape == (len(split), NUM_CLASSES):
            return cached
    probabilities = teacher_probabilities(teacher_paths, split, temperature)
    np.save(cache, probabilities)
    return probabilities


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
