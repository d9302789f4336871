"""BlazeFace, MediaPipe's face detector, run through LiteRT with its anchors decoded here.

The weights are MediaPipe's 256x256 "back camera" model (Apache-2.0), shipped inside this
package in ``fercnn/faces/weights/`` with their licence and source.

The network scores anchors on two grids, of 16 and of 32 pixels a cell; each anchor regresses
a box and six keypoints (two eyes, nose tip, mouth, two ear tragions) relative to its centre.
Overlapping boxes are merged by weighted non-maximum suppression, as MediaPipe does.
"""

import threading
from pathlib import Path

import cv2
import numpy as np

from ..runtime.litert import allocate_quietly
from .boxes import Box, DetectedFace

MODEL_FILE = Path(__file__).parent / "weights" / "face_detection_back.tflite"
# The network's input on the image's long side. At its training size, 256, it finds 78% of the
# in-scene benchmark's faces (benchmarks/in_scene.py); at 384, 92%, in about twice the time.
INPUT_LONG_SIDE = 384
GRID_STRIDES = (16, 32, 32, 32)  # MediaPipe's SSD anchor layers for the back-camera model
MIN_SCORE = 0.65  # chosen on the in-scene benchmark's PublicTest scenes (benchmarks/in_scene.py)
MERGE_OVERLAP = 0.3  # boxes overlapping more than this (IoU) are one face
RAW_SCORE_LIMIT = 80.0  # logits are clipped before the sigmoid, as MediaPipe does


def model_path() -> Path | None:
    """The BlazeFace weights shipped inside the package, or None where an install lost them."""
    return MODEL_FILE if MODEL_FILE.is_file() else None


def anchor_centres(height, width, strides=GRID_STRIDES):
    """``(N, 2)`` anchor centres ``(x, y)`` in input pixels, in the network's output order.

    Consecutive layers of one stride share a grid, each adding two anchors per cell. The network
    is fully convolutional, so any input whose sides are multiples of the largest stride works:
    256x256, its training size, gives 896 anchors.
    """
    centres = []
    layer = 0
    while layer < len(strides):
        stride = strides[layer]
        per_cell = 0
        while layer < len(strides) and strides[layer] == stride:
            per_cell += 2
            layer += 1
        ys, xs = np.meshgrid(np.arange(height // stride), np.arange(width // stride), indexing="ij")
        grid = np.stack([(xs + 0.5) * stride, (ys + 0.5) * stride], axis=-1).reshape(-1, 1, 2)
        centres.append(np.repeat(grid, per_cell, axis=1).reshape(-1, 2))
    return np.concatenate(centres).astype(np.float32)


class BlazeFaceDetector:
    """Call with an RGB (or gray) uint8 image; returns :class:`fercnn.faces.detection.DetectedFace` objects
    with eyes and score, best first.

    One detector may be called from several threads (the demo's webcam streams and video tab
    share one): a LiteRT interpreter is not thread-safe (resizing its input while another
    thread runs it raises "There is at least 1 reference to internal data"), so calls take
    turns on a lock. Threads that want to detect in parallel make a detector each.
    """

    name = "blazeface"

    def __init__(self, path=None, min_score=MIN_SCORE, input_side=INPUT_LONG_SIDE, threads=None):
        from ..runtime.litert import make_interpreter

        self.path = Path(path) if path else model_path()
        if self.path is None:
            raise FileNotFoundError(
                f"BlazeFace's weights are missing from this install of fercnn ({MODEL_FILE}): "
                "reinstall fercnn, or use --detector haar"
            )
        self.min_score = min_score
        self.input_side = input_side
        self.interpreter = make_interpreter(self.path, threads)
        self.input = self.interpreter.get_input_details()[0]["index"]
        outputs = self.interpreter.get_output_details()
        # two outputs: (1, anchors, 16) box and keypoint regressions, (1, anchors, 1) face logits
        self.regressions = next(o["index"] for o in outputs if o["shape"][-1] == 16)
        self.logits = next(o["index"] for o in outputs if o["shape"][-1] == 1)
        self._shape = None
        self._lock = threading.Lock()

    def __call__(self, image):
        with self._lock:  # resize, set, invoke and read back as one step (see the class docstring)
            tensor, scale = self._network_input(image)
            self.interpreter.set_tensor(self.input, tensor)
            self.interpreter.invoke()
            raw = self.interpreter.get_tensor(self.regressions)[0]
            logits = self.interpreter.get_tensor(self.logits)[0, :, 0]
            anchors = self.anchors
        scores = 1.0 / (1.0 + np.exp(-np.clip(logits, -RAW_SCORE_LIMIT, RAW_SCORE_LIMIT)))
        keep = scores >= self.min_score
        boxes, points = _decode(raw[keep], anchors[keep])
        return [_to_image_pixels(face, scale) for face in _merge(boxes, points, scores[keep])]

    def _network_input(self, image):
        """The image scaled to ``input_side`` on its long side, padded at the right and bottom to
        multiples of the largest stride, in [-1, 1]; and the scale applied."""
        rgb = image if image.ndim == 3 else np.repeat(image[..., None], 3, axis=2)
        scale = self.input_side / max(rgb.shape[:2])
        height, width = (max(1, round(side * scale)) for side in rgb.shape[:2])
        interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        small = cv2.resize(rgb, (width, height), interpolation=interpolation)
        step = max(GRID_STRIDES)
        padded_shape = (-(-height // step) * step, -(-width // step) * step)
        tensor = np.zeros((1, *padded_shape, 3), dtype=np.float32)
        tensor[0, :height, :width] = small.astype(np.float32) / 127.5 - 1.0
        if self._shape != padded_shape:
            self.interpreter.resize_tensor_input(self.input, [1, *padded_shape, 3])
            allocate_quietly(self.interpreter)
            self.anchors = anchor_centres(*padded_shape)
            self._shape = padded_shape
        return tensor, scale


def _decode(raw, anchors):
    """Boxes ``(N, 4)`` as left, top, right, bottom and keypoints ``(N, 6, 2)``, in input pixels:
    the network regresses each as an offset from its anchor's centre."""
    values = raw.reshape(len(raw), 8, 2)
    centres = values[:, 0] + anchors
    half = values[:, 1] / 2
    boxes = np.concatenate([centres - half, centres + half], axis=1)
    points = values[:, 2:] + anchors[:, None]
    return boxes, points


def _merge(boxes, points, scores):
    """Weighted non-maximum suppression: each cluster of overlapping boxes becomes their
    score-weighted mean, with the cluster's best score."""
    order = np.argsort(-scores)
    remaining = list(order)
    merged = []
    while remaining:
        best = remaining[0]
        overlaps = _iou(boxes[best], boxes[remaining])
        cluster = [
            index for index, overlap in zip(remaining, overlaps, strict=True) if overlap > MERGE_OVERLAP
        ]
        weights = scores[cluster][:, None]
        box = (boxes[cluster] * weights).sum(0) / weights.sum()
        keypoints = (points[cluster] * weights[:, :, None]).sum(0) / weights.sum()
        merged.append((box, keypoints, float(scores[best])))
        remaining = [index for index in remaining if index not in set(cluster)]
    return merged


def _iou(box, others):
    left = np.maximum(box[0], others[:, 0])
    top = np.maximum(box[1], others[:, 1])
    right = np.minimum(box[2], others[:, 2])
    bottom = np.minimum(box[3], others[:, 3])
    inter = np.clip(right - left, 0, None) * np.clip(bottom - top, 0, None)
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return inter / np.maximum(area + areas - inter, 1e-9)


def _to_image_pixels(face, scale):
    corners, keypoints, score = face
    left, top, right, bottom = (float(value) / scale for value in corners)
    box = Box(round(left), round(top), round(right - left), round(bottom - top))
    first, second = (tuple(float(v) / scale for v in point) for point in keypoints[:2])
    eyes = (first, second) if first[0] <= second[0] else (second, first)
    return DetectedFace(box, eyes, score)
