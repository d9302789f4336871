"""Train FERNet on FER2013's Training split, choosing the checkpoint on PublicTest only.

The recipe: AdamW with decoupled weight decay, linear warm-up then cosine decay (a function of
the optimizer's step count, so a resumed run continues the same curve), label smoothing, and
the augmentation layers in front of the network. After every epoch the run is checkpointed;
calling ``train`` again with the same output folder resumes where it stopped. ``init_from``
starts a new run (a new schedule) from a saved model's weights instead of random ones.
"""

from dataclasses import dataclass, replace
from pathlib import Path

import keras
import numpy as np
import pandas as pd
from sklearn.utils.class_weight import compute_class_weight

from .augment import build_augmenter
from .checkpoints import BEST_MODEL, CONFIG, HISTORY, LAST_CHECKPOINT, STATE, RunCheckpoint, TrainState
from .config import TrainConfig
from .labels import IMAGE_SIZE, NUM_CLASSES
from .loading import load_fer2013
from .model import build_fernet

NETWORK_NAME = "fernet"


@dataclass
class TrainResult:
    output_dir: Path
    state: TrainState
    history: pd.DataFrame

    @property
    def best_model_path(self):
        return self.output_dir / BEST_MODEL


def train(config, data=None, resume=True, verbose="auto"):
    """Train (or resume) the run described by ``config``; returns where it ended.

    ``data`` is an already loaded :class:`FER2013`; by default ``config.data`` is loaded.
    With ``resume=False`` an existing run in ``config.output_dir`` is an error, never
    silently overwritten.
    """
    output_dir = Path(config.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    data = data if data is not None else load_fer2013(config.data)
    train_split, val_split = data["train"], data["validation"]
    steps_per_epoch = int(np.ceil(len(train_split) / config.batch_size))

    state = _existing_state(output_dir, config, resume)
    if state.epochs_done >= config.epochs or state.epochs_without_improvement >= config.patience:
        print(f"{output_dir} holds a finished run ({state.epochs_done} epochs); nothing to train.")
        return _result(output_dir, state)
    keras.utils.set_random_seed(config.seed + state.epochs_done)
    if state.epochs_done:
        trainer = keras.models.load_model(output_dir / LAST_CHECKPOINT)
        print(f"Resuming {output_dir} after epoch {state.epochs_done} of {config.epochs}.")
    else:
        trainer = build_trainer(config, steps_per_epoch)
        if config.init_from:
            warm_start(trainer.get_layer(NETWORK_NAME), config.init_from)
        config.save(output_dir / CONFIG)
    network = trainer.get_layer(NETWORK_NAME)

    trainer.fit(
        _as_float(train_split.images),
        keras.utils.to_categorical(train_split.labels, NUM_CLASSES),
        batch_size=config.batch_size,
        epochs=config.epochs,
        initial_epoch=state.epochs_done,
        validation_data=(
            _as_float(val_split.images),
            keras.utils.to_categorical(val_split.labels, NUM_CLASSES),
        ),
        class_weight=class_weights(train_split.labels, config.class_weighting),
        callbacks=[
            keras.callbacks.CSVLogger(output_dir / HISTORY, append=state.epochs_done > 0),
            RunCheckpoint(output_dir, network, state, config.patience),
        ],
        verbose=verbose,
    )
    return _result(output_dir, state)


def build_trainer(config, steps_per_epoch):
    """Augmentation + network, compiled with the recipe's optimizer and loss."""
    trainer = keras.Sequential(
        [
            keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1), name="pixels"),
            build_augmenter(config.augment, seed=config.seed),
            build_fernet(config.model, name=NETWORK_NAME),
        ],
        name="trainer",
    )
    trainer.compile(
        optimizer=keras.optimizers.AdamW(
            learning_rate=learning_rate_schedule(config, steps_per_epoch), weight_decay=config.weight_decay
        ),
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=config.label_smoothing),
        metrics=["accuracy"],
        # XLA on CPU runs depthwise convolutions 10x slower than TensorFlow's own kernels.
        jit_compile=False,
    )
    return trainer


def warm_start(network, model_path):
    """Copy a saved model's weights into ``network``, so a new schedule (a warm restart with its
    own warm-up and cosine decay) continues from them instead of from random weights."""
    path = Path(model_path)
    if not path.is_file():
        raise FileNotFoundError(f"init_from model {path} does not exist: pass a saved .keras model")
    source = keras.models.load_model(path)
    try:
        network.set_weights(source.get_weights())
    except ValueError as error:
        raise ValueError(
            f"init_from model {path} has another architecture than this run's model settings ({error}): "
            "pass a best model (fernet_fer2013.keras, not last_checkpoint.keras) and train with "
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
    movable = {"data": config.data, "output_dir": config.output_dir}
    if replace(saved, **movable) != config:
        changed = [k for k, v in config.to_dict().items() if saved.to_dict()[k] != v and k not in movable]
        raise ValueError(
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
