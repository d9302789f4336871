"""Ray Data over a folder of photos: a local Ray on 2 CPUs gives ``predict``'s table, row for
row, for a few dozen made-up photos (the sample portrait pasted at different places and sizes
on a grey canvas, a photo without a face and a file that is not a photo)."""

import csv
import importlib.util

import numpy as np
import pytest
from PIL import Image

from fercnn.app.predict import predict_photos, sample_photo
from fercnn.app.prediction_table import COLUMNS, TABLE_FILE, PredictionTable
from fercnn.labels import EMOTIONS

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="Ray is not installed (pip install 'fercnn[ray]')"
)


def made_up_photos(folder, count=24):
    portrait = Image.open(sample_photo()).convert("RGB")
    rng = np.random.default_rng(0)
    folder.mkdir()
    for number in range(count):
        side = int(rng.integers(160, 360))
        canvas = Image.new("RGB", (640, 480), (120, 120, 120))
        canvas.paste(
            portrait.resize((side, side)),
            (int(rng.integers(0, 640 - side)), int(rng.integers(0, 480 - side))),
        )
        canvas.save(folder / f"photo{number:02d}.jpg", quality=92)
    Image.new("RGB", (320, 240), (90, 90, 90)).save(folder / "no_face.png")
    (folder / "broken.jpg").write_bytes(b"not a photo")
    return folder


def read_rows(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def test_ray_actors_write_the_table_predict_writes(tmp_path):
    from fercnn.app.ray_predict import predict_with_ray
    from fercnn.runtime.classifier import load_classifier

    photos = made_up_photos(tmp_path / "photos")
    table = predict_with_ray([photos], output_dir=tmp_path / "ray", num_cpus=2, actors=2, batch_size=8)

    expected_table = PredictionTable(tmp_path / "plain")
    (tmp_path / "plain").mkdir()
    for result in predict_photos([photos], load_classifier(), annotate=False):
        expected_table.append(result)
    ray_rows, plain_rows = read_rows(table), read_rows(expected_table.path)

    assert table.name == TABLE_FILE and list(ray_rows[0]) == list(COLUMNS)
    assert len(ray_rows) == len(plain_rows) >= 26
    assert sum(bool(row["emotion"]) for row in ray_rows) >= 20  # a face in most pasted portraits
    for ray_row, plain_row in zip(ray_rows, plain_rows, strict=True):
        exact = [column for column in COLUMNS if column not in EMOTIONS and column != "error"]
        assert [ray_row[c] for c in exact] == [plain_row[c] for c in exact]
        assert bool(ray_row["error"]) == bool(plain_row["error"])
        for name in EMOTIONS:  # faces batched otherwise: the same to float rounding
            if plain_row[name]:
                assert float(ray_row[name]) == pytest.approx(float(plain_row[name]), abs=2e-4)
