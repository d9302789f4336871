"""Read frames from a video file or a camera through OpenCV, at a chosen sampling rate, and write
them back to a video file.

A video is sampled at ``fps`` frames a second of its own time (every frame with ``fps=None``):
frames in between are grabbed without being decoded into images, which is most of the saving.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import cv2

from ..errors import FercnnError

VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".avi", ".mov", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv"})
UNKNOWN_RATE = 30.0  # frames a second assumed where a file does not say
CONVERT_HINT = "convert it with: ffmpeg -i INPUT -c:v libx264 -pix_fmt yuv420p OUTPUT.mp4"


class VideoReadError(FercnnError, ValueError):
    """A video that OpenCV cannot open or decode."""


@dataclass(frozen=True)
class Frame:
    number: int  # the frame's index in the video (or since the camera started)
    time: float  # seconds since the start
    rgb: object  # (H, W, 3) uint8


def is_video(path):
    return Path(path).suffix.lower() in VIDEO_SUFFIXES


class VideoFile:
    """A video file's frames, sampled: iterate for :class:`Frame` objects."""

    def __init__(self, path, fps=None):
        self.path = Path(path)
        if not self.path.is_file():
            raise VideoReadError(f"{self.path}: no such file")
        self.capture = cv2.VideoCapture(str(self.path))
        if not self.capture.isOpened():
            raise VideoReadError(
                f"{self.path}: OpenCV cannot open this video (not a video, damaged, or a codec this "
                f"OpenCV build lacks); {CONVERT_HINT}"
            )
        rate = self.capture.get(cv2.CAP_PROP_FPS)
        self.rate = rate if 0 < rate < 1000 else UNKNOWN_RATE
        self.frame_count = max(int(self.capture.get(cv2.CAP_PROP_FRAME_COUNT)), 0)
        self.step = 1 if not fps or fps >= self.rate else self.rate / fps

    @property
    def sampled_rate(self):
        """Frames a second of video time that the iteration yields."""
        return self.rate / self.step

    @property
    def expected_samples(self):
        return int(self.frame_count / self.step) if self.frame_count else None

    def __iter__(self):
        number, next_sample = 0, 0.0
        try:
            while self.capture.grab():
                if number >= next_sample - 1e-6:
                    ok, bgr = self.capture.retrieve()
                    if not ok:
                        break
                    yield Frame(number, number / self.rate, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                    next_sample += self.step
                number += 1
        finally:
            self.capture.release()


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
