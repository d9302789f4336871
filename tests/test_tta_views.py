import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import tta_views  # noqa: E402


def test_shifted_crops_move_whole_pixels_and_repeat_the_edge():
    faces = np.arange(2 * 48 * 48, dtype=np.uint8).reshape(2, 48, 48, 1)
    assert np.array_equal(tta_views.shifted(faces, 0, 0), faces)
    down = tta_views.shifted(faces, 2, 0)
    assert down.shape == faces.shape
    assert np.array_equal(down[:, :-2], faces[:, 2:])
    assert np.array_equal(down[:, -1], faces[:, -1])
    left = tta_views.shifted(faces, 0, -1)
    assert np.array_equal(left[:, :, 1:], faces[:, :, :-1])
    assert np.array_equal(left[:, :, 0], faces[:, :, 0])


def test_every_view_set_holds_the_unshifted_face_once():
    for views in tta_views.view_sets().values():
        assert views.count((0, 0)) == 1 and len(set(views)) == len(views)
