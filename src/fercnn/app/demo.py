"""A live demo in the browser: webcam, photos and videos, on the same code as ``predict``.

``python -m fercnn demo`` serves it on this computer only (http://127.0.0.1:7860 unless that port
is taken); ``fercnn.app.demo.launch()`` shows it inside a Colab or Jupyter notebook. It needs Gradio,
an optional extra: ``pip install -e ".[demo]"``.

Three tabs share one :class:`fercnn.faces.pipeline.FacePipeline`:

- **webcam**: the browser streams frames; each is annotated (boxes, track ids, emotions smoothed
  over time per face) and the largest face's seven probabilities are shown as bars;
- **photos**: one or several uploads; annotated images, a table of faces and the JSON that
  ``predict --json`` prints, to download;
- **video**: an uploaded clip; the annotated video, the first face's timeline and the frame CSV.

A bad upload (not an image, too large, a broken video, a photo without a face) is answered by a
message in the page, never a stack trace.

Nothing leaves the computer unless asked (``--share``): Gradio's usage analytics and the
Hugging Face hub's telemetry are turned off before Gradio is imported, and every upload and
annotated copy is kept in the demo's own temporary folder, deleted when the demo ends.
"""

import os
import re
import shutil
import tempfile
import time
import warnings
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..faces.detection import at_most
from ..faces.pipeline import FacePipeline
from ..faces.tracking import FaceTracker
from ..labels import EMOTIONS, IMAGE_SIZE
from ..media.video_frames import Frame, VideoReadError
from ..runtime.classifier import load_classifier
from .predict import format_json, predict_photos
from .video import DEFAULT_TIME_CONSTANT, VideoResult, annotate_frame, predict_video

DEMO_EXTRA = 'the demo needs Gradio: pip install -e ".[demo]" (or pip install gradio)'
MAX_UPLOAD = "200mb"
VIDEO_FPS = 5.0
WEBCAM_INTERVAL = 0.1  # seconds between the frames the browser sends
WEBCAM_TIME_LIMIT = 600  # seconds one stream may run before the browser has to start it again
STREAM_SIDE = 640  # webcam frames are classified at most this wide, for speed


# set before Gradio is imported: no usage analytics, no hub telemetry, no update check
PRIVATE_ENVIRONMENT = {"GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_DISABLE_TELEMETRY": "1"}


def _gradio():
    os.environ.update(PRIVATE_ENVIRONMENT)
    try:
        with warnings.catch_warnings():  # Gradio's progress bars look for notebook widgets on import
            warnings.filterwarnings("ignore", message="IProgress not found")
            import gradio
    except ImportError:
        raise ImportError(DEMO_EXTRA) from None
    return gradio


@dataclass
class WebcamStream:
    """One browser's webcam stream: its tracker, when it began, and how many frames it sent."""

    tracker: FaceTracker = field(default_factory=lambda: FaceTracker(DEFAULT_TIME_CONSTANT))
    start: float = field(default_factory=time.perf_counter)
    frames: int = 0


class DemoApp:
    """The demo's work, without Gradio: each method takes and returns plain Python values, so
    the page's handlers are one line each and this class is tested directly."""

    def __init__(self, model=None, detector="auto", work_dir=None):
        self.pipeline = FacePipeline(load_classifier(model), detector)
        self.work_dir = Path(work_dir or tempfile.mkdtemp(prefix="fercnn-demo-"))
        # a folder of the demo's own is deleted with the demo (when it is closed, collected or
        # the interpreter exits); one the caller named is the caller's to keep
        self._remove_work_dir = (
            weakref.finalize(self, shutil.rmtree, self.work_dir, True) if work_dir is None else None
        )
        # Classify once now: a Keras model builds its graph on its first call, a second or more
        # that would otherwise stall the first webcam frame and break its face's track.
        self.pipeline.classifier(np.zeros((1, IMAGE_SIZE, IMAGE_SIZE, 1), np.uint8))

    @property
    def uploads_dir(self) -> Path:
        """Where Gradio keeps this demo's uploads and the files it serves back."""
        return self.work_dir / "gradio"

    def close(self) -> None:
        """Delete the demo's temporary folder now, with every upload and annotated copy in it."""
        if self._remove_work_dir is not None:
            self._remove_work_dir()

    def webcam_frame(self, rgb, stream):
        """Annotated frame, ``{emotion: probability}`` of the largest face (smoothed), status
        line and the stream, for one frame the browser sent."""
        stream = stream or WebcamStream()
        if rgb is None:
            return None, {}, "waiting for the camera", stream
        rgb = at_most(np.ascontiguousarray(np.asarray(rgb)[..., :3], dtype=np.uint8), STREAM_SIDE)
        started = time.perf_counter()
        faces, _ = self.pipeline(rgb)
        tracked = stream.tracker.update(started - stream.start, faces)
        annotated = annotate_frame(Frame(stream.frames, started - stream.start, rgb), tracked)
        stream.frames += 1
        milliseconds = 1000 * (time.perf_counter() - started)
        if not tracked:
            return annotated, {}, f"no face in view ({milliseconds:.0f} ms a frame)", stream
        largest = max(tracked, key=lambda face: face.box.width * face.box.height)
        bars = {name: float(p) for name, p in zip(EMOTIONS, largest.smoothed, strict=True)}
        status = f"{len(tracked)} face(s); face {largest.track}: {EMOTIONS[int(np.argmax(largest.smoothed))]}"
        return annotated, bars, f"{status} ({milliseconds:.0f} ms a frame)", stream

    def photos(self, paths):
        """Annotated images (with captions), table rows, a JSON file and a message."""
        if not paths:
            return [], [], None, "Upload one or more photos."
        folder = Path(tempfile.mkdtemp(dir=self.work_dir))
        classifier, detector = self.pipeline.classifier, self.pipeline.detector
        results = predict_photos([Path(path) for path in paths], classifier, folder, detector=detector)
        gallery, rows, notes = [], [], []
        for result in results:
            name = Path(result.path).name
            if result.error:
                notes.append(_plain(result.error))
                continue
            if isinstance(result, VideoResult):
                notes.append(f"**{name}** is a video: open it in the video tab")
                continue
            if not result.faces:
                notes.append(f"**{name}**: no face found; try a photo where the face is larger and frontal")
                continue
            gallery.append((str(result.annotated), f"{name}: {len(result.faces)} face(s)"))
            for number, face in enumerate(result.faces, start=1):
                rows.append([name, number, face.emotion, *(round(float(p), 3) for p in face.probabilities)])
        json_path = folder / "faces.json"
        json_path.write_text(format_json(results) + "\n")
        faces = len(rows)
        message = "\n\n".join(notes) or f"{faces} face(s) in {len(gallery)} photo(s)."
        return gallery, rows, str(json_path), message

    def video(self, path):
        """Annotated video (WebM, which browsers play), timeline figure, frame CSV and a message."""
        if not path:
            return None, None, None, "Upload a video."
        stem = Path(tempfile.mkdtemp(dir=self.work_dir)) / Path(path).stem
        try:
            result = predict_video(path, self.pipeline, stem, fps=VIDEO_FPS, container=".webm")
        except VideoReadError as error:
            return None, None, None, _plain(error)
        timelines = sorted(key for key in result.outputs if key.startswith("timeline_"))
        timeline = str(result.outputs[timelines[0]]) if timelines else None
        if not result.tracks:
            message = f"No face found in any of the {result.frames} frames classified."
        else:
            tops = ", ".join(f"face {t['track']}: mostly {t['top_emotion']}" for t in result.tracks)
            message = f"{result.frames} frames classified ({VIDEO_FPS:g} a second); {tops}."
        return str(result.outputs["video"]), timeline, str(result.outputs["frames"]), message


def build_demo(model=None, detector="auto"):
    """The Gradio page (a ``gradio.Blocks``), ready to ``launch()``."""
    gr = _gradio()
    app = DemoApp(model, detector)
    os.environ["GRADIO_TEMP_DIR"] = str(app.uploads_dir)  # uploads in the demo's own folder
    with gr.Blocks(title="fercnn: facial expressions, live", analytics_enabled=False) as page:
        gr.Markdown(
            "# fercnn: facial expressions, live\n"
            "FERNet (FER2013's seven expressions) on faces found by BlazeFace. "
            "Nothing leaves this computer unless the page was started with `--share`."
        )
        with gr.Tab("webcam"):
            with gr.Row():
                camera = gr.Image(sources=["webcam"], streaming=True, type="numpy", label="camera")
                annotated = gr.Image(label="faces and emotions", elem_id="webcam-output")
            with gr.Row():
                bars = gr.Label(num_top_classes=len(EMOTIONS), label="largest face (smoothed)")
                status = gr.Textbox(label="status", elem_id="webcam-status", interactive=False)
            stream_state = gr.State(None)
            camera.stream(
                app.webcam_frame,
                [camera, stream_state],
                [annotated, bars, status, stream_state],
                stream_every=WEBCAM_INTERVAL,
                time_limit=WEBCAM_TIME_LIMIT,
                concurrency_limit=4,
                api_name="webcam",
            )
        with gr.Tab("photos"):
            uploads = gr.File(file_count="multiple", file_types=["image"], type="filepath", label="photos")
            run_photos = gr.Button("find faces and emotions", variant="primary")
            photo_message = gr.Markdown(elem_id="photo-message")
            gallery = gr.Gallery(label="annotated", columns=3)
            table = gr.Dataframe(headers=["photo", "face", "emotion", *EMOTIONS], label="faces")
            download = gr.File(label="JSON, as predict --json prints it")
            photo_outputs = [gallery, table, download, photo_message]
            run_photos.click(app.photos, uploads, photo_outputs, api_name="photos")
        with gr.Tab("video"):
            clip = gr.Video(label="video", sources=["upload"])
            run_video = gr.Button("follow the faces", variant="primary")
            video_message = gr.Markdown(elem_id="video-message")
            with gr.Row():
                annotated_video = gr.Video(label="annotated")
                timeline = gr.Image(label="first face over time")
            frames_csv = gr.File(label="frames CSV")
            run_video.click(
                app.video, clip, [annotated_video, timeline, frames_csv, video_message], api_name="video"
            )
    page.fercnn_app = app
    return page


def launch(model=None, detector="auto", share=None, host="127.0.0.1", port=None, **options):
    """Build and serve the page: inline in a notebook (Colab or Jupyter), else a local server.

    Binds to this computer only unless ``host`` says otherwise. ``share=True`` asks Gradio for a
    public link; left as None, Gradio decides, which in Colab (whose notebooks cannot reach the
    machine's own addresses) means a temporary link. Other ``options`` go to Gradio's
    ``launch``. Returns the Gradio page.
    """
    page = build_demo(model, detector)
    page.queue().launch(share=share, server_name=host, server_port=port, max_file_size=MAX_UPLOAD, **options)
    return page


def _plain(error):
    """An error as a sentence for the page: each path shown by its file name alone, leaving out
    the temporary folder the upload was stored in."""
    return re.sub(r"[^\s'\"(]*[/\\]([^/\\\s'\"():,;]+)", r"\1", str(error))
