"""Every setting of a training run in one JSON-serialisable record, saved beside the weights.

Reading ``config.json`` back gives the exact run: data path, recipe, augmentation and
architecture, so a result can always be traced to the settings that produced it.
"""

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from ..data.augment_config import AugmentConfig
from ..models.fernet_config import ModelConfig, Stage

CLASS_WEIGHTINGS = ("none", "balanced", "sqrt")
TEACHER_VIEWS = ("clean", "mixed", "augmented")


@dataclass(frozen=True)
class TrainConfig:
    data: str = "data"
    # None: a new folder under runs/train/, named by the date and time (see fercnn.runs)
    output_dir: str | None = None
    epochs: int = 40
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 0.05
    warmup_epochs: int = 2
    label_smoothing: float = 0.1
    patience: int = 15
    class_weighting: str = "sqrt"
    # Beta(alpha, alpha) of each face's mixing ratio, 0 = off (see fercnn.data.mixing)
    mixup_alpha: float = 0.0
    cutmix_alpha: float = 0.0
    # momentum of an exponential moving average of the weights, which is validated and saved; 0 = off
    ema_momentum: float = 0.0
    seed: int = 42
    # A saved FERNet (.keras) whose weights start the run: a longer schedule in a second cycle.
    init_from: str | None = None
    # Saved models whose probabilities make up teacher_weight of each training target, softened
    # by teacher_temperature (see fercnn.training.distill); none = plain labels. teacher_views: the
    # teachers label the clean Training faces once, each epoch's mixed faces, or each epoch's
    # mixed faces after the flips and warps (then applied before fit, not inside it).
    teachers: tuple[str, ...] = ()
    teacher_weight: float = 0.5
    teacher_temperature: float = 1.0
    teacher_views: str = "clean"
    # share of each training target taken from the FER+ crowd votes' distribution over the
    # seven classes, the rest from FER2013's label (see fercnn.data.ferplus); 0 = FER2013's labels
    # alone. The PublicTest targets that choose the checkpoint are blended the same way.
    ferplus_weight: float = 0.0
    augment: AugmentConfig = field(default_factory=AugmentConfig)
    model: ModelConfig = field(default_factory=ModelConfig)

    def __post_init__(self):
        for name in ("epochs", "batch_size", "patience"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.learning_rate > 0 or self.learning_rate == float("inf"):
            raise ValueError(f"learning_rate must be a number > 0 (2e-3 is usual), got {self.learning_rate}")
        if not 0 <= self.label_smoothing < 1:
            raise ValueError(f"label_smoothing must be in [0, 1), got {self.label_smoothing}")
        for name in ("mixup_alpha", "cutmix_alpha"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0 (0 turns it off), got {getattr(self, name)}")
        if not 0 <= self.ema_momentum < 1:
            raise ValueError(
                f"ema_momentum must be in [0, 1) (0 turns it off, 0.999 is usual), got {self.ema_momentum}"
            )
        if not 0 <= self.teacher_weight <= 1:
            raise ValueError(f"teacher_weight must be in [0, 1], got {self.teacher_weight}")
        if not 0 <= self.ferplus_weight <= 1:
            raise ValueError(
                f"ferplus_weight must be in [0, 1] (0: FER2013's labels, 1: the FER+ votes alone), "
                f"got {self.ferplus_weight}"
            )
        if self.teacher_temperature <= 0:
            raise ValueError(
                f"teacher_temperature must be > 0 (1 leaves the probabilities as they are), "
                f"got {self.teacher_temperature}"
            )
        if self.teacher_views not in TEACHER_VIEWS:
            raise ValueError(
                f"teacher_views {self.teacher_views!r} is unknown: use one of {', '.join(TEACHER_VIEWS)}"
            )
        if self.class_weighting not in CLASS_WEIGHTINGS:
            raise ValueError(
                f"class_weighting {self.class_weighting!r} is unknown: "
                f"use one of {', '.join(CLASS_WEIGHTINGS)}"
            )

    def to_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, values):
        values = dict(values)
        values["teachers"] = tuple(values.get("teachers", ()))
        values["augment"] = AugmentConfig(**values.get("augment", {}))
        model = dict(values.get("model", {}))
        if "stages" in model:
            model["stages"] = tuple(Stage(**stage) for stage in model["stages"])
        values["model"] = ModelConfig(**model)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown training setting(s) {', '.join(unknown)}")
        return cls(**values)

    def save(self, path):
        Path(path).write_text(json.dumps(self.to_dict(), indent=2) + "\n")

    @classmethod
    def load(cls, path):
        """Read a saved ``config.json``; errors name the file and what is wrong with it."""
        try:
            values = json.loads(Path(path).read_text())
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} is not valid JSON ({error}): pass a config.json that train wrote"
            ) from None
        if not isinstance(values, dict):
            raise ValueError(
                f"{path} holds a JSON {type(values).__name__}, not an object of settings: "
                "pass a config.json that train wrote"
            )
        try:
            return cls.from_dict(values)
        except (TypeError, ValueError) as error:
            raise ValueError(f"{path}: {error}") from None
