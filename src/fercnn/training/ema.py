"""An exponential moving average (EMA) of the weights, validated and saved as the best model.

The average of the last few thousand steps' weights generalises better than the last step's
and changes more smoothly, so the best-epoch choice is less of a lottery. Keras' AdamW keeps
the average (``use_ema``) and ``keras.callbacks.SwapEMAWeights`` swaps it in for validation.
Two things are added here:

- the best model is saved with the averaged weights, while the checkpoint keeps the training
  weights (and the average inside its optimizer), so a resumed run continues both;
- ``fit`` copies the average over the training weights when it returns. Training runs one
  ``fit`` per epoch (see :mod:`fercnn.training.loop`), so without :class:`KeepTrainingWeights` the
  average would replace the training weights after every epoch.
"""

from contextlib import contextmanager

import keras


def uses_averaging(trainer):
    return bool(getattr(trainer.optimizer, "use_ema", False))


@contextmanager
def averaged_weights(trainer):
    """Inside the block the trainer's variables hold the moving average (if there is one)."""
    if not uses_averaging(trainer):
        yield
        return
    training_weights = _snapshot(trainer)
    trainer.optimizer.finalize_variable_values(trainer.trainable_variables)
    try:
        yield
    finally:
        _restore(trainer, training_weights)


class KeepTrainingWeights(keras.callbacks.Callback):
    """Undo the copy of the average over the training weights that ends every ``fit``."""

    def on_epoch_end(self, epoch, logs=None):
        self.training_weights = _snapshot(self.model)

    def on_train_end(self, logs=None):
        _restore(self.model, self.training_weights)


def _snapshot(trainer):
    return [keras.ops.convert_to_numpy(variable) for variable in trainer.trainable_variables]


def _restore(trainer, values):
    for variable, value in zip(trainer.trainable_variables, values, strict=True):
        variable.assign(value)
