"""Where each command writes: a new folder under ``runs/`` for every run, never the shipped model.

``runs/<command>/<name>`` (``runs/train/2026-12-01_14-05-09``, ``runs/evaluate/my-test``),
the layout that detection toolkits made familiar: every run a user starts lands in its own
git-ignored folder, two runs never collide, and ``models/`` changes only when a user names it.
"""

from datetime import datetime
from pathlib import Path

RUNS_ROOT = Path("runs")


def new_run_dir(command, name=None, root=RUNS_ROOT):
    """Create and return a new, empty ``root/command/name`` folder.

    ``name`` defaults to the date and time; a taken name gets ``-2``, ``-3``... appended, so two
    runs started in the same second (or given the same name) still get folders of their own.
    """
    base = Path(root) / command / (name or datetime.now().strftime("%Y-%m-%d_%H-%M-%S"))
    base.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        folder = base if attempt == 1 else base.with_name(f"{base.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(f"{base}: 999 runs of this name exist already; pass another --name")


def display_path(path):
    """``path`` relative to the working folder when it lies inside it: what a user typed, and
    what records and notebook outputs show, rather than the absolute path of one machine."""
    path = Path(path)
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def same_file(first, second):
    """Whether two paths name one file (through links, ``..`` and relative parts)."""
    return Path(first).resolve() == Path(second).resolve()
