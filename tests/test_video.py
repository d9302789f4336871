"""Videos through predict: sampling, tracks, the four outputs, broken files; the camera's loop."""

import csv
import io
import json

import cv2
import numpy as np
import pytest
from conftest import write_wav

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


class Stopper:
    """A pipeline that stops, as Ctrl-C does, when asked for its frame number ``after``."""

    def __init__(self, pipeline, after):
        self.pipeline, self.after, self.calls = pipeline, after, 0

    def __call__(self, rgb):
        self.calls += 1
        if self.calls > self.after:
            raise KeyboardInterrupt
        return self.pipeline(rgb)


def test_ctrl_c_during_a_video_leaves_a_playable_partial_video_and_its_tables(
    clips, pipeline, tmp_path, capsys
):
    stem = tmp_path / "out" / "faces1"
    with pytest.raises(KeyboardInterrupt):
        predict_video(clips[1], Stopper(pipeline, after=6), stem, fps=None)
    assert frames_in(tmp_path / "out" / "faces1_emotions.mp4") == 6  # closed, so it plays
    with open(tmp_path / "out" / "faces1_frames.csv") as file:
        assert [row["frame"] for row in csv.DictReader(file)] == ["0", "1", "2", "3", "4", "5"]
    summary = json.loads((tmp_path / "out" / "faces1_summary.json").read_text())
    assert summary["partial"] == "interrupted (Ctrl-C) after 0.5 s of video" and summary["frames"] == 6
    assert "stopped after 0.5 s of video; its outputs so far, marked partial" in capsys.readouterr().err


def test_a_whole_video_is_not_marked_partial(clips, pipeline, tmp_path):
    predict_video(clips[1], pipeline, tmp_path / "faces1", fps=5)
    assert json.loads((tmp_path / "faces1_summary.json").read_text())["partial"] is None


class FakeCapture:
    """What OpenCV reports for a variable-rate recording with a 1 ms time base (a browser's
    WebM): a frame rate of 1000 and frames at uneven times."""

    def __init__(self, stamps_ms, rate=1000.0):
        self.stamps, self.rate, self.index = stamps_ms, rate, -1

    def isOpened(self):  # noqa: N802 - OpenCV's names
        return True

    def get(self, prop):
        values = {cv2.CAP_PROP_FPS: self.rate, cv2.CAP_PROP_FRAME_COUNT: len(self.stamps)}
        return self.stamps[self.index] if prop == cv2.CAP_PROP_POS_MSEC else values.get(prop, 0.0)

    def grab(self):
        self.index += 1
        return self.index < len(self.stamps)

    def retrieve(self):
        return True, np.full((4, 4, 3), self.index, np.uint8)

    def release(self):
        pass


def test_frames_are_timed_by_the_container_and_a_placeholder_rate_is_unknown(tmp_path, monkeypatch):
    from fercnn.media import video_frames

    (tmp_path / "call.webm").write_bytes(b"stands in")
    stamps = [40.0, 40.0 + 90, 40.0 + 350, 40.0 + 400, 40.0 + 1000, 40.0 + 1010, 40.0 + 1230]
    monkeypatch.setattr(video_frames, "_open_capture", lambda path: FakeCapture(stamps))
    with pytest.warns(UserWarning, match=r"call.webm: the file says 1000 frames a second, a placeholder"):
        every = list(VideoFile(tmp_path / "call.webm"))
    assert [frame.time for frame in every] == pytest.approx([0, 0.09, 0.35, 0.4, 1.0, 1.01, 1.23])
    with pytest.warns(UserWarning, match="placeholder"):
        video = VideoFile(tmp_path / "call.webm", fps=2)
        sampled = [frame.time for frame in video]
    assert (
        sampled == pytest.approx([0, 1.0]) and video.sampled_rate == 2
    )  # the first at or after each half second


def test_a_backend_without_timestamps_times_frames_by_their_number(tmp_path, monkeypatch):
    from fercnn.media import video_frames

    (tmp_path / "old.avi").write_bytes(b"stands in")
    monkeypatch.setattr(video_frames, "_open_capture", lambda path: FakeCapture([0.0] * 5, rate=25.0))
    assert [frame.time for frame in VideoFile(tmp_path / "old.avi")] == pytest.approx(
        [0, 0.04, 0.08, 0.12, 0.16]
    )


def _noise_video(path, fourcc, frames):
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), 10, (160, 120))
    rng = np.random.default_rng(0)
    for _ in range(frames):
        writer.write(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    writer.release()
    return path


def test_a_truncated_video_read_in_part_says_how_far_it_got(tmp_path, pipeline):
    whole = _noise_video(tmp_path / "whole.mkv", "MJPG", 40).read_bytes()
    cut = tmp_path / "cut.mkv"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.warns(
        UserWarning, match=r"cut.mkv: the video ends after \d+ of its 40 frames \(.* s of 4.0 s\)"
    ):
        result = predict_video(cut, pipeline, tmp_path / "cut", fps=None)
    assert 0 < result.frames < 40
    partial = json.loads((tmp_path / "cut_summary.json").read_text())["partial"]
    assert partial.startswith(f"the video ends after {result.frames} of its 40 frames")


def _audio_only_mp4(path):
    """The boxes of an M4A (one sound track) as an MP4 would hold them, without the sound."""

    def box(kind, payload):
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    handler = box(b"hdlr", bytes(8) + b"soun" + bytes(12) + b"SoundHandler\x00")
    path.write_bytes(
        box(b"ftyp", b"M4A \x00\x00\x00\x00M4A isom") + box(b"moov", box(b"trak", box(b"mdia", handler)))
    )
    return path


@pytest.mark.parametrize(
    "make",
    [
        lambda folder: _audio_only_mp4(folder / "voice.mp4"),
        lambda folder: write_wav(folder / "memo.mp4"),
        lambda folder: _noise_video(folder / "never.avi", "MJPG", 0),
    ],
    ids=["sound-only mp4", "wav named mp4", "zero-frame avi"],
)
def test_a_video_without_frames_says_so_rather_than_how_to_convert(make, tmp_path, pipeline):
    path = make(tmp_path)
    with pytest.raises(VideoReadError, match="has no video frames") as error:
        predict_video(path, pipeline)
    assert str(path) in str(error.value) and "ffmpeg" not in str(error.value)


@pytest.mark.parametrize("fps", [1e-9, 0.05, float("nan")])
def test_an_absurd_sampling_rate_is_refused_before_any_file_is_read(fps, clips, tmp_path):
    from fercnn.app.predict import predict_photos
    from fercnn.errors import SettingError

    with pytest.raises(SettingError, match=r"--fps .*: a video is sampled at 0.1 frames a second or more"):
        predict_photos([clips[1]], happy_classifier, tmp_path, fps=fps)
    assert not list(tmp_path.iterdir())
