"""A new user's first steps in a clean copy of the repository, as the README gives them.

Every command runs with its default output folder, both notebooks run unchanged (but for a
tiny epoch count), the package is installed from the copy as a plain wheel, and afterwards not
one tracked file of the copy has changed: runs live under ``runs/``, the shipped model in
``models/`` is only ever read.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import synthetic_rows, write_csv
from test_notebooks import execute

ROOT = Path(__file__).resolve().parents[1]

# (the command line, the files its run folder must hold afterwards): a user's first day, train
# a model, score the shipped one, calibrate and export their own, try a photo
FIRST_STEPS = (
    (
        ["train", "--config", "{tiny_config}", "--name", "mine", "--quiet"],
        ["fernet_fer2013.keras", "config.json", "history.csv", "metrics.json", "training_curves.png"],
    ),
    (
        ["evaluate"],
        ["metrics.json", "confusion_matrix_validation.png", "classification_report_validation.txt"],
    ),
    (
        ["calibrate", "--model", "runs/train/mine/fernet_fer2013.keras", "--name", "mine"],
        ["fernet_fer2013.keras", "calibration.json"],
    ),
    (
        ["export", "--model", "runs/calibrate/mine/fernet_fer2013.keras"],
        ["fernet_fer2013_float32.tflite", "fernet_fer2013_int8.tflite"],
    ),
    (["predict"], ["astronaut_emotions.png"]),
)
RUN_ALL = """
import json, sys
from fercnn.app.cli import main
print(json.dumps([main(argv) for argv in json.loads(sys.argv[1])]))
"""


def git(folder, *args):
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True).stdout


def clean_copy(destination):
    """The working tree's files as a clone of it would hold them (tracked or not ignored),
    committed in a repository of their own so that ``git status`` shows any change."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard").split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, destination / name)
    git(destination, "init", "--quiet")
    git(destination, "add", "--all")
    git(
        destination,
        "-c",
        "user.name=test",
        "-c",
        "user.email=test@example.com",
        "commit",
        "--quiet",
        "-m",
        "clone",
    )
    return destination


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    """A clean copy with synthetic FER2013 in data/, where the README says to put the real one."""
    copy = clean_copy(tmp_path_factory.mktemp("clone") / "fercnn")
    write_csv(copy / "data" / "fer2013.csv.gz", synthetic_rows(per_class=(24, 6, 6)))
    return copy


def new_folders(clone, command, action):
    """The folders that ``action()`` adds under ``runs/<command>/`` (a glob: ``*`` for any)."""
    folders = lambda: set((clone / "runs").glob(f"{command}/*"))  # noqa: E731
    before = folders()
    action()
    return folders() - before


@pytest.fixture(scope="module")
def first_steps(clone, tiny_config_file):
    """The README's commands, each with its defaults, in one process run from the copy; returns
    their exit codes, what they printed and the folders they made under runs/, by command.
    Training reads a tiny model's settings from a config file: only its length and size differ."""
    filled = [[part.format(tiny_config=tiny_config_file) for part in argv] for argv, _ in FIRST_STEPS]
    argvs = json.dumps(filled)
    environment = os.environ | {"PYTHONPATH": str(clone / "src"), "TF_CPP_MIN_LOG_LEVEL": "2"}
    runs = {}

    def run():
        runs["done"] = subprocess.run(
            [sys.executable, "-c", RUN_ALL, argvs], cwd=clone, env=environment, capture_output=True, text=True
        )

    folders = new_folders(clone, "*", run)
    done = runs["done"]
    assert done.returncode == 0, done.stderr[-3000:]
    made = {folder.parent.name: folder for folder in folders}
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout, made


def test_each_command_writes_a_new_folder_under_runs(first_steps):
    exit_codes, printed, made = first_steps
    assert exit_codes == [0] * len(FIRST_STEPS)
    for argv, files in FIRST_STEPS:
        folder = made[argv[0]]
        assert [name for name in files if not (folder / name).is_file()] == [], argv[0]
        assert f"runs/{argv[0]}/{folder.name}" in printed  # each command says where its files went


def test_no_tracked_file_changes(clone, first_steps):
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""


def test_the_readme_says_where_each_command_writes():
    readme = (ROOT / "README.md").read_text()
    for argv, _ in FIRST_STEPS:
        assert f"runs/{argv[0]}/" in readme, argv[0]


def test_notebooks_run_unchanged_in_a_clean_copy(clone, trained_run):
    """The notebooks' own paths (data in data/, runs under runs/, the shipped model); the train
    notebook runs one epoch of the shipped model's last recipe, with a tiny teacher."""
    recipe = {"LEARNING_RATE": 1e-3, "MIXUP_ALPHA": 0.2, "CUTMIX_ALPHA": 1.0, "EMA_MOMENTUM": 0.9}
    recipe |= {"TEACHERS": [str(trained_run[1].best_model_path)], "TEACHER_WEIGHT": 1.0}
    recipe |= {"TEACHER_TEMPERATURE": 2.0, "TEACHER_VIEWS": "mixed"}
    parameters = {"EPOCHS": 1, "BATCH_SIZE": 32, "ERASING_PROBABILITY": 0.25} | recipe
    (trained,) = new_folders(clone, "train", lambda: execute("train_model.ipynb", parameters, root=clone))
    for name in ("fernet_fer2013.keras", "metrics.json", "training_curves.png", "class_distribution.png"):
        assert (trained / name).is_file(), name
    saved = json.loads((trained / "config.json").read_text())
    assert [saved[key.lower()] for key in recipe] == list(recipe.values())
    assert saved["augment"]["erasing_probability"] == 0.25
    (evaluated,) = new_folders(clone, "evaluate", lambda: execute("evaluate_model.ipynb", {}, root=clone))
    for name in ("metrics.json", "confusion_matrix_validation.png", "astronaut_emotions.png"):
        assert (evaluated / name).is_file(), name
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""


def test_an_installed_wheel_finds_the_shipped_model(clone, tmp_path):
    site = tmp_path / "site"
    install = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--target",
        str(site),
        str(clone),
    ]
    subprocess.run(install, check=True, capture_output=True)
    found = (
        subprocess.run(
            [sys.executable, "-c", "from fercnn.models.shipped import shipped_model; print(shipped_model())"],
            cwd=tmp_path,
            env=os.environ | {"PYTHONPATH": str(site), "TF_CPP_MIN_LOG_LEVEL": "2"},
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    assert Path(found).is_relative_to(site)
    assert Path(found).read_bytes() == (ROOT / "models" / "photos" / "fernet_photos.keras").read_bytes()
    assert git(clone, "status", "--porcelain", "--untracked-files=all") == ""
