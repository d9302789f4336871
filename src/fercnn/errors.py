"""Exceptions that tell the user what is wrong with their data and how to fix it."""

DATASET_HOWTO = """\
FER2013 is not bundled with this project (its licence forbids redistribution). Get it one of these ways:
  * Kaggle CSV: https://www.kaggle.com/competitions/challenges-in-representation-learning-facial-expression-recognition-challenge/data
    (fer2013.csv, or fer2013.csv.gz) -> put it at data/fer2013.csv
  * Kaggle image folders: https://www.kaggle.com/datasets/msambare/fer2013
    (train/<emotion>/*.jpg, test/<emotion>/*.jpg) -> unpack it into data/ (data/train/, data/test/)
  * With Kaggle credentials: pip install kagglehub, then
    python -c "import kagglehub; print(kagglehub.dataset_download('msambare/fer2013'))"
  * In Colab: copy it to your Google Drive and pass /content/drive/MyDrive/<path>."""


class DatasetNotFoundError(FileNotFoundError):
    """The data path does not exist or holds nothing FER2013-shaped."""

    def __init__(self, path, reason="does not exist"):
        super().__init__(f"FER2013 data not found: {path} {reason}.\n{DATASET_HOWTO}")


class DatasetFormatError(ValueError):
    """A file, row or image does not follow the FER2013 format; the message names which."""


class MissingSplitError(KeyError):
    """A split the caller asked for is absent from the loaded data."""

    def __str__(self):
        return str(self.args[0])


class OutputFolderError(OSError):
    """An output folder cannot be made or written to; raised before any work is done."""


class PhotoReadError(ValueError):
    """A photo given to ``predict`` cannot be read; the message names the file."""
