"""Every command on bad or odd input: one clear message (the file, row or argument, what is
wrong, what to do) or the correct result, never a traceback, and an exit status that says
whether every input succeeded.

Each case below is also a row of ``docs/BAD_INPUTS.md``, which is generated from this list:
``python tests/test_bad_inputs.py > docs/BAD_INPUTS.md``; a test checks that the two agree.
"""

import gzip
import json
import os
import shutil
import subprocess
import sys
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import make_faces, synthetic_rows, write_csv, write_wav
from PIL import Image

from fercnn.labels import EMOTIONS

DOC = Path(__file__).resolve().parents[1] / "docs" / "BAD_INPUTS.md"


@dataclass(frozen=True)
class Case:
    name: str  # what the user did
    argv: tuple  # the command, with {placeholders} filled from the fixtures below
    status: int  # the exit status: 0 all inputs succeeded, 1 some photo failed, 2 a user's mistake
    says: str  # what the output says (a fragment), or what is true afterwards


CASES = (
    # output folders
    Case(
        "--output-dir names a file",
        ("predict", "{photo}", "--output-dir", "{text}"),
        2,
        "is a file, not a folder: name a folder to write into",
    ),
    Case(
        "--output-dir cannot be created (under a file)",
        ("evaluate", "--data", "{csv}", "--model", "{model}", "--output-dir", "{text}/out"),
        2,
        "cannot write into --output-dir",
    ),
    Case(
        "train into a folder that cannot be created",
        ("train", "--data", "{csv}", "--output-dir", "{text}/run", "--epochs", "1"),
        2,
        "cannot write into the run folder",
    ),
    Case(
        "--name ../escape",
        ("predict", "{photo}", "--name", "../escape"),
        2,
        "--name ../escape: a run's name is a folder inside runs/predict/, without '..' or a leading '/'",
    ),
    Case(
        "--name an absolute path",
        ("train", "--data", "{csv}", "--name", "{tmp}/elsewhere", "--epochs", "1"),
        2,
        "a run's name is a folder inside runs/train/",
    ),
    Case(
        "--name ../../x in inspect",
        ("inspect", "--data", "{csv}", "--name", "../../x"),
        2,
        "pass --output-dir",
    ),
    # model files
    Case(
        "a text file named .keras",
        ("predict", "{photo}", "--model", "{text_keras}"),
        2,
        "is not a Keras model: a .keras file is a zip archive",
    ),
    Case(
        "a JPEG named .keras",
        ("evaluate", "--data", "{csv}", "--model", "{jpeg_keras}"),
        2,
        "is not a Keras model: a .keras file is a zip archive",
    ),
    Case(
        "a truncated .keras download",
        ("predict", "{photo}", "--model", "{truncated_keras}"),
        2,
        "a truncated download, or another kind of file renamed?",
    ),
    Case(
        "a zip without config.json",
        ("predict", "{photo}", "--model", "{empty_zip_keras}"),
        2,
        "cannot be loaded by Keras",
    ),
    Case(
        "a model for 10 classes",
        ("evaluate", "--data", "{csv}", "--model", "{ten_classes}"),
        2,
        "predicts 10 classes, not FER2013's 7",
    ),
    Case(
        "a model for 10 classes, in predict",
        ("predict", "{photo}", "--model", "{ten_classes}"),
        2,
        "predicts 10 classes, not FER2013's 7",
    ),
    Case(
        "a model for 64x64 colour images",
        ("predict", "{photo}", "--model", "{wrong_input}"),
        2,
        "takes inputs of shape (64, 64, 3), not the 48x48x1 grayscale faces",
    ),
    Case(
        "a broken .tflite",
        ("predict", "{photo}", "--model", "{broken_tflite}"),
        2,
        "broken.tflite cannot be read",
    ),
    Case(
        "a missing model",
        ("evaluate", "--data", "{csv}", "--model", "{tmp}/gone.keras"),
        2,
        "gone.keras does not exist",
    ),
    Case(
        "calibrate into the folder of its own input",
        ("calibrate", "--data", "{csv}", "--model", "{run}/fernet_fer2013.keras", "--output-dir", "{run}"),
        2,
        "would be overwritten by its own output",
    ),
    # data
    Case(
        "CSV bad row after blank lines", ("inspect", "--data", "{blank_lines_csv}"), 2, "line 7: emotion '9'"
    ),
    Case(
        "CSV line break inside a quoted pixel field",
        ("inspect", "--data", "{newline_csv}"),
        2,
        "line 2: pixel 1 is",
    ),
    Case(
        "CSV bad row after a field broken over two lines",
        ("inspect", "--data", "{shifted_csv}"),
        2,
        "line 5: emotion '9'",
    ),
    Case(
        "CSV of tab-separated rows under a comma header",
        ("inspect", "--data", "{tab_rows_csv}"),
        2,
        "characters) is not an integer 0..6",
    ),
    Case(
        "CSV saved as UTF-16 (Excel's 'Unicode text')",
        ("inspect", "--data", "{utf16_csv}"),
        2,
        "is UTF-16 text (as Excel saves 'Unicode text'): save it as UTF-8",
    ),
    Case(
        "CSV saved as Latin-1, an accent on line 5",
        ("inspect", "--data", "{latin1_csv}"),
        2,
        "latin1.csv, line 5: byte 0xee is not UTF-8",
    ),
    Case(
        "CSV without a header",
        ("inspect", "--data", "{headerless_csv}"),
        2,
        "has no header: its first line is a row of data",
    ),
    Case(
        "image folders unpacked into data/fer2013/",
        ("inspect", "--data", "{nested_release}"),
        0,
        "FER2013 from",
    ),
    Case(
        "image folders with no validation split",
        ("train", "--data", "{test_only_release}"),
        2,
        "put them in a val/ folder beside train/",
    ),
    Case(
        "train into a folder another training run is writing into (two at once with one --name)",
        ("train", "--data", "{csv}", "--output-dir", "{busy_run}", "--epochs", "1"),
        2,
        "is in use by another run (process",
    ),
    Case(
        "--config names a JSON list",
        ("train", "--data", "{csv}", "--config", "{list_json}"),
        2,
        "holds a JSON list, not an object of settings",
    ),
    # photos
    Case(
        "photos sharing a name in one batch",
        ("predict", "{same_names}", "--output-dir", "{tmp}/named"),
        0,
        "3 distinct annotated copies",
    ),
    Case(
        "a folder with .jfif, a fake .heic and a text file",
        ("predict", "{mixed_folder}"),
        1,
        "install pillow-heif",
    ),
    Case(
        "a 0.5 MB PNG of 13000x13000 pixels",
        ("predict", "{poster}", "{photo}"),
        1,
        "(169 megapixels) is more than 64 megapixels, too large to decode; resize it first",
    ),
    Case(
        "an animated GIF",
        ("predict", "{animated_gif}", "--output-dir", "{tmp}/gif_out"),
        0,
        "holds 2 frames (an animation or a multi-page file); only the first is read",
    ),
    Case(
        "a photo whose name is not UTF-8 (a Latin-1 café.jpg), with --json",
        ("predict", "{latin1_folder}", "--json", "--output-dir", "{tmp}/latin1_out"),
        0,
        'latin1/caf\\\\xe9.jpg"',
    ),
    Case("a photo 2000x1 pixels", ("predict", "{sliver}", "{photo}"), 0, "no face found"),
    Case(
        "a folder holding a link to a folder, and a link back to itself",
        ("predict", "{linked_album}", "--output-dir", "{tmp}/album_out"),
        0,
        "a link to a folder searched already (through another path, or a loop); passed over",
    ),
    Case("an empty folder", ("predict", "{empty_folder}"), 2, "no photos or videos in"),
    # videos
    Case(
        "a text file named .mp4",
        ("predict", "{text_mp4}", "{photo}"),
        1,
        "OpenCV cannot open this video",
    ),
    Case("an empty .mp4", ("predict", "{empty_mp4}"), 1, "convert it with: ffmpeg"),
    Case("a video with no face in any frame", ("predict", "{faceless_mp4}"), 0, "no face found in any of"),
    Case("--fps 0", ("predict", "{faceless_mp4}", "--fps", "0"), 2, "argument --fps: must be more than 0"),
    Case(
        "--fps 1e-9 (one frame every 30 years)",
        ("predict", "{faceless_mp4}", "--fps", "1e-9"),
        2,
        "a video is sampled at 0.1 frames a second or more",
    ),
    Case("a sound recording named .mp4", ("predict", "{wav_mp4}"), 1, "has no video frames"),
    Case(
        "a video cut short (an interrupted download)",
        ("predict", "{cut_mkv}", "--output-dir", "{tmp}/cut_out"),
        0,
        "the video ends after 20 of its 40 frames",
    ),
    Case(
        "a video whose file says 1000 frames a second",
        ("predict", "{placeholder_rate_mp4}", "--output-dir", "{tmp}/rate_out"),
        0,
        "says 1000 frames a second, a placeholder",
    ),
    Case(
        "--smoothing inf (emotions frozen at the first frame)",
        ("predict", "{faceless_mp4}", "{photo}", "--smoothing", "inf"),
        2,
        "--smoothing inf: the smoothing time constant must be 0 or more seconds, and finite",
    ),
    Case(
        "train on faces of one class only",
        (
            "train",
            "--data",
            "{one_class_csv}",
            "--config",
            "{tiny_config}",
            "--output-dir",
            "{tmp}/one_class",
        ),
        0,
        "are all of one class (happy): the model learns to answer happy for every face",
    ),
    Case("--smoothing -1", ("predict", "{faceless_mp4}", "--smoothing", "-1"), 2, "must be 0 or more"),
    # labelled photos and folders of photos
    Case(
        "evaluate --photos with a folder named for no emotion",
        ("evaluate", "--photos", "{odd_labels}", "--output-dir", "{tmp}/eval"),
        2,
        "'joyful' is not an emotion this project knows; use one of afraid, anger, angry",
    ),
    Case(
        "a pipe named like a photo",
        ("predict", "{fifo}", "--output-dir", "{tmp}/fifo_out", "--detector", "haar"),
        1,
        "not a regular file (a pipe, socket or device?)",
    ),
    Case(
        "a model without a softmax",
        ("predict", "{photo}", "--model", "{logits_model}", "--output-dir", "{tmp}/logits_out"),
        2,
        "gives outputs that are not probabilities (they do not add up to 1): its last layer needs a softmax",
    ),
)


def run(argv, capsys):
    """The command's exit status and all it printed, warnings on standard error included, as a
    user sees them (pytest would otherwise keep warnings to itself)."""
    from fercnn.app.cli import main

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = _warning_to_stderr
        try:
            status = main(list(argv))
        except SystemExit as exit:  # argparse refuses a flag's value before any command runs
            status = exit.code
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _warning_to_stderr(message, category, filename, lineno, file=None, line=None):
    sys.stderr.write(warnings.formatwarning(message, category, filename, lineno, line))


def test_a_tab_separated_csv_gets_a_short_message_that_says_so(inputs, capsys):
    status, printed = run(["inspect", "--data", str(inputs["tab_rows_csv"])], capsys)
    assert status == 2 and len(printed) < 2000  # not the 50 KB of pixels the rows hold
    assert "the file is tab-separated? A FER2013 CSV separates its fields by commas" in printed


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, trained_run, tiny_config_file):
    """Every bad input the cases name, made once."""
    tmp = tmp_path_factory.mktemp("bad")
    _, run_result = trained_run
    made = {"tmp": tmp, "run": run_result.output_dir, "model": run_result.best_model_path}
    made["csv"] = write_csv(tmp / "fer2013.csv", synthetic_rows((6, 2), ("train", "validation")))
    happy = [row for row in synthetic_rows((6, 2), ("train", "validation")) if row.startswith("3,")]
    made["one_class_csv"] = write_csv(tmp / "happy_only.csv", happy)
    made["tiny_config"] = tiny_config_file
    portrait = Image.open(_sample_photo()).convert("RGB")
    portrait.save(made.setdefault("photo", tmp / "portrait.jpg"))
    (made.setdefault("text", tmp / "notes.txt")).write_text("a text file\n")
    (made.setdefault("text_keras", tmp / "text.keras")).write_text("not a model\n")
    portrait.save(made.setdefault("jpeg_keras", tmp / "photo.keras"), format="JPEG")
    full = Path(made["model"]).read_bytes()
    (made.setdefault("truncated_keras", tmp / "truncated.keras")).write_bytes(full[: len(full) // 2])
    with zipfile.ZipFile(made.setdefault("empty_zip_keras", tmp / "empty.keras"), "w") as archive:
        archive.writestr("metadata.json", "{}")
    made["ten_classes"] = _save_model(tmp / "ten.keras", (48, 48, 1), 10)
    made["wrong_input"] = _save_model(tmp / "colour.keras", (64, 64, 3), 7)
    (made.setdefault("broken_tflite", tmp / "broken.tflite")).write_bytes(b"TFL3 but not really")
    made["blank_lines_csv"] = _csv_text(tmp / "blank.csv", blank_lines=True)
    made["newline_csv"] = _csv_text(tmp / "newline.csv", newline_in_pixels=True)
    made["headerless_csv"] = _csv_text(tmp / "headerless.csv", header=False)
    made.update(_encoded_csvs(tmp))
    made["shifted_csv"] = _csv_text(tmp / "shifted.csv", newline_in_pixels=True, bad_last=True)
    made["nested_release"] = _release(tmp / "nested", "fer2013", ("train", "test"))
    made["test_only_release"] = _release(tmp / "test_only", "", ("train", "test"), prefix="")
    (made.setdefault("list_json", tmp / "list.json")).write_text("[1, 2]\n")
    made["same_names"] = _same_names(tmp / "same", portrait)
    made["mixed_folder"] = _mixed_folder(tmp / "mixed", portrait)
    Image.new("L", (2000, 1), 90).save(made.setdefault("sliver", tmp / "sliver.png"))
    Image.new("1", (13000, 13000)).save(made.setdefault("poster", tmp / "poster.png"))
    flipped = portrait.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    portrait.save(made.setdefault("animated_gif", tmp / "wave.gif"), save_all=True, append_images=[flipped])
    (made.setdefault("empty_folder", tmp / "empty")).mkdir()
    (made.setdefault("latin1_folder", tmp / "latin1")).mkdir()
    portrait.save(os.path.join(os.fsencode(made["latin1_folder"]), b"caf\xe9.jpg"), format="JPEG")
    made["linked_album"] = _linked_album(tmp / "album", made["same_names"])
    (made.setdefault("text_mp4", tmp / "notes.mp4")).write_text("a text file\n" * 100)
    (made.setdefault("empty_mp4", tmp / "empty.mp4")).write_bytes(b"")
    made["faceless_mp4"] = _faceless_video(tmp / "faceless.mp4")
    made["placeholder_rate_mp4"] = _faceless_video(tmp / "rate1000.mp4", rate=1000)
    made["wav_mp4"] = write_wav(tmp / "memo.mp4")
    made["cut_mkv"] = _cut_video(tmp / "cut.mkv")
    (made.setdefault("odd_labels", tmp / "odd_labels") / "joyful").mkdir(parents=True)
    os.mkfifo(made.setdefault("fifo", tmp / "stream.jpg"))
    made["logits_model"] = _logits_model(tmp / "logits.keras")
    from fercnn.runs import run_folder_lock

    with run_folder_lock(made.setdefault("busy_run", tmp / "busy_run")):  # as a run in progress holds it
        yield made


def _logits_model(path):
    import keras

    inputs = keras.Input((48, 48, 1))
    keras.Model(inputs, keras.layers.Dense(7)(keras.layers.Flatten()(inputs))).save(path)
    return path


def _faceless_video(path, rate=10):
    import cv2
    import numpy as np

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), rate, (160, 120))
    for shade in range(0, 250, 25):
        writer.write(np.full((120, 160, 3), shade, np.uint8))
    writer.release()
    return path


def _cut_video(path):
    """The first half of a 40-frame Matroska video: its header still says 40 frames."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (160, 120))
    rng = np.random.default_rng(0)
    for _ in range(40):
        writer.write(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    writer.release()
    whole = path.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def _sample_photo():
    from fercnn.app.predict import sample_photo

    return sample_photo()


def _save_model(path, input_shape, classes):
    import keras

    inputs = keras.Input(input_shape)
    outputs = keras.layers.Dense(classes, activation="softmax")(keras.layers.GlobalAveragePooling2D()(inputs))
    keras.Model(inputs, outputs).save(path)
    return path


def _csv_text(path, blank_lines=False, newline_in_pixels=False, header=True, bad_last=False):
    rows = synthetic_rows((1, 1), ("train", "validation"))[:3]
    if newline_in_pixels:  # a quoted pixel field broken over two lines, as a spreadsheet may save it
        broken = 1 if bad_last else 0
        label, pixels, usage = rows[broken].split(",")
        rows[broken] = f'{label},"{pixels[:5]}\n{pixels[5:]}",{usage}'
    if bad_last:
        rows[2] = "9" + rows[2][1:]
    if blank_lines:  # two blank lines, then a bad emotion code on line 7
        rows = [rows[0], "", "", rows[1], rows[2], "9" + rows[2][1:]]
    text = "\n".join((["emotion,pixels,Usage"] if header else []) + rows) + "\n"
    path.write_text(text)
    return path


def _encoded_csvs(tmp):
    """The same rows tab-separated, saved as UTF-16, and saved as Latin-1 with one accent."""
    rows = synthetic_rows((1, 1), ("train", "validation"))
    header = "emotion,pixels,Usage\n"
    (tmp / "tabs.csv").write_text(header + "\n".join(row.replace(",", "\t") for row in rows) + "\n")
    (tmp / "utf16.csv").write_text(header + "\n".join(rows) + "\n", encoding="utf-16")
    rows[3] = rows[3].replace("Training", "Entraînement")
    (tmp / "latin1.csv").write_text(header + "\n".join(rows) + "\n", encoding="latin-1")
    return {
        "tab_rows_csv": tmp / "tabs.csv",
        "utf16_csv": tmp / "utf16.csv",
        "latin1_csv": tmp / "latin1.csv",
    }


def _release(root, inner, folders, prefix="Training_"):
    images, labels = make_faces(1)
    for folder in folders:
        for index, (image, label) in enumerate(zip(images, labels, strict=True)):
            class_dir = root / inner / folder / EMOTIONS[label]
            class_dir.mkdir(parents=True, exist_ok=True)
            Image.fromarray(image[:, :, 0]).save(class_dir / f"{prefix}{index}.png")
    return root


def _same_names(root, portrait):
    (root / "sub").mkdir(parents=True)
    for name in ("face.jpg", "face.png", "sub/face.png"):
        portrait.save(root / name)
    return root


def _linked_album(root, elsewhere):
    root.mkdir()
    (root / "friends").symlink_to(elsewhere, target_is_directory=True)
    (root / "again").symlink_to(root, target_is_directory=True)
    return root


def _mixed_folder(root, portrait):
    root.mkdir()
    portrait.save(root / "camera.jfif", format="JPEG")
    (root / "phone.heic").write_bytes(b"ftypheic but nothing more")
    (root / "readme.txt").write_text("not a photo\n")
    (root / ".ipynb_checkpoints").mkdir()
    (root / ".ipynb_checkpoints" / "old.txt").write_text("hidden\n")
    return root


def fill(argv, made):
    return [part.format(**{key: str(value) for key, value in made.items()}) for part in argv]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_each_bad_input_gets_its_message_and_exit_status(case, inputs, capsys):
    status, printed = run(fill(case.argv, inputs), capsys)
    assert "Traceback" not in printed
    assert status == case.status, printed
    if case.name == "photos sharing a name in one batch":
        annotated = sorted(
            path.relative_to(inputs["tmp"] / "named")
            for path in (inputs["tmp"] / "named").rglob("*_emotions.*")
        )
        assert [str(path) for path in annotated] == [  # a JPEG's copy is a JPEG, the others PNGs
            "same/face_emotions.jpg",
            "same/face_png_emotions.png",
            "same/sub/face_emotions.png",
        ]
        assert "same/sub/face.png" in printed  # the table names photos by their path
    else:
        assert case.says in printed


def test_a_folder_reports_what_it_skipped_and_reads_the_rest(inputs, capsys):
    status, printed = run(["predict", str(inputs["mixed_folder"]), "--json"], capsys)
    results = {Path(result["path"]).name: result for result in json.loads(printed)}
    assert sorted(results) == ["camera.jfif", "phone.heic", "readme.txt"]  # hidden folder passed over
    assert results["camera.jfif"]["error"] is None and len(results["camera.jfif"]["faces"]) == 1
    assert "pillow-heif" in results["phone.heic"]["error"]
    assert results["readme.txt"]["skipped"].startswith("not a photo or video (.txt)")
    assert status == 1  # the .heic failed


def test_16_bit_faces_in_image_folders_load_like_8_bit_ones(tmp_path):
    from fercnn.data.loading import load_fer2013

    images, labels = make_faces(1)
    for index, (image, label) in enumerate(zip(images, labels, strict=True)):
        folder = tmp_path / "train" / EMOTIONS[label]
        folder.mkdir(parents=True)
        Image.fromarray(image[:, :, 0].astype(np.uint16) * 257).save(folder / f"Training_{index}.png")
    loaded = load_fer2013(tmp_path)["train"].images
    np.testing.assert_array_equal(loaded, images)


def test_image_folders_read_sub_folders_and_warn_of_empty_classes(tmp_path):
    from fercnn.data.loading import load_fer2013

    images, _ = make_faces(1)
    (tmp_path / "train" / "happy" / "batch2").mkdir(parents=True)
    (tmp_path / "train" / "sad").mkdir()
    (tmp_path / "train" / ".ipynb_checkpoints").mkdir()
    Image.fromarray(images[0, :, :, 0]).save(tmp_path / "train" / "happy" / "a.png")
    Image.fromarray(images[1, :, :, 0]).save(tmp_path / "train" / "happy" / "batch2" / "b.png")
    with pytest.warns(UserWarning, match="sad holds no images"):
        split = load_fer2013(tmp_path)["train"]
    assert len(split) == 2 and set(split.labels) == {3}


def test_ctrl_c_during_training_says_how_to_resume(inputs, tmp_path, monkeypatch, capsys):
    from fercnn.training import loop as training

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(training, "train", interrupted)
    status, printed = run(
        ["train", "--data", str(inputs["csv"]), "--output-dir", str(tmp_path / "run")], capsys
    )
    assert status == 130 and "Traceback" not in printed
    assert f"resume with:\n  python -m fercnn train --data {inputs['csv']} --output-dir" in printed


def test_resuming_a_run_reads_its_own_settings(learnable_csv, trained_run, tmp_path, capsys):
    """A run trained with its own settings resumes with only its folder named."""
    folder = tmp_path / "run"
    shutil.copytree(trained_run[1].output_dir, folder)
    status, printed = run(["train", "--data", str(learnable_csv), "--output-dir", str(folder)], capsys)
    assert status == 0 and f"holds a finished run ({trained_run[0].epochs} epochs)" in printed


def test_a_gzipped_csv_with_crlf_and_blank_lines_loads_every_row(tmp_path):
    from fercnn.data.loading import load_fer2013

    rows = synthetic_rows((2, 1), ("train", "validation"))
    text = "emotion,pixels,Usage\r\n" + "\r\n\r\n".join(rows) + "\r\n"
    with gzip.open(tmp_path / "fer2013.csv.gz", "wt", newline="") as handle:
        handle.write(text)
    data = load_fer2013(tmp_path / "fer2013.csv.gz")
    assert len(data["train"]) + len(data["validation"]) == len(rows)


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv to drop root's override")
def test_a_read_only_output_folder_stops_predict_before_any_work(inputs, tmp_path):
    """A folder without write permission, as a user without root meets it (root's override of
    file permissions is dropped for the command): one line, exit 2, and no photo processed."""
    read_only = tmp_path / "read_only"
    read_only.mkdir()
    read_only.chmod(0o555)
    drop = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner"] if os.geteuid() == 0 else []
    command = [*drop, sys.executable, "-m", "fercnn", "predict", str(inputs["photo"])]
    done = subprocess.run(
        [*command, "--model", str(inputs["model"]), "--output-dir", str(read_only / "out")],
        capture_output=True,
        text=True,
        env=os.environ | {"TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"cannot write into --output-dir {read_only / 'out'} (Permission denied)" in done.stderr
    assert done.stdout == ""  # nothing was predicted and lost


def test_missing_data_advice_names_folders_that_load(tmp_path, capsys):
    status, printed = run(["inspect", "--data", str(tmp_path / "nowhere")], capsys)
    assert status == 2 and "unpack it into data/ (data/train/, data/test/)" in printed
    _release(tmp_path / "data", "", ("train", "test"))
    assert run(["inspect", "--data", str(tmp_path / "data")], capsys)[0] == 0


def bad_inputs_table():
    """``docs/BAD_INPUTS.md``: what a user can rely on, one row per case above."""
    lines = [
        "# Bad input: what happens",
        "",
        "Every case is a test in `tests/test_bad_inputs.py`, which also generates this page",
        "(`python tests/test_bad_inputs.py > docs/BAD_INPUTS.md`). No case prints a traceback. Exit",
        "status: 0 every input succeeded, 1 some photo failed (the others still processed), 2 a",
        "mistake in the command or its input (one message naming the file, row or argument), 130",
        "interrupted (a training run says how to resume).",
        "",
        "| what the user did | command | exit | what the output says |",
        "|---|---|---:|---|",
    ]
    for case in CASES:
        command = " ".join(case.argv).replace("|", "\\|")
        lines.append(f"| {case.name} | `fercnn {command}` | {case.status} | {case.says} |")
    return "\n".join(lines) + "\n"


def test_the_documented_table_is_this_list():
    assert DOC.read_text() == bad_inputs_table()


if __name__ == "__main__":
    print(bad_inputs_table(), end="")


def test_a_model_whose_outputs_are_not_probabilities_is_refused(tmp_path):
    import keras

    from fercnn.models.files import ModelFileError
    from fercnn.runtime.classifier import load_classifier

    inputs = keras.Input((48, 48, 1))
    logits = keras.layers.Dense(7)(keras.layers.Flatten()(keras.layers.Rescaling(1 / 255)(inputs)))
    keras.Model(inputs, logits).save(tmp_path / "logits.keras")
    with pytest.raises(ModelFileError, match="not probabilities.*softmax"):
        load_classifier(tmp_path / "logits.keras")
    diverged = keras.Model(inputs, keras.layers.Softmax()(logits))
    diverged.set_weights([np.full_like(weights, np.nan) for weights in diverged.get_weights()])
    diverged.save(tmp_path / "nan.keras")
    with pytest.raises(ModelFileError, match="NaN or infinite outputs"):
        load_classifier(tmp_path / "nan.keras")


def test_a_diverging_run_stops_with_a_message_and_saves_no_nan_model(learnable_csv, tmp_path):
    from conftest import tiny_config

    from fercnn.training.loop import TrainingDivergedError, train

    with pytest.raises(ValueError, match="learning_rate must be > 0"):
        tiny_config(learning_rate=float("nan"))
    config = tiny_config(learning_rate=1e30, epochs=2)
    with pytest.raises(TrainingDivergedError, match="lower --learning-rate"):
        train(config, learnable_csv, tmp_path / "run", verbose=0)
    assert not (tmp_path / "run" / "fernet_fer2013.keras").exists()
