"""The models this project ships, found wherever the package is: a checkout, an editable install
or a wheel.

Two models, each named for its purpose:

- ``photos`` (``photos/fernet_photos.keras``), what ``predict``, ``camera``, ``demo`` and
  ``evaluate --photos`` use: FERNet trained on the FER+ crowd votes, its classes balanced
  (``calibrate --balance``), the one that did best on real photographs;
- ``fer2013`` (``fernet_fer2013.keras``), the benchmark model for FER2013's own labels, what
  ``evaluate``, ``calibrate``, ``export``, ``explain`` and ``compare`` use.

In the repository they live in ``models/``; a wheel carries a copy inside the package
(``fercnn/_models/``, see ``pyproject.toml``), so the commands work without a checkout too.
"""

from pathlib import Path

from ..errors import SettingError
from ..run_files import BEST_MODEL

PACKAGE = Path(__file__).resolve().parents[1]  # the fercnn package folder
CANDIDATE_FOLDERS = (
    PACKAGE / "_models",  # installed from a wheel: models/ copied into the package
    PACKAGE.parents[1] / "models",  # a checkout, or an editable install of one
)
SHIPPED = {"photos": Path("photos") / "fernet_photos.keras", "fer2013": Path(BEST_MODEL)}
DEFAULT_PURPOSE = "photos"


def shipped_model(purpose: str = DEFAULT_PURPOSE) -> Path:
    """The path of the shipped ``.keras`` model for ``purpose`` (``photos`` or ``fer2013``); a
    clear error when the install lacks it."""
    if purpose not in SHIPPED:
        raise SettingError(f"no shipped model for {purpose!r}: choose one of {', '.join(SHIPPED)}")
    for folder in CANDIDATE_FOLDERS:
        if (folder / SHIPPED[purpose]).is_file():
            return folder / SHIPPED[purpose]
    looked = ", ".join(str(folder) for folder in CANDIDATE_FOLDERS)
    raise FileNotFoundError(
        f"the shipped model {SHIPPED[purpose]} is in none of {looked}: reinstall the package "
        "(pip install .) from a full clone, or pass --model PATH"
    )
