"""The shipped model's lineage as data, and a run of it end to end (``python -m fercnn recipe``).

The shipped model came from eight training stages (eleven runs: stage 3 has a sister run and
stage 7 trains three wide teachers), each warm-started from an earlier one and most distilled
from earlier ones, then a calibration temperature. :data:`LINEAGE` lists them once: the
model card's Lineage table (:func:`lineage_table`), the ``train`` commands of
``recipe --dry-run`` (:func:`stage_command`) and the configs :func:`run_recipe` trains are
all made from it, so the card, the commands and the run cannot drift apart.

A recipe runs into one folder, ``runs/recipe/NAME/``: each stage in a sub-folder named after
it, a normal ``train`` run folder with its own ``config.json``, ``train_state.json`` and
``history.csv``. Running it again goes on where it stopped: a finished stage is skipped, an
interrupted one resumes from its last epoch. The wide teachers' weights were never committed,
so the recipe trains them too. ``epochs_scale`` and ``tiny`` shrink it (for a quick look or a
test): every stage's epochs, patience and warm-up scaled, or one epoch of a small network.
"""

import json
import logging
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from ..data.augment_config import AugmentConfig
from ..models.fernet_config import ModelConfig, Stage
from ..run_files import BEST_MODEL, CALIBRATION_FILE, CONFIG
from ..settings import flag_name
from .checkpoints import STATE, TrainState
from .config import TrainConfig

__all__ = [
    "CALIBRATED",
    "LINEAGE",
    "TINY_MODEL",
    "RecipeStage",
    "lineage_table",
    "recipe_commands",
    "run_recipe",
    "stage_command",
    "stage_config",
]

LOGGER = logging.getLogger(__name__)

CALIBRATED = "calibrated"  # the folder of the last step, the temperature
RECIPE_RECORD = "recipe.json"
BASE_CONFIG = "base_config.json"  # the settings every stage starts from, where not the defaults


@dataclass(frozen=True)
class RecipeStage:
    """One training run of the lineage: its folder ``name``, the card's stage ``number``,
    the settings it changes from :class:`TrainConfig`'s defaults (field names of the config or
    its ``model`` and ``augment`` sections), the stage it starts from and its teachers (stage
    names), and its best PublicTest accuracy as recorded in ``docs/EXPERIMENTS.md``."""

    name: str
    number: int
    summary: str
    settings: dict = field(default_factory=dict)
    init_from: str | None = None
    teachers: tuple[str, ...] = ()
    publictest: str = ""


REGULARISERS = {"mixup_alpha": 0.2, "cutmix_alpha": 1.0, "ema_momentum": 0.999}
DISTILLED = {"learning_rate": 1e-4, "warmup_epochs": 1, "teacher_temperature": 2.0, "teacher_weight": 1.0}
FIVE_TEACHERS = ("s4", "s3", "s3b", "s2", "s1")


def _run(epochs, **settings):
    return {"epochs": epochs, "patience": epochs, **settings}


def _wide(seed, publictest):
    settings = _run(55, width=2.0, seed=seed, learning_rate=1e-3, warmup_epochs=3, **REGULARISERS)
    summary = "a teacher twice as wide (3.2M parameters), from scratch on the labels"
    return RecipeStage(f"wide{seed}", 7, summary, settings, publictest=publictest)


LINEAGE: tuple[RecipeStage, ...] = (
    RecipeStage("s1", 1, "from scratch, the package defaults", {"patience": 40}, publictest="67.32%"),
    RecipeStage(
        "s2",
        2,
        "the regularisers (mixup, CutMix, a moving average of the weights)",
        _run(45, learning_rate=1e-3, warmup_epochs=1, **REGULARISERS),
        init_from="s1",
        publictest="68.60%",
    ),
    RecipeStage(
        "s3",
        3,
        "the same, longer",
        _run(101, learning_rate=1e-3, warmup_epochs=1, **REGULARISERS),
        init_from="s2",
        publictest="69.46%",
    ),
    RecipeStage(
        "s3b",
        3,
        "its sister at peak rate 2e-3 (a teacher from stage 4 on)",
        _run(96, learning_rate=2e-3, warmup_epochs=2, **REGULARISERS),
        init_from="s2",
        publictest="69.35%",
    ),
    RecipeStage(
        "s4",
        4,
        "half label, half the mean of four teachers",
        _run(36, learning_rate=1e-4, warmup_epochs=1, teacher_temperature=2.0, **REGULARISERS),
        init_from="s3",
        teachers=("s3", "s3b", "s2", "s1"),
        publictest="70.02%",
    ),
    RecipeStage(
        "s5",
        5,
        "five teachers label each epoch's blends",
        _run(60, teacher_views="mixed", **REGULARISERS, **DISTILLED),
        init_from="s4",
        teachers=FIVE_TEACHERS,
        publictest="70.66%",
    ),
    RecipeStage(
        "s6",
        6,
        "the teachers see each blend after its flip and warp",
        _run(60, teacher_views="augmented", **REGULARISERS, **DISTILLED),
        init_from="s5",
        teachers=FIVE_TEACHERS,
        publictest="70.94%",
    ),
    _wide(11, "68.82%"),
    _wide(12, "67.76%"),
    _wide(13, "68.38%"),
    RecipeStage(
        "s8",
        8,
        "eight teachers: the five and the three wide ones (then the temperature)",
        _run(15, teacher_views="augmented", **REGULARISERS, **DISTILLED),
        init_from="s6",
        teachers=(*FIVE_TEACHERS, "wide11", "wide12", "wide13"),
        publictest="71.08%",
    ),
)

# One epoch of this network takes seconds on a CPU: ``recipe --tiny`` checks the whole chain
TINY_MODEL = ModelConfig(
    stem_channels=16,
    head_channels=32,
    dropout=0.0,
    batchnorm_momentum=0.8,
    stages=(Stage(1, 16, 1, 2, "fused"), Stage(2, 32, 1, 2, "mbconv")),
)


def base_config(tiny: bool = False) -> TrainConfig:
    """What every stage starts from: the defaults, or for ``tiny`` the small network."""
    return TrainConfig(model=TINY_MODEL) if tiny else TrainConfig()


def scaled_settings(stage: RecipeStage, epochs_scale: float = 1.0, tiny: bool = False) -> dict:
    """The stage's settings with its epochs, patience and warm-up scaled (at least one epoch;
    ``tiny``: exactly one)."""
    settings = dict(stage.settings)
    epochs = settings.get("epochs", TrainConfig().epochs)
    patience = settings.get("patience", TrainConfig().patience)
    warmup = settings.get("warmup_epochs", TrainConfig().warmup_epochs)
    scale = 0.0 if tiny else epochs_scale
    if scale != 1.0:
        settings["epochs"] = max(1, round(epochs * scale))
        settings["patience"] = max(1, round(patience * scale))
        settings["warmup_epochs"] = min(round(warmup * scale), settings["epochs"])
    return settings


def stage_folder(folder, stage_name: str) -> Path:
    return Path(folder) / stage_name


def stage_config(
    stage: RecipeStage,
    folder,
    epochs_scale: float = 1.0,
    tiny: bool = False,
    extra: dict | None = None,
) -> TrainConfig:
    """The :class:`TrainConfig` of ``stage`` in the recipe folder ``folder`` (which names its
    starting model and teachers; the stage trains in :func:`stage_folder`); ``extra`` adds
    settings to every stage (``data_parallel``, ``batch_size``)."""
    config = base_config(tiny)
    settings = scaled_settings(stage, epochs_scale, tiny) | (extra or {})
    top = {name: settings.pop(name) for name in list(settings) if name in _names(TrainConfig)}
    sections = {}
    for section, kind in (("model", ModelConfig), ("augment", AugmentConfig)):
        values = {name: settings.pop(name) for name in list(settings) if name in _names(kind)}
        sections[section] = replace(getattr(config, section), **values)
    if settings:
        raise ValueError(f"stage {stage.name}: unknown settings {', '.join(settings)}")
    return replace(
        config,
        init_from=str(stage_folder(folder, stage.init_from) / BEST_MODEL) if stage.init_from else None,
        teachers=tuple(str(stage_folder(folder, name) / BEST_MODEL) for name in stage.teachers),
        **top,
        **sections,
    )


def stage_command(
    stage: RecipeStage, data: str, folder, epochs_scale: float = 1.0, tiny: bool = False, extra=None
) -> list[str]:
    """The ``python -m fercnn train`` command that trains ``stage`` as :func:`stage_config` does."""
    command = ["python", "-m", "fercnn", "train", "--data", str(data)]
    command += ["--output-dir", str(stage_folder(folder, stage.name))]
    if tiny:
        command += ["--config", str(Path(folder) / BASE_CONFIG)]
    if stage.init_from:
        command += ["--init-from", str(stage_folder(folder, stage.init_from) / BEST_MODEL)]
    for name, value in (scaled_settings(stage, epochs_scale, tiny) | (extra or {})).items():
        if isinstance(value, bool):
            command.append(flag_name(name) if value else "--no-" + flag_name(name)[2:])
        else:
            command += [flag_name(name), f"{value:g}" if isinstance(value, float) else str(value)]
    for teacher in stage.teachers:
        command += ["--teacher", str(stage_folder(folder, teacher) / BEST_MODEL)]
    return command


def calibrate_command(data: str, folder) -> list[str]:
    model = stage_folder(folder, LINEAGE[-1].name) / BEST_MODEL
    output = stage_folder(folder, CALIBRATED)
    return ["python", "-m", "fercnn", "calibrate", "--data", str(data), "--model", str(model)] + [
        "--output-dir",
        str(output),
    ]


def recipe_commands(
    data: str, folder, epochs_scale: float = 1.0, tiny: bool = False, extra=None
) -> list[str]:
    """Every command of the recipe, in order, as shell lines, each after a comment naming its stage."""
    lines = []
    for stage in LINEAGE:
        lines.append(f"# {stage.number}. {stage.name}: {stage.summary} ({stage.publictest} on PublicTest)")
        lines.append(_shell(stage_command(stage, data, folder, epochs_scale, tiny, extra)))
    lines.append("# then the temperature, fitted on PublicTest")
    lines.append(_shell(calibrate_command(data, folder)))
    return lines


def _shell(command):
    import shlex

    return " ".join(shlex.quote(part) for part in command)


def stage_finished(folder) -> bool:
    """Whether the run folder holds a run that has trained all its epochs or stopped early."""
    state_path, config_path = Path(folder) / STATE, Path(folder) / CONFIG
    if not (state_path.is_file() and config_path.is_file()):
        return False
    state, config = TrainState.load(state_path), TrainConfig.load(config_path)
    return state.epochs_done >= config.epochs or state.epochs_without_improvement >= config.patience


def run_recipe(
    data_path: str,
    folder,
    epochs_scale: float = 1.0,
    tiny: bool = False,
    extra: dict | None = None,
    verbose="auto",
    data=None,
) -> Path:
    """Train every stage of :data:`LINEAGE` into ``folder`` (skipping finished stages, resuming
    an interrupted one), then calibrate the last; returns the calibrated model's path."""
    from ..data.loading import load_fer2013
    from ..evaluation.calibration import calibrate
    from .loop import train

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _write_record(folder, data_path, epochs_scale, tiny, extra)
    data = data if data is not None else load_fer2013(data_path)
    for index, stage in enumerate(LINEAGE, 1):
        config = stage_config(stage, folder, epochs_scale, tiny, extra)
        if stage_finished(stage_folder(folder, stage.name)):
            LOGGER.info(f"[{index}/{len(LINEAGE)}] {stage.name}: finished, skipped")
            continue
        LOGGER.info(f"[{index}/{len(LINEAGE)}] {stage.name} (stage {stage.number}): {stage.summary}")
        train(config, data, stage_folder(folder, stage.name), verbose=verbose)
    calibrated = stage_folder(folder, CALIBRATED) / BEST_MODEL
    if not (calibrated.is_file() and (calibrated.parent / CALIBRATION_FILE).is_file()):
        LOGGER.info(f"calibrating {LINEAGE[-1].name} on PublicTest")
        calibrated.parent.mkdir(exist_ok=True)
        calibrate(stage_folder(folder, LINEAGE[-1].name) / BEST_MODEL, data["validation"], calibrated)
    return calibrated


def _write_record(folder, data_path, epochs_scale, tiny, extra):
    """What the recipe folder was run with, and (``tiny``) the base config its commands name."""
    record = {"data": str(data_path), "epochs_scale": epochs_scale, "tiny": tiny, "extra": extra or {}}
    record["stages"] = [stage.name for stage in LINEAGE] + [CALIBRATED]
    (Path(folder) / RECIPE_RECORD).write_text(json.dumps(record, indent=2) + "\n")
    if tiny:
        base_config(tiny).save(Path(folder) / BASE_CONFIG)


def _names(kind) -> set[str]:
    return {item.name for item in fields(kind)}


def lineage_table(stages: tuple[RecipeStage, ...] = LINEAGE) -> str:
    """The model card's Lineage table: each run, what it starts from, its teachers, the
    settings it changes from the defaults, and its PublicTest accuracy."""
    lines = [
        "| stage | run | what | starts from | teachers | settings (flags of `train`) | PublicTest |",
        "|---:|---|---|---|---|---|---:|",
    ]
    for stage in stages:
        settings = " ".join(
            f"`{flag_name(name)} {value:g}`" if isinstance(value, float) else f"`{flag_name(name)} {value}`"
            for name, value in stage.settings.items()
        )
        lines.append(
            f"| {stage.number} | {stage.name} | {stage.summary} | {stage.init_from or 'random weights'} "
            f"| {', '.join(stage.teachers) or 'none'} | {settings} | {stage.publictest} |"
        )
    return "\n".join(lines)
