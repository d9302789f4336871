"""How far a FER2013 accuracy can be trusted: a confidence interval, and a paired test of two models.

PublicTest has 3,589 faces, so one face is 0.028 points and an accuracy near 70% carries a 95%
interval of about +-1.5 points from the choice of faces alone. Two models scored on the same
faces are compared better by the faces on which they disagree (McNemar's exact test) than by
their two accuracies: most faces are right or wrong for both, and those say nothing about
which is better.
"""

from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist

import numpy as np


def accuracy_interval(correct, total, confidence=0.95):
    """Wilson score interval: unlike the normal approximation it stays inside [0, 1] and keeps
    its coverage for small or near-perfect splits (a per-class recall on 56 disgust faces)."""
    if total <= 0 or not 0 <= correct <= total:
        raise ValueError(f"need 0 <= correct <= total and total > 0, got correct={correct}, total={total}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    share = correct / total
    scale = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / scale
    half_width = z / scale * sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return max(0.0, centre - half_width), min(1.0, centre + half_width)


@dataclass(frozen=True)
class PairedComparison:
    """Two models' predictions on the same faces, counted by who was right."""

    both_right: int
    only_a_right: int
    only_b_right: int
    both_wrong: int

    @property
    def faces(self):
        return self.both_right + self.only_a_right + self.only_b_right + self.both_wrong

    @property
    def correct_a(self):
        return self.both_right + self.only_a_right

    @property
    def correct_b(self):
        return self.both_right + self.only_b_right

    @property
    def p_value(self):
        """Two-sided exact McNemar test: if neither model were better, each disagreement would go
        either way with probability 1/2."""
        disagreements = self.only_a_right + self.only_b_right
        fewer = min(self.only_a_right, self.only_b_right)
        term = tail = 1  # comb(disagreements, 0), then each next term from the last, in exact integers
        for k in range(fewer):
            term = term * (disagreements - k) // (k + 1)
            tail += term
        return min(1.0, 2 * tail / 2**disagreements)


def compare_predictions(labels, predictions_a, predictions_b):
    labels, predictions_a, predictions_b = (np.asarray(x) for x in (labels, predictions_a, predictions_b))
    if not labels.shape == predictions_a.shape == predictions_b.shape or labels.ndim != 1:
        raise ValueError(
            "labels and both models' predictions must be 1-D arrays over the same faces, got shapes "
            f"{labels.shape}, {predictions_a.shape} and {predictions_b.shape}"
        )
    right_a, right_b = predictions_a == labels, predictions_b == labels
    return PairedComparison(
        both_right=int(np.sum(right_a & right_b)),
        only_a_right=int(np.sum(right_a & ~right_b)),
        only_b_right=int(np.sum(~right_a & right_b)),
        both_wrong=int(np.sum(~right_a & ~right_b)),
    )


def format_comparison(comparison, name_a, name_b, split_label):
    """The 2x2 table of who was right, both accuracies with their intervals, and the test."""
    rows = [
        f"{split_label}, {comparison.faces} faces",
        f"{'':<8}{'accuracy':>10}  95% interval   model",
    ]
    for letter, correct, name in (("A", comparison.correct_a, name_a), ("B", comparison.correct_b, name_b)):
        low, high = accuracy_interval(correct, comparison.faces)
        rows.append(f"{letter:<8}{correct / comparison.faces:>10.4f}  {low:.4f}-{high:.4f}  {name}")
    rows += [
        "",
        f"both right {comparison.both_right}, only A right {comparison.only_a_right}, "
        f"only B right {comparison.only_b_right}, both wrong {comparison.both_wrong}",
        f"B - A: {100 * (comparison.correct_b - comparison.correct_a) / comparison.faces:+.2f} points; "
        f"exact McNemar p = {comparison.p_value:.3g} "
        "(the chance of a split at least this uneven if neither were better)",
    ]
    return "\n".join(rows)
