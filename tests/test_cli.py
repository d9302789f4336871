import json
from pathlib import Path

import pytest
from conftest import synthetic_rows, write_csv

from fercnn.app.cli import build_parser, config_from_args, main


def test_train_writes_model_metrics_and_plots_then_evaluate_reproduces_them(
    learnable_csv, tiny_config_file, tmp_path, capsys
):
    out = tmp_path / "out"
    args = ["--data", str(learnable_csv), "--output-dir", str(out)]
    tiny = ["--config", str(tiny_config_file), "--quiet"]
    assert main(["train", *args, *tiny]) == 0
    for name in (
        "fernet_fer2013.keras",
        "config.json",
        "history.csv",
        "metrics.json",
        "training_curves.png",
        "class_distribution.png",
        "sample_faces_train.png",
        "confusion_matrix_validation.png",
    ):
        assert (out / name).is_file(), name
    trained = json.loads((out / "metrics.json").read_text())
    assert "validation (PublicTest)" in capsys.readouterr().out

    assert main(["evaluate", *args, "--model", str(out / "fernet_fer2013.keras")]) == 0
    evaluated = json.loads((out / "metrics.json").read_text())
    assert evaluated["splits"]["validation"]["accuracy"] == trained["splits"]["validation"]["accuracy"]


def test_flags_override_a_saved_config(tmp_path):
    parser = build_parser()
    first = config_from_args(parser.parse_args(["train", "--epochs", "3", "--rotation", "5", "--no-flip"]))
    assert (first.epochs, first.augment.rotation_degrees, first.augment.horizontal_flip) == (3, 5.0, False)
    first.save(tmp_path / "config.json")
    second = config_from_args(
        parser.parse_args(
            ["train", "--config", str(tmp_path / "config.json"), "--width", "0.5", "--data", "x"]
        )
    )
    assert (second.epochs, second.model.width, second.augment.rotation_degrees) == (3, 0.5, 5.0)


def test_mixing_and_averaging_flags_reach_the_config():
    args = build_parser().parse_args(["train", "--mixup", "0.2", "--cutmix", "1", "--ema", "0.999"])
    config = config_from_args(args)
    assert (config.mixup_alpha, config.cutmix_alpha, config.ema_momentum) == (0.2, 1.0, 0.999)


def test_inspect_reports_counts_and_duplicates(tmp_path, capsys):
    rows = synthetic_rows((2, 1), ("train", "validation"))
    rows.append(rows[0].replace(",Training", ",PublicTest"))  # one face leaked into validation
    path = write_csv(tmp_path / "fer2013.csv", rows)
    assert main(["inspect", "--data", str(path), "--output-dir", str(tmp_path / "out")]) == 0
    printed = capsys.readouterr().out
    assert "Byte-identical faces" in printed
    assert (tmp_path / "out" / "class_distribution.png").is_file()
    line = next(line for line in printed.splitlines() if line.split()[:2] == ["train", "validation"])
    assert line.split()[2:] == ["1", "0"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["evaluate", "--data", "nowhere.csv"], "does not exist"),
        (["train", "--data", "nowhere.csv"], "FER2013 data not found: nowhere.csv"),
        (["train", "--class-weighting", "magic"], "class_weighting 'magic' is unknown"),
        (["train", "--mixup", "-0.2"], "mixup_alpha must be >= 0"),
        (["train", "--ema", "1"], "ema_momentum must be in [0, 1)"),
    ],
)
def test_errors_are_one_clear_message_and_exit_code_2(tmp_path, capsys, argv, message):
    assert main([*argv, "--output-dir", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_a_name_used_before_is_refused_by_commands_that_cannot_continue(fer_csv, capsys):
    """``--name`` means one folder: ``train`` and ``predict`` continue a run there, the other
    commands refuse it rather than mix two runs' files (or silently write elsewhere)."""
    assert main(["inspect", "--data", str(fer_csv), "--name", "mine"]) == 0
    assert main(["inspect", "--data", str(fer_csv), "--name", "mine"]) == 2
    assert "runs/inspect/mine holds an earlier run" in capsys.readouterr().err
    assert sorted(path.name for path in Path("runs/inspect").iterdir()) == ["mine"]


def test_predict_on_ray_hands_the_paths_and_settings_to_the_ray_path(tmp_path, monkeypatch, capsys):
    """``predict --ray [ADDRESS]`` runs :func:`predict_with_ray` with predict's own settings
    (a local Ray without an address); the Ray run itself is tested in test_ray_predict.py."""
    import importlib.util

    calls = []

    def fake_predict_with_ray(paths, model, output_dir, address, **settings):
        calls.append((paths, address, settings))
        return Path(output_dir) / "predictions.csv"

    monkeypatch.setattr("fercnn.app.ray_predict.predict_with_ray", fake_predict_with_ray, raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "ray" else None)
    assert main(["predict", "photos/", "--ray", "--min-face", "40", "--output-dir", "out"]) in (0, None)
    assert main(["predict", "photos/", "--ray", "ray://head:10001", "--output-dir", "out2"]) in (0, None)
    (paths, local, settings), (_, remote, _) = calls
    assert [str(path) for path in paths] == ["photos"] and local is None and remote == "ray://head:10001"
    assert settings["min_face"] == 40 and settings["detector"] == "auto"
    assert "Table of every face: out/predictions.csv" in capsys.readouterr().out


def test_predict_on_ray_without_ray_says_how_to_install_it(monkeypatch, capsys):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "ray" else real(name, *a)
    )
    assert main(["predict", "photos/", "--ray"]) == 2
    assert 'pip install -e ".[ray]"' in capsys.readouterr().err


def test_each_command_defaults_to_the_shipped_model_for_its_purpose():
    """The photo model for the commands that read photos, the FER2013 model for those that
    score FER2013 or convert a model; both ship, and an unknown purpose is named."""
    from fercnn.app.cli import model_path
    from fercnn.models.shipped import SHIPPED, shipped_model

    assert all(shipped_model(purpose).is_file() for purpose in SHIPPED)
    parser = build_parser()
    for command, purpose in [
        (["predict"], "photos"),
        (["camera"], "photos"),
        (["demo"], "photos"),
        (["evaluate", "--photos", "DIR"], "photos"),
        (["evaluate"], "fer2013"),
        (["calibrate"], "fer2013"),
        (["export"], "fer2013"),
    ]:
        assert model_path(parser.parse_args(command)) == shipped_model(purpose), command
    with pytest.raises(ValueError, match="choose one of photos, fer2013"):
        shipped_model("faces")
