"""Where each command writes: a new folder under ``runs/`` for every run, never the shipped model.

``runs/<command>/<name>`` (``runs/train/2026-12-01_14-05-09``, ``runs/evaluate/my-test``),
the layout that detection toolkits made familiar: every run a user starts lands in its own
git-ignored folder, two runs never collide, and ``models/`` changes only when a user names it.
"""

import os
import tempfile
from datetime import datetime
from pathlib import Path

from .errors import OutputFolderError

RUNS_ROOT = Path("runs")


def new_run_dir(command, name=None, root=RUNS_ROOT):
    """Create and return a new, empty ``root/command/name`` folder.

    ``name`` defaults to the date and time; a taken name gets ``-2``, ``-3``... appended, so two
    runs started in the same second (or given the same name) still get folders of their own.
    """
    base = Path(root) / command / (name or datetime.now().strftime("%Y-%m-%d_%H-%M-%S"))
    writable_folder(base.parent, f"the runs folder {root}")
    for attempt in range(1, 1000):
        folder = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise OutputFolderError(f"{base}: 999 runs of this name exist already; pass another --name")


def writable_folder(path, what="--output-dir"):
    """Make ``path`` if needed and check that a file can be written there, so that a run stops
    at once, before any work, rather than losing it at the first save."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise OutputFolderError(f"{what} {path} is a file, not a folder: name a folder to write into")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise OutputFolderError(
            f"cannot write into {what} {path} ({error.strerror or error}): choose a folder you can write to"
        ) from None
    return path


def display_path(path):
    """``path`` relative to the working folder when it lies inside it: what a user typed, and
    what records and notebook outputs show, rather than an absolute path that only one computer
    has. Links are not followed, so a linked data file still shows where the user put it."""
    path = Path(path)
    try:
        return Path(os.path.abspath(path)).relative_to(os.path.abspath(Path.cwd()))
    except ValueError:
        return path


def same_file(first, second):
    """Whether two paths name one file (through links, ``..`` and relative parts)."""
    return Path(first).resolve() == Path(second).resolve()
