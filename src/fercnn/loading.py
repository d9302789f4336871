"""One entry point for every FER2013 layout: a CSV file, a folder holding one, or image folders."""

from pathlib import Path

from .csv_format import read_fer2013_csv
from .dataset import FER2013
from .errors import DatasetNotFoundError
from .image_folder import is_image_folder_release, read_image_folders

CSV_NAMES = ("fer2013.csv", "fer2013.csv.gz")


def load_fer2013(path):
    """Load FER2013 from ``path`` and return the splits it holds.

    ``path`` may be ``fer2013.csv`` / ``fer2013.csv.gz``, a folder containing one of them, or
    the root of the Kaggle image release (``train/`` and ``test/`` folders); a folder's
    ``fer2013/`` sub-folder is searched too, where such downloads often unpack.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DatasetNotFoundError(path)
    if path.is_file():
        return FER2013(read_fer2013_csv(path), path)
    if not _holds_fer2013(path) and _holds_fer2013(path / "fer2013"):
        path = path / "fer2013"
    for name in CSV_NAMES:
        if (path / name).is_file():
            return FER2013(read_fer2013_csv(path / name), path / name)
    if is_image_folder_release(path):
        splits = read_image_folders(path)
        if splits:
            return FER2013(splits, path)
        raise DatasetNotFoundError(path, "has train/ or test/ folders but no face images in them")
    raise DatasetNotFoundError(
        path, f"holds neither {' nor '.join(CSV_NAMES)} nor train/ and test/ image folders"
    )


def _holds_fer2013(folder):
    return folder.is_dir() and (
        any((folder / name).is_file() for name in CSV_NAMES) or is_image_folder_release(folder)
    )
