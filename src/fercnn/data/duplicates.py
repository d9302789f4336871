"""Exact duplicate faces within and across splits, to make train/test leakage visible.

FER2013 contains byte-identical images (several blank frames, and faces scraped twice), some
of them under different labels. A face in both Training and PrivateTest inflates test
accuracy, so users should be able to see how many there are before trusting a number.
"""

import hashlib
from collections import defaultdict
from itertools import combinations_with_replacement

import pandas as pd


def image_digests(images):
    """A 16-byte digest per image: equal digests mean byte-identical faces."""
    rows = images.reshape(len(images), -1)
    return [hashlib.blake2b(row.tobytes(), digest_size=16).digest() for row in rows]


def duplicate_table(data):
    """One row per pair of splits (a split with itself for internal repeats).

    ``images`` counts faces of ``split_b`` identical to some face of ``split_a`` (for a split
    with itself: faces that repeat an earlier one); ``label_conflicts`` counts how many of those
    carry a different label.
    """
    labels_by_digest = {name: _labels_by_digest(data[name]) for name in data.names}
    rows = []
    for split_a, split_b in combinations_with_replacement(data.names, 2):
        found, conflicts = _compare(labels_by_digest[split_a], labels_by_digest[split_b], split_a == split_b)
        rows.append({"split_a": split_a, "split_b": split_b, "images": found, "label_conflicts": conflicts})
    return pd.DataFrame(rows)


def _labels_by_digest(split):
    groups = defaultdict(list)
    for digest, label in zip(image_digests(split.images), split.labels.tolist(), strict=True):
        groups[digest].append(label)
    return groups


def _compare(groups_a, groups_b, same_split):
    found = conflicts = 0
    for digest, labels_b in groups_b.items():
        labels_a = groups_a.get(digest)
        if labels_a is None:
            continue
        repeats = labels_b[1:] if same_split else labels_b
        found += len(repeats)
        conflicts += sum(label != labels_a[0] for label in repeats)
    return found, conflicts
