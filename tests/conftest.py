"""Synthetic FER2013-format data: the suite never needs the real dataset.

Faces are made trivially separable (each class has its own brightness band and a stripe at
a class-specific row), so a tiny model must learn them within a couple of epochs.
"""

import gzip
import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from fercnn.labels import EMOTIONS, IMAGE_SIZE, SPLIT_TO_USAGE  # noqa: E402
from fercnn.training import checkpoints  # noqa: E402
from fercnn.training import loop as train_module  # noqa: E402
from fercnn.training.config import TrainConfig  # noqa: E402
from fercnn.training.loop import train  # noqa: E402
from fercnn.training.recipe import TINY_MODEL  # noqa: E402

# The real FER2013 CSV, where the environment names one (CI does when it has the data): a few
# tests check the loader and the shipped model's figures on it, and skip without it.
REAL_DATA = Path(os.environ["FER2013_CSV"]) if os.environ.get("FER2013_CSV") else None


def make_faces(per_class, seed=0):
    """``(7 * per_class, 48, 48, 1)`` uint8 faces and their labels, in class order."""
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(EMOTIONS)), per_class)
    images = rng.integers(0, 40, size=(len(labels), IMAGE_SIZE, IMAGE_SIZE, 1))
    for index, label in enumerate(labels):
        images[index] += 30 * label
        images[index, 6 * label : 6 * label + 4] = 255
    return images.clip(0, 255).astype(np.uint8), labels


def csv_rows(images, labels, usage):
    pairs = zip(images, labels, strict=True)
    return [f"{label},{' '.join(map(str, image.ravel()))},{usage}" for image, label in pairs]


def write_wav(path):
    """One second of silence as a WAV file at ``path`` (named .mp4, it is a sound file posing as
    a video)."""
    import wave

    with wave.open(str(path), "wb") as sound:
        sound.setnchannels(1)
        sound.setsampwidth(2)
        sound.setframerate(8000)
        sound.writeframes(bytes(16000))
    return path


def write_csv(path, rows, header="emotion,pixels,Usage"):
    text = "\n".join([header, *rows]) + "\n"
    if str(path).endswith(".gz"):
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        Path(path).write_text(text)
    return path


def synthetic_rows(per_class=(6, 2, 2), splits=("train", "validation", "test"), seed=0):
    rows = []
    for offset, (split, count) in enumerate(zip(splits, per_class, strict=True)):
        images, labels = make_faces(count, seed + offset)
        rows += csv_rows(images, labels, SPLIT_TO_USAGE[split])
    return rows


@pytest.fixture(autouse=True)
def work_in_a_scratch_folder(tmp_path, monkeypatch):
    """Commands write their runs under the working folder (runs/): run each test in its own
    scratch folder, so that the suite never writes into the checkout."""
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def fer_csv(tmp_path):
    """A complete tiny FER2013 CSV: 6 training, 2 PublicTest and 2 PrivateTest faces per class."""
    return write_csv(tmp_path / "fer2013.csv", synthetic_rows())


@pytest.fixture(scope="session")
def learnable_csv(tmp_path_factory):
    """Enough separable faces to learn from (Training and PublicTest only, as some copies hold)."""
    rows = synthetic_rows(per_class=(24, 6), splits=("train", "validation"))
    return write_csv(tmp_path_factory.mktemp("learnable") / "fer2013.csv.gz", rows)


# "Learned": far above chance (1/7) on the separable faces, and far enough below what six epochs
# reach that no CPU, BLAS build or thread count decides it. A test that checks how a run was
# trained (which faces, which targets) asserts that property itself, not an accuracy.
LEARNED = 0.6

# Two stages (one fused, one MBConv block) instead of four: the same code paths, a graph that
# TensorFlow traces in a few seconds instead of many (tracing, not arithmetic, dominates here);
# the network of ``recipe --tiny``.


def tiny_config(**overrides):
    """A recipe that trains a small model in seconds on the synthetic faces."""
    settings = dict(
        epochs=6,
        batch_size=16,
        learning_rate=5e-3,
        warmup_epochs=1,
        patience=50,
        model=TINY_MODEL,
    )
    return TrainConfig(**(settings | overrides))


@pytest.fixture(scope="session")
def tiny_config_file(tmp_path_factory):
    """The tiny model and a short schedule as a config.json, for training from the command line
    (``train --config``), whose flags cannot set the model's stages."""
    path = tmp_path_factory.mktemp("tiny") / "config.json"
    TrainConfig(epochs=1, batch_size=32, model=TINY_MODEL).save(path)
    return path


class Crash(Exception):
    """Stands for a run killed mid-training: Ctrl-C, a lost Colab runtime, a power cut."""


def train_until_crash(config, data, folder, monkeypatch, after_epoch):
    """Train ``config`` on ``data`` in ``folder`` until it dies just after epoch ``after_epoch``
    (0-based) was checkpointed."""
    original = checkpoints.RunCheckpoint.on_epoch_end

    def checkpoint_then_crash(self, epoch, logs=None):
        original(self, epoch, logs)
        if epoch == after_epoch:
            raise Crash

    with monkeypatch.context() as patch:
        patch.setattr(checkpoints.RunCheckpoint, "on_epoch_end", checkpoint_then_crash)
        with pytest.raises(Crash):
            train(config, data, folder, verbose=0)


@pytest.fixture
def epoch_arrays(monkeypatch):
    """Records what each epoch of ``train`` mixes from (``targets``) and the faces and targets
    it mixes (what it fits on, unless teachers then label the mixed faces)."""
    calls = []
    real = train_module.training_arrays

    def recording(*args, **kwargs):
        arrays = real(*args, **kwargs)
        calls.append({"base_targets": kwargs.get("targets"), "images": arrays[0], "mixed_targets": arrays[1]})
        return arrays

    monkeypatch.setattr(train_module, "training_arrays", recording)
    return calls


@pytest.fixture(scope="session")
def trained_run(learnable_csv, tmp_path_factory):
    """One short training shared by the tests that only read its results."""
    config = tiny_config()
    return config, train(config, learnable_csv, tmp_path_factory.mktemp("trained") / "run", verbose=0)
