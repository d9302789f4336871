"""Videos through predict: sampling, tracks, the four outputs, broken files; the camera's loop."""

import csv
import io
import json

import cv2
import numpy as np
import pytest

from fercnn.app.camera import Recorder, Window, show_stream
from fercnn.app.cli import main
from fercnn.app.progress import Progress
from fercnn.app.video import predict_video
from fercnn.faces.pipeline import FacePipeline
from fercnn.faces.tracking import FaceTracker
from fercnn.labels import EMOTIONS
from fercnn.media.sample_video import write_sample_video
from fercnn.media.video_frames import VideoFile, VideoReadError

SIZE = (480, 360)


def happy_classifier(faces):
    """Stands in for a model where only the video machinery is under test."""
    return np.tile(np.eye(len(EMOTIONS))[3], (len(faces), 1))


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("clips")
    return {
        faces: write_sample_video(folder / f"faces{faces}.mp4", faces, seconds=2.0, fps=10.0, size=SIZE)
        for faces in (1, 3)
    }


@pytest.fixture(scope="module")
def pipeline():
    return FacePipeline(happy_classifier, "auto")


def frames_in(path):
    capture = cv2.VideoCapture(str(path))
    count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    capture.release()
    return count


def test_frames_are_sampled_at_the_rate_asked_for(clips):
    assert [frame.number for frame in VideoFile(clips[1], fps=5)] == [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]
    every = list(VideoFile(clips[1], fps=None))
    assert len(every) == 20 and every[3].time == pytest.approx(0.3)
    assert every[0].rgb.shape == (SIZE[1], SIZE[0], 3)


def test_a_video_gives_its_four_outputs(clips, pipeline, tmp_path):
    result = predict_video(clips[3], pipeline, tmp_path / "out" / "faces3", fps=5)
    assert result.error is None and result.frames == 10
    assert [track["track"] for track in result.tracks] == [1, 2, 3]
    assert all(track["top_emotion"] == "happy" and track["samples"] == 10 for track in result.tracks)
    assert set(result.outputs) == {"video", "frames", "summary", "timeline_1", "timeline_2", "timeline_3"}
    assert frames_in(result.outputs["video"]) == 10
    with open(result.outputs["frames"], newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 30 and set(rows[0]) >= {"time_seconds", "track", "x", "width", *EMOTIONS, "emotion"}
    assert {row["track"] for row in rows} == {"1", "2", "3"}
    summary = json.loads(result.outputs["summary"].read_text())
    assert summary["tracks"][0]["share_of_time"]["happy"] == 1.0
    assert result.outputs["timeline_2"].stat().st_size > 10_000


def test_frames_without_a_face_are_rows_too_never_dropped(tmp_path, pipeline):
    blank = tmp_path / "blank.mp4"
    writer = cv2.VideoWriter(str(blank), cv2.VideoWriter_fourcc(*"mp4v"), 10, SIZE)
    for _ in range(6):
        writer.write(np.full((SIZE[1], SIZE[0], 3), 128, np.uint8))
    writer.release()
    result = predict_video(blank, pipeline, tmp_path / "blank", fps=None)
    assert result.tracks == [] and result.frames == 6
    with open(result.outputs["frames"], newline="") as file:
        assert [row["track"] for row in csv.DictReader(file)] == [""] * 6


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "OpenCV cannot open this video"),
        (b"this is a text file, not a video\n" * 50, "OpenCV cannot open this video"),
    ],
)
def test_unreadable_videos_are_named_with_what_to_do(tmp_path, pipeline, content, message):
    path = tmp_path / "broken.mp4"
    path.write_bytes(content)
    with pytest.raises(VideoReadError, match=message) as error:
        predict_video(path, pipeline)
    assert str(path) in str(error.value) and "ffmpeg" in str(error.value)


def test_a_truncated_video_gives_what_it_has_or_a_clear_error(clips, tmp_path, pipeline):
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(clips[1].read_bytes()[:2000])  # the header survives, the frames do not
    try:
        result = predict_video(cut, pipeline, fps=None)
    except VideoReadError as error:
        assert str(cut) in str(error)
    else:
        assert result.frames < 20


def test_predict_takes_a_folder_mixing_photos_and_videos(clips, tmp_path, capsys):
    from PIL import Image

    from fercnn.app.predict import sample_photo

    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "clip.mp4").write_bytes(clips[1].read_bytes())
    Image.open(sample_photo()).save(folder / "portrait.jpg")
    (folder / "notes.txt").write_text("not a photo or video\n")
    status = main(["predict", str(folder), "--json", "--fps", "5", "--output-dir", str(tmp_path / "out")])
    results = {entry["path"].rsplit("/", 1)[-1]: entry for entry in json.loads(capsys.readouterr().out)}
    assert status == 0
    assert len(results["portrait.jpg"]["faces"]) == 1
    assert results["clip.mp4"]["tracks"][0]["samples"] == 10
    assert results["notes.txt"]["skipped"].startswith("not a photo or video")
    assert (tmp_path / "out" / "mixed" / "clip_emotions.mp4").exists()


def test_a_broken_video_among_good_files_is_reported_and_the_rest_processed(clips, tmp_path, capsys):
    broken = tmp_path / "broken.mp4"
    broken.write_text("no video here")
    status = main(["predict", str(clips[1]), str(broken), "--output-dir", str(tmp_path / "out")])
    output = capsys.readouterr().out
    assert status == 1
    assert "error:" in output and "broken.mp4" in output and "Traceback" not in output
    assert "faces1.mp4" in output and "happy" in output


def test_the_progress_bar_counts_to_the_end():
    stream = io.StringIO()
    progress = Progress(4, "clip.mp4", unit="frames", stream=stream, enabled=True)
    for _ in range(4):
        progress.advance()
    progress.close()
    assert stream.getvalue().rstrip().endswith("frames, " + stream.getvalue().rstrip().split(", ")[-1])
    assert "100% 4/4 frames" in stream.getvalue()


class StopAfter:
    """A window that closes itself after a few frames, as a user pressing q."""

    def __init__(self, frames):
        self.left, self.shown = frames, []

    def show(self, rgb):
        self.shown.append(rgb)
        self.left -= 1
        return self.left > 0

    def close(self):
        self.closed = True


def test_the_camera_loop_shows_annotated_frames_records_them_and_stops_on_quit(clips, pipeline, tmp_path):
    window = StopAfter(4)
    recorder = Recorder(tmp_path / "recorded.mp4", 10)
    shown = show_stream(VideoFile(clips[1]), pipeline, FaceTracker(), window, recorder)
    assert shown == 4 and window.closed
    assert window.shown[0].shape == (SIZE[1], SIZE[0], 3)
    raw = next(iter(VideoFile(clips[1]))).rgb
    assert np.abs(window.shown[0].astype(int) - raw).max() > 100  # a box and labels were drawn
    assert frames_in(tmp_path / "recorded.mp4") == 4


def test_camera_without_a_gui_says_how_to_get_one(capsys):
    try:
        Window().close()
    except OSError:
        pass
    else:
        pytest.skip("this OpenCV build has a GUI")
    assert main(["camera", "--model", "missing.keras"]) == 2  # the model is checked first
    assert main(["camera"]) == 2
    error = capsys.readouterr().err
    assert "opencv-python" in error and "Traceback" not in error


@pytest.mark.parametrize(
    "suffix, fourcc", [(".avi", "MJPG"), (".mkv", "MJPG"), (".webm", "VP80"), (".mov", "mp4v")]
)
def test_common_containers_are_read(tmp_path, suffix, fourcc, pipeline):
    from fercnn.media.sample_video import sample_frames

    path = tmp_path / f"clip{suffix}"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, SIZE)
    for frame in sample_frames(faces=1, seconds=1.0, fps=10.0, size=SIZE):
        writer.write(cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
    writer.release()
    result = predict_video(path, pipeline, fps=None)
    assert result.frames == 10 and result.tracks[0]["top_emotion"] == "happy"


def test_a_camera_that_cannot_be_opened_is_named_with_what_to_do(monkeypatch):
    from fercnn.media import video_frames

    class Closed:
        def __init__(self, device):
            self.device = device

        def isOpened(self):  # noqa: N802 - OpenCV's name
            return False

    monkeypatch.setattr(video_frames.cv2, "VideoCapture", Closed)
    with pytest.raises(VideoReadError, match="camera 3 cannot be opened: .* pick another with --device"):
        video_frames.Camera(3)
