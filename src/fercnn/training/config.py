"""Every setting of a training run in one JSON-serialisable record, saved beside the weights.

Reading ``config.json`` back gives what the run was: recipe, augmentation and architecture, so a
result can always be traced to the settings that produced it. Where a run is (its data and its
folder) is not part of it: :func:`fercnn.training.loop.train` takes them apart, and the run's
``train_state.json`` records the data it last trained on.
"""

import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..data.augment_config import AugmentConfig
from ..errors import SettingError
from ..models.fernet_config import ModelConfig, Stage
from ..settings import OneOf, Range, setting, validate

CLASS_WEIGHTINGS = ("none", "balanced", "sqrt")
# where a run was, which records written before where and what were kept apart also hold
WHERE_KEYS = ("data", "output_dir")
TEACHER_VIEWS = ("clean", "mixed", "augmented")


@dataclass(frozen=True)
class TrainConfig:
    """What a run is: its recipe, augmentation and architecture; every field is a ``train`` flag
    of the same name (see :mod:`fercnn.settings`)."""

    epochs: int = setting(40, "training epochs", Range(1))
    batch_size: int = setting(64, "images per step (with --data-parallel, of all devices together)", Range(1))
    # keras.distribution.DataParallel over every device (see fercnn.training.distribute)
    data_parallel: bool = setting(
        False, "split each batch between every GPU (or TPU, or CPU device) at once; JAX backend only"
    )
    learning_rate: float = setting(
        2e-3, "peak AdamW learning rate", Range(0, low_open=True), hint="2e-3 is usual"
    )
    weight_decay: float = setting(0.05, "AdamW decoupled weight decay", Range(0))
    warmup_epochs: int = setting(2, "linear warm-up before cosine decay", Range(0))
    label_smoothing: float = setting(0.1, "label smoothing of the cross-entropy", Range(0, 1, high_open=True))
    patience: int = setting(15, "early stopping: epochs without a PublicTest gain", Range(1))
    class_weighting: str = setting("sqrt", "weights of the classes in the loss", OneOf(CLASS_WEIGHTINGS))
    mixup_alpha: float = setting(
        0.0, "mixup's Beta(alpha, alpha), 0 = off", Range(0), hint="0 turns it off", aliases=("mixup",)
    )
    cutmix_alpha: float = setting(
        0.0, "CutMix's Beta(alpha, alpha), 0 = off", Range(0), hint="0 turns it off", aliases=("cutmix",)
    )
    ema_momentum: float = setting(
        0.0,
        "momentum of the weights' moving average, validated and saved; 0 = off",
        Range(0, 1, high_open=True),
        hint="0 turns it off, 0.999 is usual",
        aliases=("ema",),
    )
    seed: int = setting(42, "random seed")
    init_from: str | None = setting(None, "a saved .keras model whose weights start the run (a second cycle)")
    # saved models whose probabilities make up teacher_weight of each target (see fercnn.training.distill)
    teachers: tuple[str, ...] = setting((), flag=False)
    teacher_weight: float = setting(0.5, "share of each target from the --teacher models", Range(0, 1))
    teacher_temperature: float = setting(
        1.0, "softens the teachers' probabilities", Range(0, low_open=True), hint="1 leaves them as they are"
    )
    teacher_views: str = setting(
        "clean",
        "what the teachers label: the clean faces once, or each epoch's mixed or augmented ones",
        OneOf(TEACHER_VIEWS),
    )
    # the FER+ votes' share of each target, the rest FER2013's label (see fercnn.data.ferplus);
    # the PublicTest targets that choose the checkpoint are blended the same way
    ferplus_weight: float = setting(
        0.0,
        "share of each target from the FER+ votes, 0 = off",
        Range(0, 1),
        hint="0: FER2013's labels, 1: the FER+ votes alone",
    )
    augment: AugmentConfig = setting(default_factory=AugmentConfig, flag=False)
    model: ModelConfig = setting(default_factory=ModelConfig, flag=False)

    def __post_init__(self):
        validate(self)

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, values):
        values = {name: value for name, value in values.items() if name not in WHERE_KEYS}
        values["teachers"] = tuple(values.get("teachers", ()))
        values["augment"] = AugmentConfig(**values.get("augment", {}))
        model = dict(values.get("model", {}))
        if "stages" in model:
            model["stages"] = tuple(Stage(**stage) for stage in model["stages"])
        values["model"] = ModelConfig(**model)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise SettingError(f"unknown training setting(s) {', '.join(unknown)}")
        return cls(**values)

    def save(self, path):
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path):
        """Read a saved ``config.json``; errors name the file and what is wrong with it."""
        try:
            values = json.loads(Path(path).read_text())
        except json.JSONDecodeError as error:
            raise SettingError(
                f"{path} is not valid JSON ({error}): pass a config.json that train wrote"
            ) from None
        if not isinstance(values, dict):
            raise SettingError(
                f"{path} holds a JSON {type(values).__name__}, not an object of settings: "
                "pass a config.json that train wrote"
            )
        try:
            return cls.from_dict(values)
        except (TypeError, ValueError) as error:
            raise SettingError(f"{path}: {error}") from None
