"""The model this project ships, found wherever the package is: a checkout, an editable install
or a wheel.

In the repository it lives in ``models/``; a wheel carries a copy inside the package
(``fercnn/_models/``, see ``pyproject.toml``), so ``predict`` and ``evaluate`` work without a
checkout too.
"""

from pathlib import Path

from ..run_files import BEST_MODEL

PACKAGE = Path(__file__).resolve().parents[1]  # the fercnn package folder
CANDIDATE_FOLDERS = (
    PACKAGE / "_models",  # installed from a wheel: models/ copied into the package
    PACKAGE.parents[1] / "models",  # a checkout, or an editable install of one
)


def shipped_model() -> Path:
    """The path of the shipped ``.keras`` model; a clear error when the install lacks it."""
    for folder in CANDIDATE_FOLDERS:
        if (folder / BEST_MODEL).is_file():
            return folder / BEST_MODEL
    looked = ", ".join(str(folder) for folder in CANDIDATE_FOLDERS)
    raise FileNotFoundError(
        f"the shipped model {BEST_MODEL} is in none of {looked}: reinstall the package "
        "(pip install .) from a full clone, or pass --model PATH"
    )
