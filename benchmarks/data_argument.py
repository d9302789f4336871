"""The ``--data`` flag every benchmark takes, defaulting to ``$FER2013_CSV`` or else ``data/``."""

import os


def default_data():
    """``$FER2013_CSV`` where it is set, else the repository's data/ folder (a user's own copy)."""
    return os.environ.get("FER2013_CSV") or "data"


def add_data_argument(parser, rows="the PublicTest rows"):
    """``--data``, defaulting to :func:`default_data`: one place for every benchmark's flag."""
    parser.add_argument(
        "--data", default=default_data(), help=f"FER2013 CSV with {rows} (default %(default)s)"
    )
