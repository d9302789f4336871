"""Running a trained model: the ``classifier`` protocol that every model and adjustment
satisfies (Keras, LiteRT, flip averaging, a class prior), ``litert`` for ``.tflite`` files
without Keras, and ``export`` to TensorFlow Lite.
"""
