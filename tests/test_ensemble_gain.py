import sys
from pathlib import Path

import numpy as np

from fercnn.evaluation.metrics import SplitEvaluation

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import ensemble_gain  # noqa: E402


def test_the_ensemble_averages_plain_and_flip_probabilities_and_can_beat_each_member():
    labels = np.array([0, 1])
    # each model gets one face right with confidence and the other wrong by a hair
    a = np.array([[0.9, 0.1], [0.55, 0.45]])
    b = np.array([[0.45, 0.55], [0.1, 0.9]])
    first = SplitEvaluation("validation", labels, np.pad(a, ((0, 0), (0, 5))), np.pad(a, ((0, 0), (0, 5))))
    second = SplitEvaluation(
        "validation", labels, np.pad(b, ((0, 0), (0, 5))), np.pad(b[::-1], ((0, 0), (0, 5)))
    )
    mean = ensemble_gain.mean_evaluation([first, second])
    np.testing.assert_allclose(mean.probabilities[:, :2], (a + b) / 2)
    np.testing.assert_allclose(mean.mirrored_probabilities[:, :2], (a + b[::-1]) / 2)
    np.testing.assert_allclose(mean.tta_probabilities[:, :2], (2 * a + b + b[::-1]) / 4)
    assert first.summary()["accuracy"] == second.summary()["accuracy"] == 0.5
    assert mean.summary()["accuracy"] == 1.0
