"""Mixup and CutMix: training faces that blend two faces and their labels.

Both fight the memorisation a small FER2013 model falls into (Training accuracy far above
PublicTest's after a few cosine cycles): a target like "0.7 happy + 0.3 surprise" cannot be
learned by heart. Mixup blends whole images; CutMix pastes a box of one face into another and
mixes the labels by the box's area. With both on, each face gets one of them at random.

Mixing needs the labels, which Keras layers never see, so it is done on numpy arrays, once per
epoch, before ``fit``: a Python generator or ``keras.utils.PyDataset`` feeding ``fit`` batch by
batch is markedly slower on a CPU than numpy arrays. The augmentation layers in front
of the network still run afterwards. Class weights become per-sample weights mixed the same
way as the labels, so a rare class keeps its weight in a blend.
"""

import keras
import numpy as np

from ..errors import SettingError
from ..labels import NUM_CLASSES


def training_arrays(images, labels, class_weights, mixup_alpha=0.0, cutmix_alpha=0.0, rng=None, targets=None):
    """One epoch of ``(float32 images, soft targets, sample weights)``, mixed if an alpha is set.

    ``class_weights`` maps a label to its loss weight (classes not named weigh 1). ``targets``
    replaces the one-hot labels as what is learned (distillation's soft labels); the weights
    still follow ``labels``. An ``alpha`` is that of the Beta(alpha, alpha) distribution each
    face's mixing ratio is drawn from: 0.2 keeps most faces almost whole, 1.0 draws any ratio;
    0 turns a method off.
    """
    if mixup_alpha < 0 or cutmix_alpha < 0:
        raise SettingError(
            f"mixup_alpha={mixup_alpha} and cutmix_alpha={cutmix_alpha} must be >= 0 (0 turns one off)"
        )
    images = images.astype("float32")
    targets = keras.utils.to_categorical(labels, NUM_CLASSES) if targets is None else targets
    weights = _weight_table(class_weights)[labels]
    if not (mixup_alpha or cutmix_alpha):
        return images, targets, weights
    rng = rng if rng is not None else np.random.default_rng()
    partners = rng.permutation(len(images))
    partner_images = images[partners]
    use_cutmix = _choose_cutmix(len(images), mixup_alpha, cutmix_alpha, rng)
    ratios = np.where(use_cutmix, _beta(cutmix_alpha, len(images), rng), _beta(mixup_alpha, len(images), rng))
    cut, kept = cut_and_paste(images, partner_images, ratios, rng)
    images = np.where(use_cutmix[:, None, None, None], cut, mix_images(images, partner_images, ratios))
    ratios = np.where(use_cutmix, kept, ratios).astype("float32")
    return images, _blend(targets, partners, ratios), _blend(weights, partners, ratios)


def mix_images(images, partners, ratios):
    """Mixup: ``ratio`` of each face blended with ``1 - ratio`` of its partner."""
    ratios = ratios.reshape(-1, 1, 1, 1)
    return ratios * images + (1 - ratios) * partners


def cut_and_paste(images, partners, ratios, rng):
    """CutMix: a box of about ``1 - ratio`` of each face's area comes from its partner.

    A box is clipped at the image border, so the ratio returned per face is the share of its
    own pixels actually kept, which is what its label is mixed by.
    """
    count, height, width = images.shape[:3]
    side = np.sqrt(1 - ratios)
    rows = _box_span(height, np.round(height * side).astype(int), rng.integers(height, size=count))
    cols = _box_span(width, np.round(width * side).astype(int), rng.integers(width, size=count))
    box = rows[:, :, None] & cols[:, None, :]
    mixed = np.where(box[..., None], partners, images)
    return mixed, 1 - box.mean(axis=(1, 2))


def _box_span(size, lengths, centres):
    """Per face, which of ``size`` pixel positions fall in a box of ``length`` around ``centre``."""
    start = centres - lengths // 2
    positions = np.arange(size)
    return (positions >= start[:, None]) & (positions < (start + lengths)[:, None])


def _choose_cutmix(count, mixup_alpha, cutmix_alpha, rng):
    if not mixup_alpha:
        return np.ones(count, dtype=bool)
    if not cutmix_alpha:
        return np.zeros(count, dtype=bool)
    return rng.random(count) < 0.5


def _beta(alpha, count, rng):
    return rng.beta(alpha, alpha, size=count) if alpha else np.ones(count)


def _blend(values, partners, ratios):
    ratios = ratios.reshape(-1, *[1] * (values.ndim - 1))
    return (ratios * values + (1 - ratios) * values[partners]).astype("float32")


def _weight_table(class_weights):
    """Class weights as an array indexed by label; classes not named weigh 1."""
    table = np.ones(NUM_CLASSES, dtype="float32")
    for label, weight in (class_weights or {}).items():
        table[label] = weight
    return table
