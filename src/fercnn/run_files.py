"""The names of the files a run folder holds, in one place that needs no framework to read."""

__all__ = [
    "BEST_MODEL",
    "CALIBRATION_FILE",
    "CHECKPOINTS",
    "CONFIG",
    "HISTORY",
    "LAST_CHECKPOINT",
    "PREDICTIONS",
    "STATE",
]

BEST_MODEL = "fernet_fer2013.keras"
LAST_CHECKPOINT = "last_checkpoint.keras"  # the name runs saved before checkpoints were numbered
CHECKPOINTS = "last_checkpoint*.keras"
STATE = "train_state.json"
HISTORY = "history.csv"
CONFIG = "config.json"
CALIBRATION_FILE = "calibration.json"
PREDICTIONS = "predictions.csv"  # the table predict writes into its output folder
