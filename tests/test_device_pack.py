import sys
from pathlib import Path

import keras
import numpy as np
import pytest
from conftest import TINY_MODEL

from fercnn.loading import load_fer2013
from fercnn.model import build_fernet

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import device_pack  # noqa: E402


def test_the_packed_data_unpacks_to_the_same_faces_labels_and_splits(fer_csv, tmp_path):
    counts = device_pack.pack_data(fer_csv, tmp_path / "pack")
    assert counts == {"train": 42, "validation": 14, "test": 14}
    device_pack.unpack_data(tmp_path / "pack", tmp_path / "copy" / "fer2013.csv")
    original, copy = load_fer2013(fer_csv), load_fer2013(tmp_path / "copy" / "fer2013.csv")
    assert copy.names == original.names
    for name in original.names:
        np.testing.assert_array_equal(copy[name].images, original[name].images)
        np.testing.assert_array_equal(copy[name].labels, original[name].labels)
    with pytest.raises(FileExistsError, match="already exists"):
        device_pack.unpack_data(tmp_path / "pack", fer_csv)


def test_a_pack_whose_labels_do_not_match_its_faces_is_refused_by_name(fer_csv, tmp_path):
    device_pack.pack_data(fer_csv, tmp_path / "pack")
    np.savez(tmp_path / "pack" / device_pack.LABELS, train=np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="70 faces for 3 labels"):
        device_pack.unpack_data(tmp_path / "pack", tmp_path / "copy.csv")


def test_packed_models_come_back_at_their_paths_with_float16_rounding_only(tmp_path, monkeypatch):
    model = build_fernet(TINY_MODEL)
    path = "models/teacher/fernet_fer2013.keras"
    monkeypatch.chdir(tmp_path)
    Path(path).parent.mkdir(parents=True)
    model.save(path)
    assert device_pack.pack_models("pack", [path]) == [path]

    assert device_pack.unpack_models("pack", root="device") == [path]
    copy = keras.models.load_model(Path("device") / path)
    faces = np.random.default_rng(0).integers(0, 256, size=(8, 48, 48, 1)).astype("float32")
    np.testing.assert_allclose(copy.predict(faces, verbose=0), model.predict(faces, verbose=0), atol=5e-3)

    # where the full-precision originals still are, nothing is replaced by a float16 copy
    before = Path(path).read_bytes()
    with pytest.raises(FileExistsError, match="would replace them with float16 copies"):
        device_pack.unpack_models("pack")
    assert Path(path).read_bytes() == before


def test_models_are_packed_by_paths_the_device_can_rebuild(tmp_path):
    with pytest.raises(ValueError, match="relative to the repository root"):
        device_pack.pack_models(tmp_path / "pack", [tmp_path / "fernet_fer2013.keras"])
