"""The README's video figures: one annotated frame and one face's timeline from a made-up clip.

    python tools/video_figures.py docs/figures

Makes a three-face clip of the sample portrait (:mod:`fercnn.media.sample_video`), runs it through
``predict`` as ``python -m fercnn predict clip.mp4`` does, and copies out the annotated frame
nearest the clip's middle and the first face's timeline.
"""

import argparse
import shutil
import tempfile
from pathlib import Path

import cv2

from fercnn.app.video import predict_video
from fercnn.faces.pipeline import FacePipeline
from fercnn.media.sample_video import write_sample_video
from fercnn.runtime.classifier import load_classifier


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    args = parser.parse_args()
    args.folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        clip = write_sample_video(Path(scratch) / "clip.mp4", faces=3, seconds=4.0, fps=15.0)
        result = predict_video(clip, FacePipeline(load_classifier()), Path(scratch) / "out" / "clip")
        video = cv2.VideoCapture(str(result.outputs["video"]))
        video.set(cv2.CAP_PROP_POS_FRAMES, int(video.get(cv2.CAP_PROP_FRAME_COUNT)) // 2)
        ok, frame = video.read()
        video.release()
        if not ok:
            raise SystemExit("the annotated video has no middle frame")
        cv2.imwrite(str(args.folder / "video_frame.png"), frame)
        shutil.copy(result.outputs["timeline_1"], args.folder / "video_timeline.png")
    print(f"wrote {args.folder / 'video_frame.png'} and {args.folder / 'video_timeline.png'}")


if __name__ == "__main__":
    main()
