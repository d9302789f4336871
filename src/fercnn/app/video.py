"""Emotions over time in a video: sample frames, classify their faces, follow them, write it down.

``predict_video`` runs the frame loop (:func:`classify_frames`, shared with the live camera) and
writes four things beside each other, named after the video:

- ``<stem>_emotions.mp4``: the sampled frames with each face's box, track id and smoothed emotions;
- ``<stem>_frames.csv``: one row per face per sampled frame (time, track, box, the seven smoothed
  probabilities, the top emotion), and one row with an empty track for a frame without a face;
- ``<stem>_track<N>_timeline.png``: per track, its seven smoothed probabilities over time;
- ``<stem>_summary.json``: per track, when it was seen and its share of time in each emotion.
"""

import csv
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from ..faces.annotate import annotate
from ..faces.pipeline import FaceResult
from ..faces.tracking import FaceTracker
from ..labels import EMOTIONS
from ..media.video_frames import VideoFile, VideoReadError, video_writer
from .interrupts import stop_if_interrupted
from .progress import Progress

DEFAULT_FPS = 5.0  # frames classified per second of video, unless every frame is asked for
DEFAULT_TIME_CONSTANT = 0.5  # seconds; see fercnn.faces.tracking
MIN_TRACK_SAMPLES = 3  # shorter tracks (a face glimpsed, a false face) stay in the CSV only
OUTPUT_SUFFIXES = {
    "video": "_emotions.mp4",
    "frames": "_frames.csv",
    "summary": "_summary.json",
}


# Codecs OpenCV's pip wheels can write: MPEG-4 for players, VP8 WebM for browsers
@dataclass
class VideoResult:
    path: Path
    frames: int = 0  # sampled frames classified
    tracks: list[dict] = field(default_factory=list)  # summaries, see track_summaries
    outputs: dict[str, Path] = field(default_factory=dict)  # name -> path written
    error: str | None = None
    skipped: str | None = None

    @property
    def annotated(self):
        """The annotated video, where one was written."""
        return self.outputs.get("video")

    def to_dict(self):
        return {
            "path": str(self.path),
            "video": True,
            "frames": self.frames,
            "tracks": self.tracks,
            "outputs": {name: str(path) for name, path in self.outputs.items()},
            "error": self.error,
            "skipped": self.skipped,
        }


def classify_frames(frames, pipeline, tracker):
    """``(frame, tracked faces)`` for each frame: detect, classify in one batch, follow, smooth."""
    for frame in frames:
        faces, _ = pipeline(frame.rgb)
        yield frame, tracker.update(frame.time, faces)


def annotate_frame(frame, tracked):
    """The frame as an RGB array with each face's box, track id and smoothed emotions drawn."""
    faces = [FaceResult(face.box, face.smoothed) for face in tracked]
    return np.asarray(annotate(frame.rgb, faces, [face.track for face in tracked]))


def predict_video(
    path, pipeline, output_stem=None, fps=DEFAULT_FPS, time_constant=DEFAULT_TIME_CONSTANT, container=".mp4"
):
    """A :class:`VideoResult`; with ``output_stem`` (a path without suffix) the four outputs are
    written as ``<output_stem>_emotions.mp4`` and so on (``container=".webm"`` for a video that
    browsers play). ``fps=None`` classifies every frame.

    Interrupted (Ctrl-C), it still closes the annotated video (playable up to there) and writes
    the frame table and summary so far, marked partial, before the interruption goes on up; a
    truncated video's outputs are marked partial likewise.

    Raises :class:`fercnn.media.video_frames.VideoReadError` for a video that cannot be read.
    """
    video = VideoFile(path, fps)
    outputs = _output_paths(output_stem)
    if outputs:
        outputs["video"] = outputs["video"].with_suffix(container)
    rows, interrupted = _classify_video(video, pipeline, FaceTracker(time_constant), outputs)
    if not rows:
        if interrupted:
            raise KeyboardInterrupt
        raise VideoReadError(video.nothing_read_message())
    result = VideoResult(Path(path), frames=len({row["frame"] for row in rows}))
    result.tracks = track_summaries(rows, 1 / video.sampled_rate)
    done = f"{rows[-1]['time']:.1f} s of video"
    partial = f"interrupted (Ctrl-C) after {done}" if interrupted else video.ended_early
    if outputs:
        _write_outputs(outputs, rows, result, Path(path).name, partial)
        result.outputs = {name: path for name, path in outputs.items() if path.exists()}
    if interrupted:
        where = f"; its outputs so far, marked partial, are in {outputs['summary'].parent}" if outputs else ""
        print(f"\ninterrupted: {path} stopped after {done}{where}", file=sys.stderr)
        raise KeyboardInterrupt
    return result


def _classify_video(video, pipeline, tracker, outputs):
    """The frame table's rows, the annotated video written as they come (where ``outputs``
    names it), and whether Ctrl-C stopped it; the video is closed however the loop ends."""
    rows, writer, interrupted = [], None, False
    progress = Progress(video.expected_samples, video.path.name, unit="frames")
    try:
        for frame, tracked in classify_frames(video, pipeline, tracker):
            rows += _csv_rows(frame, tracked)
            if outputs:
                writer = writer or video_writer(outputs["video"], video.sampled_rate, frame.rgb.shape)
                writer.write(cv2.cvtColor(annotate_frame(frame, tracked), cv2.COLOR_RGB2BGR))
            progress.advance()
            stop_if_interrupted()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
        if writer is not None:
            writer.release()
    return rows, interrupted


def track_summaries(rows, sample_seconds):
    """Per track: first and last time seen, samples, and the share of its samples in which each
    emotion was the top smoothed one (each sample stands for ``sample_seconds`` of video)."""
    summaries = []
    for track in sorted({row["track"] for row in rows if row["track"] != ""}):
        mine = [row for row in rows if row["track"] == track]
        counts = {name: sum(row["emotion"] == name for row in mine) for name in EMOTIONS}
        summaries.append(
            {
                "track": track,
                "first_seconds": round(mine[0]["time"], 3),
                "last_seconds": round(mine[-1]["time"], 3),
                "samples": len(mine),
                "seconds_seen": round(len(mine) * sample_seconds, 3),
                "top_emotion": max(counts, key=counts.get),
                "share_of_time": {name: round(count / len(mine), 4) for name, count in counts.items()},
            }
        )
    return summaries


def _output_paths(output_stem):
    if output_stem is None:
        return {}
    output_stem = Path(output_stem)
    output_stem.parent.mkdir(parents=True, exist_ok=True)
    return {
        name: output_stem.with_name(output_stem.name + suffix) for name, suffix in OUTPUT_SUFFIXES.items()
    }


def _csv_rows(frame, tracked):
    base = {"time": frame.time, "frame": frame.number}
    if not tracked:
        return [{**base, "track": "", "box": None, "probabilities": None, "emotion": ""}]
    return [
        {
            **base,
            "track": face.track,
            "box": face.box,
            "probabilities": face.smoothed,
            "emotion": EMOTIONS[int(np.argmax(face.smoothed))],
        }
        for face in tracked
    ]


def _write_outputs(outputs, rows, result, title, partial=None):
    _write_csv(outputs["frames"], rows)
    long_tracks = [summary["track"] for summary in result.tracks if summary["samples"] >= MIN_TRACK_SAMPLES]
    if long_tracks:
        import matplotlib.pyplot as plt

        from ..evaluation.plots import plot_emotion_timeline, save_figure

        stem = outputs["summary"].name.removesuffix(OUTPUT_SUFFIXES["summary"])
        for track in long_tracks:
            figure = plot_emotion_timeline(rows, track, title)
            outputs[f"timeline_{track}"] = save_figure(
                figure, outputs["summary"].with_name(f"{stem}_track{track}_timeline.png")
            )
            plt.close(figure)
    summary = {"video": title, "frames": result.frames, "partial": partial, "tracks": result.tracks}
    outputs["summary"].write_text(json.dumps(summary, indent=2) + "\n")


def _write_csv(path, rows):
    columns = ["time_seconds", "frame", "track", "x", "y", "width", "height", *EMOTIONS, "emotion"]
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(columns)
        for row in rows:
            box = row["box"]
            geometry = [box.x, box.y, box.width, box.height] if box else [""] * 4
            probabilities = (
                [f"{p:.4f}" for p in row["probabilities"]] if row["probabilities"] is not None else [""] * 7
            )
            writer.writerow(
                [f"{row['time']:.3f}", row["frame"], row["track"], *geometry, *probabilities, row["emotion"]]
            )
