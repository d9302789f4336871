"""One error hierarchy for everything a user can get wrong: a setting, a data file, a model file,
a photo, a folder. Every such error is a :class:`FercnnError`, whose message names the file, row
or argument and says what to do; the CLI prints that message alone and exits with status 2.
Any other exception is a bug, and keeps its traceback.

Each error also derives from the built-in exception that a caller would expect (``ValueError``
for a bad value, ``FileNotFoundError`` for a missing file), so ``except ValueError`` keeps
working.
"""

__all__ = [
    "DATASET_HOWTO",
    "DatasetFormatError",
    "DatasetNotFoundError",
    "FercnnError",
    "MissingSplitError",
    "OutputFolderError",
    "PhotoReadError",
    "SettingError",
]

DATASET_HOWTO = """\
FER2013 is not bundled with this project (its licence forbids redistribution). Get it one of these ways:
  * Kaggle CSV: https://www.kaggle.com/competitions/challenges-in-representation-learning-facial-expression-recognition-challenge/data
    (fer2013.csv, or fer2013.csv.gz) -> put it at data/fer2013.csv
  * Kaggle image folders: https://www.kaggle.com/datasets/msambare/fer2013
    (train/<emotion>/*.jpg, test/<emotion>/*.jpg) -> unpack it into data/ (data/train/, data/test/)
  * With Kaggle credentials: pip install kagglehub, then
    python -c "import kagglehub; print(kagglehub.dataset_download('msambare/fer2013'))"
  * In Colab: copy it to your Google Drive and pass /content/drive/MyDrive/<path>."""


class FercnnError(Exception):
    """An error meant for the user: its message says what is wrong and what to do."""


class SettingError(FercnnError, ValueError):
    """A setting or argument is out of range or unknown; the message names it and its range."""


class DatasetNotFoundError(FercnnError, FileNotFoundError):
    """The data path does not exist or holds nothing FER2013-shaped."""

    def __init__(self, path, reason="does not exist"):
        super().__init__(f"FER2013 data not found: {path} {reason}.\n{DATASET_HOWTO}")


class DatasetFormatError(FercnnError, ValueError):
    """A file, row or image does not follow the FER2013 format; the message names which."""


class MissingSplitError(FercnnError, KeyError):
    """A split the caller asked for is absent from the loaded data."""

    def __str__(self):
        return str(self.args[0])


class OutputFolderError(FercnnError, OSError):
    """An output folder cannot be made or written to; raised before any work is done."""


class PhotoReadError(FercnnError, ValueError):
    """A photo given to ``predict`` cannot be read; the message names the file."""
