"""fercnn: train, evaluate and use FERNet, a small CNN for facial expressions on FER2013.

The data flows through a handful of entry points, the same ones the CLI and notebooks call::

    import fercnn

    data = fercnn.load_fer2013("data")                     # CSV or image folders -> FER2013 splits
    config = fercnn.TrainConfig(epochs=40)                 # what a run is: its recipe, saved as config.json
    result = fercnn.train(config, data)                    # a new folder under runs/train/, resumable
    fercnn.write_evaluation(result.best_model_path, data, result.output_dir)  # metrics and figures

    classify = fercnn.load_classifier()                    # the photo model (or a .keras/.tflite path)
    results = fercnn.predict_files(["me.jpg", "clip.mp4"], classify)  # photos and videos

    pipeline = fercnn.FacePipeline(classify)               # one RGB image -> its faces and emotions
    video = fercnn.predict_video("clip.mp4", pipeline, "runs/clip")  # tracks, CSV, timelines, video

``fercnn.build_fernet(fercnn.ModelConfig())`` builds the network alone. Names are imported on
first use, so ``import fercnn`` stays fast and loads Keras only when a model is needed.
"""

from importlib import import_module

__version__ = "0.2.0"

_EXPORTS = {
    "EMOTIONS": "labels",
    "FER2013": "data.dataset",
    "FacePipeline": "faces.pipeline",
    "FercnnError": "errors",
    "ModelConfig": "models.fernet_config",
    "TrainConfig": "training.config",
    "build_fernet": "models.fernet",
    "evaluate": "evaluation.metrics",
    "load_classifier": "runtime.classifier",
    "load_fer2013": "data.loading",
    "new_run_dir": "runs",
    "predict_files": "app.predict",
    "predict_photos": "app.predict",
    "predict_video": "app.video",
    "shipped_model": "models.shipped",
    "train": "training.loop",
    "write_evaluation": "evaluation.report",
}
__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'fercnn' has no attribute {name!r}")
    value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
