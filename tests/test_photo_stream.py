"""Folders of photos: streamed in order over a bounded pool, written as they come, resumed."""

import csv
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from fercnn.app.cli import main
from fercnn.app.photo_stream import PhotoJob, stream_photos
from fercnn.app.predict import sample_photo
from fercnn.app.prediction_table import COLUMNS, TABLE_FILE
from fercnn.app.progress import Progress
from fercnn.faces.boxes import Box, DetectedFace
from fercnn.faces.pipeline import FacePipeline
from fercnn.labels import EMOTIONS
from fercnn.media.photos import Photo


class CountingClassifier:
    """Records how many faces each call classified; a face's class is its photo's number % 7."""

    def __init__(self):
        self.calls = []

    def __call__(self, faces):
        self.calls.append(len(faces))
        return np.eye(len(EMOTIONS))[faces[:, 0, 0, 0].astype(int) % len(EMOTIONS)]


class NumberedFaces:
    """A detector for made-up photos whose central pixel is their number: photo n has n % 3 faces
    (also on the second look, which puts a border around the photo)."""

    name = None  # not a named detector: the workers share it, which a stand-in allows

    def __call__(self, image):
        count = int(image[image.shape[0] // 2, image.shape[1] // 2, 0]) % 3
        return [DetectedFace(Box(10 * i, 0, 40, 40)) for i in range(count)]


def numbered_jobs(count, in_flight, lock):
    def read(number):
        with lock:
            in_flight[0] += 1
            in_flight[1] = max(in_flight[1], in_flight[0])
        time.sleep(0.002)
        rgb = np.full((64, 96, 3), number, dtype=np.uint8)
        with lock:
            in_flight[0] -= 1
        return Photo(rgb, 1.0)

    return [PhotoJob(Path(f"{n}.png"), lambda n=n: read(n)) for n in range(count)]


def test_results_come_in_order_with_faces_of_several_photos_per_call():
    classifier = CountingClassifier()
    pipeline = FacePipeline(classifier, NumberedFaces(), min_face=1)
    in_flight, lock = [0, 0], threading.Lock()
    outcomes = list(stream_photos(numbered_jobs(60, in_flight, lock), pipeline, workers=2, window=8))
    assert [outcome.job.path.name for outcome in outcomes] == [f"{n}.png" for n in range(60)]
    assert [len(outcome.faces) for outcome in outcomes] == [n % 3 for n in range(60)]
    assert all(EMOTIONS.index(face.emotion) == n % 7 for n, o in enumerate(outcomes) for face in o.faces)
    assert sum(classifier.calls) == sum(n % 3 for n in range(60))
    assert len(classifier.calls) < 40  # most calls took the faces of more than one photo
    assert in_flight[1] <= 2  # never more reads at once than workers


def test_a_photo_that_fails_keeps_its_error_and_the_rest_go_on():
    def broken():
        raise OSError("disk read error")

    jobs = [
        PhotoJob(Path("bad.png"), broken),
        PhotoJob(Path("ok.png"), lambda: Photo(np.full((64, 64, 3), 1, np.uint8), 1)),
    ]
    outcomes = list(stream_photos(jobs, FacePipeline(CountingClassifier(), NumberedFaces(), min_face=1)))
    assert "disk read error" in str(outcomes[0].error) and len(outcomes[1].faces) == 1


@pytest.fixture
def portraits(tmp_path):
    folder = tmp_path / "portraits"
    folder.mkdir()
    with Image.open(sample_photo()) as image:
        small = image.convert("RGB").resize((256, 256))
    for number in range(3):
        small.save(folder / f"p{number}.jpg", quality=90)
    Image.new("RGB", (200, 200), (90, 90, 90)).save(folder / "blank.png")
    (folder / "notes.txt").write_text("not a photo\n")
    return folder


def read_table(folder):
    with open(folder / TABLE_FILE, newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_table_has_a_row_for_every_file_and_a_rerun_adds_none(portraits, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["predict", str(portraits), "--output-dir", str(out), "--detector", "haar"]) == 0
    rows = read_table(out)
    assert list(rows[0]) == list(COLUMNS)
    by_file = {Path(row["path"]).name: row for row in rows}
    assert sorted(by_file) == ["blank.png", "notes.txt", "p0.jpg", "p1.jpg", "p2.jpg"]
    assert by_file["p0.jpg"]["emotion"] == "happy" and by_file["p0.jpg"]["annotated"].endswith(
        "p0_emotions.jpg"
    )
    assert by_file["blank.png"]["face"] == "" and by_file["notes.txt"]["skipped"]
    assert "p2.jpg" in capsys.readouterr().out  # the screen shows the same rows

    assert main(["predict", str(portraits), "--output-dir", str(out), "--detector", "haar"]) == 0
    assert len(read_table(out)) == len(rows)
    assert "5 file(s) already in" in capsys.readouterr().err


def test_no_annotate_writes_only_the_table(portraits, tmp_path):
    out = tmp_path / "out"
    assert (
        main(["predict", str(portraits), "--output-dir", str(out), "--no-annotate", "--detector", "haar"])
        == 0
    )
    assert sorted(path.name for path in out.rglob("*") if path.is_file()) == [TABLE_FILE]
    assert all(row["annotated"] == "" for row in read_table(out))


def test_a_second_run_inside_the_photo_folder_never_reads_the_first_runs_outputs(
    portraits, monkeypatch, capsys
):
    monkeypatch.chdir(portraits)
    assert main(["predict", ".", "--detector", "haar"]) == 0
    capsys.readouterr()
    assert main(["predict", ".", "--detector", "haar"]) == 0
    printed = capsys.readouterr()
    assert "_emotions" not in printed.out
    assert "passed over 4 file(s) in runs/" in printed.err  # three copies and the first table


def test_an_earlier_run_written_anywhere_inside_the_folder_is_not_read_again(portraits, monkeypatch, capsys):
    """``predict . --output-dir out`` then ``predict . --output-dir out2``: the second run passes
    over ``out/``, which holds the first run's table, copies and all."""
    monkeypatch.chdir(portraits)
    assert main(["predict", ".", "--output-dir", "out", "--detector", "haar"]) == 0
    capsys.readouterr()
    assert main(["predict", ".", "--output-dir", "out2", "--detector", "haar"]) == 0
    printed = capsys.readouterr()
    assert "_emotions" not in printed.out
    assert "passed over 4 file(s)" in printed.err and "earlier predict outputs" in printed.err


def test_a_pipe_named_like_a_photo_is_an_error_not_a_hang(tmp_path, capsys):
    fifo = tmp_path / "stream.jpg"
    os.mkfifo(fifo)
    assert main(["predict", str(fifo), "--output-dir", str(tmp_path / "out"), "--detector", "haar"]) == 1
    assert "not a regular file" in capsys.readouterr().out


def test_the_progress_line_says_the_rate_and_the_time_left():
    progress = Progress(100, "predict", unit="files", enabled=False)
    progress.done, progress.start = 25, time.perf_counter() - 5.0
    line = progress.line(time.perf_counter())
    assert "25/100 files" in line and "5.0/s" in line and "15 s left" in line


def interrupted_run(folder, out, sig):
    """Start predict on ``folder`` in a subprocess; send ``sig`` once its table holds a few
    photos; return how many photos the table held by then."""
    command = [sys.executable, "-m", "fercnn", "predict", str(folder), "--output-dir", str(out)]
    process = subprocess.Popen(
        [*command, "--detector", "haar"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    table = out / TABLE_FILE
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if table.is_file() and table.read_text().count("\n") > 5:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be interrupted: give it more photos"
    process.send_signal(sig)
    stderr = process.communicate(timeout=60)[1].decode()
    return process.returncode, stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["ctrl-c", "kill-9"])
def test_an_interrupted_batch_keeps_a_valid_table_that_a_rerun_completes(tmp_path, sig):
    folder = tmp_path / "many"
    folder.mkdir()
    with Image.open(sample_photo()) as image:
        small = image.convert("RGB").resize((192, 192))
    small.save(folder / "p000.jpg", quality=90)
    for number in range(1, 300):
        shutil.copy(folder / "p000.jpg", folder / f"p{number:03d}.jpg")
    out = tmp_path / "out"
    status, stderr = interrupted_run(folder, out, sig)
    if sig == signal.SIGINT:
        assert status == 130 and "to go on, run the same command" in stderr and "Traceback" not in stderr
    partial = read_table(out) if sig == signal.SIGINT else None
    if partial is not None:
        assert 0 < len(partial) < 300 and all(row["emotion"] == "happy" for row in partial)
    assert not list(out.rglob(".partial-*")) or sig == signal.SIGKILL
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "fercnn",
            "predict",
            str(folder),
            "--output-dir",
            str(out),
            "--detector",
            "haar",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    rows = read_table(out)
    assert sorted(Path(row["path"]).name for row in rows) == [f"p{n:03d}.jpg" for n in range(300)]
    assert "already in" in completed.stderr


def test_help_of_every_command_and_a_tflite_prediction_load_no_keras():
    commands = [
        "",
        "train",
        "evaluate",
        "compare",
        "calibrate",
        "inspect",
        "export",
        "predict",
        "camera",
        "demo",
    ]
    code = (
        "import sys\nfrom fercnn.app.cli import main\n"
        "for command in sys.argv[1:]:\n"
        "    try:\n        main([*command.split(), '--help'])\n    except SystemExit:\n        pass\n"
        "print(sorted(name for name in ('keras', 'tensorflow') if name in sys.modules))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code, *commands], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip().splitlines()[-1] == "[]"
