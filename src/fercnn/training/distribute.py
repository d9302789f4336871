"""Data-parallel training (``train --data-parallel``): one model copy per device, each step's
batch split between them.

Keras 3 spreads a step over devices with ``keras.distribution.DataParallel``: the weights are
replicated on every device listed by ``keras.distribution.list_devices()`` (the GPUs or TPUs,
else the CPU devices), each device takes an equal slice of the batch, and the gradients are
summed across devices inside the compiled step. Keras implements that API for the JAX backend
only (its TensorFlow module is a prototype the TensorFlow trainer does not use), so on any
other backend ``--data-parallel`` is refused with a :class:`SettingError`.

Two rules keep a data-parallel run the same optimisation as a run on one device:

- ``batch_size`` is the **global** batch (each device gets ``batch_size / devices`` faces), and
  the learning rate is **not scaled** (:data:`LEARNING_RATE_RULE`): the step, its mean loss
  and its gradient are those of one device with the same batch. So the device count can
  change when a run is resumed, and the run carries on on the same schedule.
- every array a distributed model sees is split evenly, so an array whose length is not a
  multiple of the device count is padded: the last training batch with repeats of its own
  faces at sample weight 0 (:func:`arrays_for_devices`; they add nothing to the gradient, but
  that one batch's mean loss is divided by its padded size), predictions with repeats whose
  outputs are dropped (:func:`padded_predict`). Validation is computed on the exact faces
  by :class:`ExactValidation`. The faces of each epoch are shuffled here, by a seeded
  permutation, not by ``fit``, so that the batches are the same on any number of devices.

Each run folder records the devices of every start or resume in :data:`DEVICES_RECORD`.
Several hosts (``keras.distribution.initialize()`` on each) are refused for now, since each
process would need its own share of every batch; ``docs/SCALE.md`` says what is missing.
"""

import json
import logging
import os
from contextlib import contextmanager, nullcontext
from datetime import datetime, timezone
from pathlib import Path

import keras
import numpy as np

from ..errors import SettingError
from .ema import averaged_weights

__all__ = [
    "DEVICES_RECORD",
    "LEARNING_RATE_RULE",
    "SUPPORTED_BACKENDS",
    "ExactValidation",
    "arrays_for_devices",
    "batch_for_devices",
    "data_parallel_scope",
    "device_count",
    "several_hosts",
    "pad_to_multiple",
    "padded_predict",
    "record_devices",
]

LOGGER = logging.getLogger(__name__)

DEVICES_RECORD = "devices.json"
SUPPORTED_BACKENDS = ("jax",)
LEARNING_RATE_RULE = (
    "none: batch_size is the global batch, split evenly between the devices, so the learning rate "
    "of one device with that batch applies unchanged"
)


def several_hosts() -> bool:
    """Whether the launch names a cluster of several processes (``KERAS_DISTRIBUTION_NUM_PROCESSES``
    above 1), the case for ``keras.distribution.initialize()``."""
    return int(os.environ.get("KERAS_DISTRIBUTION_NUM_PROCESSES", "1")) > 1


def data_parallel_scope(enabled: bool, batch_size: int):
    """A context in which Keras objects are built and trained data-parallel over every device
    (when ``enabled``), or a no-op. Refuses a backend Keras does not distribute on and a batch
    that does not split evenly between the devices."""
    if not enabled:
        return nullcontext([])
    return _data_parallel(batch_size)


@contextmanager
def _data_parallel(batch_size):
    backend = keras.backend.backend()
    if backend not in SUPPORTED_BACKENDS:
        raise SettingError(
            f"--data-parallel uses keras.distribution, which Keras {keras.__version__} implements for the "
            f"JAX backend only, and this run's backend is {backend}: run it with KERAS_BACKEND=jax "
            "(pip install 'fercnn[jax]'), or train without --data-parallel"
        )
    if several_hosts():
        # keras.distribution.initialize() would join the cluster, but each process would then feed
        # the whole batch (Keras takes numpy arrays as the process's own share) and predict on
        # arrays it only partly holds: refused rather than trained on duplicated faces
        raise SettingError(
            "--data-parallel runs on the devices of one host: KERAS_DISTRIBUTION_NUM_PROCESSES is "
            f"{os.environ['KERAS_DISTRIBUTION_NUM_PROCESSES']}, and splitting each batch between processes "
            "is not implemented (see docs/SCALE.md); unset it to train on this host's devices"
        )
    devices = keras.distribution.list_devices()
    if batch_size % len(devices):
        lower = max(len(devices), batch_size - batch_size % len(devices))
        raise SettingError(
            f"TrainConfig.batch_size {batch_size} does not split evenly between {len(devices)} devices "
            f"({', '.join(devices)}): use a multiple of {len(devices)}, e.g. --batch-size {lower}"
        )
    LOGGER.info(
        f"Data-parallel over {len(devices)} device(s): {', '.join(devices)}; global batch {batch_size}, "
        f"{batch_size // len(devices)} faces a device"
    )
    distribution = keras.distribution.DataParallel(devices=devices)
    with distribution.scope():
        yield devices


def device_count() -> int:
    """How many devices the current ``keras.distribution`` splits a batch between (1 without one)."""
    distribution = keras.distribution.distribution()
    return 1 if distribution is None else int(distribution.device_mesh.devices.size)


def pad_to_multiple(arrays: list, multiple: int) -> tuple[list, int]:
    """``arrays`` (of one length, None allowed) lengthened to a multiple of ``multiple`` by
    repeating their first rows; also the number of rows added."""
    length = next(len(array) for array in arrays if array is not None)
    missing = -length % multiple
    if not missing:
        return list(arrays), 0
    take = np.arange(missing) % length
    return [None if a is None else np.concatenate([a, np.asarray(a)[take]]) for a in arrays], missing


def arrays_for_devices(
    images, targets, sample_weights, batch_size: int, multiple: int, rng: np.random.Generator
):
    """An epoch's arrays in the order of ``rng``'s permutation, their last batch padded for
    ``multiple`` devices with repeats of its own faces at sample weight 0. The batches are the
    same whatever the device count (``fit`` is then told not to shuffle); the padding adds
    nothing to the gradient, and a face repeated within its batch barely moves the batch-norm
    statistics (not at all where each face of the batch is repeated as often)."""
    if sample_weights is None:
        sample_weights = np.ones(len(images), dtype="float32")
    order = rng.permutation(len(images))
    missing = -len(order) % multiple
    if missing:
        last_batch = order[len(order) - (len(order) % batch_size or batch_size) :]
        order = np.concatenate([order, last_batch[np.arange(missing) % len(last_batch)]])
    weights = np.asarray(sample_weights, dtype="float32")[order]
    if missing:
        weights[-missing:] = 0.0
    return np.asarray(images)[order], np.asarray(targets)[order], weights


def padded_predict(predict, images: np.ndarray) -> np.ndarray:
    """``predict(images)`` for a model spread over devices: the faces padded to a multiple of
    the device count, the padding's outputs dropped."""
    (padded,), _ = pad_to_multiple([images], device_count())
    return np.asarray(predict(padded))[: len(images)]


def batch_for_devices(batch_size: int) -> int:
    """``batch_size`` rounded up to a multiple of the device count, for predictions."""
    return -(-batch_size // device_count()) * device_count()


def record_devices(output_dir, devices: list[str], batch_size: int, learning_rate: float, epoch: int) -> dict:
    """Append this start (or resume) of a run to its :data:`DEVICES_RECORD`: the devices, the
    global and per-device batch, and the learning-rate rule. A resumed run may list other
    devices than the start; the schedule is the same."""
    path = Path(output_dir) / DEVICES_RECORD
    record = json.loads(path.read_text()) if path.is_file() else {"learning_rate_scaling": LEARNING_RATE_RULE}
    record.setdefault("segments", []).append(
        {
            "from_epoch": epoch + 1,
            "started": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data_parallel": bool(devices),
            "devices": devices,
            "device_count": max(1, len(devices)),
            "global_batch_size": batch_size,
            "per_device_batch_size": batch_size // max(1, len(devices)),
            "learning_rate": learning_rate,
        }
    )
    path.write_text(json.dumps(record, indent=2) + "\n")
    return record


class ExactValidation(keras.callbacks.Callback):
    """``val_loss`` and ``val_accuracy`` on exactly the validation faces, for a model spread over
    devices, whose own ``validation_data`` would need a length that splits evenly. Runs before
    the logging and checkpoint callbacks, with the weights' moving average swapped in where the
    optimizer keeps one, as ``keras.callbacks.SwapEMAWeights`` does for Keras' own validation."""

    def __init__(self, images, targets, batch_size, label_smoothing):
        super().__init__()
        self.images, self.targets = images, np.asarray(targets)
        self.batch_size = batch_size
        self.loss = keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing)

    def on_epoch_end(self, epoch, logs=None):
        with averaged_weights(self.model):
            probabilities = padded_predict(
                lambda faces: self.model.predict(faces, batch_size=self.batch_size, verbose=0), self.images
            )
        if logs is not None:
            logs["val_loss"] = float(self.loss(self.targets, probabilities))
            logs["val_accuracy"] = float(np.mean(probabilities.argmax(axis=1) == self.targets.argmax(axis=1)))
