"""Fit how FER2013's faces were framed, in units of the distance between the eyes.

Each sampled Training face is enlarged four times and set in the middle of a canvas twice its
size with its edges repeated outwards, so that the detector sees a face in a scene with no hard
border; the detector's eyes then give, for the known 48x48 frame, its side and its centre in the
levelled frame. The medians are the constants in ``fercnn/framing.py``.

    python tools/fit_framing.py --data data/fer2013.csv.gz --faces 3000
"""

import argparse

import cv2
import numpy as np

from fercnn.data.loading import load_fer2013
from fercnn.faces.blazeface import BlazeFaceDetector
from fercnn.faces.framing import eye_geometry

ENLARGE = 4


def frame_in_eye_units(face, detector):
    """(centre right of the eyes, centre below the eyes, side), in eye distances, or None."""
    side = face.shape[0] * ENLARGE
    large = cv2.resize(face, (side, side), interpolation=cv2.INTER_CUBIC)
    pad = side // 2
    canvas = cv2.copyMakeBorder(large, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    centre = np.array([pad + side / 2, pad + side / 2])
    found = [face for face in detector(canvas) if np.all(np.abs(_box_centre(face) - centre) < side / 2)]
    if not found:
        return None
    midpoint, distance, angle = eye_geometry(found[0].eyes)
    cos, sin = np.cos(angle), np.sin(angle)
    levelled = np.array([[cos, sin], [-sin, cos]]) @ (centre - midpoint)
    return levelled[0] / distance, levelled[1] / distance, side / distance


def _box_centre(face):
    return np.array([face.box.x + face.box.width / 2, face.box.y + face.box.height / 2])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", required=True, help="FER2013 CSV (Training rows are used)")
    parser.add_argument("--faces", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    train = load_fer2013(args.data)["train"]
    chosen = np.random.default_rng(args.seed).choice(
        len(train), size=min(args.faces, len(train)), replace=False
    )
    detector = BlazeFaceDetector()
    fits = [frame_in_eye_units(train.images[index, ..., 0], detector) for index in chosen]
    found = np.array([fit for fit in fits if fit is not None])
    print(f"faces: {len(chosen)}, found by the detector: {len(found)} ({len(found) / len(chosen):.1%})")
    print(f"{'quantity (eye distances)':<28}{'median':>8}{'25%':>8}{'75%':>8}")
    for name, column in zip(
        ("centre right of the eyes", "centre below the eyes", "crop side"), found.T, strict=True
    ):
        low, median, high = np.percentile(column, [25, 50, 75])
        print(f"{name:<28}{median:>8.3f}{low:>8.3f}{high:>8.3f}")


if __name__ == "__main__":
    main()
