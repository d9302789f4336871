import numpy as np
import pytest
from conftest import make_faces
from PIL import Image

from fercnn.data.loading import load_fer2013
from fercnn.errors import DatasetFormatError, DatasetNotFoundError
from fercnn.labels import EMOTIONS


def write_release(root, names_by_folder, suffix=".png"):
    """Kaggle layout: ``root/<folder>/<emotion>/<name>``; returns the faces written per name prefix."""
    images, labels = make_faces(2)
    for folder, prefix in names_by_folder:
        for index, (image, label) in enumerate(zip(images, labels, strict=True)):
            class_dir = root / folder / EMOTIONS[label]
            class_dir.mkdir(parents=True, exist_ok=True)
            Image.fromarray(image[:, :, 0]).save(class_dir / f"{prefix}{index:05d}{suffix}")
    return images, labels


def test_split_is_recovered_from_file_names(tmp_path):
    images, labels = write_release(
        tmp_path, [("train", "Training_"), ("test", "PublicTest_"), ("test", "PrivateTest_")]
    )
    data = load_fer2013(tmp_path)
    assert data.names == ("train", "validation", "test")
    for split in data.names:
        np.testing.assert_array_equal(data[split].images, images)
        np.testing.assert_array_equal(data[split].labels, labels)


def test_names_without_split_make_test_the_test_split(tmp_path):
    write_release(tmp_path, [("train", "im"), ("test", "im")], suffix=".jpg")
    data = load_fer2013(tmp_path)
    assert data.names == ("train", "test")
    assert data["test"].images.shape == (14, 48, 48, 1)
    np.testing.assert_array_equal(data["test"].class_counts(), [2] * 7)


def test_unknown_emotion_folder_is_named(tmp_path):
    write_release(tmp_path, [("train", "im")])
    (tmp_path / "train" / "contempt").mkdir()
    with pytest.raises(DatasetFormatError, match=r"contempt.*not an emotion; expected one of angry"):
        load_fer2013(tmp_path)


def test_unreadable_image_is_named(tmp_path):
    write_release(tmp_path, [("train", "im")])
    broken = tmp_path / "train" / "happy" / "broken.jpg"
    broken.write_bytes(b"this is not a jpeg")
    with pytest.raises(DatasetFormatError, match=r"broken.jpg: cannot read this image"):
        load_fer2013(tmp_path)


def test_wrong_image_size_is_named_not_resized(tmp_path):
    write_release(tmp_path, [("train", "im")])
    Image.new("L", (64, 48)).save(tmp_path / "train" / "sad" / "big.png")
    with pytest.raises(DatasetFormatError, match=r"big.png: image is 64x48, expected 48x48"):
        load_fer2013(tmp_path)


def test_folders_without_images_and_missing_paths_say_how_to_get_the_data(tmp_path):
    (tmp_path / "train").mkdir()
    with pytest.raises(DatasetNotFoundError, match="no face images"):
        load_fer2013(tmp_path)
    with pytest.raises(DatasetNotFoundError, match="(?is)does not exist.*kaggle"):
        load_fer2013(tmp_path / "nowhere.csv")
    (tmp_path / "train").rmdir()
    with pytest.raises(DatasetNotFoundError, match="holds neither fer2013.csv"):
        load_fer2013(tmp_path)
