"""Where each command writes: a new folder under ``runs/`` for every run, never the shipped model.

``runs/<command>/<name>`` (``runs/train/2026-12-01_14-05-09``, ``runs/evaluate/my-test``),
the layout that detection toolkits made familiar: every run a user starts lands in its own
git-ignored folder, two runs never collide, and ``models/`` changes only when a user names it.
"""

import contextlib
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: runs there are not guarded against each other
    fcntl = None

from .errors import OutputFolderError, SettingError

RUNS_ROOT = Path("runs")
LOCK_FILE = ".in_use"  # held (flock) by the process writing into a run folder


def run_folder(command: str, name: str, root: str | Path = RUNS_ROOT) -> Path:
    """``root/command/name``, once ``name`` (``--name``) is known to stay inside it: an absolute
    name or one with a ``..`` part would write a run's files anywhere on the disk."""
    if Path(name).is_absolute() or ".." in Path(name).parts or os.path.splitdrive(name)[0]:
        raise SettingError(
            f"--name {name}: a run's name is a folder inside {Path(root) / command}/, without '..' or a "
            "leading '/'; to write somewhere else, pass --output-dir"
        )
    return Path(root) / command / name


def new_run_dir(command, name=None, root=RUNS_ROOT):
    """Create and return a new, empty ``root/command/name`` folder.

    ``name`` defaults to the date and time; a taken name gets ``-2``, ``-3``... appended, so two
    runs started in the same second (or given the same name) still get folders of their own.
    """
    base = run_folder(command, name or datetime.now().strftime("%Y-%m-%d_%H-%M-%S"), root)
    writable_folder(base.parent, f"the runs folder {root}")
    for attempt in range(1, 1000):
        folder = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise OutputFolderError(f"{base}: 999 runs of this name exist already; pass another --name")


@contextlib.contextmanager
def run_folder_lock(folder: str | Path) -> Iterator[Path]:
    """Hold ``folder`` for this process alone while the block runs: a second run started into
    the same folder (``train --name same`` twice at once) stops at once with a message, rather
    than both writing the same checkpoints and one dying with a traceback.

    An exclusive ``flock`` on ``folder/.in_use``: the system lets it go when the process ends,
    however it ends (Ctrl-C, a crash, ``kill -9``), so a stale lock never blocks a rerun.
    """
    folder = writable_folder(folder, "the run folder")
    if fcntl is None:
        yield folder
        return
    with open(folder / LOCK_FILE, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise OutputFolderError(
                f"{folder} is in use by another run ({holder}): wait for it to finish, or train "
                "into another folder (another --name or --output-dir)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}\n")
        handle.flush()
        try:
            yield folder
        finally:
            handle.truncate(0)
            fcntl.flock(handle, fcntl.LOCK_UN)


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
