import numpy as np
import pytest
from conftest import TINY_MODEL
from scipy.stats import binomtest

from fercnn.app.cli import main
from fercnn.evaluation.intervals import (
    PairedComparison,
    accuracy_interval,
    compare_predictions,
    format_comparison,
)
from fercnn.models.fernet import build_fernet


@pytest.mark.parametrize(("correct", "total"), [(0, 10), (5, 10), (10, 10), (2546, 3589), (36, 56)])
def test_accuracy_interval_is_wilsons_interval(correct, total):
    expected = binomtest(correct, total).proportion_ci(0.95, method="wilson")
    assert accuracy_interval(correct, total) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_accuracy_interval_widens_with_confidence_and_narrows_with_faces():
    low_90, high_90 = accuracy_interval(70, 100, confidence=0.9)
    low_95, high_95 = accuracy_interval(70, 100)
    low_big, high_big = accuracy_interval(700, 1000)
    assert low_95 < low_90 < 0.7 < high_90 < high_95
    assert high_big - low_big < high_95 - low_95


@pytest.mark.parametrize(
    ("correct", "total", "confidence", "message"),
    [(5, 0, 0.95, "total > 0"), (11, 10, 0.95, "correct=11"), (5, 10, 95, "confidence must lie")],
)
def test_accuracy_interval_rejects_impossible_counts(correct, total, confidence, message):
    with pytest.raises(ValueError, match=message):
        accuracy_interval(correct, total, confidence)


@pytest.mark.parametrize(("only_a", "only_b"), [(59, 68), (0, 9), (30, 30), (1, 0)])
def test_p_value_is_the_exact_two_sided_binomial_test_on_the_disagreements(only_a, only_b):
    comparison = PairedComparison(both_right=100, only_a_right=only_a, only_b_right=only_b, both_wrong=40)
    assert comparison.p_value == pytest.approx(binomtest(only_a, only_a + only_b).pvalue, rel=1e-12)


def test_models_that_never_disagree_have_p_value_one():
    assert PairedComparison(both_right=7, only_a_right=0, only_b_right=0, both_wrong=3).p_value == 1.0


def test_compare_predictions_counts_who_was_right():
    labels = np.array([0, 1, 2, 3, 4, 5])
    a = np.array([0, 1, 2, 0, 0, 0])  # right on the first three
    b = np.array([0, 0, 2, 3, 4, 0])  # right on 0, 2, 3 and 4
    comparison = compare_predictions(labels, a, b)
    assert comparison == PairedComparison(both_right=2, only_a_right=1, only_b_right=2, both_wrong=1)
    assert (comparison.faces, comparison.correct_a, comparison.correct_b) == (6, 3, 4)
    table = format_comparison(comparison, "a.keras", "b.keras", "PublicTest")
    assert "PublicTest, 6 faces" in table and "B - A: +16.67 points" in table


def test_compare_predictions_names_the_shapes_that_do_not_match():
    with pytest.raises(ValueError, match=r"\(3,\), \(2,\) and \(3,\)"):
        compare_predictions(np.zeros(3), np.zeros(2), np.zeros(3))


def test_compare_command_pairs_two_models_on_publictest(trained_run, learnable_csv, tmp_path, capsys):
    _, result = trained_run
    untrained = tmp_path / "untrained.keras"
    build_fernet(TINY_MODEL).save(untrained)
    assert main(["compare", str(untrained), str(result.best_model_path), "--data", str(learnable_csv)]) == 0
    out = capsys.readouterr().out
    assert "PublicTest (validation split), 42 faces" in out
    assert f"{result.state.best_val_accuracy:.4f}" in out.splitlines()[3]  # row B: the trained model
    assert "exact McNemar" in out

    same = [str(result.best_model_path)] * 2
    assert main(["compare", *same, "--data", str(learnable_csv), "--flip-tta"]) == 0
    out = capsys.readouterr().out
    assert "flip TTA" in out and "only A right 0, only B right 0" in out and "p = 1 " in out


def test_compare_command_on_a_split_the_data_lacks_says_so(trained_run, learnable_csv, capsys):
    model = str(trained_run[1].best_model_path)
    assert main(["compare", model, model, "--data", str(learnable_csv), "--split", "test"]) == 2
    assert "PrivateTest" in capsys.readouterr().err
