"""Run an exported ``.tflite`` model without Keras.

Prefers the standalone LiteRT runtime (``ai-edge-litert``, what TensorFlow 2.20+ recommends in
place of ``tf.lite.Interpreter``) and falls back to TensorFlow's interpreter where it is absent.
"""

import threading

import numpy as np

from ..logs import native_stderr_silenced
from ..models.files import ModelFileError, check_signature, first_line, require_model_file


def _interpreter_class():
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        import tensorflow as tf

        Interpreter = tf.lite.Interpreter  # noqa: N806
    return Interpreter


def allocate_quietly(interpreter):
    """``interpreter.allocate_tensors()``, where the runtime applies its delegate and says so."""
    with native_stderr_silenced():
        interpreter.allocate_tensors()


def make_interpreter(path, threads=None):
    """A LiteRT (or TensorFlow Lite) interpreter for ``path``, created without start-up notices."""
    with native_stderr_silenced():
        return _interpreter_class()(model_path=str(path), num_threads=threads)


class TFLiteClassifier:
    """Call with ``(N, 48, 48, 1)`` uint8 faces; returns ``(N, 7)`` float probabilities.

    Safe to share between threads (the demo's tabs share one): calls take turns on a lock, as a
    LiteRT interpreter must not be resized or run by two threads at once.
    """

    parameters = None  # not recorded in the flatbuffer in a form worth reporting

    def __init__(self, path, threads=None):
        self.path = require_model_file(path, "TFLite model")
        try:
            self.interpreter = make_interpreter(path, threads)
        except (ValueError, RuntimeError) as error:
            raise ModelFileError(
                f"TFLite model {path} cannot be read: {first_line(error)}; export it again "
                "(python -m fercnn export)"
            ) from None
        self.input = self.interpreter.get_input_details()[0]
        self.output = self.interpreter.get_output_details()[0]
        check_signature(path, tuple(self.input["shape"]), tuple(self.output["shape"]), "TFLite model")
        self._batch = None
        self._lock = threading.Lock()

    def __call__(self, faces):
        faces = np.asarray(faces)
        with self._lock:
            if self._batch != len(faces):
                self.interpreter.resize_tensor_input(self.input["index"], [len(faces), *faces.shape[1:]])
                allocate_quietly(self.interpreter)
                self._batch = len(faces)
            self.interpreter.set_tensor(self.input["index"], faces.astype(self.input["dtype"]))
            self.interpreter.invoke()
            raw = self.interpreter.get_tensor(self.output["index"]).astype(np.float32)
        scale, zero_point = self.output["quantization"]
        return (raw - zero_point) * scale if scale else raw
