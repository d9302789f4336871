"""Read frames from a video file or a camera through OpenCV, at a chosen sampling rate, and write
them back to a video file.

A video is sampled at ``fps`` frames a second of its own time (every frame with ``fps=None``):
frames in between are grabbed without being decoded into images, which is most of the saving.
"""

import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..errors import FercnnError, SettingError
from .containers import audio_only

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".avi", ".mov", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv"})
UNKNOWN_RATE = 30.0  # frames a second assumed where a file does not say (and has no timestamps)
PLACEHOLDER_RATE = 1000.0  # what recorders with a 1 ms time base (browsers' WebM) write for "variable"
MIN_FPS = 0.1  # sampling rates below this cannot be written back: OpenCV's encoders refuse them
CONVERT_HINT = "convert it with: ffmpeg -i INPUT -c:v libx264 -pix_fmt yuv420p OUTPUT.mp4"
NO_FRAMES = "has no video frames (a sound-only file, or a recording that never started): give a video"
ENDS_EARLY = 0.95  # a video read to less than this share of the frames it declares is reported


class VideoReadError(FercnnError, ValueError):
    """A video that OpenCV cannot open or decode."""


@dataclass(frozen=True)
class Frame:
    number: int  # the frame's index in the video (or since the camera started)
    time: float  # seconds since the start
    rgb: np.ndarray  # (H, W, 3) uint8


def is_video(path):
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


def check_sampling_rate(fps: float | None) -> float | None:
    """``fps`` (frames classified a second, None for every frame) if a video can be sampled and
    written back at that rate; a :class:`fercnn.errors.SettingError` saying why not otherwise."""
    if fps is not None and not fps >= MIN_FPS:  # also refuses NaN
        raise SettingError(
            f"--fps {fps:g}: a video is sampled at {MIN_FPS:g} frames a second or more (one frame every "
            f"{1 / MIN_FPS:g} seconds), as its annotated copy plays at that rate; pass a larger --fps"
        )
    return fps


def _open_capture(path):
    return cv2.VideoCapture(str(path))


class VideoFile:
    """A video file's frames, sampled: iterate for :class:`Frame` objects.

    Frames are timed by the container's timestamps where it has them (a variable-rate phone
    video's frames are not evenly spaced), else by their number and the declared rate. After
    the iteration, ``ended_early`` says how far a truncated or damaged video was read (None
    when it was read to the end it declares), and a warning has said so.
    """

    def __init__(self, path, fps=None):
        self.path = Path(path)
        self.fps = check_sampling_rate(fps)
        if not self.path.is_file():
            raise VideoReadError(f"{self.path}: no such file")
        self.capture = _open_capture(self.path)
        if not self.capture.isOpened():
            self.capture.release()
            raise VideoReadError(_unopened_message(self.path))
        self.rate, self.rate_known = _declared_rate(self.capture.get(cv2.CAP_PROP_FPS), self.path)
        self.frame_count = max(int(self.capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
        self.step = 1 if not fps or fps >= self.rate else self.rate / fps
        self.ended_early = None
        self.last_time = 0.0  # of the last frame read

    @property
    def sampled_rate(self):
        """Frames a second of video time that the iteration yields."""
        if self.fps and (self.fps < self.rate or not self.rate_known):
            return self.fps
        return self.rate

    @property
    def expected_samples(self):
        return int(self.frame_count / self.step) if self.frame_count else None

    def __iter__(self):
        number, next_slot, first = 0, 0, None
        try:
            while self.capture.grab():
                seconds, first = self._frame_time(number, first)
                if self.fps is None or seconds >= next_slot / self.fps - 1e-6:
                    ok, bgr = self.capture.retrieve()
                    if not ok:
                        break
                    yield Frame(number, seconds, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                    if self.fps is not None:
                        next_slot = math.floor(seconds * self.fps + 1e-6) + 1
                number += 1
        finally:
            self.capture.release()
        self._check_complete(number)

    def nothing_read_message(self):
        """Why a video yielded no frame at all: it has none, or none that can be decoded."""
        if self.frame_count == 0:
            return f"{self.path}: {NO_FRAMES}"
        return (
            f"{self.path}: no frame could be decoded (damaged, or a codec this OpenCV lacks); {CONVERT_HINT}"
        )

    def _frame_time(self, number, first):
        """Seconds since the first frame, from the container's timestamp where it gives one that
        moves forward, else one frame at the declared rate after the last; and the first stamp."""
        stamp = self.capture.get(cv2.CAP_PROP_POS_MSEC) / 1000
        if number == 0:
            first = stamp if math.isfinite(stamp) and stamp >= 0 else 0.0
            seconds = 0.0
        elif math.isfinite(stamp) and stamp - first > self.last_time:
            seconds = stamp - first
        else:
            seconds = self.last_time + 1 / self.rate
        self.last_time = seconds
        return seconds, first

    def _check_complete(self, frames_read):
        """Say, once the frames run out, whether they ran out well before the declared end."""
        if frames_read == 0:
            return
        if self.frame_count and frames_read < ENDS_EARLY * self.frame_count:
            declared = (
                f" ({self.last_time:.1f} s of {self.frame_count / self.rate:.1f} s)"
                if self.rate_known
                else ""
            )
            self.ended_early = (
                f"the video ends after {frames_read} of its {self.frame_count} frames{declared}"
            )
            warnings.warn(
                f"{self.path}: {self.ended_early}: truncated or damaged? The results cover the part read",
                stacklevel=2,
            )


def _declared_rate(rate, path):
    """``(frames a second, whether the file says so)``: a missing, absurd or placeholder rate
    (1000, which some recorders write for a variable rate) is unknown, with a warning."""
    if math.isfinite(rate) and 0 < rate < PLACEHOLDER_RATE:
        return rate, True
    said = f"says {rate:g} frames a second, a placeholder" if rate else "does not say its frame rate"
    warnings.warn(
        f"{path}: the file {said}; frames are timed by their timestamps where it has them, "
        f"else at {UNKNOWN_RATE:g} a second",
        stacklevel=3,
    )
    return UNKNOWN_RATE, False


def _unopened_message(path):
    """Why OpenCV cannot open ``path``: no video in it at all, or a video it cannot read."""
    if audio_only(path):
        return f"{path}: {NO_FRAMES}"
    return (
        f"{path}: OpenCV cannot open this video (not a video, damaged, or a codec this "
        f"OpenCV build lacks); {CONVERT_HINT}"
    )


class Camera:
    """A camera's frames as they come, timed by the clock; stops when the camera does."""

    def __init__(self, device=0):
        self.device = device
        self.capture = cv2.VideoCapture(device)
        if not self.capture.isOpened():
            raise VideoReadError(
                f"camera {device} cannot be opened: check that it is connected and not in use, "
                "or pick another with --device"
            )
        rate = self.capture.get(cv2.CAP_PROP_FPS)
        self.rate = rate if 0 < rate < 1000 else UNKNOWN_RATE

    def __iter__(self):
        start = time.perf_counter()
        number = 0
        try:
            while True:
                ok, bgr = self.capture.read()
                if not ok:
                    return
                yield Frame(number, time.perf_counter() - start, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                number += 1
        finally:
            self.capture.release()


FOURCC = {".mp4": "mp4v", ".webm": "VP80"}


def video_writer(path, rate, shape):
    """An OpenCV writer for ``path`` (.mp4 or .webm) at ``rate`` frames a second, for frames of
    ``shape``; an error naming the file where OpenCV cannot write it."""
    path = Path(path)
    fourcc = cv2.VideoWriter_fourcc(*FOURCC.get(path.suffix.lower(), "mp4v"))
    writer = cv2.VideoWriter(str(path), fourcc, rate, (shape[1], shape[0]))
    if not writer.isOpened():
        raise OSError(f"{path}: OpenCV cannot write a {path.suffix or 'video'} file here; name an .mp4")
    return writer
