"""Read the image-folder layout of FER2013: ``train/<emotion>/*.jpg``, ``test/<emotion>/*.jpg``.

The Kaggle image release merges PublicTest and PrivateTest into ``test/``. The split is
recovered from each file's name where the release kept it (``Training_*``, ``PublicTest_*``,
``PrivateTest_*``); otherwise a file counts as the split of its top folder: ``train/`` as
Training, ``val/`` or ``validation/`` as PublicTest, ``test/`` as PrivateTest. Images may sit in
sub-folders of a class folder; hidden folders (``.ipynb_checkpoints``) and files are passed
over. Images must already be 48x48: resizing silently would hide a wrong folder.
"""

import warnings
from pathlib import Path

import numpy as np

from ..errors import DatasetFormatError, PhotoReadError
from ..labels import EMOTIONS, IMAGE_SIZE, SPLITS, USAGE_TO_SPLIT
from ..media.photos import PHOTO_SUFFIXES, is_hidden, read_gray
from .dataset import Split

FOLDER_SPLITS = {"train": "train", "val": "validation", "validation": "validation", "test": "test"}


def is_image_folder_release(root):
    return any((Path(root) / folder).is_dir() for folder in FOLDER_SPLITS)


def read_image_folders(root):
    """Return ``{split: Split}`` for the splits present under ``root``."""
    root = Path(root)
    files = {name: ([], []) for name in SPLITS}
    for folder, default_split in FOLDER_SPLITS.items():
        for path, label in _labelled_files(root / folder):
            paths, labels = files[_split_of(path.name, default_split)]
            paths.append(path)
            labels.append(label)
    return {
        name: Split(_read_images(paths), np.array(labels, dtype=np.int64))
        for name, (paths, labels) in files.items()
        if paths
    }


def _labelled_files(folder):
    if not folder.is_dir():
        return
    class_dirs = [path for path in folder.iterdir() if path.is_dir() and not is_hidden(path.name)]
    for label, class_dir in sorted((_label_of(path), path) for path in class_dirs):
        images = sorted(path for path in class_dir.rglob("*") if _is_face_image(path, class_dir))
        if not images:
            warnings.warn(f"{class_dir} holds no images: no {EMOTIONS[label]} faces from it", stacklevel=2)
        for path in images:
            yield path, label


def _is_face_image(path, class_dir):
    hidden = is_hidden(path.relative_to(class_dir))
    return path.is_file() and not hidden and path.suffix.lower() in PHOTO_SUFFIXES


def _label_of(class_dir):
    name = class_dir.name.lower()
    if name not in EMOTIONS:
        raise DatasetFormatError(
            f"{class_dir}: folder name {class_dir.name!r} is not an emotion; "
            f"expected one of {', '.join(EMOTIONS)}"
        )
    return EMOTIONS.index(name)


def _split_of(file_name, default_split):
    prefix = file_name.split("_", 1)[0]
    return USAGE_TO_SPLIT.get(prefix, default_split)


def _read_images(paths):
    images = np.empty((len(paths), IMAGE_SIZE, IMAGE_SIZE, 1), dtype=np.uint8)
    for index, path in enumerate(paths):
        images[index, :, :, 0] = read_face_image(path)
    return images


def read_face_image(path):
    """One 48x48 face as a uint8 array; errors name the file and what is wrong with it."""
    try:
        gray = read_gray(path)
    except PhotoReadError as error:
        raise DatasetFormatError(str(error)) from None
    if gray.shape != (IMAGE_SIZE, IMAGE_SIZE):
        raise DatasetFormatError(
            f"{path}: image is {gray.shape[1]}x{gray.shape[0]}, expected {IMAGE_SIZE}x{IMAGE_SIZE}"
        )
    return gray
