"""Follow faces from frame to frame and smooth each face's emotions over time.

A face keeps its track id while its box stays near the box it had last: centres less than
``max_shift`` box sides apart and sides within a factor of two (nearest pairs first). Distance,
not box overlap, so that a face moving fast between sparsely sampled frames keeps its id. A track
unseen for longer than ``max_gap`` seconds ends. Each track's probabilities are an
exponential moving average whose time constant is in seconds, not frames, so the smoothing is the
same at any frame rate or sampling: after ``time_constant`` seconds a change has taken 63% effect.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..errors import SettingError
from .boxes import Box


@dataclass
class TrackedFace:
    track: int
    box: Box
    probabilities: np.ndarray  # this frame's, as classified
    smoothed: np.ndarray  # the track's moving average up to this frame


@dataclass
class _Track:
    number: int
    box: Box
    smoothed: np.ndarray
    seen: float


def check_time_constant(seconds: float) -> float:
    """``seconds`` if it can be a smoothing time constant (``--smoothing``): finite and 0 or
    more. An infinite one would freeze each face's emotions at its first frame."""
    if not (math.isfinite(seconds) and seconds >= 0):
        raise SettingError(
            f"--smoothing {seconds}: the smoothing time constant must be 0 or more seconds, and finite "
            "(0 = no smoothing; the default is 0.5)"
        )
    return seconds


class FaceTracker:
    """Call :meth:`update` once per frame, in time order, with that frame's
    :class:`fercnn.faces.pipeline.FaceResult` objects."""

    def __init__(self, time_constant=0.5, max_gap=1.0, max_shift=1.0):
        self.time_constant = check_time_constant(time_constant)
        self.max_gap = max_gap
        self.max_shift = max_shift
        self.tracks = []
        self._next_number = 1

    def update(self, time, faces):
        """The frame's faces as :class:`TrackedFace` objects, in the order given."""
        self.tracks = [track for track in self.tracks if time - track.seen <= self.max_gap]
        pairs = self._match(faces)
        tracked = []
        for index, face in enumerate(faces):
            track = pairs.get(index)
            if track is None:
                track = _Track(
                    self._next_number, face.box, np.asarray(face.probabilities, dtype=np.float64), time
                )
                self._next_number += 1
                self.tracks.append(track)
            else:
                weight = self._weight(time - track.seen)
                track.smoothed = (1 - weight) * track.smoothed + weight * face.probabilities
                track.box, track.seen = face.box, time
            tracked.append(TrackedFace(track.number, face.box, face.probabilities, track.smoothed.copy()))
        return tracked

    def _weight(self, seconds):
        """The new frame's share of the average after ``seconds`` since the track's last frame."""
        if self.time_constant == 0:
            return 1.0
        return 1.0 - math.exp(-max(seconds, 0.0) / self.time_constant)

    def _match(self, faces):
        """Face index -> track, nearest pairs first, each track used once."""
        candidates = sorted(
            (shift(face.box, track.box), index, position)
            for index, face in enumerate(faces)
            for position, track in enumerate(self.tracks)
        )
        pairs, used = {}, set()
        for distance, index, position in candidates:
            if distance > self.max_shift:
                break
            if index not in pairs and position not in used:
                pairs[index] = self.tracks[position]
                used.add(position)
        return pairs


def shift(first, second):
    """How far apart two :class:`fercnn.faces.detection.Box` objects are, in box sides (their mean side);
    infinite when one is more than twice the other's size, as no face grows that fast."""
    side_first, side_second = ((box.width * box.height) ** 0.5 for box in (first, second))
    ratio = side_first / max(side_second, 1e-9)
    if not 0.5 <= ratio <= 2.0:
        return math.inf
    dx = (first.x + first.width / 2) - (second.x + second.width / 2)
    dy = (first.y + first.height / 2) - (second.y + second.height / 2)
    return math.hypot(dx, dy) / ((side_first + side_second) / 2)
