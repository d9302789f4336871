"""Following faces across frames and smoothing their emotions over seconds, not frames."""

import math

import numpy as np
import pytest

from fercnn.faces.boxes import Box
from fercnn.faces.pipeline import FaceResult
from fercnn.faces.tracking import FaceTracker, shift

HAPPY, SAD = np.eye(7)[3], np.eye(7)[4]


def face(x, probabilities=HAPPY, y=50, side=60):
    return FaceResult(Box(x, y, side, side), probabilities)


def test_a_moving_face_keeps_its_track_and_a_new_face_gets_a_new_one():
    tracker = FaceTracker()
    first = tracker.update(0.0, [face(100)])
    second = tracker.update(0.1, [face(110), face(400)])
    assert [t.track for t in first] == [1]
    assert [t.track for t in second] == [1, 2]
    third = tracker.update(0.2, [face(405), face(120)])  # order in the frame does not matter
    assert [t.track for t in third] == [2, 1]


def test_a_track_unseen_for_longer_than_the_gap_ends():
    tracker = FaceTracker(max_gap=1.0)
    tracker.update(0.0, [face(100)])
    assert tracker.update(0.9, [face(100)])[0].track == 1
    assert tracker.update(2.5, [face(100)])[0].track == 2


@pytest.mark.parametrize("rate", [4, 10, 30])
def test_smoothing_is_set_in_seconds_whatever_the_frame_rate(rate):
    """From happy to sad: one time constant later, 63% of the way, at any sampling rate."""
    tracker = FaceTracker(time_constant=0.5)
    tracker.update(0.0, [face(100, HAPPY)])
    steps = round(0.5 * rate)
    for step in range(1, steps + 1):
        (tracked,) = tracker.update(step / rate, [face(100, SAD)])
    assert tracked.smoothed[4] == pytest.approx(1 - math.exp(-1), abs=1e-9)
    assert tracked.probabilities[4] == 1.0  # the frame's own probabilities are kept as well


def test_no_smoothing_follows_each_frame():
    tracker = FaceTracker(time_constant=0)
    tracker.update(0.0, [face(100, HAPPY)])
    assert tracker.update(0.1, [face(100, SAD)])[0].smoothed.tolist() == SAD.tolist()


def test_shift_is_measured_in_box_sides_and_refuses_sudden_growth():
    assert shift(Box(0, 0, 10, 10), Box(5, 0, 10, 10)) == pytest.approx(0.5)
    assert shift(Box(0, 0, 10, 10), Box(30, 40, 10, 10)) == pytest.approx(5.0)
    assert shift(Box(0, 0, 10, 10), Box(0, 0, 25, 25)) == math.inf


def test_a_fast_face_between_sparse_samples_keeps_its_track():
    """Boxes that barely overlap (IoU 0.14), three quarters of a side further each sample: one face."""
    tracker = FaceTracker()
    tracks = [tracker.update(step * 0.2, [face(100 + 45 * step)])[0].track for step in range(5)]
    assert tracks == [1, 1, 1, 1, 1]


@pytest.mark.parametrize("seconds", [-1, float("inf"), float("nan")])
def test_a_negative_or_infinite_time_constant_is_refused(seconds):
    """An infinite one would freeze every face's emotions at its first frame."""
    with pytest.raises(ValueError, match="0 or more seconds, and finite"):
        FaceTracker(time_constant=seconds)
