"""Where the benchmarks look for FER2013 when ``--data`` is not given."""

from pathlib import Path

# The developers' and CI's copy of the real data, beside (never inside) the repository.
SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "fer2013" / "fer2013.csv.gz"


def default_data():
    """The shared CSV where it exists, else the repository's data/ folder (a user's own copy)."""
    return SHARED_CSV if SHARED_CSV.exists() else Path("data")


def add_data_argument(parser, rows="the PublicTest rows"):
    """``--data``, defaulting to :func:`default_data`: one place for every benchmark's flag."""
    parser.add_argument("--data", default=str(default_data()), help=f"FER2013 CSV with {rows}")
