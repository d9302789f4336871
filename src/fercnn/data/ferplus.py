"""FER+ crowd votes for FER2013's faces: reading them, and turning them into labels and targets.

FER+ (Barsoum et al., ICMI 2016, arXiv:1608.01041) had ten crowd taggers relabel every FER2013
face. Their votes disagree with FER2013's one label on about a third of the faces, mostly
"sad", "fear" and "angry" faces that the majority calls neutral: a model trained on FER2013's
labels alone learns to read a calm face as sad. The votes come as a CSV with one row per
FER2013 row, in the same order: either this project's ``fer2013_ferplus.csv.gz`` (which repeats
FER2013's ``emotion`` and ``Usage`` first) or FERPlus's own ``fer2013new.csv`` (``Usage``, image
name). Both have the ten vote columns of :data:`VOTE_COLUMNS`.

Three uses: the vote distribution over FER2013's seven classes as a soft training target
(:func:`ferplus_targets`), the majority vote as a second label set for evaluation
(:func:`majority_labels`), and the loader's check that the two files describe the same faces.
"""

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DatasetFormatError
from ..labels import EMOTIONS, NUM_CLASSES, SPLITS, USAGE_TO_SPLIT

__all__ = [
    "FERPLUS_NAMES",
    "NO_MAJORITY",
    "VOTE_COLUMNS",
    "find_ferplus",
    "ferplus_targets",
    "majority_labels",
    "read_ferplus_votes",
    "vote_distribution",
]

VOTE_COLUMNS = (
    "neutral",
    "happiness",
    "surprise",
    "sadness",
    "anger",
    "disgust",
    "fear",
    "contempt",
    "unknown",
    "NF",
)
# FER+'s names of FER2013's seven classes; contempt, unknown and NF (not a face) have none
_FER2013_NAME = {
    "anger": "angry",
    "disgust": "disgust",
    "fear": "fear",
    "happiness": "happy",
    "sadness": "sad",
    "surprise": "surprise",
    "neutral": "neutral",
}
FERPLUS_NAMES = ("fer2013_ferplus.csv.gz", "fer2013_ferplus.csv", "fer2013new.csv")
NO_MAJORITY = -1  # a face whose majority is contempt, unknown or not-a-face, or that has no votes


def _class_columns():
    """The vote column of each FER2013 class, in FER2013's class order."""
    column_of = {fer2013: VOTE_COLUMNS.index(ferplus) for ferplus, fer2013 in _FER2013_NAME.items()}
    return np.array([column_of[name] for name in EMOTIONS])


CLASS_COLUMNS = _class_columns()


def find_ferplus(csv_path):
    """The FER+ votes file that belongs to the FER2013 CSV at ``csv_path``: beside it, or in a
    sibling ``ferplus/`` folder (the layout ``data/fer2013/`` + ``data/ferplus/``); None if absent."""
    folder = Path(csv_path).parent
    for place in (folder, folder.parent / "ferplus"):
        for name in FERPLUS_NAMES:
            if (place / name).is_file():
                return place / name
    return None


def read_ferplus_votes(path, split_sizes, labels=None):
    """``{split: (N, 10) float32 votes}`` for the splits in ``split_sizes`` (``{split: N}``).

    Rows are matched to FER2013's by order within each split. A split the file lacks gets no
    entry; a split whose row count differs, or (where the file repeats FER2013's ``emotion``)
    a row whose emotion differs from ``labels[split]``, stops the load with an error that names
    the split and row: votes matched to the wrong faces would train on noise. A row without
    votes (FER+ dropped it) holds NaN.
    """
    path = Path(path)
    table = _read_table(path)
    usage = table["Usage"].astype(str).str.strip()
    votes = {}
    for split in SPLITS:
        if split not in split_sizes:
            continue
        rows = table[usage == _usage_of(split)]
        if rows.empty:
            continue
        if len(rows) != split_sizes[split]:
            raise DatasetFormatError(
                f"{path} has {len(rows)} {_usage_of(split)} rows but the FER2013 data has "
                f"{split_sizes[split]}: FER+ votes must have one row per FER2013 row, in the same order"
            )
        if "emotion" in rows and labels is not None:
            _check_emotions(path, split, rows["emotion"].to_numpy(), labels[split])
        votes[split] = rows[list(VOTE_COLUMNS)].to_numpy(dtype="float32")
    return votes


def _read_table(path):
    try:
        table = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, EOFError) as error:
        raise DatasetFormatError(f"{path} cannot be read as a FER+ votes CSV: {error}") from None
    table.columns = [str(column).strip() for column in table.columns]
    missing = [column for column in ("Usage", *VOTE_COLUMNS) if column not in table]
    if missing:
        raise DatasetFormatError(
            f"{path} lacks the FER+ column(s) {', '.join(missing)}: expected the columns "
            f"Usage,{','.join(VOTE_COLUMNS)} (as in FERPlus's fer2013new.csv)"
        )
    given = table[list(VOTE_COLUMNS)]
    numbers = given.apply(pd.to_numeric, errors="coerce")
    bad = (numbers.isna() & given.notna()).any(axis=1) | (numbers < 0).any(axis=1)
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 2
        raise DatasetFormatError(
            f"{path}, line {line}: a vote count is not a number >= 0; fix or remove the row"
        )
    return table


def _usage_of(split):
    return next(usage for usage, name in USAGE_TO_SPLIT.items() if name == split)


def _check_emotions(path, split, ferplus_emotions, labels):
    differ = np.flatnonzero(ferplus_emotions.astype(np.int64) != labels)
    if differ.size:
        raise DatasetFormatError(
            f"{path}: {differ.size} {_usage_of(split)} row(s) name another FER2013 emotion than the "
            f"FER2013 CSV (the first is {_usage_of(split)} row {differ[0] + 1}): the two files are not "
            "in the same row order; use the FER+ file made for this CSV"
        )


def vote_distribution(votes):
    """Each face's votes over FER2013's seven classes, normalised to sum to 1 (contempt,
    unknown and not-a-face votes left out); NaN for a face with no vote for any of the seven."""
    counts = np.nan_to_num(np.asarray(votes, dtype="float32"))[:, CLASS_COLUMNS]
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, counts / totals, np.nan).astype("float32")


def majority_labels(votes):
    """Each face's FER+ majority as a FER2013 class index, or :data:`NO_MAJORITY` where the
    majority is contempt, unknown or not-a-face, or the face has no votes. A tie goes to the
    first column in FER+'s order, as FER+'s own scripts break it."""
    votes = np.asarray(votes, dtype="float32")
    has_votes = ~np.isnan(votes).all(axis=1) & (np.nan_to_num(votes).sum(axis=1) > 0)
    winner = np.nan_to_num(votes).argmax(axis=1)
    class_of_column = np.full(len(VOTE_COLUMNS), NO_MAJORITY)
    class_of_column[CLASS_COLUMNS] = np.arange(NUM_CLASSES)
    return np.where(has_votes, class_of_column[winner], NO_MAJORITY).astype(np.int64)


def ferplus_targets(labels, votes, ferplus_weight):
    """Training targets: ``ferplus_weight`` of each face's FER+ vote distribution, the rest its
    FER2013 one-hot label. A face without usable votes keeps its one-hot label whole."""
    one_hot = np.eye(NUM_CLASSES, dtype="float32")[np.asarray(labels)]
    distribution = vote_distribution(votes)
    usable = ~np.isnan(distribution).any(axis=1, keepdims=True)
    blended = ferplus_weight * np.nan_to_num(distribution) + (1 - ferplus_weight) * one_hot
    return np.where(usable, blended, one_hot).astype("float32")
