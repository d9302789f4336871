"""Predict on photos in every format users send, including broken ones."""

import json

import numpy as np
import pytest
from PIL import Image

from fercnn.app.cli import main
from fercnn.app.predict import format_table, predict_photos, sample_photo
from fercnn.labels import EMOTIONS


def brightness_classifier(faces):
    """Stands in for a model where only the pipeline is under test: class from mean brightness."""
    classes = (faces.reshape(len(faces), -1).mean(axis=1) / 256 * len(EMOTIONS)).astype(int)
    return np.eye(len(EMOTIONS))[classes]


@pytest.fixture(scope="module")
def portrait():
    with Image.open(sample_photo()) as image:
        return image.convert("RGB")


def single(path, **options):
    (result,) = predict_photos([path], brightness_classifier, **options)
    return result


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".bmp", ".webp"])
def test_common_formats_find_the_face(portrait, tmp_path, suffix):
    path = tmp_path / f"portrait{suffix}"
    portrait.save(path)
    result = single(path, output_dir=tmp_path / "out")
    assert result.error is None and len(result.faces) == 1
    box = result.faces[0].box
    assert 150 < box.x < 200 and 40 < box.y < 90 and 80 < box.width < 130
    with Image.open(result.annotated) as annotated:
        assert annotated.size == portrait.size


@pytest.mark.parametrize(
    "convert",
    [
        lambda image: image.convert("RGBA"),
        lambda image: image.convert("P"),
        lambda image: image.convert("CMYK"),
        lambda image: Image.fromarray(np.asarray(image.convert("L")).astype(np.uint16) * 257),
        lambda image: image.convert("L"),
    ],
    ids=["rgba", "palette", "cmyk", "16-bit", "grayscale"],
)
def test_unusual_modes_are_normalised(portrait, tmp_path, convert):
    image = convert(portrait)
    path = tmp_path / ("face.jpg" if image.mode == "CMYK" else "face.png")
    image.save(path)
    result = single(path)
    assert result.error is None and len(result.faces) == 1


def test_exif_orientation_is_applied(portrait, tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    portrait.transpose(Image.Transpose.ROTATE_90).save(tmp_path / "phone.jpg", exif=exif)
    assert len(single(tmp_path / "phone.jpg").faces) == 1


def test_very_large_photo_reports_boxes_in_original_pixels(portrait, tmp_path):
    portrait.resize((4608, 4608)).save(tmp_path / "large.jpg", quality=80)
    result = single(tmp_path / "large.jpg", output_dir=tmp_path)
    assert len(result.faces) == 1
    assert 9 * 150 < result.faces[0].box.x < 9 * 200
    with Image.open(result.annotated) as annotated:
        assert max(annotated.size) <= 2048


def test_no_face_is_said_and_whole_image_is_an_option(tmp_path):
    Image.new("L", (200, 150), 128).save(tmp_path / "wall.png")
    assert single(tmp_path / "wall.png").faces == []
    assert "no face found (use --whole-image" in format_table([single(tmp_path / "wall.png")])
    result = single(tmp_path / "wall.png", whole_image=True)
    assert result.whole_image and len(result.faces) == 1
    assert (result.faces[0].box.width, result.faces[0].box.height) == (200, 150)


def test_broken_files_are_named_and_the_batch_goes_on(portrait, tmp_path):
    (tmp_path / "a_garbage.jpg").write_bytes(b"definitely not a jpeg")
    portrait.save(tmp_path / "full.jpg")
    (tmp_path / "b_truncated.jpg").write_bytes((tmp_path / "full.jpg").read_bytes()[:2000])
    portrait.save(tmp_path / "c_good.png")
    (tmp_path / "full.jpg").unlink()
    results = predict_photos([tmp_path, tmp_path / "missing.png"], brightness_classifier)
    by_name = {result.path.name: result for result in results}
    assert "a_garbage.jpg: cannot read this image" in by_name["a_garbage.jpg"].error
    assert "b_truncated.jpg: cannot read this image" in by_name["b_truncated.jpg"].error
    assert by_name["missing.png"].error.endswith("missing.png: no such file")
    assert by_name["c_good.png"].error is None and len(by_name["c_good.png"].faces) == 1


def test_cli_predicts_with_a_trained_model_and_prints_json(trained_run, portrait, tmp_path, capsys):
    _, run = trained_run
    portrait.save(tmp_path / "me.jpg")
    (tmp_path / "bad.png").write_bytes(b"nope")
    argv = ["predict", str(tmp_path / "me.jpg"), str(tmp_path / "bad.png"), "--json"]
    status = main([*argv, "--model", str(run.best_model_path), "--output-dir", str(tmp_path / "out")])
    assert status == 1  # one photo failed, the other was still processed
    (me, bad) = json.loads(capsys.readouterr().out)
    assert len(me["faces"]) == 1 and me["faces"][0]["emotion"] in EMOTIONS
    assert sum(me["faces"][0]["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert "bad.png" in bad["error"]
    assert (tmp_path / "out" / "me_emotions.jpg").is_file()  # a JPEG photo keeps its format


def test_camera_snapshot_outside_colab_says_what_to_do_instead():
    from fercnn.app.colab import take_camera_snapshot

    with pytest.raises(RuntimeError, match="Colab only; pass the path of a photo"):
        take_camera_snapshot()


def test_a_small_file_of_a_huge_pixel_count_is_refused_before_decoding(tmp_path):
    """169 megapixels in a 0.5 MB PNG (under Pillow's bomb limit): decoded, it would cost gigabytes."""
    import tracemalloc

    from fercnn.errors import PhotoReadError
    from fercnn.media.photos import read_photo

    Image.new("1", (13000, 13000)).save(tmp_path / "poster.png")
    tracemalloc.start()
    try:
        with pytest.raises(
            PhotoReadError, match=r"poster.png: 13000x13000 pixels \(169 megapixels\).*resize it"
        ):
            read_photo(tmp_path / "poster.png")
        assert tracemalloc.get_traced_memory()[1] < 50_000_000  # a header read, not a decode
    finally:
        tracemalloc.stop()


def test_a_huge_jpeg_is_decoded_shrunk(portrait, tmp_path):
    from fercnn.media.photos import read_photo

    portrait.resize((9000, 9000)).save(tmp_path / "print.jpg", quality=70)
    photo = read_photo(tmp_path / "print.jpg")
    assert max(photo.rgb.shape) == 2048 and photo.scale == pytest.approx(9000 / 2048)


@pytest.mark.parametrize("suffix", [".gif", ".tiff"])
def test_a_photo_of_several_frames_says_only_the_first_is_read(portrait, tmp_path, suffix):
    from fercnn.media.photos import read_photo

    path = tmp_path / f"pages{suffix}"
    frames = [portrait, portrait.transpose(Image.Transpose.FLIP_LEFT_RIGHT), portrait.rotate(90)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    with pytest.warns(UserWarning, match=rf"pages{suffix}: holds 3 frames .* only the first is read"):
        photo = read_photo(path)
    assert photo.rgb.shape == (512, 512, 3)


def test_a_linked_sub_folder_is_read_and_a_link_loop_reported_once(portrait, tmp_path):
    from fercnn.media.inputs import collect_inputs

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    portrait.save(elsewhere / "friend.jpg")
    album = tmp_path / "album"
    album.mkdir()
    portrait.save(album / "me.jpg")
    (album / "friends").symlink_to(elsewhere, target_is_directory=True)
    (album / "again").symlink_to(album, target_is_directory=True)  # a loop
    (album / "gone.jpg").symlink_to(tmp_path / "deleted.jpg")
    inputs = {str(item.path.relative_to(album)): item.skipped for item in collect_inputs([album]).inputs}
    assert inputs.keys() == {"me.jpg", "friends/friend.jpg", "again", "gone.jpg"}
    assert inputs["me.jpg"] is None and inputs["friends/friend.jpg"] is None
    assert inputs["again"].startswith("a link to a folder searched already")
    assert inputs["gone.jpg"].startswith(f"a link to nothing ({tmp_path / 'deleted.jpg'} is gone)")


def test_a_file_name_that_is_not_utf8_prints_as_valid_json_and_text(portrait, tmp_path, capsys):
    """A Latin-1 ``café.jpg`` from an old camera card: its 0xE9 byte is no UTF-8."""
    import os

    folder = tmp_path / "card"
    folder.mkdir()
    portrait.save(os.path.join(os.fsencode(folder), b"caf\xe9.jpg"), format="JPEG")
    assert main(["predict", str(folder), "--json", "--output-dir", str(tmp_path / "out")]) == 0
    (entry,) = json.loads(capsys.readouterr().out)
    assert entry["path"].endswith("card/caf\\xe9.jpg") and entry["annotated"].endswith(
        "caf\\xe9_emotions.jpg"
    )
    entry["path"].encode("utf-8")  # no lone surrogate left for a UTF-8 reader to choke on
    assert main(["predict", str(folder), "--output-dir", str(tmp_path / "table")]) == 0
    printed = capsys.readouterr().out
    printed.encode("utf-8")
    assert "caf\\xe9.jpg" in printed
