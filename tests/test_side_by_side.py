import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import tiny_config

from fercnn import checkpoints

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
import side_by_side  # noqa: E402


def test_the_file_names_are_those_train_writes():
    assert side_by_side.HISTORY == checkpoints.HISTORY
    assert side_by_side.LAST_CHECKPOINT == checkpoints.LAST_CHECKPOINT


def sleeper(seconds):
    return subprocess.Popen([sys.executable, "-c", f"import time; time.sleep({seconds})"])


def test_runs_still_going_at_the_deadline_are_stopped_and_finished_ones_keep_their_exit_code():
    started = time.monotonic()
    exit_codes = side_by_side.wait_until([sleeper(0), sleeper(120)], deadline=started + 3)
    assert exit_codes[0] == 0
    assert exit_codes[1] != 0  # stopped by SIGTERM
    assert time.monotonic() - started < 30


def test_two_trainings_run_side_by_side_and_each_folder_is_collected_with_its_log(learnable_csv, tmp_path):
    configs = []
    for name in ("first", "second"):
        config = tiny_config(learnable_csv, tmp_path / "runs" / name, epochs=2, seed=len(configs))
        configs.append(tmp_path / f"{name}.json")
        config.save(configs[-1])

    table = side_by_side.run_side_by_side(configs, seconds=300, collect_dir=tmp_path / "out")

    assert list(table["run"]) == ["first", "second"]
    assert list(table["exit"]) == [0, 0]
    assert list(table["epochs"]) == [2, 2]
    assert table["best"].between(0, 1).all()
    for name in ("first", "second"):
        assert (tmp_path / "out" / f"{name}.log").is_file()
        assert (tmp_path / "out" / name / "history.csv").is_file()
        assert (tmp_path / "out" / name / "fernet_fer2013.keras").is_file()
        assert not (tmp_path / "out" / name / side_by_side.LAST_CHECKPOINT).exists()


def test_configs_writing_to_folders_of_one_name_are_refused(tmp_path, learnable_csv):
    configs = []
    for parent in ("a", "b"):
        configs.append(tmp_path / f"{parent}.json")
        tiny_config(learnable_csv, tmp_path / parent / "run").save(configs[-1])
    with pytest.raises(ValueError, match="folders of one name"):
        side_by_side.run_side_by_side(configs, seconds=10, collect_dir=tmp_path / "out")
