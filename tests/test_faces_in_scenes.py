"""Face detection and FER2013-like framing: BlazeFace's decoding, eye levelling, the Haar fallback."""

import cv2
import numpy as np
import pytest

from fercnn.app.predict import sample_photo
from fercnn.faces import blazeface
from fercnn.faces.blazeface import BlazeFaceDetector, anchor_centres
from fercnn.faces.boxes import Box, DetectedFace
from fercnn.faces.detection import detect_faces, face_detector
from fercnn.faces.framing import CENTRE_BELOW_EYES, CROP_SIDE, aligned_crop, crop_transform, eye_geometry
from fercnn.media.photos import read_photo

needs_blazeface = pytest.mark.skipif(
    blazeface.model_path() is None, reason="BlazeFace weights missing from this install"
)


@pytest.fixture(scope="module")
def portrait():
    return read_photo(sample_photo()).rgb


def turned(image, degrees):
    centre = (image.shape[1] / 2, image.shape[0] / 2)
    matrix = cv2.getRotationMatrix2D(centre, degrees, 1.0)
    return cv2.warpAffine(image, matrix, image.shape[1::-1], borderMode=cv2.BORDER_REFLECT)


def test_anchor_grids_match_the_network_at_any_input_size():
    assert anchor_centres(256, 256).shape == (896, 2)  # 16x16 cells x 2 + 8x8 cells x 6
    centres = anchor_centres(384, 512)
    assert centres.shape == (24 * 32 * 2 + 12 * 16 * 6, 2)
    assert centres[0].tolist() == [8.0, 8.0] and centres[1].tolist() == [8.0, 8.0]


@needs_blazeface
def test_blazeface_finds_the_portrait_face_with_its_eyes(portrait):
    (face,) = detect_faces(portrait, BlazeFaceDetector())
    box = face.box
    assert 150 < box.x < 200 and 50 < box.y < 100 and 80 < box.width < 130
    left, right = face.eyes
    assert left[0] < right[0]
    for x, y in face.eyes:
        assert box.x < x < box.x + box.width and box.y < y < box.y + box.height / 2
    assert 0.65 <= face.score <= 1.0


@needs_blazeface
def test_levelled_crop_undoes_a_turned_photo(portrait):
    """The same face turned 12 degrees gives nearly the same crop once its eyes are levelled."""
    detector = BlazeFaceDetector()
    (upright,) = detect_faces(portrait, detector)
    (tilted,) = detect_faces(turned(portrait, 12), detector)
    _, _, angle = eye_geometry(tilted.eyes)
    assert 8 < abs(np.degrees(angle)) < 16
    gray, gray_tilted = (
        cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) for image in (portrait, turned(portrait, 12))
    )
    reference = aligned_crop(gray, upright.eyes).astype(float)
    levelled = aligned_crop(gray_tilted, tilted.eyes).astype(float)
    unlevelled = aligned_crop(gray_tilted, tilted.eyes, level=False).astype(float)
    assert np.abs(levelled - reference).mean() < 0.6 * np.abs(unlevelled - reference).mean()


def test_crop_transform_puts_the_eyes_where_fer2013_has_them():
    eyes = ((100.0, 120.0), (140.0, 120.0))
    matrix = crop_transform(eyes, size=48)
    mapped = [matrix @ np.array([x, y, 1.0]) for x, y in eyes]
    spacing = 48 / CROP_SIDE
    assert mapped[1][0] - mapped[0][0] == pytest.approx(spacing)
    assert mapped[0][1] == pytest.approx(24 - CENTRE_BELOW_EYES * spacing)
    assert (mapped[0][0] + mapped[1][0]) / 2 == pytest.approx(24)


def test_large_faces_are_shrunk_without_aliasing_and_in_the_same_place():
    """A face 20 times the crop's size: the area-averaged path must agree with a blurred direct warp."""
    rng = np.random.default_rng(0)
    gray = cv2.GaussianBlur(rng.integers(0, 256, (2000, 2000)).astype(np.uint8), (0, 0), 3)
    gray[900:1100, 600:1400] = 255  # a bright band across the face, to check position
    eyes = ((800.0, 800.0), (1200.0, 800.0))
    crop = aligned_crop(gray, eyes).astype(float)
    smooth = cv2.GaussianBlur(gray, (0, 0), 12)
    direct = cv2.warpAffine(smooth, crop_transform(eyes), (48, 48), flags=cv2.INTER_LINEAR).astype(float)
    assert np.abs(crop - direct).mean() < 12


def test_faces_are_kept_by_their_size_in_the_detection_copy():
    class Fixed:
        def __call__(self, image):
            return [
                DetectedFace(Box(10, 10, 20, 20)),
                DetectedFace(Box(100, 100, 60, 60), ((110.0, 120.0), (140.0, 120.0))),
            ]

    image = np.zeros((1280, 1280, 3), np.uint8)  # detected on a 640 copy, boxes doubled back
    (face,) = detect_faces(image, Fixed(), min_size=32)
    assert face.box == Box(200, 200, 120, 120)
    assert face.eyes == ((220.0, 240.0), (280.0, 240.0))


def test_without_blazeface_weights_auto_falls_back_to_haar_and_says_how_to_install(monkeypatch):
    monkeypatch.setattr(blazeface, "model_path", lambda: None)
    with pytest.warns(UserWarning, match="reinstall fercnn"):
        detector = face_detector("auto")
    assert detector.name == "haar"
    with pytest.raises(FileNotFoundError, match="--detector haar"):
        face_detector("blazeface")


def test_an_unknown_detector_name_is_refused():
    with pytest.raises(ValueError, match="choose one of auto, blazeface, haar"):
        face_detector("yolo")


def test_a_face_that_fills_a_tight_crop_is_found_on_a_second_look():
    """BlazeFace misses a face as large as its photo; the grey border of the second look finds it."""
    from PIL import Image

    from fercnn.app.predict import sample_photo
    from fercnn.faces.detection import detect_faces, face_detector

    with Image.open(sample_photo()) as image:
        tight = np.asarray(image.convert("RGB").crop((182, 70, 268, 165)).resize((128, 128)))
    detector = face_detector("blazeface")
    assert not detector(tight)  # the detector alone finds nothing: the face fills the photo
    (face,) = detect_faces(tight, detector, min_size=16)
    assert face.box.width > 100 and -30 < face.box.x < 10  # the whole crop, a little beyond it


@needs_blazeface
def test_one_detector_called_from_two_threads_at_once_gives_each_its_faces(portrait):
    """The demo's webcam streams and video tab share one detector: calls on images of other
    sizes (each a resize of the interpreter's input) must not meet inside the interpreter."""
    import threading

    detector = BlazeFaceDetector()
    wide, tall = portrait, np.ascontiguousarray(portrait[:, : portrait.shape[1] // 2])
    found, errors = {"wide": [], "tall": []}, []

    def detect(name, image):
        try:
            found[name] += [len(detector(image)) for _ in range(60)]
        except Exception as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    threads = [threading.Thread(target=detect, args=item) for item in (("wide", wide), ("tall", tall))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(found["wide"]) == {len(detector(wide))} and len(found["wide"]) == 60
    assert set(found["tall"]) == {len(detector(tall))} and len(found["tall"]) == 60


@needs_blazeface
def test_a_face_in_a_panorama_is_found_in_its_own_pixels(portrait, tmp_path):
    """20000x600: shrunk whole to 2048 (or 640) pixels wide, its face would be a few pixels tall."""
    from PIL import Image

    from fercnn.app.predict import predict_photos
    from fercnn.runtime.classifier import load_classifier

    panorama = Image.new("RGB", (20000, 600), (120, 130, 140))
    panorama.paste(Image.fromarray(portrait).resize((600, 600)), (12000, 0))
    panorama.save(tmp_path / "panorama.png")
    (result,) = predict_photos([tmp_path / "panorama.png"], load_classifier(), annotate=False)
    assert result.error is None
    (face,) = result.faces
    assert 12000 + 150 < face.box.x < 12000 + 260 and 60 < face.box.y < 130 and 90 < face.box.width < 170


def test_a_strip_too_thin_for_a_face_is_searched_at_no_cost():
    from fercnn.faces.tiling import detect_faces_in_any_shape

    def no_call(image):
        raise AssertionError("a 4-pixel strip needs no detector")

    assert detect_faces_in_any_shape(np.zeros((4, 20000, 3), np.uint8), no_call) == []
