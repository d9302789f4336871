import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
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


def test_level_line_summarises_the_last_half_of_the_run():
    history = pd.Series([0.60, 0.70, 0.71, 0.69, 0.70])
    expected = "PublicTest over the last 3 epochs: mean 70.00%, 69.00% to 71.00%"
    assert model_card.level_line(history) == expected
