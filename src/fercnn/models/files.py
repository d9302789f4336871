"""Open a saved model, or say plainly why a file is not one this package can use.

Every command that reads a model comes through here, so a text file, a photo, a truncated
download, a model for another task or a TFLite export given where a Keras model is needed all
get one clear message naming the file, what is wrong and what to do, instead of Keras' or
LiteRT's own text.
"""

import re
import zipfile
from pathlib import Path

from ..errors import FercnnError
from ..labels import IMAGE_SIZE, NUM_CLASSES

FACE_SHAPE = (IMAGE_SIZE, IMAGE_SIZE, 1)
KERAS_SUFFIXES = (".keras", ".h5", ".hdf5")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class ModelFileError(FercnnError, ValueError):
    """A model file is unreadable or not a FER2013 classifier; the message names it."""


class MissingModelError(ModelFileError, FileNotFoundError):
    """A model path names no file."""


def require_model_file(path, what="model"):
    """``path`` as a Path, when it names an existing file."""
    path = Path(path)
    if not path.is_file():
        where = "is a folder, not a model file" if path.is_dir() else "does not exist"
        raise MissingModelError(
            f"{what} {path} {where}: train one (python -m fercnn train) or pass the path of a .keras model"
        )
    return path


def load_keras_model(path, what="model", compile=False):
    """A Keras model from a ``.keras`` (or legacy ``.h5``) file, checked to take 48x48x1 faces
    and give seven probabilities."""
    path = require_model_file(path, what)
    if path.suffix == ".tflite":
        raise ModelFileError(
            f"{what} {path} is a TensorFlow Lite export; this step needs the .keras model it was "
            "exported from (predict, evaluate and compare also take .tflite files)"
        )
    if path.suffix not in KERAS_SUFFIXES:
        raise ModelFileError(f"{what} {path} is not a Keras model file: expected a .keras file")
    if path.suffix == ".keras" and not zipfile.is_zipfile(path):
        raise ModelFileError(
            f"{what} {path} is not a Keras model: a .keras file is a zip archive, and this one is "
            "not (a truncated download, or another kind of file renamed?); copy or export it again"
        )
    import keras

    try:
        model = keras.models.load_model(path, compile=compile)
    except Exception as error:  # Keras raises many kinds for a damaged archive
        raise ModelFileError(f"{what} {path} cannot be loaded by Keras: {first_line(error)}") from None
    check_signature(path, model.input_shape, model.output_shape, what)
    return model


def check_signature(path, input_shape, output_shape, what="model"):
    """Refuse a model that does not map 48x48x1 faces to the seven FER2013 classes."""
    if isinstance(input_shape, list):  # several inputs
        raise ModelFileError(f"{what} {path} takes {len(input_shape)} inputs; a FER2013 model takes one face")
    if tuple(input_shape[1:]) != FACE_SHAPE:
        raise ModelFileError(
            f"{what} {path} takes inputs of shape {tuple(input_shape[1:])}, not the "
            f"{IMAGE_SIZE}x{IMAGE_SIZE}x1 grayscale faces of FER2013: it is not a model of this package"
        )
    if output_shape[-1] != NUM_CLASSES:
        raise ModelFileError(
            f"{what} {path} predicts {output_shape[-1]} classes, not FER2013's {NUM_CLASSES} "
            "(angry, disgust, fear, happy, sad, surprise, neutral): it is a model for another task"
        )


def first_line(error):
    """The first line of an exception's text, without terminal colour codes."""
    text = _ANSI.sub("", str(error)).strip()
    return (text.splitlines() or [type(error).__name__])[0]
