"""The photos and videos a user points ``predict`` at, each with a unique name for its outputs.

Files are taken as given, whatever their extension; folders are searched (sub-folders too,
hidden ones passed over), and a file found there that is neither a photo nor a video is listed as
skipped, never dropped without a word. Annotated copies mirror where each photo sits under what the user named
(``holiday/IMG_0001.jpg`` -> ``holiday/IMG_0001_emotions.png``), so two phones' ``IMG_0001.jpg``
in two folders, or ``face.jpg`` beside ``face.png``, never overwrite each other.
"""

from dataclasses import dataclass
from itertools import chain, count
from pathlib import Path

from .photos import PHOTO_SUFFIXES, is_hidden
from .video_frames import VIDEO_SUFFIXES

ANNOTATED_SUFFIX = "_emotions.png"


@dataclass(frozen=True)
class PhotoInput:
    path: Path  # the file, as given or as found in a folder
    annotated_name: Path  # its annotated copy, relative to the output folder
    skipped: str | None = None  # why it is not read: a folder's file that is not a photo

    @property
    def output_stem(self):
        """Where its outputs go, without suffix: a video's four outputs are named from it."""
        return self.annotated_name.with_name(self.annotated_name.name.removesuffix(ANNOTATED_SUFFIX))


def collect_photos(paths):
    """One :class:`PhotoInput` per file given or found, in the order given, folders sorted."""
    found = []  # (file, where it sits under what the user named, found in a folder)
    for path in map(Path, paths):
        if path.is_dir():
            top = Path(path.resolve().name or "photos")
            found += [(file, top / file.relative_to(path), True) for file in _folder_files(path)]
        else:
            found.append((path, Path(path.name), False))
    taken = set()
    return [
        PhotoInput(path, _unique_name(relative, taken), _skip_reason(path) if in_folder else None)
        for path, relative, in_folder in found
    ]


def _folder_files(folder):
    """Every file below ``folder``, sorted, except hidden ones and those in hidden folders."""
    files = (path for path in folder.rglob("*") if path.is_file())
    return sorted(path for path in files if not is_hidden(path.relative_to(folder)))


def _skip_reason(path):
    if path.suffix.lower() not in PHOTO_SUFFIXES | VIDEO_SUFFIXES:
        return f"not a photo or video ({path.suffix or 'no extension'}); pass it by name to try it anyway"
    return None


def _unique_name(relative, taken):
    """``<stem>_emotions.png`` beside where the photo sits; the extension, then a number, added
    where that name is already taken."""
    extension = relative.suffix.lstrip(".").lower()
    stems = chain([relative.stem, f"{relative.stem}_{extension}"], (f"{relative.stem}_{n}" for n in count(2)))
    for stem in stems:
        name = relative.parent / f"{stem}{ANNOTATED_SUFFIX}"
        if name not in taken:
            taken.add(name)
            return name
