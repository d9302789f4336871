"""Knowledge distillation: saved models (the teachers) lend the student their soft labels.

The mean of several FER2013 models scores above each of them (``benchmarks/ensemble_gain.py``
measures it), but it costs as many forward passes as it has members. Distillation keeps one
model: each training face's target becomes a blend of its one-hot label
and the teachers' probabilities, which also say how much a face looks like the other emotions
(a fearful face that reads half surprised).

The teachers can see three views of the Training faces (``TrainConfig.teacher_views``):

- ``"clean"``: they run once, before training, on the unaugmented faces (each face and its
  mirror image), and their probabilities are cached in the run's folder, so a resumed run does
  not pay for them again. Cheap, but on faces the teachers trained on they mostly repeat the
  label.
- ``"mixed"``: every epoch they label the same mixup and CutMix blends the student is about to
  fit, so the student matches the teachers on faces neither has seen ("consistent teaching",
  Beyer et al. 2022, *Knowledge distillation: A good teacher is patient and consistent*). It
  costs each teacher two forward passes over Training per epoch, which on a CPU can cost more
  than the student's own epoch; a GPU makes it cheap. The flips and warps still run inside
  ``fit``, after the teachers have labelled the blend, so a face the student sees shifted
  or rotated carries the label of the unmoved face.
- ``"augmented"``: the same, but the flips and warps run on the blends before the teachers
  see them (:func:`fercnn.data.augment.augment_arrays`), and ``fit`` gets those very faces with
  no augmentation of its own: teacher and student see exactly one face. The shipped model's
  last cycles were trained this way (see the model card).
"""

from pathlib import Path

import numpy as np

from ..errors import SettingError
from ..evaluation.metrics import plain_and_mirrored
from ..labels import NUM_CLASSES
from ..models.files import load_keras_model
from .distribute import batch_for_devices, device_count, pad_to_multiple

TEACHER_CACHE = "teacher_probabilities.npz"


class Teachers:
    """Saved models that label faces with their mean flip-averaged probabilities.

    Temperature T raises each probability to 1/T and renormalises, the same as dividing the
    logits by T: above 1 it shows more of the other emotions, which a confident teacher hides.
    """

    def __init__(self, paths, temperature=1.0):
        if not paths:
            raise SettingError("knowledge distillation needs at least one teacher model: pass --teacher PATH")
        self.models = [_load_teacher(path) for path in paths]
        self.temperature = temperature

    def probabilities(self, images):
        # padded to split evenly where the teachers are spread over devices (train --data-parallel)
        (padded,), _ = pad_to_multiple([images], device_count())
        total = np.zeros((len(images), NUM_CLASSES), dtype="float64")
        for model in self.models:
            plain, mirrored = plain_and_mirrored(model, padded, batch_for_devices(256))
            total += (plain + mirrored)[: len(images)]
        softened = (total / (2 * len(self.models))) ** (1.0 / self.temperature)
        return (softened / softened.sum(axis=1, keepdims=True)).astype("float32")


def teacher_probabilities(teacher_paths, split, temperature=1.0):
    """The teachers' mean flip-averaged probabilities for ``split``, softened by ``temperature``."""
    return Teachers(teacher_paths, temperature).probabilities(split.images)


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


def distillation_targets(targets, teacher_probs, teacher_weight):
    """``teacher_weight`` of each target from the teachers, the rest from ``targets`` (the
    one-hot labels, or the mixed labels of blended faces)."""
    if len(teacher_probs) != len(targets):
        raise ValueError(f"{len(teacher_probs)} teacher probabilities for {len(targets)} training faces")
    return ((1 - teacher_weight) * targets + teacher_weight * teacher_probs).astype("float32")


def _load_teacher(path):
    return load_keras_model(path, "teacher model")
