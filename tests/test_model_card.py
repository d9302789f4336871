import json
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import model_card  # noqa: E402

SPLIT = {
    "usage": "PublicTest",
    "images": 3589,
    "accuracy": 0.7094,
    "accuracy_ci95": [0.6943, 0.7240],
    "macro_f1": 0.6983,
    "accuracy_flip_tta": 0.7127,
    "macro_f1_flip_tta": 0.7022,
}


def test_results_table_quotes_each_accuracy_with_its_interval():
    table = model_card.results_table({"splits": {"validation": SPLIT}, "missing_splits": ["PrivateTest"]})
    header, rule, row, missing = table.splitlines()
    assert row == "| validation (PublicTest) | 3,589 | 70.94% | 69.4% to 72.4% | 0.6983 | 71.27% | 0.7022 |"
    assert header.count("|") == rule.count("|") == row.count("|") == missing.count("|")


def test_headline_quotes_accuracy_interval_f1_and_flip_tta():
    assert model_card.headline(SPLIT) == "70.94% (69.4% to 72.4%), macro-F1 0.6983; 71.27% with flip TTA"


def test_level_line_summarises_the_last_half_of_the_run():
    history = pd.Series([0.60, 0.70, 0.71, 0.69, 0.70])
    expected = "PublicTest over the last 3 epochs: mean 70.00%, 69.00% to 71.00%"
    assert model_card.level_line(history) == expected


def figures(row):
    """A table row's cells after its label, without bold marks, so emphasis in the docs does not
    count as a different figure."""
    return [cell.strip().strip("*") for cell in row.strip().strip("|").split("|")][1:]


def rows_for(document, split):
    """The figures of each results-table row labelled with the split, e.g. "validation (PublicTest)"."""
    labels = (f"| {split} (", f"| **{split} (")
    return [figures(line) for line in document.splitlines() if line.startswith(labels)]


def test_readme_and_card_quote_the_shipped_models_metrics():
    metrics = json.loads((ROOT / "models" / "metrics.json").read_text())
    shipped = model_card.results_table(metrics)
    assert len(rows_for(shipped, "validation")) == len(rows_for(shipped, "train")) == 1
    readme, card = (ROOT / "README.md").read_text(), (ROOT / "models" / "README.md").read_text()
    assert model_card.headline(metrics["splits"]["validation"]) in readme
    assert rows_for(card, "validation") == rows_for(shipped, "validation")
    assert rows_for(card, "train") == rows_for(shipped, "train")
    for row in model_card.per_class_table(metrics["splits"]["validation"]).splitlines()[2:]:
        assert row in card


def test_the_cards_front_matter_quotes_the_metrics():
    """The Hugging Face front matter's PublicTest accuracy is the one in metrics.json."""
    for folder in (ROOT / "models", ROOT / "models" / "ferplus"):
        card = (folder / "README.md").read_text()
        assert card.startswith("---\nlicense: mit\n"), folder
        front = card.split("---\n")[1]
        assert "datasets:\n  - fer2013" in front and "## How to get started" in card
    metrics = json.loads((ROOT / "models" / "metrics.json").read_text())
    value = f"value: {metrics['splits']['validation']['accuracy']:.4f}"
    assert value in (ROOT / "models" / "README.md").read_text().split("---\n")[1]
