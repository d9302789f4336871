"""Scenes with known faces: FER2013 faces pasted into photographs that ship with scikit-image.

Each scene is 640x480: a random crop of a background photo (none of them shows a face), with one
to three faces, each enlarged to 96-200 px, turned up to 10 degrees, made brighter or darker and
blended in with a soft edge so that no hard square gives it away. The faces' centres and sides
are known, so detections can be matched against them (:func:`match_faces`).
"""

from dataclasses import dataclass

import cv2
import numpy as np

SCENE_SIZE = (640, 480)
# scikit-image's bundled photographs without a face in them
BACKGROUNDS = (
    "brick", "grass", "gravel", "rocket", "coffee", "chelsea", "hubble_deep_field", "coins",
    "moon", "page", "text", "immunohistochemistry", "horse", "cell", "retina", "logo",
)  # fmt: skip
FACE_SIDES = (96, 200)
MAX_TURN = 10.0  # degrees
FACES_PER_SCENE = ((1, 0.6), (2, 0.25), (3, 0.15))  # (faces, share of scenes)


@dataclass(frozen=True)
class PlacedFace:
    index: int  # the face's row in the split
    centre: tuple  # (x, y) in scene pixels
    side: int
    matrix: np.ndarray  # the 2x3 affine map from the 48x48 face to the scene


def exact_crop(scene, face):
    """The face cut back out of the scene exactly where it was pasted, as a 48x48 gray crop: what
    a perfect detector and framing would give, so the rendering's own cost can be told apart."""
    gray = cv2.cvtColor(scene, cv2.COLOR_RGB2GRAY)
    return cv2.warpAffine(gray, face.matrix, (48, 48), flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP)


def background_photos():
    """The backgrounds as RGB arrays (gray ones repeated to three channels)."""
    from skimage import data

    photos = []
    for name in BACKGROUNDS:
        image = np.asarray(getattr(data, name)())
        if image.dtype != np.uint8:
            image = (image.astype(np.float64) / max(image.max(), 1) * 255).astype(np.uint8)
        image = image[..., :3] if image.ndim == 3 else np.repeat(image[..., None], 3, axis=2)
        photos.append(np.ascontiguousarray(image))
    return photos


def make_scene(rng, backgrounds, faces):
    """One scene and its :class:`PlacedFace` list; ``faces`` is the split's ``(N, 48, 48)`` faces."""
    scene = _background(rng, backgrounds[rng.integers(len(backgrounds))])
    counts, shares = zip(*FACES_PER_SCENE, strict=True)
    placed = []
    for _ in range(rng.choice(counts, p=shares)):
        side = int(rng.integers(FACE_SIDES[0], FACE_SIDES[1] + 1))
        centre = _free_spot(rng, side, placed)
        if centre is None:
            continue
        index = int(rng.integers(len(faces)))
        matrix = _paste(scene, faces[index], centre, side, rng)
        placed.append(PlacedFace(index, centre, side, matrix))
    return scene, placed


def match_faces(placed, boxes):
    """Pairs ``(placed face, box index)``: a box matches a face when its centre lies within a
    third of the face's side of the face's centre and its side is 0.4 to 1.6 times the face's.
    Nearest pairs first; the boxes left over are false faces."""
    candidates = []
    for face_number, face in enumerate(placed):
        for box_number, box in enumerate(boxes):
            centre = np.array([box.x + box.width / 2, box.y + box.height / 2])
            distance = float(np.hypot(*(centre - np.array(face.centre))))
            size = np.sqrt(box.width * box.height) / face.side
            if distance <= face.side / 3 and 0.4 <= size <= 1.6:
                candidates.append((distance, face_number, box_number))
    matched, used_faces, used_boxes = [], set(), set()
    for _, face_number, box_number in sorted(candidates):
        if face_number not in used_faces and box_number not in used_boxes:
            matched.append((placed[face_number], box_number))
            used_faces.add(face_number)
            used_boxes.add(box_number)
    return matched


def _background(rng, photo):
    width, height = SCENE_SIZE
    scale = max(width / photo.shape[1], height / photo.shape[0]) * rng.uniform(1.0, 1.6)
    resized = cv2.resize(photo, (int(np.ceil(photo.shape[1] * scale)), int(np.ceil(photo.shape[0] * scale))))
    top = rng.integers(resized.shape[0] - height + 1)
    left = rng.integers(resized.shape[1] - width + 1)
    scene = resized[top : top + height, left : left + width]
    return np.ascontiguousarray(scene[:, ::-1] if rng.random() < 0.5 else scene)


def _free_spot(rng, side, placed, tries=50):
    width, height = SCENE_SIZE
    reach = side * 0.75  # a turned face's corners reach past half its side
    for _ in range(tries):
        centre = (float(rng.uniform(reach, width - reach)), float(rng.uniform(reach, height - reach)))
        if all(
            np.hypot(centre[0] - p.centre[0], centre[1] - p.centre[1]) > (side + p.side) * 0.75
            for p in placed
        ):
            return centre
    return None


def _paste(scene, face, centre, side, rng):
    """Blend the face into the scene, enlarged to ``side``, turned and relit, with a soft edge."""
    gain, offset = rng.uniform(0.7, 1.3), rng.uniform(-25, 25)
    relit = np.clip(face.astype(np.float32) * gain + offset, 0, 255)
    turn = rng.uniform(-MAX_TURN, MAX_TURN)
    matrix = cv2.getRotationMatrix2D((24.0, 24.0), turn, side / 48)
    matrix[:, 2] += np.array(centre) - np.array([24.0, 24.0])
    size = SCENE_SIZE
    warped = cv2.warpAffine(relit, matrix, size, flags=cv2.INTER_CUBIC)
    mask = np.zeros((48, 48), np.float32)
    mask[2:-2, 2:-2] = 1.0
    mask = cv2.GaussianBlur(mask, (5, 5), 1.5)
    alpha = cv2.warpAffine(mask, matrix, size, flags=cv2.INTER_LINEAR)[..., None]
    blended = scene * (1 - alpha) + np.clip(warped, 0, 255)[..., None] * alpha
    scene[:] = blended.round().astype(np.uint8)
    return matrix
