import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import recipe_ablation  # noqa: E402


def _leaves(values, prefix=""):
    for key, value in values.items():
        if isinstance(value, dict):
            yield from _leaves(value, f"{prefix}{key}.")
        else:
            yield f"{prefix}{key}", value


def test_every_variant_changes_exactly_one_setting_of_the_baseline():
    baseline = dict(_leaves(recipe_ablation.BASELINE.to_dict()))
    for name, changes in recipe_ablation.VARIANTS.items():
        variant = dict(_leaves(replace(recipe_ablation.BASELINE, **changes).to_dict()))
        changed = [key for key in baseline if variant[key] != baseline[key]]
        assert len(changed) == (0 if name == "baseline" else 1), (name, changed)


def test_every_variant_trains_into_its_own_folder():
    slugs = [recipe_ablation._slug(name) for name in recipe_ablation.VARIANTS]
    assert len(set(slugs)) == len(slugs)
