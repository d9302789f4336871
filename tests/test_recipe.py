"""``python -m fercnn recipe``: the shipped model's lineage as data, its commands, a scaled-down
run of every stage, and the model card's Lineage table made from the same data."""

from pathlib import Path

import pytest

from fercnn.app.cli import build_parser, config_from_args, main
from fercnn.run_files import BEST_MODEL, CALIBRATION_FILE
from fercnn.training import recipe
from fercnn.training.checkpoints import STATE, TrainState
from fercnn.training.recipe import CALIBRATED, LINEAGE, lineage_table, run_recipe, stage_command, stage_config

ROOT = Path(__file__).resolve().parents[1]


def test_every_stage_starts_from_and_learns_from_earlier_stages_only():
    seen = set()
    for stage in LINEAGE:
        assert stage.init_from is None or stage.init_from in seen, stage.name
        assert set(stage.teachers) <= seen, stage.name
        seen.add(stage.name)
    assert {"wide11", "wide12", "wide13"} <= set(LINEAGE[-1].teachers)  # the wide teachers are trained
    assert sorted({stage.number for stage in LINEAGE}) == list(range(1, 9))


def test_dry_run_prints_every_stage_in_order(capsys):
    assert main(["recipe", "--dry-run", "--data", "fer.csv", "--name", "check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    commands = [line for line in lines if not line.startswith("#")]
    assert len(commands) == len(LINEAGE) + 1 and commands[-1].startswith("python -m fercnn calibrate")
    for stage, command in zip(LINEAGE, commands, strict=False):
        assert command.startswith("python -m fercnn train --data fer.csv")
        assert f"--output-dir runs/recipe/check/{stage.name} " in command + " "


@pytest.mark.parametrize("scale", [dict(), dict(epochs_scale=0.1), dict(tiny=True)])
def test_each_printed_command_trains_the_config_the_recipe_trains(scale, tmp_path):
    """The commands are what ``recipe`` runs: each parsed by ``train`` gives the stage's config."""
    if scale.get("tiny"):
        recipe._write_record(tmp_path, "fer.csv", 1.0, True, {})  # the base config the commands name
    extra = {"data_parallel": True}
    for stage in LINEAGE:
        command = stage_command(stage, "fer.csv", tmp_path, extra=extra, **scale)
        parsed = config_from_args(build_parser().parse_args(command[3:]))
        assert parsed == stage_config(stage, tmp_path, extra=extra, **scale), stage.name


def test_the_model_cards_lineage_is_the_recipes():
    card = (ROOT / "models" / "README.md").read_text()
    assert lineage_table() in card


def test_the_tiny_recipe_trains_every_stage_then_skips_them_on_a_rerun(learnable_csv, tmp_path, monkeypatch):
    folder = tmp_path / "recipe"
    calibrated = run_recipe(str(learnable_csv), folder, tiny=True, verbose=0)
    assert calibrated == folder / CALIBRATED / BEST_MODEL and (calibrated.parent / CALIBRATION_FILE).is_file()
    for stage in LINEAGE:
        assert TrainState.load(folder / stage.name / STATE).epochs_done == 1, stage.name
        assert (folder / stage.name / BEST_MODEL).is_file()

    # an interrupted last stage resumes; every finished one is skipped
    (folder / LINEAGE[-1].name / STATE).unlink()
    trained = []
    monkeypatch.setattr(
        "fercnn.training.loop.train", lambda config, data, output_dir, **k: trained.append(output_dir)
    )
    run_recipe(str(learnable_csv), folder, tiny=True, verbose=0)
    assert trained == [folder / LINEAGE[-1].name]
