"""A live camera in a desktop window: boxes, track ids and smoothed emotions; q quits.

The frames go through the same loop as a video file (:func:`fercnn.app.video.classify_frames`), so
everything but the window and the camera itself is tested on made-up videos. The window needs an
OpenCV build with a GUI (``opencv-python``); the headless build this project installs by default
has none, and the command says how to swap it. In Colab, the notebook's camera cell is the way.
"""

import cv2

from ..errors import FercnnError
from ..faces.tracking import FaceTracker
from ..media.video_frames import Camera, video_writer
from .video import annotate_frame, classify_frames

WINDOW = "fercnn camera (q quits)"
QUIT_KEYS = {ord("q"), ord("Q"), 27}  # q or Esc
GUI_ADVICE = (
    "this OpenCV build cannot open windows (opencv-python-headless has no GUI): "
    'pip uninstall -y opencv-python-headless && pip install "opencv-python<5", then run it again'
)


class NoWindowError(FercnnError, OSError):
    """The OpenCV build has no GUI to open a window with."""


class Window:
    """Shows frames in an OpenCV window; :meth:`show` returns False once the user quits."""

    def __init__(self, title=WINDOW):
        self.title = title
        self.sized = False
        try:
            cv2.namedWindow(title, cv2.WINDOW_NORMAL)
        except cv2.error:
            raise NoWindowError(GUI_ADVICE) from None

    def show(self, rgb):
        if not self.sized:  # open at the frame's own size; the user may resize it after
            cv2.resizeWindow(self.title, rgb.shape[1], rgb.shape[0])
            self.sized = True
        cv2.imshow(self.title, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        key = cv2.waitKey(1) & 0xFF
        closed = cv2.getWindowProperty(self.title, cv2.WND_PROP_VISIBLE) < 1
        return key not in QUIT_KEYS and not closed

    def close(self):
        cv2.destroyWindow(self.title)


class Recorder:
    """Writes annotated frames to an mp4 at the stream's rate."""

    def __init__(self, path, rate):
        self.path, self.rate, self.writer = path, rate, None

    def write(self, rgb):
        if self.writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.writer = video_writer(self.path, self.rate, rgb.shape)
        self.writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))

    def close(self):
        if self.writer is not None:
            self.writer.release()


def show_stream(frames, pipeline, tracker, display, recorder=None):
    """Classify, annotate and show each frame until the frames end or ``display.show`` says stop;
    returns how many frames were shown."""
    shown = 0
    try:
        for frame, tracked in classify_frames(frames, pipeline, tracker):
            annotated = annotate_frame(frame, tracked)
            if recorder is not None:
                recorder.write(annotated)
            shown += 1
            if not display.show(annotated):
                break
    finally:
        display.close()
        if recorder is not None:
            recorder.close()
    return shown


def run_camera_window(device, pipeline, time_constant, record=None):
    """Open the window first (so a missing GUI is said before the camera turns on), then stream."""
    window = Window()
    try:
        camera = Camera(device)
    except Exception:
        window.close()
        raise
    recorder = Recorder(record, camera.rate) if record is not None else None
    return show_stream(camera, pipeline, FaceTracker(time_constant), window, recorder)
