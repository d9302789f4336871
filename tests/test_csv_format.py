import numpy as np
import pytest
from conftest import csv_rows, make_faces, synthetic_rows, write_csv

from fercnn.data import fer_csv as csv_format
from fercnn.data.loading import load_fer2013
from fercnn.errors import DatasetFormatError, MissingSplitError


def test_csv_loads_every_split_with_exact_pixels_and_labels(fer_csv):
    data = load_fer2013(fer_csv)
    assert data.names == ("train", "validation", "test")
    images, labels = make_faces(6, seed=0)
    np.testing.assert_array_equal(data["train"].images, images)
    np.testing.assert_array_equal(data["train"].labels, labels)
    assert data["train"].images.dtype == np.uint8
    assert data["validation"].images.shape == (14, 48, 48, 1)
    assert data.class_table().loc["test", "total"] == 14


def test_gzipped_csv_and_folder_holding_it_load_the_same(tmp_path, fer_csv):
    (tmp_path / "sub").mkdir()
    gz = write_csv(tmp_path / "sub" / "fer2013.csv.gz", synthetic_rows())
    plain, zipped, folder = load_fer2013(fer_csv), load_fer2013(gz), load_fer2013(tmp_path / "sub")
    for split in plain.names:
        np.testing.assert_array_equal(plain[split].images, zipped[split].images)
        np.testing.assert_array_equal(plain[split].images, folder[split].images)


def test_absent_split_is_reported_with_the_splits_present(tmp_path):
    path = write_csv(tmp_path / "no_private.csv", synthetic_rows((3, 1), ("train", "validation")))
    data = load_fer2013(path)
    assert "test" not in data
    with pytest.raises(MissingSplitError, match="PrivateTest.*absent.*train, validation"):
        data["test"]


def _one_bad_row(tmp_path, emotion="3", pixels=None, usage="Training"):
    images, labels = make_faces(1)
    rows = csv_rows(images, labels, "Training")
    pixels = pixels if pixels is not None else " ".join(["7"] * 2304)
    rows.insert(2, f"{emotion},{pixels},{usage}")  # the third data row: line 4 of the file
    return write_csv(tmp_path / "bad.csv", rows)


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"emotion": "7"}, "line 4: emotion '7' is not an integer 0..6"),
        ({"emotion": "-1"}, "line 4: emotion '-1'"),
        ({"emotion": "happy"}, "line 4: emotion 'happy'"),
        ({"emotion": "2.5"}, "line 4: emotion '2.5'"),
        (
            {"usage": "Validation"},
            "line 4: Usage 'Validation' is not one of Training, PublicTest, PrivateTest",
        ),
        ({"pixels": " ".join(["7"] * 2303)}, "line 4: has 2303 pixel values, expected 2304"),
        ({"pixels": " ".join(["7"] * 2305)}, "line 4: has 2305 pixel values"),
        ({"pixels": "300 " + " ".join(["7"] * 2303)}, "line 4: pixel 0 is 300, outside 0..255"),
        ({"pixels": "7 -5 " + " ".join(["7"] * 2302)}, "line 4: pixel 1 is '-5', not an integer"),
        ({"pixels": "7 7 12.5 " + " ".join(["7"] * 2301)}, "line 4: pixel 2 is '12.5', not an integer"),
        ({"pixels": "7  " + " ".join(["7"] * 2302)}, "line 4: pixel 1 is empty"),
        ({"pixels": ""}, "line 4: pixel 0 is empty"),
    ],
)
def test_bad_rows_name_the_file_line_and_problem(tmp_path, row, message):
    path = _one_bad_row(tmp_path, **row)
    with pytest.raises(DatasetFormatError, match="bad.csv") as error:
        load_fer2013(path)
    assert message in str(error.value)


def test_line_numbers_stay_right_across_chunks(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_format, "CHUNK_ROWS", 3)
    images, labels = make_faces(2)
    rows = csv_rows(images, labels, "Training")
    rows[9] = rows[9].replace(",Training", ",Testing")
    with pytest.raises(DatasetFormatError, match="line 11: Usage 'Testing'"):
        load_fer2013(write_csv(tmp_path / "chunks.csv", rows))


def test_many_bad_rows_are_counted_not_silently_dropped(tmp_path):
    images, labels = make_faces(2)
    rows = [row.replace(",Training", ",Nope") for row in csv_rows(images, labels, "Training")]
    with pytest.raises(DatasetFormatError, match=r"and 9 more bad row"):
        load_fer2013(write_csv(tmp_path / "many.csv", rows))


def test_missing_columns_are_named(tmp_path):
    path = write_csv(tmp_path / "cols.csv", ["3,1 2 3"], header="emotion,pixels")
    with pytest.raises(DatasetFormatError, match=r"cols.csv lacks column\(s\) Usage: found emotion, pixels"):
        load_fer2013(path)


def test_empty_file_and_header_only_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DatasetFormatError, match="empty.csv is empty"):
        load_fer2013(empty)
    with pytest.raises(DatasetFormatError, match="header.csv has a header but no rows"):
        load_fer2013(write_csv(tmp_path / "header.csv", []))


def test_corrupt_gzip_is_reported(tmp_path):
    path = tmp_path / "broken.csv.gz"
    path.write_bytes(b"\x1f\x8b\x08 not really gzip")
    with pytest.raises(DatasetFormatError, match="broken.csv.gz cannot be read"):
        load_fer2013(path)
