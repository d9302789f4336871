"""Train FERNet on FER2013's Training split, choosing the checkpoint on PublicTest only.

The recipe: AdamW with decoupled weight decay, linear warm-up then cosine decay (a function of
the optimizer's step count, so a resumed run continues the same curve), label smoothing, and
the augmentation layers in front of the network; optionally mixup/CutMix (:mod:`fercnn.data.mixing`),
a moving average of the weights (:mod:`fercnn.training.ema`) and teachers' soft labels
(:mod:`fercnn.training.distill`). Each run gets its own folder (by default a new one under
``runs/train/``); after every epoch it is checkpointed there, and calling ``train`` again with
that folder as ``output_dir`` resumes where it stopped. ``init_from`` starts a new run (a new schedule)
from a saved model's weights instead of random ones.
"""

import logging
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from sklearn.utils.class_weight import compute_class_weight

from ..data.augment import NO_AUGMENTATION, augment_arrays, build_augmenter
from ..data.dataset import FER2013, warn_of_missing_classes
from ..data.ferplus import ferplus_targets
from ..data.loading import load_fer2013
from ..data.mixing import training_arrays
from ..data.photo_look import apply_photo_look
from ..errors import FercnnError, MissingSplitError, SettingError
from ..labels import IMAGE_SIZE, NUM_CLASSES
from ..models.fernet import build_fernet
from ..models.files import ModelFileError, load_keras_model
from ..runs import new_run_dir, run_folder_lock, writable_folder
from .checkpoints import (
    BEST_MODEL,
    CONFIG,
    HISTORY,
    STATE,
    RunCheckpoint,
    TrainState,
    drop_unsaved_epochs,
    remove_other_checkpoints,
)
from .config import TrainConfig
from .distill import Teachers, cached_teacher_probabilities, distillation_targets
from .distribute import (
    DEVICES_RECORD,
    ExactValidation,
    arrays_for_devices,
    data_parallel_scope,
    device_count,
    record_devices,
)
from .ema import KeepTrainingWeights

LOGGER = logging.getLogger(__name__)

NETWORK_NAME = "fernet"


@dataclass
class TrainResult:
    output_dir: Path
    state: TrainState
    history: pd.DataFrame

    @property
    def best_model_path(self):
        return self.output_dir / BEST_MODEL


def train(
    config: TrainConfig,
    data: FER2013 | str | Path,
    output_dir: str | Path | None = None,
    *,
    resume: bool = True,
    verbose="auto",
    build_network=None,
) -> TrainResult:
    """Train (or resume) the run ``config`` describes on ``data``, in ``output_dir``; returns
    where it ended.

    ``config`` is what the run is (its recipe); ``data`` and ``output_dir`` are where it is, kept
    apart so that a run folder or the data can move without changing the recipe. ``data`` is a
    loaded :class:`FER2013` or anything :func:`fercnn.data.loading.load_fer2013` reads.
    ``output_dir`` None trains into a new folder under ``runs/train/``; an existing run folder is
    resumed, or with ``resume=False`` refused, never silently overwritten. The folder is held for
    the run (:func:`fercnn.runs.run_folder_lock`), so two runs into it never interleave.
    ``build_network(name=...)`` trains another network than FERNet with the same recipe, so that
    architectures can be compared on equal terms (the benchmarks train the original project's
    this way); it takes raw pixels and ignores ``config.model``.
    """
    data = data if isinstance(data, FER2013) else load_fer2013(data)
    _require_training_splits(data)
    warn_of_missing_classes(data["train"], "training", data.source)
    output_dir = prepare_run_folder(output_dir)
    with run_folder_lock(output_dir):
        return _train_in_folder(config, data, output_dir, resume, verbose, build_network)


def _train_in_folder(config, data, output_dir, resume, verbose, build_network):
    steps_per_epoch = int(np.ceil(len(data["train"]) / config.batch_size))
    state = _existing_state(output_dir, config, resume)
    if state.epochs_done >= config.epochs or state.epochs_without_improvement >= config.patience:
        LOGGER.info(f"{output_dir} holds a finished run ({state.epochs_done} epochs); nothing to train.")
        return _result(output_dir, state)
    state.data = str(data.source)
    keras.utils.set_random_seed(config.seed + state.epochs_done)
    _record_devices(config, output_dir, state, None)
    with data_parallel_scope(config.data_parallel, config.batch_size) as devices:
        _record_devices(config, output_dir, state, devices)
        _fit_epochs(config, output_dir, data, state, steps_per_epoch, build_network, verbose)
    return _result(output_dir, state)


def _fit_epochs(config, output_dir, data, state, steps_per_epoch, build_network, verbose):
    """The remaining epochs of the run, on one device or (``config.data_parallel``) on all."""
    train_split, val_split = data["train"], data["validation"]
    trainer = _load_or_build_trainer(config, output_dir, state, steps_per_epoch, build_network)
    validation = (_as_float(val_split.images), label_targets(config, val_split))
    callbacks = _callbacks(config, output_dir, trainer, state, validation)
    weights = class_weights(train_split.labels, config.class_weighting)
    soft_labels = _soft_labels(config, output_dir, train_split)
    teachers = _epoch_teachers(config)
    # One fit per epoch, because mixup and CutMix draw new blends for every epoch, always
    # from the unmixed labels.
    for epoch in range(state.epochs_done, config.epochs):
        images, targets, sample_weights = training_arrays(
            train_split.images,
            train_split.labels,
            weights,
            config.mixup_alpha,
            config.cutmix_alpha,
            rng=np.random.default_rng((config.seed, epoch)),
            targets=soft_labels,
        )
        if config.augment.photo_look_probability:
            rng = np.random.default_rng((config.seed, epoch, 2))
            images = apply_photo_look(images, config.augment.photo_look_probability, rng)
        if _augments_before_fit(config):
            images = augment_arrays(config.augment, images, seed=_epoch_seed(config, epoch))
        if teachers is not None:
            targets = distillation_targets(targets, teachers.probabilities(images), config.teacher_weight)
        if config.data_parallel:  # the same batches on any device count, each split evenly
            rng = np.random.default_rng((config.seed, epoch, 3))
            images, targets, sample_weights = arrays_for_devices(
                images, targets, sample_weights, config.batch_size, device_count(), rng
            )
        trainer.fit(
            images,
            targets,
            sample_weight=sample_weights,
            batch_size=config.batch_size,
            epochs=config.epochs,  # so the progress line reads "Epoch 3/40"; _callbacks stops each fit
            initial_epoch=epoch,
            validation_data=None if config.data_parallel else validation,  # ExactValidation instead
            shuffle=not config.data_parallel,
            callbacks=callbacks,
            verbose=verbose,
        )
        if state.epochs_without_improvement >= config.patience:
            break


def _record_devices(config, output_dir, state, devices):
    """The devices of this start or resume, in the run folder's record, for a data-parallel run
    (or a run that was data-parallel before); a new run starts a new record."""
    record = output_dir / DEVICES_RECORD
    if devices is None:  # before the devices are known: only clear a new run's stale record
        if not state.epochs_done:
            record.unlink(missing_ok=True)
        return
    if config.data_parallel or record.is_file():
        record_devices(output_dir, devices, config.batch_size, config.learning_rate, state.epochs_done)


def _require_training_splits(data):
    missing = [name for name in ("train", "validation") if name not in data]
    if missing:
        raise MissingSplitError(
            f"the {' and '.join(missing)} split(s) are absent from {data.source} (it holds "
            f"{', '.join(data.names) or 'no split'}); training fits on Training and chooses its checkpoint "
            "on PublicTest: use the FER2013 CSV, or in image folders name validation faces PublicTest_*.jpg "
            "or put them in a val/ folder beside train/"
        )


def prepare_run_folder(output_dir: str | Path | None) -> Path:
    """The run folder, made: a new one under ``runs/train/`` where ``output_dir`` is None, so
    that no run ever writes into another's folder (or into the shipped ``models/``)."""
    if output_dir is None:
        folder = new_run_dir("train")
        LOGGER.info(f"Training into {folder}/ (to resume it later, pass that folder as the output folder)")
        return folder
    return writable_folder(output_dir, "the run folder")


def label_targets(config, split):
    """A split's targets before any teacher: its one-hot FER2013 labels, blended with the FER+
    votes' distribution where ``config.ferplus_weight`` asks for it."""
    if not config.ferplus_weight:
        return keras.utils.to_categorical(split.labels, NUM_CLASSES)
    if split.ferplus_votes is None:
        raise MissingSplitError(
            f"ferplus_weight {config.ferplus_weight} needs the FER+ votes of every split trained and "
            "validated on, and this data has none: put fer2013_ferplus.csv.gz (or FERPlus's "
            "fer2013new.csv) beside the FER2013 CSV, or set ferplus_weight to 0"
        )
    return ferplus_targets(split.labels, split.ferplus_votes, config.ferplus_weight)


def _soft_labels(config, output_dir, train_split):
    """The labels (FER2013's, or blended with FER+'s) blended with the teachers' view of the
    clean faces; None (one-hot labels) when nothing replaces the one-hot labels at the start
    of an epoch: no FER+ share, and no teachers or teachers that label each epoch's faces."""
    clean_teachers = bool(config.teachers) and config.teacher_views == "clean"
    if not (clean_teachers or config.ferplus_weight):
        return None
    targets = label_targets(config, train_split)
    if not clean_teachers:
        return targets
    teacher_probs = cached_teacher_probabilities(
        output_dir, config.teachers, train_split, config.teacher_temperature
    )
    return distillation_targets(targets, teacher_probs, config.teacher_weight)


def _epoch_teachers(config):
    """The teachers, loaded once, when they label each epoch's faces afresh; None otherwise."""
    if not config.teachers or config.teacher_views == "clean":
        return None
    return Teachers(config.teachers, config.teacher_temperature)


def _augments_before_fit(config):
    """Whether the flips and warps run on the epoch's arrays (for the teachers to see them)
    instead of inside the trainer."""
    return config.teacher_views == "augmented"


def _epoch_seed(config, epoch):
    return int(np.random.default_rng((config.seed, epoch, 1)).integers(2**31 - 1))


def _load_or_build_trainer(config, output_dir, state, steps_per_epoch, build_network):
    """The checkpointed trainer of a run being resumed, or a new one (warm-started if asked)."""
    if state.epochs_done:
        LOGGER.info(f"Resuming {output_dir} after epoch {state.epochs_done} of {config.epochs}.")
        drop_unsaved_epochs(output_dir, state.epochs_done)
        remove_other_checkpoints(output_dir, keep=state.checkpoint)
        return load_trainer(output_dir / state.checkpoint)
    trainer = build_trainer(config, steps_per_epoch, build_network)
    if config.init_from:
        warm_start(trainer.get_layer(NETWORK_NAME), config.init_from)
    config.save(output_dir / CONFIG)
    (output_dir / HISTORY).unlink(missing_ok=True)  # a new run starts a new history
    return trainer


def _callbacks(config, output_dir, trainer, state, validation):
    """Logging and checkpointing after each epoch, and the end of each one-epoch ``fit``;
    a data-parallel run validates on the exact faces first (see :mod:`fercnn.training.distribute`)."""
    exact = [ExactValidation(*validation, config.batch_size, config.label_smoothing)]
    callbacks = [
        *(exact if config.data_parallel else []),
        StopOnNonFiniteLoss(),
        keras.callbacks.CSVLogger(output_dir / HISTORY, append=True),
        RunCheckpoint(output_dir, trainer.get_layer(NETWORK_NAME), state, config.patience),
        EndFitAfterOneEpoch(),
    ]
    if config.ema_momentum:
        # validate the averaged weights; keep training the raw ones
        callbacks = [keras.callbacks.SwapEMAWeights(), *callbacks, KeepTrainingWeights()]
    return callbacks


class TrainingDivergedError(FercnnError, ValueError):
    """The loss became NaN or infinite: the weights are lost, and nothing later is saved."""


class StopOnNonFiniteLoss(keras.callbacks.Callback):
    """Stop at the first batch whose loss is not finite, before the epoch's end saves a model
    of NaN weights as the best; the run folder keeps its last good checkpoint."""

    def __init__(self):
        super().__init__()
        self.epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is not None and not np.isfinite(float(loss)):
            raise TrainingDivergedError(
                f"the training loss became {float(loss)} at epoch {self.epoch + 1}, batch {batch + 1}: "
                "the run diverged; train again with a lower --learning-rate (the run folder keeps the last "
                "completed epoch)"
            )


class EndFitAfterOneEpoch(keras.callbacks.Callback):
    """Each ``fit`` is given every remaining epoch (for Keras' "Epoch 3/40") but trains one."""

    def on_epoch_end(self, epoch, logs=None):
        self.model.stop_training = True


def build_trainer(config, steps_per_epoch, build_network=None):
    """Augmentation + network, compiled with the recipe's optimizer and loss."""
    build_network = build_network or partial(build_fernet, config.model)
    trainer = keras.Sequential(
        [
            keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="pixels"),
            build_augmenter(
                NO_AUGMENTATION if _augments_before_fit(config) else config.augment, seed=config.seed
            ),
            build_network(name=NETWORK_NAME),
        ],
        name="trainer",
    )
    trainer.compile(
        optimizer=keras.optimizers.AdamW(
            learning_rate=learning_rate_schedule(config, steps_per_epoch),
            weight_decay=config.weight_decay,
            use_ema=config.ema_momentum > 0,
            ema_momentum=config.ema_momentum or 0.99,
        ),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
        jit_compile=compiles_train_step(),
    )
    return trainer


def load_trainer(path):
    """A checkpointed trainer, compiled for this backend: a checkpoint keeps the XLA setting of
    the backend that saved it, and a run begun with JAX on a GPU and resumed with TensorFlow
    would otherwise ask XLA for the affine warp, which TensorFlow cannot compile."""
    trainer = keras.models.load_model(path)
    trainer.jit_compile = compiles_train_step()
    return trainer


def compiles_train_step(backend=None):
    """XLA for JAX, whose uncompiled steps run op by op (far too slow to train); none for
    TensorFlow, whose own CPU kernels run depthwise convolutions 10x faster than XLA's."""
    return (backend or keras.backend.backend()) == "jax"


def warm_start(network, model_path):
    """Copy a saved model's weights into ``network``, so a new schedule (a warm restart with its
    own warm-up and cosine decay) continues from them instead of from random weights."""
    path = Path(model_path)
    source = load_keras_model(path, "init_from model")
    try:
        network.set_weights(source.get_weights())
    except ValueError as error:
        raise ModelFileError(
            f"init_from model {path} has another architecture than this run's model settings ({error}): "
            "pass a best model (fernet_fer2013.keras, not a last_checkpoint file) and train with "
            "that model's own config.json (--config)"
        ) from error


def learning_rate_schedule(config, steps_per_epoch):
    """Linear warm-up to ``learning_rate``, then cosine decay to zero at the last step."""
    total_steps = config.epochs * steps_per_epoch
    warmup_steps = min(config.warmup_epochs * steps_per_epoch, total_steps - 1)
    if warmup_steps <= 0:
        return keras.optimizers.schedules.CosineDecay(config.learning_rate, total_steps)
    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=0.0,
        decay_steps=total_steps - warmup_steps,
        warmup_target=config.learning_rate,
        warmup_steps=warmup_steps,
    )


def class_weights(labels, weighting):
    """Loss weights per class: none, 'balanced' (inverse frequency) or its square root."""
    if weighting == "none":
        return None
    present = np.unique(labels)
    weights = compute_class_weight("balanced", classes=present, y=labels)
    if weighting == "sqrt":
        weights = np.sqrt(weights)
    return {int(label): float(weight) for label, weight in zip(present, weights, strict=True)}


def _existing_state(output_dir, config, resume):
    if not (output_dir / STATE).exists():
        return TrainState()
    if not resume:
        raise FileExistsError(
            f"{output_dir} already holds a training run ({STATE}); resume it, or choose another output folder"
        )
    saved = TrainConfig.load(output_dir / CONFIG)
    # on how many devices a run trains is not what it is (the same optimisation: see
    # fercnn.training.distribute)
    movable = {"data_parallel": config.data_parallel}
    if replace(saved, **movable) != config:
        changed = [k for k, v in config.to_dict().items() if saved.to_dict()[k] != v and k not in movable]
        raise SettingError(
            f"{output_dir} holds a run with different settings ({', '.join(changed)}): "
            "resume it with its own config.json, or train into another output folder"
        )
    return TrainState.load(output_dir / STATE)


def _result(output_dir, state):
    history_path = output_dir / HISTORY
    history = pd.read_csv(history_path) if history_path.exists() else pd.DataFrame()
    return TrainResult(output_dir, state, history)


def _as_float(images):
    return images.astype("float32")
