"""In-memory FER2013: uint8 faces and integer labels, one entry per split that is present."""

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import MissingSplitError
from ..labels import EMOTIONS, NUM_CLASSES, SPLIT_TO_USAGE, SPLITS


@dataclass(frozen=True)
class Split:
    """Faces ``(N, 48, 48, 1)`` uint8 and labels ``(N,)`` int64 in the official class order;
    ``ferplus_votes`` ``(N, 10)``, the FER+ crowd votes for the same faces where they were
    loaded (see :mod:`fercnn.data.ferplus`), else None."""

    images: np.ndarray
    labels: np.ndarray
    ferplus_votes: np.ndarray | None = None

    def __len__(self):
        return len(self.labels)

    def class_counts(self):
        return np.bincount(self.labels, minlength=NUM_CLASSES)


def warn_of_missing_classes(split: Split, what: str, source) -> None:
    """Warn where ``split`` lacks some of the seven classes: trained on one class alone, a model
    answers it for every face, and scores a meaningless 1.000 on faces of that class."""
    present = [EMOTIONS[label] for label in np.flatnonzero(split.class_counts())]
    if len(present) == 1:
        warnings.warn(
            f"the {what} faces of {source} are all of one class ({present[0]}): the model learns to "
            f"answer {present[0]} for every face, and an accuracy of 1.000 on such faces means nothing; "
            "train on faces of all seven classes",
            stacklevel=2,
        )
    elif 1 < len(present) < NUM_CLASSES:
        missing = ", ".join(name for name in EMOTIONS if name not in present)
        warnings.warn(
            f"the {what} faces of {source} hold no {missing}: the model never learns those classes",
            stacklevel=2,
        )


@dataclass(frozen=True)
class FER2013:
    """The splits found at ``source``; asking for an absent one says which are there.

    A copy of FER2013 may lack a split (the Kaggle image release merges the two test sets,
    some mirrors hold out PrivateTest), so callers iterate over ``names`` instead of
    assuming all three exist.
    """

    splits: dict[str, Split]
    source: Path
    ferplus_source: Path | None = None  # the FER+ votes file, where one was found and read

    @property
    def names(self):
        return tuple(name for name in SPLITS if name in self.splits)

    def __contains__(self, name):
        return name in self.splits

    def __getitem__(self, name):
        if name not in self.splits:
            if name not in SPLITS:
                raise MissingSplitError(f"unknown split {name!r}: choose one of {', '.join(SPLITS)}")
            raise MissingSplitError(
                f"split {name!r} ({SPLIT_TO_USAGE[name]} rows) is absent from {self.source}; "
                f"it holds {', '.join(self.names)}"
            )
        return self.splits[name]

    def class_table(self):
        """Images per class and split, as a DataFrame (the table in every FER2013 paper)."""
        table = pd.DataFrame(
            {name: self.splits[name].class_counts() for name in self.names}, index=list(EMOTIONS)
        ).T
        table["total"] = table.sum(axis=1)
        return table
