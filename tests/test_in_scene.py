"""The in-scene benchmark's scenes and its matching of detections to the faces placed."""

import sys
from pathlib import Path

import numpy as np

from fercnn.faces.boxes import Box

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import in_scene  # noqa: E402
import scenes  # noqa: E402


def faces(count=5, seed=0):
    """Distinct 48x48 faces: each a gradient with its own bright square."""
    rng = np.random.default_rng(seed)
    base = np.tile(np.linspace(40, 200, 48, dtype=np.float32), (count, 48, 1))
    for index in range(count):
        x, y = rng.integers(8, 32, size=2)
        base[index, y : y + 8, x : x + 8] = 255
    return base.astype(np.uint8)


def test_scenes_hold_their_faces_where_they_say_and_cut_back_out_exactly():
    rng = np.random.default_rng(1)
    backgrounds = [np.full((300, 400, 3), 90, np.uint8)]
    pool = faces()
    for _ in range(5):
        scene, placed = scenes.make_scene(rng, backgrounds, pool)
        assert scene.shape == (480, 640, 3) and 1 <= len(placed) <= 3
        for face in placed:
            assert scenes.FACE_SIDES[0] <= face.side <= scenes.FACE_SIDES[1]
            crop = scenes.exact_crop(scene, face)[6:-6, 6:-6]  # away from the soft edge
            original = pool[face.index][6:-6, 6:-6]
            # the same face up to the relighting (a gain and an offset): correlated almost perfectly
            assert np.corrcoef(crop.ravel(), original.ravel())[0, 1] > 0.95


def test_detections_match_the_nearest_face_of_a_like_size_once():
    placed = [
        scenes.PlacedFace(0, (100.0, 100.0), 100, np.eye(2, 3)),
        scenes.PlacedFace(1, (400.0, 300.0), 150, np.eye(2, 3)),
    ]
    boxes = [
        Box(60, 60, 80, 80),  # face 0, centred on it
        Box(70, 70, 70, 70),  # face 0 again, off centre: a duplicate is a false face
        Box(390, 290, 20, 20),  # on face 1 but far too small
        Box(340, 240, 130, 130),  # face 1
        Box(500, 20, 90, 90),  # nothing there
    ]
    matched = scenes.match_faces(placed, boxes)
    assert sorted((face.index, box) for face, box in matched) == [(0, 0), (1, 3)]


def test_the_table_reports_loss_against_direct_in_points():
    row = {"recall": 0.9, "false_per_100": 2.0, "accuracy_all": 0.6, "accuracy_found": 0.66, "direct": 0.7}
    line = in_scene.format_row("blazeface", row | {"ms": 25.0, "faces": 10}, exact=0.68)
    assert line.split() == ["blazeface", "90.0%", "2.00", "60.0%", "66.0%", "68.0%", "70.0%", "10.0", "25.0"]
    assert len(in_scene.HEADER.split()) == len(line.split()) + 2  # "false/100", "acc all" and "acc found"
