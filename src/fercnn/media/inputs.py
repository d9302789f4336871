"""The photos and videos a user points ``predict`` at, each with a unique name for its outputs.

Files are taken as given, whatever their extension; folders are searched (sub-folders too,
hidden ones passed over), and a file found there that is neither a photo nor a video is listed as
skipped, never dropped without a word. Annotated copies mirror where each photo sits under what the user named
(``holiday/IMG_0001.jpg`` -> ``holiday/IMG_0001_emotions.jpg``), so two phones' ``IMG_0001.jpg``
in two folders, or ``face.jpg`` beside ``face.png``, never overwrite each other. A copy keeps a
JPEG photo's format (a PNG of a camera's photo costs ten times the time and space) and is a PNG
for every other format.

The outputs of earlier runs are never inputs: a folder search passes over the ``runs/`` folder
and the output folder (``cd photos && fercnn predict .`` twice must not classify the first run's
annotated copies), and says how many files it passed over there.
"""

import os
from dataclasses import dataclass
from itertools import chain, count
from pathlib import Path

from ..run_files import PREDICTIONS
from ..runs import RUNS_ROOT
from .photos import PHOTO_SUFFIXES, is_hidden
from .video_frames import VIDEO_SUFFIXES

ANNOTATED_MARK = "_emotions"
JPEG_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".jfif"})


@dataclass(frozen=True)
class PhotoInput:
    path: Path  # the file, as given or as found in a folder
    annotated_name: Path  # its annotated copy, relative to the output folder
    skipped: str | None = None  # why it is not read: a folder's file that is not a photo

    @property
    def output_stem(self):
        """Where its outputs go, without suffix: a video's four outputs are named from it."""
        stem = self.annotated_name.stem.removesuffix(ANNOTATED_MARK)
        return self.annotated_name.with_name(stem)


@dataclass(frozen=True)
class CollectedPhotos:
    inputs: list  # PhotoInput, one per file given or found
    passed_over: int  # files below a folder searched that lie in runs/ or the output folder


def collect_photos(paths, output_dir=None):
    """One :class:`PhotoInput` per file given or found, in the order given, folders sorted;
    a folder's files in ``runs/`` and in ``output_dir`` are passed over (and counted)."""
    return collect_inputs(paths, output_dir).inputs


def collect_inputs(paths, output_dir=None):
    """:func:`collect_photos` with the count of files passed over as earlier outputs."""
    outputs = [Path(os.path.abspath(RUNS_ROOT))]
    if output_dir is not None:
        outputs.append(Path(os.path.abspath(output_dir)))
    found, passed_over = [], 0  # (file, where it sits under what the user named, found in a folder)
    for path in map(Path, paths):
        if path.is_dir():
            top = Path(path.resolve().name or "photos")
            files, outputs_found = _folder_files(path, outputs)
            passed_over += outputs_found
            found += [(file, top / file.relative_to(path), True) for file in files]
        else:
            found.append((path, Path(path.name), False))
    taken = set()
    inputs = [
        PhotoInput(path, _unique_name(relative, taken), _skip_reason(path) if in_folder else None)
        for path, relative, in_folder in found
    ]
    return CollectedPhotos(inputs, passed_over)


def _folder_files(folder, outputs):
    """Every file below ``folder``, sorted, except hidden ones, those in hidden folders and those
    inside ``outputs`` or inside an earlier ``predict`` run's folder (one holding its table,
    wherever it was written); and how many lay there. Links to folders are followed, once each:
    one that leads back to a folder already searched (a loop) is listed, to be reported."""
    files = [path for path in _walk(folder) if not is_hidden(path.relative_to(folder))]
    outputs = [*outputs, *(Path(os.path.abspath(path.parent)) for path in files if path.name == PREDICTIONS)]
    kept = [path for path in files if not any(_inside(path, output) for output in outputs)]
    return sorted(kept), len(files) - len(kept)


def _walk(folder):
    """Every entry below ``folder`` that is not a folder searched: files, links to nothing, and
    links to folders already searched (which would repeat files, or loop for ever)."""
    searched = set()
    for root, folders, files in os.walk(folder, followlinks=True):
        searched.add(os.path.realpath(root))
        for name in list(folders):
            path = Path(root) / name
            if os.path.realpath(path) in searched or not os.access(path, os.R_OK | os.X_OK):
                folders.remove(name)
                yield path
        yield from (Path(root) / name for name in files)


def _inside(path, folder):
    return Path(os.path.abspath(path)).is_relative_to(folder)


def _skip_reason(path):
    if path.is_dir():
        if not os.access(path, os.R_OK | os.X_OK):
            return "a folder this user cannot read; passed over"
        return "a link to a folder searched already (through another path, or a loop); passed over"
    if path.is_symlink() and not path.exists():
        return f"a link to nothing ({os.readlink(path)} is gone); passed over"
    if not path.is_file():
        return "not a regular file (a pipe, socket or device?); passed over"
    if path.suffix.lower() not in PHOTO_SUFFIXES | VIDEO_SUFFIXES:
        return f"not a photo or video ({path.suffix or 'no extension'}); pass it by name to try it anyway"
    return None


def annotated_suffix(path):
    """A JPEG photo's copy is a JPEG; every other photo's a PNG."""
    return ".jpg" if Path(path).suffix.lower() in JPEG_SUFFIXES else ".png"


def _unique_name(relative, taken):
    """``<stem>_emotions.jpg`` (or ``.png``) beside where the photo sits; the extension, then a
    number, added where that stem is already taken, whatever the copies' formats."""
    extension = relative.suffix.lstrip(".").lower()
    stems = chain([relative.stem, f"{relative.stem}_{extension}"], (f"{relative.stem}_{n}" for n in count(2)))
    for stem in stems:
        name = relative.parent / f"{stem}{ANNOTATED_MARK}"
        if name not in taken:
            taken.add(name)
            return name.with_name(name.name + annotated_suffix(relative))
