"""Crash-safe saving and the small state that lets an interrupted run carry on.

Every file is written to a temporary name in the same folder and then renamed over the old
one: a rename is atomic, so a crash mid-save (a Colab disconnect) leaves the previous best
model intact instead of a truncated one. The resumable checkpoint is written under a new name
each epoch and ``train_state.json`` names the one it describes; the older checkpoint is deleted
only after the state is saved. So whatever the moment of a kill, the state and the checkpoint
it names agree, and a resumed run continues on the same schedule.
"""

import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path

import keras
import pandas as pd

from ..run_files import BEST_MODEL, CHECKPOINTS, CONFIG, HISTORY, LAST_CHECKPOINT, STATE  # noqa: F401
from .ema import averaged_weights

LOGGER = logging.getLogger(__name__)


def atomic_save_model(model, path):
    _replace_atomically(path, model.save)


def atomic_write_text(path, text):
    _replace_atomically(path, lambda partial: partial.write_text(text))


def _replace_atomically(path, write):
    """``write`` a sibling temporary file, then rename it over ``path``."""
    path = Path(path)
    partial = path.with_name(f".partial-{path.name}")
    write(partial)
    os.replace(partial, path)


def drop_unsaved_epochs(output_dir, epochs_done):
    """Drop the history rows of epochs after the last checkpoint.

    Keras logs an epoch to ``history.csv`` just before :class:`RunCheckpoint` saves it, so a
    run stopped between the two (a SIGTERM, a lost Colab runtime) has logged an epoch that
    the resumed run trains again: without this, that epoch would appear twice."""
    path = Path(output_dir) / HISTORY
    if not path.is_file():
        return
    history = pd.read_csv(path)
    saved = history[history["epoch"] < epochs_done]
    if len(saved) < len(history):
        atomic_write_text(path, saved.to_csv(index=False))


def checkpoint_name(epochs_done):
    return f"last_checkpoint-epoch{epochs_done:04d}.keras"


def remove_other_checkpoints(output_dir, keep):
    """Delete the checkpoints of earlier epochs (or of a kill's unrecorded epoch) but ``keep``."""
    for path in Path(output_dir).glob(CHECKPOINTS):
        if path.name != keep:
            path.unlink(missing_ok=True)


@dataclass
class TrainState:
    """Where a run stands after its last completed epoch, and the checkpoint that holds it."""

    epochs_done: int = 0
    best_val_accuracy: float = -1.0
    best_epoch: int = 0
    epochs_without_improvement: int = 0
    checkpoint: str = LAST_CHECKPOINT
    data: str = ""  # the data it last trained on: where the run is, not part of its recipe

    def save(self, path):
        atomic_write_text(path, json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def load(cls, path):
        return cls(**json.loads(Path(path).read_text()))


class RunCheckpoint(keras.callbacks.Callback):
    """After each epoch: keep the best model by validation accuracy, the last full checkpoint
    (with optimizer state, for resuming), and early stopping's patience counter.

    ``network`` is the inference model saved as the best model (with the moving average of its
    weights, where the optimizer keeps one); ``self.model`` is the training model
    (augmentation + network + optimizer) saved as the checkpoint.
    """

    def __init__(self, output_dir, network, state, patience):
        super().__init__()
        self.output_dir = Path(output_dir)
        self.network = network
        self.state = state
        self.patience = patience

    def on_epoch_end(self, epoch, logs=None):
        val_accuracy = float(logs["val_accuracy"])
        state = self.state
        if val_accuracy > state.best_val_accuracy:
            with averaged_weights(self.model):
                atomic_save_model(self.network, self.output_dir / BEST_MODEL)
            state.best_val_accuracy, state.best_epoch = val_accuracy, epoch + 1
            state.epochs_without_improvement = 0
        else:
            state.epochs_without_improvement += 1
        state.epochs_done = epoch + 1
        state.checkpoint = checkpoint_name(state.epochs_done)
        atomic_save_model(self.model, self.output_dir / state.checkpoint)
        state.save(self.output_dir / STATE)
        remove_other_checkpoints(self.output_dir, keep=state.checkpoint)
        if state.epochs_without_improvement >= self.patience:
            LOGGER.info(f"Early stopping: no val_accuracy gain for {self.patience} epochs.")
            self.model.stop_training = True
