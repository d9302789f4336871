import sys
from pathlib import Path

import numpy as np

from fercnn.evaluation.metrics import SplitEvaluation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import mirror_gap  # noqa: E402


def test_mirror_gap_pairs_each_face_with_its_mirror_image():
    labels = np.array([0, 1, 2, 3])
    plain = np.eye(7)[[0, 1, 2, 0]]  # right on the first three
    mirrored = np.eye(7)[[0, 0, 0, 3]]  # right on the first and the last
    gap = mirror_gap.mirror_gap(SplitEvaluation("validation", labels, plain, mirrored))
    assert (gap.both_right, gap.only_a_right, gap.only_b_right, gap.both_wrong) == (1, 2, 1, 0)
    row = mirror_gap.table_row("m.keras", gap)
    assert row.startswith("| m.keras | 75.00% | 50.00% | +25.00 | 2 | 1 |")
    assert row.count("|") == mirror_gap.HEADER.count("|")
