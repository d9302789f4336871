"""A face that fills a tightly cropped photo: the bordered second look of ``detect_faces``.

BlazeFace takes an eye, a nose or a mouth for a face when the real face fills the frame; the
second look, on the photo inside a grey border, finds the whole face, which replaces its parts.
A stand-in detector plays BlazeFace here: it answers by the size of the image it is shown.
"""

import numpy as np

from fercnn.faces.boxes import Box, DetectedFace
from fercnn.faces.detection import BORDER_SHARE, detect_faces

SIDE = 128
BORDER = round(BORDER_SHARE * SIDE)


class TightCropDetector:
    """On the photo itself: ``plain`` (a part, say); on the bordered photo: ``bordered``, in
    that image's pixels."""

    def __init__(self, plain, bordered):
        self.plain, self.bordered, self.calls = plain, bordered, 0

    def __call__(self, image):
        self.calls += 1
        return self.plain if image.shape[0] == SIDE else self.bordered


def face(x, y, side):
    return DetectedFace(
        Box(x, y, side, side), ((x + side * 0.3, y + side * 0.4), (x + side * 0.7, y + side * 0.4))
    )


def photo():
    return np.zeros((SIDE, SIDE, 3), np.uint8)


def test_a_part_of_the_face_is_replaced_by_the_whole_face_of_the_second_look():
    mouth = face(40, 62, 44)  # a mouth-sized "face" in the lower middle
    whole = face(BORDER + 4, BORDER + 6, 120)  # the face that fills the crop, seen with the border
    (found,) = detect_faces(photo(), TightCropDetector([mouth], [whole]), min_size=32)
    assert found.box == Box(4, 6, 120, 120)
    assert found.eyes == ((4 + 36.0, 6 + 48.0), (4 + 84.0, 6 + 48.0))


def test_the_second_look_adds_no_face_that_contains_none_of_the_first_ones():
    """In a scene, a face of the bordered look elsewhere is not taken: it could only be false."""
    first = face(10, 10, 40)
    elsewhere = face(BORDER + 70, BORDER + 70, 50)
    found = detect_faces(photo(), TightCropDetector([first], [elsewhere]), min_size=32)
    assert [f.box for f in found] == [first.box]


def test_the_same_face_seen_twice_is_kept_once():
    first = face(20, 20, 90)
    again = face(BORDER + 21, BORDER + 19, 92)  # not a part of it: about the same size
    found = detect_faces(photo(), TightCropDetector([first], [again]), min_size=32)
    assert [f.box for f in found] == [first.box]


def test_small_faces_cost_no_second_look():
    detector = TightCropDetector([face(10, 10, 30)], [])  # under a quarter of the short side, 128
    detect_faces(np.zeros((SIDE, SIDE * 2, 3), np.uint8), detector, min_size=16)
    assert detector.calls == 1
