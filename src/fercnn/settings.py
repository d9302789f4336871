"""Settings declared once: each field of a config dataclass carries its help and its constraint.

A config (``TrainConfig``, ``AugmentConfig``, ``ModelConfig``) declares a field with
:func:`setting`; :func:`validate` checks every field against its constraint with one message
format, and :func:`add_arguments` turns the same fields into command-line flags whose names are
the field names (``learning_rate`` is ``--learning-rate``), so a new setting is one line in its
dataclass. This module needs no deep-learning framework: ``--help`` stays fast.
"""

import argparse
import math
from collections.abc import Iterable
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from typing import Any

from .errors import SettingError

__all__ = ["OneOf", "Range", "add_arguments", "arguments_to_values", "flag_name", "setting", "validate"]


@dataclass(frozen=True)
class Range:
    """A finite number between ``low`` and ``high``; either end may be open or absent."""

    low: float | None = None
    high: float | None = None
    low_open: bool = False
    high_open: bool = False

    def allows(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return False
        above = self.low is None or (value > self.low if self.low_open else value >= self.low)
        below = self.high is None or (value < self.high if self.high_open else value <= self.high)
        return above and below

    def describe(self) -> str:
        if self.low is not None and self.high is not None:
            opening, closing = "(" if self.low_open else "[", ")" if self.high_open else "]"
            return f"in {opening}{self.low:g}, {self.high:g}{closing}"
        if self.low is not None:
            return f"{'>' if self.low_open else '>='} {self.low:g}"
        return f"{'<' if self.high_open else '<='} {self.high:g}"


@dataclass(frozen=True)
class OneOf:
    """One of a fixed set of names."""

    choices: tuple[str, ...]

    def allows(self, value: Any) -> bool:
        return value in self.choices

    def describe(self) -> str:
        return f"one of {', '.join(self.choices)}"


def setting(
    default: Any = MISSING,
    help: str = "",
    check: Range | OneOf | None = None,
    *,
    hint: str = "",
    aliases: tuple[str, ...] = (),
    flag: bool = True,
    default_factory: Any = MISSING,
) -> Any:
    """A dataclass field with its help text, constraint and flag.

    ``hint`` follows the rule in an error (what the usual value is, what 0 means); ``aliases``
    are older short flags kept working (``--mixup`` for ``--mixup-alpha``); ``flag=False`` keeps
    a field off the command line (a nested section, a tuple of stages).
    """
    metadata = {"help": help, "check": check, "hint": hint, "aliases": aliases, "flag": flag}
    if default_factory is not MISSING:
        return field(default_factory=default_factory, metadata=metadata)
    return field(default=default, metadata=metadata)


def validate(config: Any) -> None:
    """Check every field of ``config`` that declares a constraint; the first one broken raises a
    :class:`SettingError` that names the field, its rule and the value given."""
    owner = type(config).__name__
    for item in fields(config):
        check = item.metadata.get("check")
        value = getattr(config, item.name)
        if check is None or check.allows(value):
            continue
        hint = item.metadata.get("hint")
        if isinstance(check, OneOf):
            raise SettingError(f"{owner}.{item.name} {value!r} is unknown: use {check.describe()}")
        raise SettingError(
            f"{owner}.{item.name} must be {check.describe()}{f' ({hint})' if hint else ''}, got {value!r}"
        )


def flag_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def add_arguments(parser: argparse.ArgumentParser, config_type: type, skip: Iterable[str] = ()) -> None:
    """One flag per field of ``config_type`` and of its nested config sections, named after the
    field, with the field's help and default; every flag defaults to None (not given), so that
    only what the user typed overrides a saved config."""
    defaults = config_type()
    for item, section in _flag_fields(config_type, set(skip)):
        default = getattr(getattr(defaults, section) if section else defaults, item.name)
        help_text = f"{item.metadata.get('help', '')} (default {default})"
        names = [flag_name(item.name), *(flag_name(alias) for alias in item.metadata.get("aliases", ()))]
        if isinstance(default, bool):
            parser.add_argument(*names, action=argparse.BooleanOptionalAction, default=None, help=help_text)
            continue
        check = item.metadata.get("check")
        if isinstance(check, OneOf):  # named in the help; a wrong name gets validate()'s message
            help_text = f"{check.describe()}: {help_text}"
        kind = type(default) if default is not None else str
        parser.add_argument(*names, dest=item.name, type=kind, default=None, help=help_text)


def arguments_to_values(args: argparse.Namespace, config_type: type, skip: Iterable[str] = ()) -> dict:
    """The flags the user gave, as ``{field: value}`` for the top level and
    ``{section: {field: value}}`` for each nested section."""
    values: dict[str, Any] = {}
    for item, section in _flag_fields(config_type, set(skip)):
        value = getattr(args, item.name, None)
        if value is not None:
            (values.setdefault(section, {}) if section else values)[item.name] = value
    return values


def _flag_fields(config_type: type, skip: set[str]):
    """``(field, section)`` for every field that is a flag: top-level ones with section None,
    then each nested dataclass section's own."""
    for item in fields(config_type):
        if item.name in skip or not item.metadata.get("flag", True):
            if _is_section(item):
                yield from ((inner, item.name) for inner, _ in _flag_fields(_section_type(item), skip))
            continue
        yield item, None


def _is_section(item) -> bool:
    return item.default_factory is not MISSING and is_dataclass(item.default_factory)


def _section_type(item) -> type:
    return item.default_factory
