"""One entry point for every FER2013 layout: a CSV file, a folder holding one, or image folders."""

from dataclasses import replace
from pathlib import Path

from ..errors import DatasetNotFoundError
from .dataset import FER2013
from .fer_csv import read_fer2013_csv
from .ferplus import find_ferplus, read_ferplus_votes
from .image_folder import is_image_folder_release, read_image_folders

CSV_NAMES = ("fer2013.csv", "fer2013.csv.gz")


def load_fer2013(path: str | Path, ferplus: str | Path | None = "auto") -> FER2013:
    """Load FER2013 from ``path`` and return the splits it holds.

    ``path`` may be ``fer2013.csv`` / ``fer2013.csv.gz``, a folder containing one of them, or
    the root of the Kaggle image release (``train/`` and ``test/`` folders); a folder's
    ``fer2013/`` sub-folder is searched too, where such downloads often unpack.

    ``ferplus`` adds the FER+ crowd votes to each split of a CSV: ``"auto"`` reads them where a
    votes file lies beside the CSV or in a sibling ``ferplus/`` folder
    (:func:`fercnn.data.ferplus.find_ferplus`), a path reads that file, None reads none. The image
    folders carry no row order to match votes by, so they never have FER+ votes.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise DatasetNotFoundError(path)
    if path.is_file():
        return _from_csv(path, ferplus)
    if not _holds_fer2013(path) and _holds_fer2013(path / "fer2013"):
        path = path / "fer2013"
    for name in CSV_NAMES:
        if (path / name).is_file():
            return _from_csv(path / name, ferplus)
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


def _from_csv(csv_path, ferplus):
    data = FER2013(read_fer2013_csv(csv_path), csv_path)
    votes_path = find_ferplus(csv_path) if ferplus == "auto" else ferplus
    if votes_path is None:
        return data
    votes_path = Path(votes_path).expanduser()
    if not votes_path.is_file():
        raise DatasetNotFoundError(votes_path, "(the FER+ votes file) is not a file")
    sizes = {name: len(split) for name, split in data.splits.items()}
    labels = {name: split.labels for name, split in data.splits.items()}
    votes = read_ferplus_votes(votes_path, sizes, labels)
    splits = {name: replace(split, ferplus_votes=votes.get(name)) for name, split in data.splits.items()}
    return FER2013(splits, csv_path, ferplus_source=votes_path)
