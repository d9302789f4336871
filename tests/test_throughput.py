import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import throughput  # noqa: E402


def test_ratios_are_taken_within_each_round():
    # the cores slow down threefold in the second round: both models alike
    speeds = {
        "reference": {"train": [100.0, 30.0, 100.0], "infer": [1.0, 1.0, 1.0]},
        "small": {"train": [500.0, 150.0, 400.0], "infer": [9.0, 7.0, 8.0]},
    }
    rows = throughput.table_rows(speeds, {"reference": 1_000, "small": 10})
    cells = [cell.strip() for cell in rows[1].strip("|").split("|")]
    # medians: 400 img/s, ratios 5x, 5x, 4x -> median 5.0x, range 4.0x to 5.0x, inference 8
    assert cells == ["small", "10", "400", "5.0x", "4.0x to 5.0x", "8"]
    assert rows[0].split("|")[4].strip() == "1.0x"


def test_every_model_is_timed_once_a_round_in_turn():
    calls = []

    def timer(name, kind):
        return lambda: calls.append((name, kind)) or len(calls)

    timers = {name: (timer(name, "train"), timer(name, "infer")) for name in ("a", "b")}
    speeds = throughput.measure_in_rounds(timers, rounds=2)
    assert [name for name, kind in calls if kind == "train"] == ["a", "b", "a", "b"]
    assert speeds["b"]["train"] == [3, 7]
