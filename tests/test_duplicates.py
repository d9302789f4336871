import numpy as np
from conftest import make_faces

from fercnn.data.dataset import FER2013, Split
from fercnn.data.duplicates import duplicate_table


def test_duplicates_within_and_across_splits_with_label_conflicts():
    images, labels = make_faces(3)
    train = Split(images, labels)
    leaked = np.stack([images[0], images[5], images[5]])  # two leaks of one face, one of another
    validation = Split(leaked, np.array([labels[0], labels[5], (labels[5] + 1) % 7]))
    table = duplicate_table(FER2013({"train": train, "validation": validation}, "synthetic"))
    rows = {(row.split_a, row.split_b): (row.images, row.label_conflicts) for row in table.itertuples()}
    assert rows[("train", "train")] == (0, 0)
    assert rows[("train", "validation")] == (3, 1)
    assert rows[("validation", "validation")] == (1, 1)
